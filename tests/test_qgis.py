"""Real-client test: exported files opened, styled and rendered by QGIS itself.

PyQGIS runs under Debian's system Python (``python3-qgis``), not the venv, so the checks run
``tests/qgis_probe.py`` there and compare its JSON report with what the export meant to write.
Without QGIS these tests skip — except with ``CI=true``, where a missing QGIS is a failure
(``.ci/run`` installs it). ``LEOPARDRANGE_QGIS_PYTHON`` overrides the interpreter.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
from matplotlib import image
from pyproj import CRS

from leopardrange import export
from leopardrange.export.layers import GROUPS
from tests.conftest import LAEA
from tests.test_export import build_study

pytestmark = pytest.mark.qgis

QGIS_PYTHON = os.environ.get("LEOPARDRANGE_QGIS_PYTHON", "/usr/bin/python3")
PROBE = Path(__file__).with_name("qgis_probe.py")
HAS_DATASETS = importlib.util.find_spec("leopardrange.datasets") is not None


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    runtime = tmp / "xdg-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update({"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime)})
    return env


def _missing_qgis(tmp: Path) -> str | None:
    if not Path(QGIS_PYTHON).exists():
        return f"{QGIS_PYTHON} does not exist"
    done = subprocess.run(
        [QGIS_PYTHON, "-c", "import qgis.core"],
        capture_output=True,
        text=True,
        env=_env(tmp),
        timeout=120,
        check=False,
    )
    if done.returncode:
        return f"PyQGIS is not importable by {QGIS_PYTHON}: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="module")
def qgis_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    reason = _missing_qgis(tmp_path_factory.mktemp("qgis-check"))
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"QGIS is required when CI=true ({reason}); install it with "
                "`apt-get install -y --no-install-recommends python3-qgis`"
            )
        pytest.skip(f"QGIS not available: {reason}")
    return QGIS_PYTHON


def probe(python: str, tmp: Path, **paths: Path) -> dict[str, Any]:
    args = [python, str(PROBE)]
    for key, value in paths.items():
        args += [f"--{key}", str(value)]
    done = subprocess.run(
        args, capture_output=True, text=True, env=_env(tmp), timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def source_count(source: str) -> int:
    """Features of an OGR source ``path|layername=x[|subset=...]``, counted with pyogrio."""
    path, _, rest = source.partition("|layername=")
    layer, _, subset = rest.partition("|subset=")
    if subset:
        return len(pyogrio.read_dataframe(path, layer=layer, where=subset, read_geometry=False))
    return int(pyogrio.read_info(path, layer=layer)["features"])


def assert_styled(seen: dict[str, Any], style: dict[str, Any]) -> None:
    """QGIS shows the style we wrote, not its default single symbol in a random colour."""
    assert seen["renderer"] == style["renderer"], seen["name"]
    assert seen["colours"] == style["colours"], seen["name"]
    assert seen["label_field"] == style["label_field"], seen["name"]
    if style["renderer"] == "categorizedSymbol":
        assert seen["field"] == style["field"]


def assert_not_blank(png: Path) -> None:
    pixels = image.imread(png)[..., :3]
    assert pixels.shape[:2] == (600, 800)
    not_white = np.any(pixels < 0.98, axis=-1).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert not_white > 0.3, f"only {not_white:.1%} of the map is drawn"
    assert colours > 8, f"the map has only {colours} colours"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("qgis-study")
    study = build_study(folder)
    extra = [f"{folder / 'land.gpkg'}:settlements"]
    out = tmp_path_factory.mktemp("qgis-out")
    return {
        fmt: export.run(study, out / fmt, format=fmt, extra_layers=extra)[0].parent
        for fmt in ("qgz", "shp")
    }


@pytest.fixture(scope="module")
def seen(
    qgis_python: str, exported: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("qgis-probe")
    folder = exported["qgz"]
    return probe(
        qgis_python,
        tmp,
        project=folder / export.PROJECT_NAME,
        gpkg=folder / export.GPKG_NAME,
        shapefiles=exported["shp"],
        png=tmp / "map.png",
    )


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_qgis_version(seen: dict[str, Any]) -> None:
    major, minor = (int(v) for v in seen["qgis_version"].split(".")[:2])
    assert (major, minor) >= (3, 22)


def test_qgis_opens_the_project(seen: dict[str, Any], exported: dict[str, Path]) -> None:
    folder = exported["qgz"]
    m = manifest(folder)
    project = seen["project"]
    assert project["read"], project["error"]
    assert project["crs_valid"]
    assert CRS(project["crs_wkt"]).equals(CRS(LAEA))
    assert not project["absolute_paths"]
    assert project["title"] == "Analytic leopard"

    expected = {r["id"]: r for r in m["project"]["layers"]}
    layers = {layer["id"]: layer for layer in project["layers"]}
    assert set(layers) == set(expected)
    gpkg = (folder / export.GPKG_NAME).resolve()
    for layer_id, layer in layers.items():
        want = expected[layer_id]
        assert layer["valid"], layer["name"]
        assert layer["crs_valid"], layer["name"]
        assert layer["name"] == want["title"]
        # the relative path resolved to the exported GeoPackage
        assert Path(layer["source"].split("|")[0]).resolve() == gpkg
        assert layer["feature_count"] == source_count(layer["source"]) == want["features"]
        assert layer["subset"] == (want["subset"] or "")
        assert_styled(layer, want["style"])
    by_title = {layer["name"]: layer for layer in project["layers"]}
    assert by_title["Countries"]["crs_authid"] == "EPSG:4326"
    assert by_title["Current range ∩ Amur tiger"]["symbol_layers"][0] == "LinePatternFill"

    assert [g["name"] for g in project["groups"]] == list(GROUPS)
    assert [i for g in project["groups"] for i in g["layers"]] == list(expected)
    visible = [v for g in project["groups"] for v in g["visible"]]
    assert visible == [r["visible"] for r in m["project"]["layers"]]

    view = project["default_view_extent"]
    assert view == pytest.approx(m["project"]["initial_extent"])
    xmin, ymin, xmax, ymax = m["current_range_bounds"]
    assert view[0] < xmin < xmax < view[2]
    assert view[1] < ymin < ymax < view[3]
    assert CRS(project["default_view_crs_wkt"]).equals(CRS(LAEA))
    # the desktop's map canvas opens there (widened to its 4:3 shape)
    canvas = project["canvas_extent"]
    assert canvas[0] <= view[0] < xmin and canvas[2] >= view[2] > xmax
    assert canvas[1] <= view[1] < ymin and canvas[3] >= view[3] > ymax
    assert (canvas[0] + canvas[2]) / 2 == pytest.approx((xmin + xmax) / 2, abs=1.0)


def test_qgis_renders_the_project(seen: dict[str, Any]) -> None:
    render = seen["project"]["render"]
    assert render["errors"] == []
    assert render["layers"] >= 8
    assert_not_blank(Path(render["png"]))


def test_qgis_applies_geopackage_default_styles(
    seen: dict[str, Any], exported: dict[str, Path]
) -> None:
    folder = exported["qgz"]
    styles = {layer["name"]: layer for layer in manifest(folder)["layers"]}
    tables = {layer["table"]: layer for layer in seen["gpkg"]}
    assert set(tables) == set(styles)
    for name, layer in tables.items():
        assert layer["valid"] and layer["crs_valid"], name
        assert layer["feature_count"] == styles[name]["features"]
        assert_styled(layer, styles[name]["style"])


def test_qgis_applies_shapefile_sidecar_styles(
    seen: dict[str, Any], exported: dict[str, Path]
) -> None:
    folder = exported["shp"]
    styles = {layer["name"]: layer for layer in manifest(folder)["layers"]}
    files = {Path(layer["file"]).stem: layer for layer in seen["shapefiles"]}
    assert set(files) == set(styles)
    for name, layer in files.items():
        assert layer["valid"] and layer["crs_valid"], name
        assert layer["feature_count"] == styles[name]["features"]
        assert_styled(layer, styles[name]["style"])
    assert "area_publi" in files["range"]["fields"]  # through the 10-character field map
    assert files["borders"]["first_row"]["name"] in {"Россия", "中国"}
    assert files["park"]["first_row"]["name"] == "Земля леопарда"


@pytest.mark.skipif(not HAS_DATASETS, reason="leopardrange.datasets (embedded data) not built yet")
def test_qgis_opens_the_embedded_study(qgis_python: str, tmp_path: Path) -> None:
    folder = export.run(out_dir=tmp_path / "qgis", format="qgz")[0].parent
    m = manifest(folder)
    report = probe(
        qgis_python, tmp_path, project=folder / export.PROJECT_NAME, png=tmp_path / "m.png"
    )
    project = report["project"]
    assert project["read"], project["error"]
    expected = {r["id"]: r for r in m["project"]["layers"]}
    for layer in project["layers"]:
        assert layer["valid"] and layer["crs_valid"], layer["name"]
        assert layer["feature_count"] == expected[layer["id"]]["features"]
        assert_styled(layer, expected[layer["id"]]["style"])
    titles = {layer["name"] for layer in project["layers"]}
    assert "Settlements" in titles
    assert_not_blank(tmp_path / "m.png")
    # the data's licences (ODbL for the OSM-derived layers) ask for their credit
    assert project["abstract"].startswith("Data: © OpenStreetMap contributors"), project
    rights = {layer["name"]: layer["rights"] for layer in project["layers"]}
    assert rights["Settlements"] == ["© GeoNames"]
    for layer in project["layers"]:
        if layer["type"] == "vector" and layer["name"] != "Settlements":
            assert "© OpenStreetMap contributors" in layer["rights"], layer["name"]


# ----------------------------------------------- names of CRSs, rasters, corridor projects


def test_qgis_names_every_crs(seen: dict[str, Any]) -> None:
    """The study's custom LAEA has a name in QGIS (its label), never "unknown"."""
    from leopardrange.crs import crs_label

    project = seen["project"]
    assert project["crs_description"] == crs_label(CRS(LAEA)) == "LAEA 43°N 131°E"
    for layer in project["layers"] + seen["gpkg"] + seen["shapefiles"]:
        description = layer["crs_description"]
        assert description and "unknown" not in description.lower(), layer["name"]


@pytest.fixture(scope="module")
def corridor_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The user's scenario (UTM 45N land cover, WDPA parks) through the commands, with --qgz."""
    from click.testing import CliRunner

    from leopardrange.cli.main import main_group
    from tests.corridor_scenario import build

    folder = tmp_path_factory.mktemp("scenario")
    s = build(folder)

    def run(*args: object) -> None:
        result = CliRunner().invoke(main_group, [str(a) for a in args])
        assert result.exit_code == 0, result.stderr

    run("resistance", s.recipe, "--out", folder / "R.tif")
    run(
        "corridor", "-r", folder / "R.tif", "-s", s.layer, "--source-where",
        "NAME = 'Sagarmatha'", "-t", s.layer, "--target-where", "NAME = 'Makalu Barun'",
        "--landcover", s.landcover, "--legend", s.legend, "--qgz", "--out", folder / "cor",
    )  # fmt: skip
    run("linkages", s.layer, "-r", folder / "R.tif", "--qgz", "--out", folder / "net")
    run("export", "--format", "qgz", "--out", folder / "exp", "--add",
        folder / "cor" / "corridor.tif", "--add", folder / "R.tif", "--add", s.landcover,
        "--legend", s.legend)  # fmt: skip
    return {"folder": folder, "legend": s.legend, "landcover": s.landcover}


def test_qgis_opens_the_corridor_project_with_styled_rasters(
    qgis_python: str, corridor_outputs: dict[str, Path], tmp_path: Path
) -> None:
    from leopardrange.export.rasters import raster_style

    out = corridor_outputs["folder"] / "cor"
    report = probe(
        qgis_python, tmp_path, project=out / "corridor.qgz", rasters=out, png=tmp_path / "c.png"
    )
    project = report["project"]
    assert project["read"], project["error"]
    assert project["crs_description"] == "WGS 84 / UTM zone 45N"
    layers = {layer["name"]: layer for layer in project["layers"]}
    for layer in layers.values():
        assert layer["valid"] and layer["crs_valid"], layer["name"]
        assert layer["crs_description"] == "WGS 84 / UTM zone 45N", layer["name"]
    expected = {
        "Corridor (≤ 10 % above the least cost)": raster_style(out / "corridor.tif"),
        "Cost distance from the source": raster_style(out / "cwd_source.tif"),
        "Resistance (R.tif)": raster_style(corridor_outputs["folder"] / "R.tif"),
        "Land cover (lc_utm45n.tif)": raster_style(
            corridor_outputs["landcover"], legend=corridor_outputs["legend"]
        ),
    }
    for title, style in expected.items():
        assert layers[title]["renderer"] == style.renderer, title
        assert layers[title]["colours"] == [list(c) for c in style.colours], title
    assert layers["Land cover (lc_utm45n.tif)"]["renderer"] == "paletted"
    assert layers["Least-cost path"]["renderer"] == "singleSymbol"
    assert project["render"]["errors"] == []
    assert_not_blank(Path(project["render"]["png"]))
    # the rasters open styled on their own too (the .qml beside each)
    assert {r["file"]: r["renderer"] for r in report["rasters"]} == {
        "corridor.tif": "singlebandpseudocolor",
        "cwd_source.tif": "singlebandpseudocolor",
        "cwd_target.tif": "singlebandpseudocolor",
    }


def test_qgis_opens_the_linkage_project_and_the_raster_export(
    qgis_python: str, corridor_outputs: dict[str, Path], tmp_path: Path
) -> None:
    folder = corridor_outputs["folder"]
    net = probe(qgis_python, tmp_path, project=folder / "net" / "linkages.qgz")["project"]
    assert net["read"], net["error"]
    names = {layer["name"] for layer in net["layers"] if layer["valid"]}
    assert {"Core areas", "Links (least-cost paths)", "Resistance (R.tif)"} <= names
    exported = probe(qgis_python, tmp_path, project=folder / "exp" / export.PROJECT_NAME)
    project = exported["project"]
    assert project["read"], project["error"]
    m = manifest(folder / "exp")
    rasters = {r["title"]: r for r in m["rasters"]}
    seen_rasters = {
        layer["name"]: layer for layer in project["layers"] if layer["type"] == "raster"
    }
    assert set(seen_rasters) == set(rasters)
    for title, record in rasters.items():
        layer = seen_rasters[title]
        assert layer["valid"] and layer["renderer"] == record["renderer"], title
        assert layer["colours"] == record["colours"], title
        assert "unknown" not in layer["crs_description"].lower()
    assert [g["name"] for g in project["groups"]][-1] == "Rasters"
