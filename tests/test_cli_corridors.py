"""Tests of leopardrange.cli.corridors (and export --add rasters) on a user's own rasters:
the scenario end to end, and every bad input as one line with exit status 1 or 2.

And the corridor, cost-distance and linkages commands on small synthetic grids
(tests/corridor_grids.py).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from rasterio.transform import from_origin

from leopardrange.cli.main import main_group
from leopardrange.corridors import CWD_NODATA
from tests.corridor_grids import (
    COLS,
    NODATA,
    RES,
    ROWS,
    centre,
    frame,
    row_of_cores,
    write_grid,
)
from tests.corridor_scenario import build

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("cli")
    s = build(folder)
    code, out, err = run("resistance", s.recipe, "--out", folder / "R.tif")
    assert code == 0, err
    assert "snapped to  lc_utm45n.tif (its cells; resampled factors: none)" in out
    assert "scale error 0.04 %" in out
    return {"s": s, "R": folder / "R.tif", "dir": folder}


def corridor_args(scene: dict, target: str = "Makalu Barun") -> list[object]:
    s = scene["s"]
    return [
        "corridor", "-r", scene["R"], "-s", s.layer, "--source-where", "NAME = 'Sagarmatha'",
        "-t", s.layer, "--target-where", f"NAME = '{target}'",
    ]  # fmt: skip


def test_the_scenario_end_to_end(scene: dict, tmp_path: Path) -> None:
    s = scene["s"]
    out = tmp_path / "c"
    code, stdout, err = run(
        *corridor_args(scene), "--landcover", s.landcover, "--legend", s.legend, "--qgz",
        "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "Corridor Sagarmatha → Makalu Barun" in stdout
    assert re.search(r"path on habitat\s+\d+ % \(my_classes, classes 1\)", stdout)
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert m["landcover_resampled"] is False and m["habitat_classes"] == [1]
    with zipfile.ZipFile(out / "corridor.qgz") as z:
        qgs = z.read("corridor.qgs").decode("utf-8")
    assert re.search(r"<datasource>\.\./[^<]*/R\.tif</datasource>", qgs)  # the input, linked
    assert "<datasource>./corridor.tif</datasource>" in qgs and 'type="paletted"' in qgs
    assert (out / "corridor.qml").is_file()


def test_overlap_options(scene: dict, tmp_path: Path) -> None:
    args = corridor_args(scene, "Sagarmatha Buffer Reserve")
    code, _, err = run(*args, "--out", tmp_path / "x")
    assert code == 1 and err.count("\n") == 1
    assert "overlap (600 shared cells, 6 km²)" in err and "--overlap subtract" in err
    code, stdout, err = run(*args, "--overlap", "subtract", "--out", tmp_path / "sub")
    assert code == 0, err
    assert "overlap              the source 'Sagarmatha' and the target" in stdout
    code, stdout, err = run(*args, "--overlap", "dissolve", "--out", tmp_path / "one")
    assert code == 0, err and "connected at no cost" in stdout


def test_linkages_dissolve_and_qgz(scene: dict, tmp_path: Path) -> None:
    s = scene["s"]
    out = tmp_path / "net"
    code, stdout, err = run(
        "linkages", s.layer, "-r", scene["R"], "--landcover", s.landcover, "--habitat-classes",
        "1", "--qgz", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "merged (overlapping): Sagarmatha + Sagarmatha Buffer Reserve" in stdout
    assert "narrowest" in stdout
    assert (out / "linkages.qgz").is_file()
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert m["links"][0]["path_habitat_pct"] is not None


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--landcover", "LC"], 2, r"--landcover lc_utm45n.tif needs its legend: --legend"),
        (["--legend", "igbp"], 2, r"--legend and --habitat-classes describe --landcover"),
        (["--landcover", "LC", "--habitat-classes", "1,x"], 2, r"'x' is not a class value"),
        (["--landcover", "LC", "--legend", "LEGEND", "--habitat-classes", "9"], 1,
         r"habitat class 9 is not in the my_classes legend"),
        (["--landcover", "LC", "--legend", "worldcover"], 1,
         r"land cover 'lc_utm45n.tif' has values the ESA WorldCover legend does not know: "
         r"1, 2, 3, 4, 5; .* is it the right legend"),
        (["--landcover", "LC", "--legend", "DUPLICATE"], 1, r"class 1 appears twice"),
        (["--name-field", "label"], 1, r"has no field 'label'; pass --name-field with one of: "
         r"WDPAID, NAME, ORIG_NAME, DESIG_ENG"),
        (["--overlap", "merge"], 2, r"'merge' is not one of 'refuse', 'dissolve', 'subtract'"),
        (["--max-scale-error", "0"], 2, r"0.0 is not in the range x>0"),
    ],
)  # fmt: skip
def test_bad_corridor_input(
    scene: dict, tmp_path: Path, extra: list[str], code: int, message: str
) -> None:
    s = scene["s"]
    dup = tmp_path / "dup.csv"
    dup.write_text("value,name\n1,Forest\n1,Wood\n", encoding="utf-8")
    swap = {"LC": s.landcover, "LEGEND": s.legend, "DUPLICATE": dup}
    args = [swap.get(a, a) for a in extra]
    got, _, err = run(*corridor_args(scene), *args, "--out", tmp_path / "x")
    assert got == code, err
    assert re.search(message, err), err
    if code == 1:
        assert err.count("\n") == 1 and err.startswith("Error: ")
    assert not (tmp_path / "x").exists()


def test_grids_in_degrees_or_far_from_true_scale(scene: dict, tmp_path: Path) -> None:
    cases = [
        ("EPSG:4326", from_origin(86.9, 28.2, 1e-3, 1e-3), r"geographic .* 'EPSG:32645'"),
        ("EPSG:3857", from_origin(9.9e6, 8.5e6, 100, 100), r"grid is up to 10\d\.\d+ %"),
    ]
    for crs, t, message in cases:
        path = tmp_path / f"{crs.replace(':', '')}.tif"
        profile = {"driver": "GTiff", "height": 20, "width": 20, "count": 1, "dtype": "float32",
                   "crs": crs, "transform": t}  # fmt: skip
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(np.ones((1, 20, 20), dtype="float32"))
        x, y = t.c + 5 * t.a, t.f + 5 * t.e
        src = tmp_path / "pt.geojson"
        point = {"type": "Feature", "properties": {},
                 "geometry": {"type": "Point", "coordinates": [x, y]}}  # fmt: skip
        named = {"type": "name", "properties": {"name": crs}}
        collection = {"type": "FeatureCollection", "crs": named, "features": [point]}
        src.write_text(json.dumps(collection), encoding="utf-8")
        code, _, err = run(
            "cost-distance", path, "-s", src, "--out", tmp_path / "o.tif", "--overwrite"
        )
        assert code == 1 and err.count("\n") == 1, err
        assert re.search(message, err), err
    code, out, err = run(
        "cost-distance", path, "-s", src, "--out", tmp_path / "o.tif", "--max-scale-error", "150"
    )
    assert code == 0, err and "scale error 1" in out


def test_export_adds_rasters_styled(scene: dict, tmp_path: Path) -> None:
    s = scene["s"]
    out = tmp_path / "q"
    code, _, err = run(
        "export", "--format", "qgz", "--out", out, "--add", scene["R"], "--add", s.landcover,
        "--legend", s.legend,
    )  # fmt: skip
    assert code == 0, err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = {r["name"]: (r["kind"], r["renderer"]) for r in m["rasters"]}
    assert kinds == {
        "r": ("resistance", "singlebandpseudocolor"),
        "lc_utm45n": ("landcover", "paletted"),
    }
    assert (out / "rasters" / "lc_utm45n.qml").is_file()
    assert m["project"]["groups"][-1] == "Rasters"
    code, _, err = run("export", "--out", tmp_path / "q2", "--legend", "igbp")
    assert code == 2 and "--legend names the legend of a land-cover raster" in err


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


def test_input_credits_come_from_the_inputs_metadata(tmp_path: Path) -> None:
    """The embedded park is OSM data (ODbL); a plain raster and a missing input credit nothing."""
    from leopardrange import datasets
    from leopardrange.cli.corridors import input_credits

    plain = tmp_path / "R.tif"
    with rasterio.open(
        plain, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32",
        crs="EPSG:32652", transform=from_origin(0, 2, 1, 1),
    ) as dst:  # fmt: skip
        dst.write(np.ones((1, 2, 2), dtype="float32"))
    park = f"{datasets.path()}:park"
    assert input_credits(plain, park, None, park) == datasets.credits_of(
        [(datasets.path(), "park")]
    )
    assert "© OpenStreetMap contributors" in input_credits(park)
    assert input_credits(plain, tmp_path / "missing.gpkg") == ()
