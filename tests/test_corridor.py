"""Tests of leopardrange.corridors.corridor and .linkages, and of their commands.

Known answers on small synthetic grids in LAEA (100 m cells): uniform cost, a wall with
one gap, a channel of known width, cores in a row.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from rasterio.transform import from_origin

from leopardrange.cli.main import main_group
from leopardrange.corridors import (
    CWD_NODATA,
    least_cost_corridor,
    linkage_network,
    min_width_m,
    read_resistance,
)
from leopardrange.errors import (
    CRSError,
    LegendError,
    OutputExistsError,
    ResistanceError,
    SchemaError,
    SourceError,
    UnreachableError,
)
from tests.conftest import LAEA

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)

RES = 100.0
ROWS, COLS = 30, 50
NODATA = -9999.0


def write_grid(path: Path, data: np.ndarray, *, crs=LAEA, transform=None) -> Path:
    t = transform if transform is not None else from_origin(0.0, data.shape[0] * RES, RES, RES)
    profile = {
        "driver": "GTiff",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": t,
        "nodata": NODATA,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype(np.float32), 1)
    return path


def centre(row: int, col: int) -> shapely.Point:
    return shapely.Point((col + 0.5) * RES, (ROWS - row - 0.5) * RES)


def cell_box(r0: int, c0: int, r1: int, c1: int) -> shapely.Polygon:
    """Polygon covering rows r0..r1-1 and cols c0..c1-1 exactly."""
    return shapely.box(c0 * RES, (ROWS - r1) * RES, c1 * RES, (ROWS - r0) * RES)


def frame(*geoms, names=None) -> gpd.GeoDataFrame:
    data = {"name": names} if names else {}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=LAEA)


@pytest.fixture
def uniform(tmp_path: Path) -> Path:
    return write_grid(tmp_path / "uniform.tif", np.ones((ROWS, COLS)))


@pytest.fixture
def wall(tmp_path: Path) -> Path:
    """Uniform 1 with a nodata wall at column 25, open only at row 4."""
    r = np.ones((ROWS, COLS))
    r[:, 25] = NODATA
    r[4, 25] = 1.0
    return write_grid(tmp_path / "wall.tif", r)


# --------------------------------------------------------------------- known answers


def test_uniform_straight_path(uniform: Path) -> None:
    res = least_cost_corridor(uniform, frame(centre(15, 5)), frame(centre(15, 45)))
    m = res.metrics
    assert m["path_length_m"] == pytest.approx(4000.0)
    assert m["euclidean_m"] == pytest.approx(4000.0)
    assert m["cost_distance"] == pytest.approx(4000.0)  # resistance 1 per metre
    assert m["cwd_to_path_length_ratio"] == pytest.approx(1.0)
    assert res.path_cells[0].tolist() == [15, 5] and res.path_cells[-1].tolist() == [15, 45]


@pytest.mark.parametrize("neighbors", [8, 16])
def test_uniform_path_within_the_neighbourhood_bound(uniform: Path, neighbors: int) -> None:
    a, b = centre(25, 3), centre(8, 46)
    res = least_cost_corridor(uniform, frame(a), frame(b), neighbors=neighbors)
    m = res.metrics
    straight = a.distance(b)
    bound = {8: 1.0824, 16: 1.0279}[neighbors]  # worst-case stretch of each neighbourhood
    assert m["euclidean_m"] == pytest.approx(straight)
    assert straight - 1e-6 <= m["path_length_m"] <= straight * bound
    assert m["cost_distance"] == pytest.approx(m["path_length_m"])


def test_path_goes_through_the_gap(wall: Path) -> None:
    res = least_cost_corridor(wall, frame(centre(25, 5)), frame(centre(25, 45)))
    cells = {tuple(c) for c in res.path_cells.tolist()}
    assert (4, 25) in cells
    assert res.metrics["min_width_m"] == pytest.approx(RES)  # the gap is one cell wide
    line = res.path
    assert line.coords[0] == pytest.approx(centre(25, 5).coords[0])
    assert line.coords[-1] == pytest.approx(centre(25, 45).coords[0])


def test_corridor_contains_the_path(uniform: Path) -> None:
    res = least_cost_corridor(uniform, frame(centre(10, 5)), frame(centre(20, 44)), corridor_pct=5)
    assert res.corridor[res.path_cells[:, 0], res.path_cells[:, 1]].all()
    values = res.corridor_value_pct[res.path_cells[:, 0], res.path_cells[:, 1]]
    assert np.allclose(values, 0.0, atol=1e-9)
    kept = res.corridor_value_pct[res.corridor]
    assert kept.max() <= 5.0
    wider = least_cost_corridor(
        uniform, frame(centre(10, 5)), frame(centre(20, 44)), corridor_pct=20
    )
    assert wider.corridor.sum() > res.corridor.sum()
    assert (wider.corridor | ~res.corridor).all()  # the 5 % corridor lies inside the 20 % one


def test_min_width_of_a_channel(tmp_path: Path) -> None:
    """A passable channel 5 cells wide between nodata banks: the corridor is 500 m wide."""
    r = np.full((ROWS, COLS), NODATA)
    r[10:15, :] = 1.0
    path = write_grid(tmp_path / "channel.tif", r)
    res = least_cost_corridor(path, frame(centre(12, 2)), frame(centre(12, 47)), corridor_pct=1000)
    assert res.metrics["min_width_m"] == pytest.approx(500.0)
    assert res.metrics["corridor_area_km2"] == pytest.approx(5 * COLS * 0.01)


def test_min_width_m_direct() -> None:
    mask = np.zeros((9, 15), dtype=bool)
    mask[3:6, :] = True  # 3 cells wide
    path = np.array([[4, c] for c in range(3, 12)])
    assert min_width_m(mask, path, (10.0, 10.0)) == pytest.approx(30.0)
    mask[:, 4] = True  # a crossing widens one column, not the narrowest point
    assert min_width_m(mask, path, (10.0, 10.0)) == pytest.approx(30.0)


def test_path_forest_share(tmp_path: Path, uniform: Path) -> None:
    lc = np.full((ROWS, COLS), 1, dtype=np.uint8)  # forest
    lc[:, 25:] = 12  # cropland
    profile = {
        "driver": "GTiff",
        "height": ROWS,
        "width": COLS,
        "count": 1,
        "dtype": "uint8",
        "crs": LAEA,
        "transform": from_origin(0, ROWS * RES, RES, RES),
        "nodata": 255,
    }
    with rasterio.open(tmp_path / "lc.tif", "w", **profile) as dst:
        dst.write(lc, 1)
    res = least_cost_corridor(
        uniform, frame(centre(15, 5)), frame(centre(15, 45)), landcover=tmp_path / "lc.tif",
        legend="igbp",
    )  # fmt: skip
    # cells 5..24 forest, 25..45 cropland; end cells count half a step
    assert res.metrics["path_habitat_pct"] == pytest.approx(100 * 19.5 / 40)
    assert res.metrics["path_forest_pct"] == res.metrics["path_habitat_pct"]  # the old name
    assert res.metrics["path_landcover_known_pct"] == pytest.approx(100.0)
    assert res.metrics["habitat_classes"] == [1, 2, 3, 4, 5]
    plain = least_cost_corridor(uniform, frame(centre(15, 5)), frame(centre(15, 45)))
    assert plain.metrics["path_habitat_pct"] is None
    with pytest.raises(LegendError, match="needs its legend"):  # never assumed to be IGBP
        least_cost_corridor(
            uniform, frame(centre(15, 5)), frame(centre(15, 45)), landcover=tmp_path / "lc.tif"
        )


def test_polygons_in_another_crs(uniform: Path) -> None:
    a = frame(cell_box(10, 2, 20, 6)).to_crs(4326)
    b = frame(cell_box(10, 44, 20, 48)).to_crs(4326)
    res = least_cost_corridor(uniform, a, b)
    assert res.metrics["euclidean_m"] == pytest.approx(3800.0, abs=1.0)
    assert res.metrics["path_length_m"] == pytest.approx(3900.0)  # centre to centre


def test_write_outputs(tmp_path: Path, wall: Path) -> None:
    res = least_cost_corridor(wall, frame(centre(25, 5), names=None), frame(centre(25, 45)))
    out = res.write(tmp_path / "out")
    assert {p.name for p in out.iterdir()} == {
        "cwd_source.tif",
        "cwd_target.tif",
        "corridor.tif",
        "path.gpkg",
        "map.png",
        "metrics.json",
    }
    text = (out / "metrics.json").read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    m = json.loads(text)
    for key in (
        "cost_distance",
        "path_length_m",
        "euclidean_m",
        "cwd_to_path_length_ratio",
        "min_width_m",
    ):
        assert math.isfinite(m[key])
    path = gpd.read_file(out / "path.gpkg", layer="least_cost_path")
    assert len(path) == 1 and path.geometry[0].geom_type == "LineString"
    with rasterio.open(out / "cwd_source.tif") as src:
        cwd = src.read(1)
        assert src.nodata == CWD_NODATA
        assert np.isfinite(cwd).all()
        assert cwd[0, 25] == CWD_NODATA  # the wall
    with pytest.raises(OutputExistsError):
        res.write(out)


# ---------------------------------------------------------------------- bad input


def test_source_outside_the_grid(uniform: Path) -> None:
    with pytest.raises(SourceError, match="the source .* lies outside the resistance grid"):
        least_cost_corridor(uniform, frame(shapely.Point(-5000, -5000)), frame(centre(5, 5)))


def test_target_entirely_on_nodata(wall: Path) -> None:
    with pytest.raises(SourceError, match="the target 'target' lies entirely on nodata"):
        least_cost_corridor(wall, frame(centre(5, 5)), frame(centre(10, 25)))


def test_source_and_target_overlap(uniform: Path) -> None:
    with pytest.raises(SourceError, match=r"overlap \(\d+ shared cells, [\d.]+ km²\)"):
        least_cost_corridor(uniform, frame(cell_box(0, 0, 10, 10)), frame(cell_box(5, 5, 15, 15)))


def test_unreachable_target_says_why(tmp_path: Path) -> None:
    r = np.ones((ROWS, COLS))
    r[:, 25] = NODATA
    path = write_grid(tmp_path / "closed.tif", r)
    with pytest.raises(UnreachableError, match="separated from the source by nodata"):
        least_cost_corridor(path, frame(centre(5, 5)), frame(centre(5, 45)))


@pytest.mark.parametrize(("value", "what"), [(0.0, "zero"), (-2.0, "negative"), (np.nan, "NaN")])
def test_bad_resistance_values(tmp_path: Path, value: float, what: str) -> None:
    r = np.ones((ROWS, COLS))
    r[3, 7] = value
    path = write_grid(tmp_path / f"bad_{what}.tif", r)
    with pytest.raises(ResistanceError, match=r"zero, negative, infinite or NaN outside nodata"):
        least_cost_corridor(path, frame(centre(5, 5)), frame(centre(5, 45)))


def test_resistance_without_crs_or_in_degrees(tmp_path: Path) -> None:
    nocrs = write_grid(tmp_path / "nocrs.tif", np.ones((ROWS, COLS)), crs=None)
    with pytest.raises(CRSError, match="has no CRS.*--warp-to"):
        read_resistance(nocrs)
    geo = write_grid(
        tmp_path / "geo.tif",
        np.ones((ROWS, COLS)),
        crs="EPSG:4326",
        transform=from_origin(130, 43, 0.01, 0.01),
    )
    with pytest.raises(CRSError, match="geographic CRS.*--warp-to"):
        read_resistance(geo)


# ------------------------------------------------------------------------- linkages


def row_of_cores() -> gpd.GeoDataFrame:
    return frame(
        cell_box(12, 2, 18, 8),
        cell_box(12, 22, 18, 28),
        cell_box(12, 42, 18, 48),
        names=["west", "middle", "east"],
    )


def test_linkages_drop_the_link_through_a_third_core(uniform: Path) -> None:
    res = linkage_network(uniform, row_of_cores())
    assert sorted(map(sorted, res.graph.edges)) == [["east", "middle"], ["middle", "west"]]
    assert len(res.dropped) == 1
    d = res.dropped.iloc[0]
    assert {d["from_core"], d["to_core"]} == {"west", "east"} and d["via_cores"] == "middle"
    link = res.links.set_index(["from_core", "to_core"]).loc[("west", "middle")]
    assert link["euclidean_m"] == pytest.approx(1400.0)
    assert link["path_length_m"] == pytest.approx(1500.0)
    assert link["cost_distance"] == pytest.approx(1500.0)
    assert link["cwd_to_path_length_ratio"] == pytest.approx(1.0)


def test_linkages_keep_a_link_that_goes_round(uniform: Path) -> None:
    cores = row_of_cores()
    cores.loc[1, "geometry"] = cell_box(0, 22, 4, 28)  # the middle core moved out of the way
    res = linkage_network(uniform, cores)
    assert res.graph.number_of_edges() == 3 and len(res.dropped) == 0


def test_linkages_unreachable_pair(tmp_path: Path) -> None:
    r = np.ones((ROWS, COLS))
    r[:, 35] = NODATA
    path = write_grid(tmp_path / "split.tif", r)
    res = linkage_network(path, row_of_cores())
    assert ("middle", "east") in res.unreachable and ("west", "east") in res.unreachable
    assert nx.number_connected_components(res.graph) == 2


def test_linkages_write(tmp_path: Path, uniform: Path) -> None:
    out = linkage_network(uniform, row_of_cores()).write(tmp_path / "net")
    g = nx.read_graphml(out / "network.graphml")
    assert set(g.nodes) == {"west", "middle", "east"} and g.number_of_edges() == 2
    data = json.loads((out / "network.json").read_text(encoding="utf-8"))
    assert len(data["links"]) == 2
    links = gpd.read_file(out / "linkages.gpkg", layer="links")
    assert len(links) == 2 and links.crs is not None
    assert len(gpd.read_file(out / "linkages.gpkg", layer="dropped_links")) == 1
    assert (out / "map.png").stat().st_size > 0


def test_linkages_bad_cores(uniform: Path) -> None:
    cores = row_of_cores()
    cores.loc[1, "geometry"] = cell_box(12, 6, 18, 12)  # overlaps 'west'
    with pytest.raises(SourceError, match="cores 'west', 'middle' overlap"):
        linkage_network(uniform, cores, overlap="refuse")
    with pytest.raises(SchemaError, match="no field 'label'"):
        linkage_network(uniform, row_of_cores(), name_field="label")
    twins = row_of_cores()
    twins["name"] = ["a", "a", "b"]
    with pytest.raises(SchemaError, match="'a' appears more than once"):
        linkage_network(uniform, twins)
    with pytest.raises(SourceError, match="at least two cores"):
        linkage_network(uniform, row_of_cores().iloc[:1])


# ------------------------------------------------------------------------------ CLI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    gpkg = tmp_path / "areas.gpkg"
    frame(centre(25, 5), names=["A"]).to_file(gpkg, layer="a")
    frame(centre(25, 45), names=["B"]).to_file(gpkg, layer="b")
    frame(centre(10, 25), names=["W"]).to_file(gpkg, layer="on_wall")
    frame(shapely.Point(-9000, -9000), names=["far"]).to_file(gpkg, layer="far")
    row_of_cores().to_file(gpkg, layer="cores")
    return gpkg


def test_cli_corridor(tmp_path: Path, wall: Path, layers: Path) -> None:
    out = tmp_path / "cor"
    code, stdout, err = run(
        "corridor",
        "-r",
        str(wall),
        "--source",
        f"{layers}:a",
        "--target",
        f"{layers}:b",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert "least-cost path" in stdout
    assert json.loads((out / "metrics.json").read_text())["min_width_m"] == pytest.approx(RES)
    code, _, err = run(
        "corridor", "-r", str(wall), "-s", f"{layers}:a", "-t", f"{layers}:b", "--out", str(out)
    )
    assert code == 1 and "already exists" in err


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("on_wall", "the target 'W' lies entirely on nodata"),
        ("far", "the target .* lies outside the resistance grid"),
        ("a", r"the source 'A' and the target 'A' overlap"),
    ],
)
def test_cli_corridor_bad_targets(
    tmp_path: Path, wall: Path, layers: Path, target: str, message: str
) -> None:
    code, _, err = run(
        "corridor",
        "-r",
        str(wall),
        "-s",
        f"{layers}:a",
        "-t",
        f"{layers}:{target}",
        "--out",
        str(tmp_path / "x"),
    )
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert __import__("re").search(message, err), err
    assert not (tmp_path / "x").exists()


def test_cli_corridor_unreachable(tmp_path: Path, layers: Path) -> None:
    r = np.ones((ROWS, COLS))
    r[:, 25] = NODATA
    closed = write_grid(tmp_path / "closed.tif", r)
    code, _, err = run(
        "corridor",
        "-r",
        str(closed),
        "-s",
        f"{layers}:a",
        "-t",
        f"{layers}:b",
        "--out",
        str(tmp_path / "x"),
    )
    assert code == 1
    assert "separated from the source by nodata" in err
    assert not (tmp_path / "x").exists()


def test_cli_cost_distance(tmp_path: Path, uniform: Path, layers: Path) -> None:
    out = tmp_path / "cwd.tif"
    code, stdout, err = run(
        "cost-distance",
        str(uniform),
        "--source",
        f"{layers}:a",
        "--out",
        str(out),
        "--neighbors",
        "16",
        "--max-cost",
        "1000",
    )
    assert code == 0, err
    assert "1 source cells" in stdout
    with rasterio.open(out) as src:
        cwd = src.read(1)
    assert cwd[25, 5] == 0.0
    assert cwd[25, 45] == CWD_NODATA  # beyond max_cost
    code, _, _ = run(
        "cost-distance", str(uniform), "-s", f"{layers}:a", "--out", str(out), "--neighbors", "4"
    )
    assert code == 2  # a usage error


def test_cli_cost_distance_warp_to(tmp_path: Path, layers: Path) -> None:
    geo = write_grid(
        tmp_path / "geo.tif",
        np.ones((40, 60)),
        crs="EPSG:4326",
        transform=from_origin(130.9, 43.1, 0.004, 0.004),
    )
    src = frame(shapely.Point(0, 0)).to_crs(4326)
    src.to_file(tmp_path / "pt.gpkg")
    code, _, err = run(
        "cost-distance", str(geo), "-s", str(tmp_path / "pt.gpkg"), "--out", str(tmp_path / "c.tif")
    )
    assert code == 1 and "geographic CRS" in err and "--warp-to" in err
    code, _, err = run(
        "cost-distance",
        str(geo),
        "-s",
        str(tmp_path / "pt.gpkg"),
        "--out",
        str(tmp_path / "c.tif"),
        "--warp-to",
        "auto",
    )
    assert code == 0, err
    with rasterio.open(tmp_path / "c.tif") as out:
        assert out.crs.is_projected
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_cli_linkages(tmp_path: Path, uniform: Path, layers: Path) -> None:
    out = tmp_path / "net"
    code, stdout, err = run("linkages", f"{layers}:cores", "-r", str(uniform), "--out", str(out))
    assert code == 0, err
    assert "2 links kept, 1 dropped" in stdout
    code, _, err = run(
        "linkages",
        f"{layers}:cores",
        "-r",
        str(uniform),
        "--out",
        str(tmp_path / "n2"),
        "--name-field",
        "label",
    )
    assert code == 1 and "no field 'label'" in err


def test_cli_help_teaches() -> None:
    for command in ("cost-distance", "corridor", "linkages"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Examples:" in out, command
