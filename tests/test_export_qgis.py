"""Tests of leopardrange.export.qgis: QML and project XML as QGIS reads them (parsed here).

A real QGIS opens the projects in tests/test_qgis.py; these tests check the XML itself.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from pyproj import CRS

from leopardrange.export.qgis import (
    QGIS_FORMAT_VERSION,
    ProjectLayer,
    layer_id,
    project_xml,
    qml,
    write_qgz,
)
from leopardrange.export.styles import study_style

LAEA = CRS("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m")


def park_layer() -> ProjectLayer:
    style = study_style("park", "polygon", fields=["name"])
    return ProjectLayer(
        layer_id("park"), "Park", "./s.gpkg|layername=park", LAEA, style, "Base", "MultiPolygon"
    )


def test_layer_ids_are_stable_distinct_and_safe() -> None:
    assert layer_id("park") == layer_id("park") != layer_id("parks")
    assert layer_id("range epochs").startswith("range_epochs_")
    assert all(c.isalnum() or c == "_" for c in layer_id("Земля / леопарда"))


def test_qml_is_a_qgis_style_document() -> None:
    text = qml(study_style("park", "polygon", fields=["name"]))
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.tag == "qgis" and root.get("version") == QGIS_FORMAT_VERSION
    assert root.find("renderer-v2") is not None


def test_project_names_its_layers_groups_and_crs() -> None:
    text = project_xml([park_layer()], crs=LAEA, extent=(0, 0, 1, 1), title="T", groups=["Base"])
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.findtext("title") == "T"
    [layer] = root.iter("maplayer")
    assert layer.findtext("datasource") == "./s.gpkg|layername=park"
    assert layer.findtext("layername") == "Park" and layer.findtext("provider") == "ogr"
    assert [g.get("name") for g in root.iter("layer-tree-group") if g.get("name")] == ["Base"]
    assert "LAEA 43°N 131°E" in text


def test_qgz_holds_the_project(tmp_path: Path) -> None:
    text = project_xml([], crs=LAEA, extent=(0, 0, 1, 1), title="T", groups=[])
    qgz = write_qgz(tmp_path / "p.qgz", text)
    with zipfile.ZipFile(qgz) as archive:
        assert archive.namelist() == ["p.qgs"]
        assert archive.read("p.qgs").decode() == text
