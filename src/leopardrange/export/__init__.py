"""QGIS-ready export: a styled GeoPackage, lossless Shapefiles, or a ``.qgz`` project.

>>> from leopardrange import export
>>> export.run(out_dir="out/qgis", format="qgz")          # embedded study  # doctest: +SKIP
>>> export.run("my_study.toml", "out/shp", format="shp")                      # doctest: +SKIP

What is written (into one folder, atomically — see :func:`run`):

``gpkg``
    ``leopardrange.gpkg``: every layer, each with its default QGIS style in ``layer_styles``.
``shp``
    ``<layer>.shp`` (+ ``.shx .dbf .prj .cpg``), ``<layer>.qml`` (style) and
    ``<layer>.fields.csv`` (original field names → 10-character ``.dbf`` names) per layer.
``qgz``
    ``leopardrange.gpkg`` as above plus ``leopardrange.qgz``: a QGIS project holding every
    layer through relative paths, styled, in groups *Base*, *Analysis* and *Range by epoch*
    (and *Rasters*), in the study's equal-area CRS, opening on the current range.

Rasters added with ``extra_layers`` (land cover, resistance, cost distance, corridor) are
copied as GeoTIFFs into ``rasters/`` with a ``.qml`` style beside each, which QGIS opens them
with (:mod:`leopardrange.export.rasters`).

Every format also writes ``manifest.json``: each layer's name, group, source, CRS, feature
count and style. Study layers are written in the CRS they were read in; analysis layers in
the analysis CRS (see :mod:`leopardrange.export.layers`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leopardrange.errors import ExportError

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import CRS

    from leopardrange.export.layers import ExportLayer, ExportPlan
    from leopardrange.export.styles import LayerStyle
    from leopardrange.study import Study

__all__ = ["FORMATS", "GPKG_NAME", "PROJECT_NAME", "RASTER_DIR", "copy_raster", "run"]

#: Export formats: GeoPackage, Shapefiles, GeoPackage + QGIS project.
FORMATS = ("gpkg", "shp", "qgz")
GPKG_NAME = "leopardrange.gpkg"
PROJECT_NAME = "leopardrange.qgz"
#: Folder of the rasters an export copies (GeoTIFF and ``.qml`` style each).
RASTER_DIR = "rasters"
MANIFEST_NAME = "manifest.json"

Progress = Callable[[str], None]


def run(
    study: Study | str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    format: str = "gpkg",
    overwrite: bool = False,
    area_method: str = "equal_area",
    extra_layers: Sequence[str | Path] | None = None,
    legend: Any = None,
    repair: bool | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Export the study's layers and the report's analysis layers for QGIS.

    Parameters
    ----------
    study
        Study TOML file, a parsed :class:`~leopardrange.study.Study`, or ``None`` for the
        embedded Amur leopard study.
    out_dir
        Folder to write (created; replaced only with ``overwrite``).
    format
        ``"gpkg"``, ``"shp"`` or ``"qgz"`` (GeoPackage + project).
    overwrite
        Replace an existing ``out_dir``.
    area_method
        ``"equal_area"`` or ``"geodesic"``, for the report and the ``area_km2`` fields.
    extra_layers
        More context layers for the *Base* group, as ``PATH:LAYER`` (e.g. settlements), and
        rasters (a GeoTIFF: land cover, resistance, cost distance, corridor), each styled.
        ``None`` (default): the embedded study's settlements when ``study`` is ``None``,
        else none.
    legend
        The legend of added land-cover rasters: ``"igbp"``, ``"worldcover"``, ``"corine"`` or
        a CSV/TOML legend file (their classes are then named and coloured by it).
    repair
        Repair invalid geometries of every study layer; ``None``: as the study says.
    progress
        Called with the name of each step as it starts.

    Returns
    -------
    list of Path
        The files written, inside ``out_dir``.

    Raises
    ------
    OutputExistsError
        If ``out_dir`` exists and ``overwrite`` is false (checked before any work).
    ExportError
        If the format is unknown, or a Shapefile cannot hold a field (the message names it).
        Nothing in ``out_dir`` changes when an export fails.

    Examples
    --------
    >>> import tempfile
    >>> from leopardrange import datasets
    >>> out = Path(tempfile.mkdtemp()) / "qgis"
    >>> files = run(out_dir=out, format="gpkg", legend="igbp",
    ...             extra_layers=[datasets.path("landcover")])
    >>> sorted(f.relative_to(out).as_posix() for f in files)
    ['leopardrange.gpkg', 'manifest.json', 'rasters/landcover.qml', 'rasters/landcover.tif']
    """
    from leopardrange.documents import write_json
    from leopardrange.export.layers import collect
    from leopardrange.output import atomic_output_dir, check_output

    if out_dir is None:
        raise TypeError("run() needs out_dir, the folder to write")
    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {format!r}; use one of: {', '.join(FORMATS)}")
    target = check_output(out_dir, overwrite=overwrite)
    plan = collect(
        study, area_method=area_method, extra_layers=extra_layers, legend=legend,
        repair=repair, progress=progress,
    )  # fmt: skip
    with atomic_output_dir(target, overwrite=overwrite) as tmp:
        if progress is not None:
            progress(f"writing {fmt}")
        if fmt == "shp":
            files, manifest = _write_shapefiles(plan, tmp)
        else:
            files, manifest = _write_geopackage(plan, tmp)
        files += _write_rasters(plan, tmp, manifest)
        if fmt == "qgz":
            files.append(_write_project(plan, tmp, manifest))
        manifest["format"] = fmt
        manifest_path = tmp / MANIFEST_NAME
        write_json(manifest_path, manifest)
        files.append(manifest_path)
        relative = [f.relative_to(tmp) for f in files]
    return [target / r for r in relative]


def _style_record(style: LayerStyle) -> dict[str, Any]:
    return {
        "renderer": style.renderer,
        "field": style.field,
        "colours": [list(c) for c in style.colours],
        "label_field": style.label.field if style.label else None,
    }


def _manifest(plan: ExportPlan) -> dict[str, Any]:
    from leopardrange._version import __version__

    return {
        "leopardrange_version": __version__,
        "study": plan.study_name,
        "analysis_crs": plan.analysis_crs.to_wkt(),
        "area_method": plan.metrics.get("area_method"),
        "crs_policy": (
            "study layers keep the CRS they were read in; analysis layers are in the "
            "analysis (equal-area) CRS"
        ),
        "epochs": plan.epochs,
        "current_epoch": plan.current_epoch,
        "current_range_bounds": list(plan.current_bounds),
        "layers": [],
    }


def _layer_record(layer: ExportLayer, files: list[str]) -> dict[str, Any]:
    from leopardrange.crs import crs_string

    return {
        "name": layer.name,
        "title": layer.title,
        "group": layer.group,
        "origin": layer.origin,
        "source": layer.source,
        "crs": crs_string(layer.frame.crs, fallback="wkt"),
        "features": len(layer.frame),
        "geometry_kind": layer.kind,
        "files": files,
        "style": _style_record(layer.style),
    }


def _write_geopackage(plan: ExportPlan, folder: Path) -> tuple[list[Path], dict[str, Any]]:
    from leopardrange.export.gpkg import write_gpkg, write_layer_styles
    from leopardrange.export.qgis import qml

    path = folder / GPKG_NAME
    write_gpkg(
        [(layer.name, layer.frame) for layer in plan.layers],
        path,
        credits={layer.name: layer.credits for layer in plan.layers},
    )
    write_layer_styles(path, {layer.name: qml(layer.style) for layer in plan.layers})
    manifest = _manifest(plan)
    manifest["layers"] = [_layer_record(layer, [GPKG_NAME]) for layer in plan.layers]
    return [path], manifest


def _write_shapefiles(plan: ExportPlan, folder: Path) -> tuple[list[Path], dict[str, Any]]:
    from leopardrange.export.shapefile import write_shapefile

    files: list[Path] = []
    manifest = _manifest(plan)
    for layer in plan.layers:
        written = write_shapefile(layer.frame, folder, name=layer.name, style=layer.style)
        files += written
        manifest["layers"].append(_layer_record(layer, [f.name for f in written]))
    return files, manifest


def _write_rasters(plan: ExportPlan, folder: Path, manifest: dict[str, Any]) -> list[Path]:
    """Copy the added rasters into ``rasters/`` as GeoTIFFs, each with its ``.qml`` style."""
    from leopardrange.export.rasters import raster_qml

    files: list[Path] = []
    manifest["rasters"] = []
    for raster in plan.rasters:
        out = folder / RASTER_DIR / f"{raster.name}.tif"
        copy_raster(raster.path, out, crs=raster.crs)
        qml_path = out.with_suffix(".qml")
        qml_path.write_text(raster_qml(raster.style), encoding="utf-8")
        files += [out, qml_path]
        manifest["rasters"].append(
            {
                "name": raster.name,
                "title": raster.title,
                "source": str(raster.path),
                "file": f"{RASTER_DIR}/{out.name}",
                "kind": raster.style.kind,
                "renderer": raster.style.renderer,
                "colours": [list(c) for c in raster.style.colours],
            }
        )
    return files


def copy_raster(source: Path, out: Path, *, crs: CRS | None = None) -> Path:
    """Copy a raster as a GeoTIFF (tags kept); ``crs`` names its CRS (same definition).

    Examples
    --------
    >>> import tempfile
    >>> from leopardrange import datasets
    >>> out = copy_raster(datasets.path("landcover"), Path(tempfile.mkdtemp()) / "lc.tif")
    >>> out.stat().st_size > 0
    True
    """
    import rasterio
    from rasterio.shutil import copy as rio_copy

    out.parent.mkdir(parents=True, exist_ok=True)
    rio_copy(str(source), str(out), driver="GTiff", tiled="YES", compress="DEFLATE")
    with rasterio.open(source) as src, rasterio.open(out, "r+") as dst:
        dst.update_tags(**src.tags())
        dst.update_tags(1, **src.tags(1))
        if crs is not None:
            dst.crs = rasterio.crs.CRS.from_wkt(crs.to_wkt())
    return out


def _subset(field: str, value: str) -> str:
    escaped = value.replace("'", "''")
    return f"\"{field}\" = '{escaped}'"


def _write_project(plan: ExportPlan, folder: Path, manifest: dict[str, Any]) -> Path:
    import pyogrio

    from leopardrange import palette
    from leopardrange.export.layers import EPOCHS, GROUPS, RASTERS
    from leopardrange.export.qgis import ProjectLayer, layer_id, project_xml, write_qgz
    from leopardrange.export.styles import LayerStyle, epoch_symbol

    gpkg = folder / GPKG_NAME
    layers: list[ProjectLayer] = []
    records: list[dict[str, Any]] = []
    colours = dict(zip(plan.epochs, palette.epoch_colours(len(plan.epochs)), strict=True))
    for layer in plan.layers:
        wkb_type = str(pyogrio.read_info(gpkg, layer=layer.name)["geometry_type"])
        source = f"./{GPKG_NAME}|layername={layer.name}"
        entries: list[tuple[str, str, str | None, LayerStyle, int]] = []
        if layer.group == EPOCHS and "epoch" in layer.frame.columns:
            for epoch in reversed(plan.epochs):
                count = int((layer.frame["epoch"].astype(str) == epoch).sum())
                style = LayerStyle(symbol=epoch_symbol(colours[epoch]))
                entries.append(
                    (f"{layer.name}:{epoch}", epoch, _subset("epoch", epoch), style, count)
                )
        else:
            entries.append((layer.name, layer.title, None, layer.style, len(layer.frame)))
        for key, title, subset, style, count in entries:
            datasource = source + (f"|subset={subset}" if subset else "")
            layers.append(
                ProjectLayer(
                    id=layer_id(key),
                    title=title,
                    datasource=datasource,
                    crs=_frame_crs(layer.frame),
                    style=style,
                    group=layer.group,
                    wkb_type=wkb_type,
                    visible=layer.visible,
                    credits=layer.credits,
                )
            )
            records.append(
                {
                    "id": layer_id(key),
                    "title": title,
                    "table": layer.name,
                    "subset": subset,
                    "datasource": datasource,
                    "group": layer.group,
                    "visible": layer.visible,
                    "features": count,
                    "style": _style_record(style),
                }
            )
    for raster in plan.rasters:
        datasource = f"./{RASTER_DIR}/{raster.name}.tif"
        layers.append(
            ProjectLayer(
                id=layer_id(f"raster:{raster.name}"),
                title=raster.title,
                datasource=datasource,
                crs=raster.crs,
                style=raster.style,
                group=RASTERS,
                wkb_type="",
                credits=raster.credits,
            )
        )
        records.append(
            {
                "id": layer_id(f"raster:{raster.name}"),
                "title": raster.title,
                "table": None,
                "subset": None,
                "datasource": datasource,
                "group": RASTERS,
                "visible": True,
                "features": None,
                "style": {
                    "renderer": raster.style.renderer,
                    "field": None,
                    "colours": [list(c) for c in raster.style.colours],
                    "label_field": None,
                },
            }
        )
    groups = (*GROUPS, RASTERS) if plan.rasters else GROUPS
    xmin, ymin, xmax, ymax = plan.current_bounds
    pad = 0.05 * max(xmax - xmin, ymax - ymin, 1.0)
    extent = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    text = project_xml(
        layers, crs=plan.analysis_crs, extent=extent, title=plan.study_name, groups=groups,
        credits=plan.credits,
    )  # fmt: skip
    records.sort(key=lambda r: groups.index(r["group"]))  # stable: layer-tree order
    manifest["project"] = {
        "file": PROJECT_NAME,
        "groups": list(groups),
        "initial_extent": list(extent),
        "layers": records,
    }
    return write_qgz(folder / PROJECT_NAME, text)


def _frame_crs(frame: gpd.GeoDataFrame) -> CRS:
    from pyproj import CRS

    from leopardrange.crs import named_crs

    return named_crs(CRS(frame.crs))
