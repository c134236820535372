"""Open exported files in real QGIS and report, as JSON on stdout, what QGIS sees.

Runs under the Python that has PyQGIS (Debian: ``/usr/bin/python3`` with ``python3-qgis``),
not the project's venv; ``tests/test_qgis.py`` runs it and checks the report. Nothing here
asserts: it only observes, so the checks live in one place.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_probe.py \\
        --project out/qgis/leopardrange.qgz --gpkg out/qgis/leopardrange.gpkg \\
        --shapefiles out/shp --png /tmp/map.png
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateTransform,
    QgsLayerTreeGroup,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def colour(c: QColor) -> list[int]:
    return [c.red(), c.green(), c.blue(), c.alpha()]


def _common(layer: Any, kind: str) -> dict[str, Any]:
    crs = layer.crs()
    return {
        "id": layer.id(),
        "name": layer.name(),
        "type": kind,
        "valid": layer.isValid(),
        "source": layer.source(),
        "crs_valid": crs.isValid(),
        "crs_authid": crs.authid(),
        "crs_description": crs.description(),
        "crs_wkt": crs.toWkt(),
        "rights": list(layer.metadata().rights()),
    }


def describe_raster(layer: QgsRasterLayer) -> dict[str, Any]:
    renderer = layer.renderer()
    kind = renderer.type() if renderer else None
    colours: list[list[int]] = []
    if kind == "paletted":
        colours = [colour(c.color) for c in renderer.classes()]
    elif kind == "singlebandpseudocolor":
        shader = renderer.shader().rasterShaderFunction()
        colours = [colour(item.color) for item in shader.colorRampItemList()]
    return {
        **_common(layer, "raster"),
        "renderer": kind,
        "colours": colours,
        "width": layer.width(),
        "height": layer.height(),
    }


def describe_layer(layer: Any) -> dict[str, Any]:
    if isinstance(layer, QgsRasterLayer):
        return describe_raster(layer)
    renderer = layer.renderer()
    kind = renderer.type() if renderer else None
    colours: list[list[int]] = []
    field = None
    symbol_layers: list[str] = []
    if kind == "singleSymbol":
        colours = [colour(renderer.symbol().color())]
        symbol_layers = [sl.layerType() for sl in renderer.symbol().symbolLayers()]
    elif kind == "categorizedSymbol":
        field = renderer.classAttribute()
        categories = renderer.categories()  # copies: keep them alive while reading symbols
        colours = [colour(cat.symbol().color()) for cat in categories]
        if categories:
            symbol_layers = [sl.layerType() for sl in categories[0].symbol().symbolLayers()]
    label_field = None
    if layer.labelsEnabled() and layer.labeling() is not None:
        label_field = layer.labeling().settings().fieldName
    return {
        **_common(layer, "vector"),
        "subset": layer.subsetString(),
        "feature_count": int(layer.featureCount()),
        "renderer": kind,
        "field": field,
        "colours": colours,
        "symbol_layers": symbol_layers,
        "label_field": label_field,
    }


def probe_project(path: Path, png: Path | None) -> dict[str, Any]:
    from qgis.gui import QgsMapCanvas

    project = QgsProject.instance()
    # The desktop's main canvas: it takes its initial extent from the project's <mapcanvas>.
    canvas = QgsMapCanvas()
    canvas.setObjectName("theMapCanvas")
    canvas.resize(800, 600)
    ok = project.read(str(path))
    out: dict[str, Any] = {"read": bool(ok), "error": project.error()}
    shown = canvas.extent()
    out["canvas_extent"] = [
        shown.xMinimum(),
        shown.yMinimum(),
        shown.xMaximum(),
        shown.yMaximum(),
    ]
    crs = project.crs()
    out["crs_valid"] = crs.isValid()
    out["crs_wkt"] = crs.toWkt()
    out["crs_description"] = crs.description()
    out["title"] = project.title()
    out["abstract"] = project.metadata().abstract()
    view = project.viewSettings().defaultViewExtent()
    out["default_view_extent"] = [
        view.xMinimum(),
        view.yMinimum(),
        view.xMaximum(),
        view.yMaximum(),
    ]
    out["default_view_crs_wkt"] = view.crs().toWkt()
    out["absolute_paths"] = project.readBoolEntry("Paths", "/Absolute", True)[0]
    root = project.layerTreeRoot()
    groups = []
    for child in root.children():
        if isinstance(child, QgsLayerTreeGroup):
            groups.append(
                {
                    "name": child.name(),
                    "layers": [node.layerId() for node in child.findLayers()],
                    "visible": [node.isVisible() for node in child.findLayers()],
                }
            )
    out["groups"] = groups
    out["layers"] = [describe_layer(layer) for layer in project.mapLayers().values()]
    if png is not None:
        shown = {node.layerId() for node in root.findLayers() if node.isVisible()}
        visible = [layer for layer in root.layerOrder() if layer.id() in shown]
        out["render"] = render(visible, project, view, png)
    return out


def render(layers: list[Any], project: QgsProject, view: Any, png: Path) -> dict[str, Any]:
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(project.crs())
    settings.setTransformContext(project.transformContext())
    extent = QgsRectangle(view)
    if view.crs().isValid() and view.crs() != project.crs():
        transform = QgsCoordinateTransform(view.crs(), project.crs(), project)
        extent = transform.transformBoundingBox(extent)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(str(png), "PNG")
    return {"png": str(png), "layers": len(layers), "errors": [e.message for e in job.errors()]}


def gpkg_tables(path: Path) -> list[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name"
        ).fetchall()
    return [r[0] for r in rows]


def probe_gpkg(path: Path) -> list[dict[str, Any]]:
    out = []
    for table in gpkg_tables(path):
        layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
        record = describe_layer(layer)
        record["table"] = table
        out.append(record)
    return out


def probe_shapefiles(folder: Path) -> list[dict[str, Any]]:
    out = []
    for shp in sorted(folder.glob("*.shp")):
        layer = QgsVectorLayer(str(shp), shp.stem, "ogr")
        record = describe_layer(layer)
        record["file"] = shp.name
        record["fields"] = [f.name() for f in layer.fields()]
        record["first_row"] = (
            {
                f.name(): str(v)
                for f, v in zip(layer.fields(), next(layer.getFeatures()).attributes(), strict=True)
            }
            if layer.featureCount()
            else {}
        )
        out.append(record)
    return out


def probe_rasters(folder: Path) -> list[dict[str, Any]]:
    """Rasters opened on their own: QGIS applies the ``.qml`` beside each as its style."""
    out = []
    for tif in sorted(folder.glob("*.tif")):
        layer = QgsRasterLayer(str(tif), tif.stem, "gdal")
        record = describe_raster(layer)
        record["file"] = tif.name
        out.append(record)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path)
    parser.add_argument("--gpkg", type=Path)
    parser.add_argument("--shapefiles", type=Path)
    parser.add_argument("--rasters", type=Path)
    parser.add_argument("--png", type=Path)
    args = parser.parse_args()
    app = QgsApplication([], True)
    QgsApplication.setPrefixPath("/usr", True)
    app.initQgis()
    report: dict[str, Any] = {"qgis_version": Qgis.QGIS_VERSION}
    try:
        if args.project:
            report["project"] = probe_project(args.project, args.png)
        if args.gpkg:
            report["gpkg"] = probe_gpkg(args.gpkg)
        if args.shapefiles:
            report["shapefiles"] = probe_shapefiles(args.shapefiles)
        if args.rasters:
            report["rasters"] = probe_rasters(args.rasters)
    finally:
        QgsProject.instance().clear()
    json.dump(report, sys.stdout, ensure_ascii=False)
    sys.stdout.flush()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
