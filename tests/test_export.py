from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import CRS

from leopardrange import export, palette
from leopardrange.crs import project
from leopardrange.errors import ExportError, OutputExistsError
from leopardrange.export.gpkg import GEOMETRY_COLUMN, read_layer_styles
from leopardrange.export.layers import ANALYSIS, BASE, EPOCHS, GROUPS
from leopardrange.export.shapefile import (
    read_shapefile,
)
from leopardrange.io import read_layer
from leopardrange.measure import densify
from leopardrange.metrics import EPOCH_EXPORT_FIELDS
from leopardrange.report import run as run_report
from tests.conftest import LAEA

KM = 1_000.0
HAS_DATASETS = importlib.util.find_spec("leopardrange.datasets") is not None
STUDY_ROLES = ("park", "range", "competitor", "breeding", "borders")
#: report layer → exported layer
ANALYSIS_LAYERS = {
    "range_epochs": "range_epochs",
    "current_epoch": "current_range",
    "competitor_overlap": "competitor_overlap",
    "park_in_current_range": "park_in_current_range",
    "current_range_outside_park": "current_range_outside_park",
    "range_lost": "range_lost",
    "range_retained": "range_retained",
    "aoo_cells": "aoo_cells",
}


def box_km(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def build_study(folder: Path) -> Path:
    """An analytic landscape (as in test_report) with non-ASCII names and mixed CRSs.

    Range, park, competitor and breeding are in LAEA; the countries and the settlements are
    in EPSG:4326 (split at 131°E, the LAEA's central meridian), so the export must keep
    both CRSs. The range has three epochs and a field name longer than 10 characters.
    """
    gpkg = folder / "land.gpkg"
    gpd.GeoDataFrame(
        {
            "epoch": ["c. 1900", "1970s", "2021"],
            "year": [1900, 1975, 2021],
            "area_published_km2": [40_000.0, 20_000.0, 9_000.0],
            "note": ["историческая граница", "历史范围", "current"],
        },
        geometry=[box_km(-100, -100, 100, 100), box_km(-70, -70, 70, 70), box_km(-50, -50, 50, 50)],
        crs=LAEA,
    ).to_file(gpkg, layer="range")
    gpd.GeoDataFrame(
        {"name": ["Земля леопарда", "Gamov"]},
        geometry=[box_km(-25, -25, 25, 25), box_km(60, 60, 61, 61)],
        crs=LAEA,
    ).to_file(gpkg, layer="park")
    gpd.GeoDataFrame(
        {"name": ["东北虎豹国家公园 tiger"]}, geometry=[box_km(0, -50, 50, 50)], crs=LAEA
    ).to_file(gpkg, layer="tiger")
    gpd.GeoDataFrame(
        {"name": ["den valley", "edge"]},
        geometry=[box_km(-20, -20, -10, -10), box_km(20, 0, 30, 10)],
        crs=LAEA,
    ).to_file(gpkg, layer="breeding")
    gpd.GeoDataFrame(
        {"name": ["Россия", "中国"], "iso_a3": ["RUS", "CHN"]},
        geometry=[shapely.box(125, 38, 131, 48), shapely.box(131, 38, 137, 48)],
        crs=4326,
    ).to_file(gpkg, layer="countries")
    gpd.GeoDataFrame(
        {"name": ["Барабаш", "珲春", "Kraskino"], "population": [3_000, 250_000, 3_200]},
        geometry=[
            shapely.Point(131.2, 43.1),
            shapely.Point(130.4, 42.9),
            shapely.Point(130.8, 42.7),
        ],
        crs=4326,
    ).to_file(gpkg, layer="settlements")
    study = folder / "study.toml"
    study.write_text(
        f"""
[study]
name = "Analytic leopard"
species = "Panthera analytica"
competitor_species = "Amur tiger"
analysis_crs = "{LAEA}"

[layers.park]
path = "land.gpkg"
layer = "park"
where = "name = 'Земля леопарда'"

[layers.range]
path = "land.gpkg"
layer = "range"
published_area_field = "area_published_km2"

[layers.competitor]
path = "land.gpkg"
layer = "tiger"

[layers.breeding]
path = "land.gpkg"
layer = "breeding"

[layers.borders]
path = "land.gpkg"
layer = "countries"
name_field = "name"
""",
        encoding="utf-8",
    )
    return study


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("study")
    build_study(folder)
    return folder


@pytest.fixture(scope="module")
def study_file(study_dir: Path) -> Path:
    return study_dir / "study.toml"


@pytest.fixture(scope="module")
def extra(study_dir: Path) -> list[str]:
    return [f"{study_dir / 'land.gpkg'}:settlements"]


@pytest.fixture(scope="module")
def exported(
    tmp_path_factory: pytest.TempPathFactory, study_file: Path, extra: list[str]
) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    return {
        fmt: export.run(study_file, out / fmt, format=fmt, extra_layers=extra)[0].parent
        for fmt in ("gpkg", "shp", "qgz")
    }


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# What is exported, and round trips
# --------------------------------------------------------------------------------------------


def parts_equal(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Same geometry to ``tol``: single and one-part multi alike, any ring start/orientation."""
    if a is None or a.is_empty or b is None or b.is_empty:
        return (a is None or a.is_empty) and (b is None or b.is_empty)
    pa = shapely.get_parts(shapely.normalize(a))
    pb = shapely.get_parts(shapely.normalize(b))
    return len(pa) == len(pb) and bool(np.all(shapely.equals_exact(pa, pb, tolerance=tol)))


def assert_same_layer(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame) -> None:
    assert len(got) == len(want)
    assert CRS(got.crs).equals(CRS(want.crs))
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    for a, b in zip(got.geometry, want.geometry, strict=True):
        assert parts_equal(a, b)
    fields = [c for c in want.columns if c != want.geometry.name]
    assert [c for c in got.columns if c != got.geometry.name] == fields
    for field in fields:
        for a, b in zip(got[field], want[field], strict=True):
            if isinstance(b, float):
                assert a == pytest.approx(b, rel=1e-9, nan_ok=True), field
            else:
                assert a == b, field


def expected_layers(study_file: Path, extra: list[str]) -> dict[str, gpd.GeoDataFrame]:
    """What each exported layer must hold, computed independently of the exporter."""
    result = run_report(study_file)
    study = result.study
    want: dict[str, gpd.GeoDataFrame] = {}
    for role, cfg in study.layers.items():
        want[role] = read_layer(cfg.path, cfg.layer, where=cfg.where)
    want["settlements"] = read_layer(extra[0])
    for key, name in ANALYSIS_LAYERS.items():
        frame = result.layers[key].reset_index(drop=True).copy()
        frame["area_km2"] = frame.geometry.area / 1e6  # exact in the LAEA analysis CRS
        if key == "range_epochs":  # the report's per-epoch metrics ride along as attributes
            for field in EPOCH_EXPORT_FIELDS:
                if field not in frame:
                    frame[field] = [getattr(result.epoch(e), field) for e in frame["epoch"]]
        want[name] = frame
    return want


def test_exports_every_study_and_analysis_layer(exported: dict[str, Path]) -> None:
    m = manifest(exported["gpkg"])
    names = {layer["name"]: layer for layer in m["layers"]}
    assert list(names) == [*STUDY_ROLES, "settlements", *ANALYSIS_LAYERS.values()]
    assert {names[n]["origin"] for n in ("park", "range", "borders")} == {"study"}
    assert names["settlements"]["origin"] == "extra"
    assert names["range_lost"]["origin"] == "analysis"
    # the CRS policy: study layers as read, analysis layers in the analysis CRS
    assert names["borders"]["crs"] == "EPSG:4326"
    assert CRS(names["range_lost"]["crs"]).equals(CRS(LAEA))
    assert CRS(m["analysis_crs"]).equals(CRS(LAEA))
    assert m["epochs"] == ["c. 1900", "1970s", "2021"]
    assert m["current_epoch"] == "2021"
    assert m["current_range_bounds"] == pytest.approx([-50e3, -50e3, 50e3, 50e3])
    assert {layer["group"] for layer in m["layers"]} == set(GROUPS)
    assert names["competitor"]["title"] == "Amur tiger range"


def test_gpkg_round_trip(exported: dict[str, Path], study_file: Path, extra: list[str]) -> None:
    gpkg = exported["gpkg"] / export.GPKG_NAME
    want = expected_layers(study_file, extra)
    tables = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert tables == set(want) | {"layer_styles"}
    for name, frame in want.items():
        got = pyogrio.read_dataframe(gpkg, layer=name)
        assert_same_layer(got, frame)
    # non-ASCII text intact
    assert set(pyogrio.read_dataframe(gpkg, layer="borders")["name"]) == {"Россия", "中国"}
    assert "历史范围" in set(pyogrio.read_dataframe(gpkg, layer="range")["note"])


def test_gpkg_round_trip_after_reprojection(exported: dict[str, Path], study_file: Path) -> None:
    """Study layers, densified and projected to the analysis CRS, match the report's."""
    gpkg = exported["gpkg"] / export.GPKG_NAME
    result = run_report(study_file)
    borders = pyogrio.read_dataframe(gpkg, layer="borders")
    borders = project(borders.set_geometry(densify(borders.geometry)), result.layers["borders"].crs)
    for a, b in zip(borders.geometry, result.layers["borders"].geometry, strict=True):
        assert parts_equal(a, b, tol=1e-9)


def test_shapefile_round_trip(
    exported: dict[str, Path], study_file: Path, extra: list[str]
) -> None:
    folder = exported["shp"]
    want = expected_layers(study_file, extra)
    for name, frame in want.items():
        got = read_shapefile(folder / f"{name}.shp")
        assert_same_layer(got, frame)
        assert (folder / f"{name}.cpg").read_text(encoding="ascii").strip() == "UTF-8"
        assert (folder / f"{name}.prj").stat().st_size > 0
        root = ET.fromstring((folder / f"{name}.qml").read_text(encoding="utf-8").split("\n", 1)[1])
        assert root.tag == "qgis"
    # names longer than 10 characters go through the field map
    with (folder / "range.fields.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["field"], r["shapefile_field"], r["type"]) for r in rows] == [
        ("epoch", "epoch", "string"),
        ("year", "year", "integer"),
        ("area_published_km2", "area_publi", "real"),
        ("note", "note", "string"),
    ]
    raw = pyogrio.read_dataframe(folder / "range.shp")
    assert list(raw.columns) == ["epoch", "year", "area_publi", "note", "geometry"]
    assert set(raw["note"]) == {"историческая граница", "历史范围", "current"}
    # the .qml uses the .dbf names
    qml = (folder / "range.qml").read_text(encoding="utf-8")
    assert 'attr="epoch"' in qml


# --------------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------------


def test_existing_output_needs_overwrite(tmp_path: Path, study_file: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier output", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="already exists; pass --overwrite"):
        export.run(study_file, out, format="gpkg")
    assert (out / "keep.txt").read_text(encoding="utf-8") == "earlier output"
    paths = export.run(study_file, out, format="gpkg", overwrite=True)
    assert not (out / "keep.txt").exists()
    assert sorted(p.name for p in paths) == ["leopardrange.gpkg", "manifest.json"]
    assert all(p.exists() for p in paths)


def test_failed_export_leaves_earlier_output_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    study = build_study(folder)
    out = tmp_path / "out"
    export.run(study, out, format="shp")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # a date-time field in the breeding layer: a Shapefile cannot hold it
    breeding = pyogrio.read_dataframe(folder / "land.gpkg", layer="breeding")
    breeding["seen_at"] = pd.to_datetime(["2021-05-01 10:30", "2021-06-01 08:00"])
    breeding.to_file(folder / "land.gpkg", layer="breeding", mode="w")
    with pytest.raises(ExportError, match="layer 'breeding', field 'seen_at' holds date-times"):
        export.run(study, out, format="shp", overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "study"]  # no temp folders left
    # the GeoPackage holds it
    export.run(study, tmp_path / "gpkg", format="gpkg")
    got = pyogrio.read_dataframe(tmp_path / "gpkg" / export.GPKG_NAME, layer="breeding")
    assert list(got["seen_at"]) == list(breeding["seen_at"])


def test_unknown_format(tmp_path: Path, study_file: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format 'kml'; use one of: gpkg, shp"):
        export.run(study_file, tmp_path / "x", format="kml")
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------------------------
# GeoPackage styles
# --------------------------------------------------------------------------------------------


def qml_root(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE qgis")
    return ET.fromstring(text.split("\n", 1)[1])


def test_layer_styles_table(exported: dict[str, Path]) -> None:
    gpkg = exported["gpkg"] / export.GPKG_NAME
    with closing(sqlite3.connect(gpkg)) as db:
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        geometry_columns = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        )
    assert contents.pop("layer_styles") == "attributes"
    assert set(contents.values()) == {"features"}
    styles = read_layer_styles(gpkg)
    assert sorted(styles["f_table_name"]) == sorted(contents)
    assert (styles["useAsDefault"] == 1).all()
    assert (styles["f_table_schema"] == "").all()
    assert (styles["f_table_catalog"] == "").all()
    for _, row in styles.iterrows():
        assert row["f_geometry_column"] == geometry_columns[row["f_table_name"]] == GEOMETRY_COLUMN
    qml = {row["f_table_name"]: qml_root(row["styleQML"]) for _, row in styles.iterrows()}

    # a distinct colour per epoch
    epochs = qml["range_epochs"].find("renderer-v2")
    assert epochs is not None and epochs.get("type") == "categorizedSymbol"
    assert epochs.get("attr") == "epoch"
    values = [c.get("value") for c in epochs.iter("category")]
    assert values == ["c. 1900", "1970s", "2021"]
    fills = [p.get("v") for p in epochs.iter("prop") if p.get("k") == "color"]
    assert len(set(fills)) == 3
    assert fills == [",".join(map(str, c.rgba(140))) for c in palette.epoch_colours(3)]
    # the park as an outline
    park_props = {p.get("k"): p.get("v") for p in qml["park"].iter("prop")}
    assert park_props["style"] == "no"
    assert float(park_props["outline_width"]) >= 0.5
    # the overlap hatched
    classes = [layer.get("class") for layer in qml["competitor_overlap"].iter("layer")]
    assert classes[0] == "LinePatternFill"
    # labels for countries and settlements
    for table in ("borders", "settlements"):
        assert qml[table].get("labelsEnabled") == "1"
        style = qml[table].find("labeling/settings/text-style")
        assert style is not None and style.get("fieldName") == "name"
    assert qml["park"].get("labelsEnabled") == "0"


# --------------------------------------------------------------------------------------------
# The .qgz project
# --------------------------------------------------------------------------------------------


def read_qgs(folder: Path) -> ET.Element:
    with zipfile.ZipFile(folder / export.PROJECT_NAME) as archive:
        names = archive.namelist()
        assert names == ["leopardrange.qgs"]
        text = archive.read(names[0]).decode("utf-8")
    return qml_root(text)


def test_qgz_structure(exported: dict[str, Path]) -> None:
    folder = exported["qgz"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "leopardrange.gpkg",
        "leopardrange.qgz",
        "manifest.json",
    ]
    root = read_qgs(folder)
    m = manifest(folder)

    # project CRS = the analysis CRS
    wkt = root.findtext("projectCrs/spatialrefsys/wkt")
    assert wkt and CRS(wkt).equals(CRS(LAEA))
    assert root.findtext("properties/Paths/Absolute") == "false"

    # every layer through a relative path to the GeoPackage
    sources = [ml.findtext("datasource") or "" for ml in root.iter("maplayer")]
    assert sources and all(s.startswith("./leopardrange.gpkg|layername=") for s in sources)
    tables = {name for name, _ in pyogrio.list_layers(folder / export.GPKG_NAME)} - {"layer_styles"}
    assert {s.split("layername=")[1].split("|")[0] for s in sources} == tables
    epoch_sources = [s for s in sources if "|subset=" in s]
    assert epoch_sources == [
        f"./leopardrange.gpkg|layername=range_epochs|subset=\"epoch\" = '{e}'"
        for e in ("2021", "1970s", "c. 1900")
    ]

    # layer-tree groups
    tree = root.find("layer-tree-group")
    assert tree is not None
    groups = {g.get("name"): g for g in tree.findall("layer-tree-group")}
    assert list(groups) == list(GROUPS) == [BASE, ANALYSIS, EPOCHS]
    titles = {
        g: [leaf.get("name") for leaf in groups[g].findall("layer-tree-layer")] for g in groups
    }
    assert titles[EPOCHS] == ["2021", "1970s", "c. 1900"]
    assert "Countries" in titles[BASE] and "Settlements" in titles[BASE]
    assert "Range lost since c. 1900" in titles[ANALYSIS]
    ids = [leaf.get("id") for g in groups.values() for leaf in g.findall("layer-tree-layer")]
    assert ids == [ml.findtext("id") for ml in root.iter("maplayer")]
    assert len(set(ids)) == len(ids)
    assert [e.get("id") for e in root.findall("layerorder/layer")] == ids

    # the initial extent is on the current range
    xmin, ymin, xmax, ymax = m["current_range_bounds"]
    view = root.find("ProjectViewSettings/DefaultViewExtent")
    assert view is not None
    box = [float(view.get(k, "nan")) for k in ("xmin", "ymin", "xmax", "ymax")]
    assert box[0] < xmin and box[1] < ymin and box[2] > xmax and box[3] > ymax
    assert box[2] - box[0] < 1.2 * (xmax - xmin)
    view_wkt = view.findtext("spatialrefsys/wkt")
    assert view_wkt and CRS(view_wkt).equals(CRS(LAEA))
    canvas = [
        float(root.findtext(f"mapcanvas/extent/{k}") or "nan")
        for k in ("xmin", "ymin", "xmax", "ymax")
    ]
    assert canvas == box

    # each layer carries its style and CRS
    for ml in root.iter("maplayer"):
        assert ml.find("renderer-v2") is not None
        srs = ml.findtext("srs/spatialrefsys/wkt")
        assert srs and CRS(srs).to_wkt()
    by_title = {ml.findtext("layername"): ml for ml in root.iter("maplayer")}
    assert by_title["Countries"].findtext("srs/spatialrefsys/authid") == "EPSG:4326"
    assert (
        by_title["Current range ∩ Amur tiger"].find(".//layer[@class='LinePatternFill']")
        is not None
    )

    # the manifest says what QGIS must find
    records = m["project"]["layers"]
    assert [r["id"] for r in records] == ids
    assert {r["title"]: r["features"] for r in records}["2021"] == 1


def test_project_is_reproducible(tmp_path: Path, study_file: Path) -> None:
    a = export.run(study_file, tmp_path / "a", format="qgz")
    b = export.run(study_file, tmp_path / "b", format="qgz")
    qgz_a = next(p for p in a if p.suffix == ".qgz")
    qgz_b = next(p for p in b if p.suffix == ".qgz")
    assert ET.tostring(read_qgs(qgz_a.parent)) == ET.tostring(read_qgs(qgz_b.parent))


# --------------------------------------------------------------------------------------------
# The embedded study (notebooks/qgis_export.ipynb runs in tests/test_notebooks.py)
# --------------------------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_DATASETS, reason="leopardrange.datasets (embedded data) not built yet")
def test_embedded_study_exports(tmp_path: Path) -> None:
    paths = export.run(out_dir=tmp_path / "qgis", format="qgz")
    folder = paths[0].parent
    m = manifest(folder)
    gpkg = folder / export.GPKG_NAME
    for layer in m["layers"]:
        assert pyogrio.read_info(gpkg, layer=layer["name"])["features"] == layer["features"]
    names = {layer["name"]: layer for layer in m["layers"]}
    assert names["settlements"]["origin"] == "extra"  # the embedded study's context layer
    assert names["settlements"]["style"]["label_field"] == "name"
    assert names["borders"]["style"]["label_field"] == "name"
    assert read_qgs(folder).findtext("projectCrs/spatialrefsys/wkt")
