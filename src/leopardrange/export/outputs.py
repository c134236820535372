"""QGIS projects of the corridor commands' outputs (``corridor --qgz``, ``linkages --qgz``).

A project is written into the output folder beside the files it shows, with relative paths:

``corridor.qgz``
    *Corridor*: the least-cost path, the source and the target (``path.gpkg``) and the
    corridor (``corridor.tif``); *Cost distance*: ``cwd_source.tif`` and ``cwd_target.tif``
    (unchecked); *Inputs*: the resistance raster and the land cover (styled from its legend).
``linkages.qgz``
    *Network*: the links, the dropped links and the cores (``linkages.gpkg``, labelled);
    *Inputs*: the resistance raster and the land cover.

Inputs stay where they are (the project points at them with a path relative to the output
folder). Every raster written here also gets a ``.qml`` beside it, so it opens styled on its
own too. The project's CRS is the grid's, named (never "unknown").
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["CORRIDOR_PROJECT", "LINKAGES_PROJECT", "corridor_project", "linkage_project"]

CORRIDOR_PROJECT = "corridor.qgz"
LINKAGES_PROJECT = "linkages.qgz"
_INPUTS = "Inputs"


def _relative(path: str | os.PathLike[str], out_dir: Path) -> str:
    """``path`` relative to the final output folder, as a QGIS datasource."""
    rel = os.path.relpath(Path(path).resolve(), Path(out_dir).resolve())
    rel = rel.replace(os.sep, "/")
    return rel if rel.startswith("../") else f"./{rel}"


def _raster(
    path: Path, datasource: str, group: str, *, title: str | None = None, legend: Any = None,
    visible: bool = True, sidecar: bool = False,
) -> Any:  # fmt: skip
    from pyproj import CRS

    from leopardrange.crs import named_crs
    from leopardrange.export.qgis import ProjectLayer, layer_id
    from leopardrange.export.rasters import raster_qml, raster_style

    style = raster_style(path, legend=legend, title=title)
    if sidecar:
        path.with_suffix(".qml").write_text(raster_qml(style), encoding="utf-8")
    import rasterio

    with rasterio.open(path) as src:
        crs = named_crs(CRS.from_wkt(src.crs.to_wkt()))
    return ProjectLayer(
        id=layer_id(f"{group}:{datasource}"), title=style.title, datasource=datasource, crs=crs,
        style=style, group=group, wkb_type="", visible=visible,
    )  # fmt: skip


def _vector(gpkg: Path, layer: str, title: str, group: str, *, visible: bool = True) -> Any:
    import pyogrio
    from pyproj import CRS

    from leopardrange.crs import named_crs
    from leopardrange.export.qgis import ProjectLayer, layer_id
    from leopardrange.export.styles import corridor_style

    info = pyogrio.read_info(gpkg, layer=layer)
    datasource = f"./{gpkg.name}|layername={layer}"
    return ProjectLayer(
        id=layer_id(f"{group}:{datasource}"), title=title, datasource=datasource,
        crs=named_crs(CRS.from_user_input(info["crs"])), style=corridor_style(layer),
        group=group, wkb_type=str(info["geometry_type"]), visible=visible,
    )  # fmt: skip


def _inputs(
    out_dir: Path, resistance: Path, landcover: str | os.PathLike[str] | None, legend: Any
) -> list[Any]:
    layers = [
        _raster(Path(resistance), _relative(resistance, out_dir), _INPUTS,
                title=f"Resistance ({Path(resistance).name})"),
    ]  # fmt: skip
    if landcover is not None:
        layers.append(
            _raster(Path(landcover), _relative(landcover, out_dir), _INPUTS, legend=legend,
                    title=f"Land cover ({Path(landcover).name})", visible=False)
        )  # fmt: skip
    return layers


def _write(
    folder: Path, name: str, layers: Sequence[Any], *, crs: Any, extent: Sequence[float],
    title: str, groups: Sequence[str],
) -> Path:  # fmt: skip
    from leopardrange.export.qgis import project_xml, write_qgz

    x0, y0, x1, y1 = extent
    pad = 0.08 * max(x1 - x0, y1 - y0, 1.0)
    view = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    text = project_xml(layers, crs=crs, extent=view, title=title, groups=groups)
    return write_qgz(folder / name, text)


def _bounds(gpkg: Path, layers: Sequence[str]) -> tuple[float, float, float, float]:
    import pyogrio

    boxes = [pyogrio.read_info(gpkg, layer=layer, force_total_bounds=True)["total_bounds"]
             for layer in layers]  # fmt: skip
    return (
        float(min(b[0] for b in boxes)),
        float(min(b[1] for b in boxes)),
        float(max(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
    )


def corridor_project(
    folder: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str],
    metrics: dict[str, Any],
    resistance: str | os.PathLike[str],
    landcover: str | os.PathLike[str] | None = None,
    legend: Any = None,
) -> Path:
    """Write ``corridor.qgz`` into a corridor folder (see the module docstring).

    Parameters
    ----------
    folder : path
        The folder holding the corridor's files (``CorridorResult.write`` output, or the
        temporary folder it is being written in).
    out_dir : path
        Where that folder ends up: paths to the inputs are relative to it.
    metrics : dict
        The corridor's metrics (names and CRS).
    resistance : path
        The resistance raster the corridor was computed on.
    landcover : path, optional
        The land cover, shown styled from ``legend``.
    legend : Legend, str or path, optional

    Returns
    -------
    Path
        The project file.

    Examples
    --------
    >>> import shapely, tempfile, rasterio, numpy as np
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> from leopardrange.corridors import least_cost_corridor
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_resistance(np.ones((3, 6)), folder / "R.tif", crs="EPSG:32645",
    ...                  transform=from_origin(500_000, 3_000_300, 100, 100))
    PosixPath('.../R.tif')
    >>> result = least_cost_corridor(folder / "R.tif", shapely.Point(500_050, 3_000_150),
    ...                              shapely.Point(500_550, 3_000_150))
    >>> out = result.write(folder / "c", extra=lambda tmp: corridor_project(
    ...     tmp, out_dir=folder / "c", metrics=result.metrics, resistance=folder / "R.tif"))
    >>> (out / "corridor.qgz").is_file(), (out / "corridor.qml").is_file()
    (True, True)
    """
    from pyproj import CRS

    from leopardrange.crs import named_crs

    folder = Path(folder)
    gpkg = folder / "path.gpkg"
    layers = [
        _vector(gpkg, "least_cost_path", "Least-cost path", "Corridor"),
        _vector(gpkg, "source", f"Source: {metrics['source']}", "Corridor"),
        _vector(gpkg, "target", f"Target: {metrics['target']}", "Corridor"),
        _raster(folder / "corridor.tif", "./corridor.tif", "Corridor",
                title=f"Corridor (≤ {metrics['corridor_pct']:g} % above the least cost)",
                sidecar=True),
        _raster(folder / "cwd_source.tif", "./cwd_source.tif", "Cost distance",
                title="Cost distance from the source", sidecar=True),
        _raster(folder / "cwd_target.tif", "./cwd_target.tif", "Cost distance",
                title="Cost distance from the target", visible=False, sidecar=True),
        *_inputs(Path(out_dir), Path(resistance), landcover, legend),
    ]  # fmt: skip
    return _write(
        folder, CORRIDOR_PROJECT, layers, crs=named_crs(CRS.from_user_input(metrics["crs"])),
        extent=_bounds(gpkg, ["least_cost_path", "source", "target"]),
        title=f"{metrics['source']} → {metrics['target']}",
        groups=("Corridor", "Cost distance", _INPUTS),
    )  # fmt: skip


def linkage_project(
    folder: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str],
    summary: dict[str, Any],
    resistance: str | os.PathLike[str],
    landcover: str | os.PathLike[str] | None = None,
    legend: Any = None,
) -> Path:
    """Write ``linkages.qgz`` into a linkage folder (see the module docstring).

    Parameters
    ----------
    folder, out_dir, resistance, landcover, legend
        As for :func:`corridor_project`.
    summary : dict
        The network's metrics (cores and CRS).

    Returns
    -------
    Path
        The project file.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile, rasterio, numpy as np
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> from leopardrange.corridors import linkage_network
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_resistance(np.ones((3, 6)), folder / "R.tif", crs="EPSG:32645",
    ...                  transform=from_origin(500_000, 3_000_300, 100, 100))
    PosixPath('.../R.tif')
    >>> cores = gpd.GeoDataFrame({"name": ["A", "B"]}, crs="EPSG:32645", geometry=[
    ...     shapely.box(500_000, 3_000_000, 500_200, 3_000_300),
    ...     shapely.box(500_400, 3_000_000, 500_600, 3_000_300)])
    >>> net = linkage_network(folder / "R.tif", cores)
    >>> out = net.write(folder / "n", extra=lambda tmp: linkage_project(
    ...     tmp, out_dir=folder / "n", summary=net.summary, resistance=folder / "R.tif"))
    >>> (out / "linkages.qgz").is_file()
    True
    """
    from pyproj import CRS

    from leopardrange.crs import named_crs

    folder = Path(folder)
    gpkg = folder / "linkages.gpkg"
    layers = [
        _vector(gpkg, "links", "Links (least-cost paths)", "Network"),
        _vector(gpkg, "dropped_links", "Dropped links (through another core)", "Network",
                visible=False),
        _vector(gpkg, "cores", "Core areas", "Network"),
        *_inputs(Path(out_dir), Path(resistance), landcover, legend),
    ]  # fmt: skip
    return _write(
        folder, LINKAGES_PROJECT, layers, crs=named_crs(CRS.from_user_input(summary["crs"])),
        extent=_bounds(gpkg, ["cores"]),
        title=f"Linkage network: {', '.join(summary['cores'][:4])}"
        + (" …" if len(summary["cores"]) > 4 else ""),
        groups=("Network", _INPUTS),
    )  # fmt: skip
