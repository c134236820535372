"""Tests of leopardrange.corridors.corridor on a user's own rasters (tests/corridor_scenario.py):
a 100 m UTM 45N land cover with its own legend, WDPA-named overlapping protected areas.

And known answers on small synthetic grids in LAEA (100 m cells, tests/corridor_grids.py):
uniform cost, a wall with one gap, a channel of known width.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from leopardrange.corridors import (
    CWD_NODATA,
    LINK_METRICS,
    least_cost_corridor,
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
from tests.corridor_grids import COLS, NODATA, RES, ROWS, cell_box, centre, frame, write_grid
from tests.corridor_scenario import FOREST, GRASS, sampled_habitat_pct, with_resistance

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return with_resistance(tmp_path_factory.mktemp("scene"))


def park(scene: dict, name: str) -> gpd.GeoDataFrame:
    parks = scene["parks"]
    return parks[parks["NAME"] == name]


@pytest.fixture(scope="module")
def to_makalu(scene: dict):  # type: ignore[no-untyped-def]
    s = scene["s"]
    return least_cost_corridor(
        scene["R"], park(scene, "Sagarmatha"), park(scene, "Makalu Barun"),
        landcover=s.landcover, legend=s.legend,
    )  # fmt: skip


def test_habitat_share_agrees_with_sampling_the_path_by_hand(scene: dict, to_makalu) -> None:
    m = to_makalu.metrics
    assert m["path_habitat_pct"] == pytest.approx(
        sampled_habitat_pct(to_makalu.path, scene["s"].landcover), abs=1.0
    )
    assert m["habitat_classes"] == [FOREST]
    assert m["legend"]["source"] == str(scene["s"].legend)
    assert m["path_forest_pct"] == m["path_habitat_pct"]  # the old name, for one release
    assert "path_forest_pct" in m["deprecated"]


def test_other_habitat_classes_agree_with_sampling_too(scene: dict, to_makalu) -> None:
    s = scene["s"]
    grass = least_cost_corridor(
        scene["R"], park(scene, "Sagarmatha"), park(scene, "Makalu Barun"),
        landcover=s.landcover, legend=s.legend, habitat_classes=[GRASS],
    )  # fmt: skip
    line = grass.path
    n = int(line.length / 2) + 1
    with rasterio.open(s.landcover) as src:
        values = np.array([v[0] for v in src.sample(
            [(p.x, p.y) for p in (line.interpolate(d) for d in np.linspace(0, line.length, n))]
        )])  # fmt: skip
    by_hand = 100 * (values == GRASS).mean()
    assert grass.metrics["path_habitat_pct"] == pytest.approx(by_hand, abs=1.0)
    assert grass.metrics["path_habitat_pct"] + to_makalu.metrics["path_habitat_pct"] <= 100.5


def test_the_utm_land_cover_is_read_without_resampling(scene: dict, to_makalu) -> None:
    m = to_makalu.metrics
    assert m["landcover_resampled"] is False
    assert m["crs"] == "EPSG:32645" and m["cell_size_m"] == [100.0, 100.0]
    assert m["max_scale_error_pct"] == pytest.approx(0.04, abs=0.02)


def test_names_come_from_the_wdpa_name_field(to_makalu) -> None:
    assert (to_makalu.metrics["source"], to_makalu.metrics["target"]) == (
        "Sagarmatha",
        "Makalu Barun",
    )


def test_name_field_is_chosen_or_refused_listing_the_fields(scene: dict) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Makalu Barun")
    res = least_cost_corridor(scene["R"], a, b, name_field="ORIG_NAME")
    assert res.metrics["source"] == "सगरमाथा"
    with pytest.raises(SchemaError, match=r"has no field 'name_en'.*WDPAID, NAME, ORIG_NAME"):
        least_cost_corridor(scene["R"], a, b, name_field="name_en")
    bare = least_cost_corridor(scene["R"], a[["geometry"]], b[["geometry"]])
    assert bare.metrics["source"] == "wdpa_polygons"  # the layer's name, never its path
    assert "/" not in bare.metrics["target"] and ".gpkg" not in bare.metrics["target"]


def test_overlapping_areas_are_refused_by_default(scene: dict) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Sagarmatha Buffer Reserve")
    with pytest.raises(
        SourceError,
        match=r"the source 'Sagarmatha' and the target 'Sagarmatha Buffer Reserve' overlap "
        r"\(600 shared cells, 6 km²\).*--overlap subtract",
    ):
        least_cost_corridor(scene["R"], a, b)


def test_subtract_measures_from_the_target_minus_the_source(scene: dict, tmp_path: Path) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Sagarmatha Buffer Reserve")
    res = least_cost_corridor(scene["R"], a, b, overlap="subtract")
    m = res.metrics
    assert m["overlap"]["mode"] == "subtract" and m["overlap"]["shared_cells"] == 600
    assert "target minus the source" in m["overlap"]["note"]
    assert m["path_length_m"] == pytest.approx(100.0)  # they touch once the overlap is gone
    assert m["cost_distance"] > 0
    out = res.write(tmp_path / "sub")
    assert json.loads((out / "metrics.json").read_text())["overlap"]["mode"] == "subtract"


def test_subtract_that_empties_an_area_is_refused(scene: dict) -> None:
    a = park(scene, "Sagarmatha")
    inner = a.to_crs("EPSG:32645")
    inner["geometry"] = inner.geometry.buffer(-500)
    with pytest.raises(SourceError, match=r"leaves the target empty: it lies entirely inside"):
        least_cost_corridor(scene["R"], a, inner, overlap="subtract")


def test_dissolve_joins_the_areas_at_no_cost(scene: dict, tmp_path: Path) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Sagarmatha Buffer Reserve")
    res = least_cost_corridor(scene["R"], a, b, overlap="dissolve")
    m = res.metrics
    assert (m["cost_distance"], m["path_length_m"], m["min_width_m"]) == (0.0, 0.0, None)
    assert "dissolved into one area" in m["overlap"]["note"]
    out = res.write(tmp_path / "one")
    assert (out / "map.png").stat().st_size > 0


def test_links_carry_every_metric_in_the_path_layer(to_makalu, tmp_path: Path) -> None:
    out = to_makalu.write(tmp_path / "c")
    path = gpd.read_file(out / "path.gpkg", layer="least_cost_path")
    for key in LINK_METRICS:
        assert key in path.columns
    assert path["min_width_m"].iloc[0] == to_makalu.metrics["min_width_m"]
    source = gpd.read_file(out / "path.gpkg", layer="source")
    assert source["name"].tolist() == ["Sagarmatha"]
    assert path.crs.name == "WGS 84 / UTM zone 45N"


def test_a_land_cover_without_its_legend_is_refused(scene: dict) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Makalu Barun")
    with pytest.raises(LegendError, match="never assumed to be IGBP"):
        least_cost_corridor(scene["R"], a, b, landcover=scene["s"].landcover)
    with pytest.raises(
        LegendError, match=r"has values the ESA WorldCover legend does not know: 1, 2, 3, 4, 5"
    ):
        least_cost_corridor(scene["R"], a, b, landcover=scene["s"].landcover, legend="worldcover")
    with pytest.raises(LegendError, match=r"habitat class 9 is not in the my_classes legend"):
        least_cost_corridor(
            scene["R"], a, b, landcover=scene["s"].landcover, legend=scene["s"].legend,
            habitat_classes=[1, 9],
        )  # fmt: skip
    with pytest.raises(ValueError, match="pass landcover too"):
        least_cost_corridor(scene["R"], a, b, legend="igbp")


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
