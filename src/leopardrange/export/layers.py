"""Which layers an export holds, what they are called, where they go in QGIS, how they look.

Two families (see :func:`collect`):

- **Study layers** (group *Base*), one per role of the study file, exactly as the report reads
  them (``where`` filter applied, repaired if the study asks), **in the CRS they were read
  in** — nothing is reprojected, so they match their source to the last digit.
- **Analysis layers** (groups *Range by epoch* and *Analysis*), the geometries behind the
  report, **in the study's equal-area analysis CRS**: the range of each epoch, the current
  range, range lost and retained since the first epoch, park ∩ current range, current range
  outside the park, current range ∩ competitor, and the occupied AOO grid cells. Each carries
  ``area_km2`` measured with the report's area method.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
from pyproj import CRS

from leopardrange.crs import named_crs
from leopardrange.datasets import credits_of
from leopardrange.errors import CRSError, GeometryTypeError
from leopardrange.export.rasters import RasterStyle, is_raster, raster_style
from leopardrange.export.styles import GeometryKind, LayerStyle, analysis_style, study_style
from leopardrange.io import parse_layer_spec, read_layer
from leopardrange.measure import area_km2
from leopardrange.metrics import EPOCH_EXPORT_FIELDS

if TYPE_CHECKING:
    from leopardrange.report import ReportResult
    from leopardrange.study import Study

__all__ = [
    "ANALYSIS",
    "BASE",
    "EPOCHS",
    "GROUPS",
    "RASTERS",
    "ExportLayer",
    "ExportPlan",
    "ExportRaster",
    "collect",
    "read_raster_layer",
]

BASE = "Base"
EPOCHS = "Range by epoch"
ANALYSIS = "Analysis"
#: Layer-tree groups of the QGIS project, top first (drawn last): the analysis overlays lie
#: on the epoch fills, and the park outline and labels on everything.
GROUPS = (BASE, ANALYSIS, EPOCHS)
#: The layer-tree group of rasters added with ``extra_layers``, below every vector group.
RASTERS = "Rasters"

Progress = Callable[[str], None]

_TITLES = {
    "park": "Protected area",
    "range": "Range as mapped (all epochs)",
    "breeding": "Breeding areas",
    "borders": "Countries",
    "settlements": "Settlements",
}


@dataclass
class ExportLayer:
    """One exported layer.

    Attributes
    ----------
    name
        Table name in the GeoPackage, base name of the Shapefile (ASCII, ``[a-z0-9_]``).
    title
        Layer name shown in QGIS.
    group
        Layer-tree group: :data:`BASE`, :data:`EPOCHS` or :data:`ANALYSIS`.
    frame
        The features, in the CRS they are written in.
    style
        Default style.
    kind
        Geometry kind: ``polygon``, ``line`` or ``point``.
    origin
        ``study`` (a role of the study), ``extra`` (added with ``extra_layers``) or
        ``analysis``.
    source
        Where it comes from: ``PATH:LAYER`` (with the ``where`` filter) or ``analysis``.
    visible
        Checked in the QGIS layer tree.
    credits
        Credits the data's licences ask for (``"© OpenStreetMap contributors"``), written
        into the QGIS layer's metadata (rights).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from leopardrange.export.styles import study_style
    >>> frame = gpd.GeoDataFrame(
    ...     {"name": ["Park"]}, geometry=[shapely.box(0, 0, 1_000, 1_000)], crs=3035
    ... )
    >>> style = study_style("park", "polygon", fields=["name"])
    >>> layer = ExportLayer(
    ...     "park", "Protected area", BASE, frame, style, "polygon", "study", "a.gpkg"
    ... )
    >>> layer.group, layer.visible
    ('Base', True)
    """

    name: str
    title: str
    group: str
    frame: gpd.GeoDataFrame
    style: LayerStyle
    kind: GeometryKind
    origin: str
    source: str
    visible: bool = True
    credits: tuple[str, ...] = ()


@dataclass
class ExportRaster:
    """One raster added to an export (copied as a GeoTIFF, with a ``.qml`` style beside it).

    Attributes
    ----------
    name
        File stem in the export's ``rasters/`` folder (ASCII, ``[a-z0-9_]``).
    title
        Layer name shown in QGIS.
    path
        The raster read.
    crs
        Its CRS, named (:func:`leopardrange.crs.named_crs`).
    style
        How it looks (:class:`~leopardrange.export.rasters.RasterStyle`).
    credits
        Credits recorded in the raster's tags, for the QGIS layer's metadata.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> raster = read_raster_layer(datasets.path("elevation"), set())
    >>> isinstance(raster, ExportRaster), raster.name, raster.path.name
    (True, 'elevation', 'elevation.tif')
    """

    name: str
    title: str
    path: Path
    crs: CRS
    style: RasterStyle
    credits: tuple[str, ...] = ()


@dataclass
class ExportPlan:
    """Everything an export writes, before any file is written.

    Examples
    --------
    >>> plan = collect()  # the embedded Amur leopard study
    >>> plan.epochs, plan.current_epoch
    (['c. 1900', '1970s', 'early 2000s', '2015', '2021'], '2021')
    >>> sorted({layer.group for layer in plan.layers})
    ['Analysis', 'Base', 'Range by epoch']
    """

    study_name: str
    layers: list[ExportLayer]
    analysis_crs: CRS
    epochs: list[str]
    current_epoch: str
    current_bounds: tuple[float, float, float, float]
    metrics: dict[str, Any]
    rasters: list[ExportRaster] = field(default_factory=list)
    credits: tuple[str, ...] = ()


def _safe_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return name or "layer"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


def geometry_kind(frame: gpd.GeoDataFrame) -> GeometryKind:
    """The geometry kind most features of ``frame`` have (``polygon`` if it has none)."""
    types = frame.geometry.dropna().geom_type.str.replace("Multi", "", regex=False)
    counts = types.map(
        {"Polygon": "polygon", "LineString": "line", "Point": "point"}
    ).value_counts()
    if counts.empty:
        return "polygon"
    kind = str(counts.index[0])
    if kind not in ("polygon", "line", "point"):
        raise GeometryTypeError(f"cannot export geometries of type {kind!r}")
    return kind  # type: ignore[return-value]


def _with_area(frame: gpd.GeoDataFrame, method: str) -> gpd.GeoDataFrame:
    out = frame.reset_index(drop=True).copy()
    out["area_km2"] = area_km2(out, method=method).to_numpy()
    return out


def _study_layers(
    study: Study,
    epochs: list[str],
    taken: set[str],
    progress: Progress | None,
    repair: bool | None = None,
) -> list[ExportLayer]:
    from leopardrange.report.run import read_role

    layers = []
    for role, cfg in study.layers.items():
        if progress is not None:
            progress(f"reading study layer {role}")
        frame = read_role(cfg, repair=repair, geometry=None)
        frame = frame.reset_index(drop=True)
        kind = geometry_kind(frame)
        fields = [c for c in frame.columns if c != frame.geometry.name]
        style = study_style(
            role,
            kind,
            fields=fields,
            epoch_field=cfg.options.get("epoch_field", "epoch") if role == "range" else None,
            epochs=epochs if role == "range" else None,
            name_field=cfg.options.get("name_field"),
        )
        title = cfg.label or _TITLES.get(role)
        if role == "competitor":
            title = title or f"{study.competitor_species or 'Competitor'} range"
        where = f" where {cfg.where}" if cfg.where else ""
        layers.append(
            ExportLayer(
                name=_unique(_safe_name(role), taken),
                title=title or role.replace("_", " ").capitalize(),
                group=BASE,
                frame=frame,
                style=style,
                kind=kind,
                origin="study",
                source=f"{frame.attrs.get('source', cfg.path)}{where}",
                visible=role != "range",
                credits=credits_of(cfg.all_sources()),
            )
        )
    return layers


def read_raster_layer(
    spec: str | Path, taken: set[str], *, legend: Any = None, title: str | None = None
) -> ExportRaster:
    """An added raster: its name, CRS (named) and style.

    Parameters
    ----------
    spec : path
        The raster file.
    taken : set of str
        Names already used in the export (the new one is added).
    legend : Legend, str or path, optional
        The legend of a land-cover raster.
    title : str, optional
        Its name in QGIS (default: what it is, and its file name).

    Raises
    ------
    DataSourceError
        Missing or unreadable raster.
    CRSError
        A raster without a CRS.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> raster = read_raster_layer(datasets.path("landcover"), set(), legend="igbp")
    >>> raster.name, raster.title, raster.style.renderer
    ('landcover', 'Land cover (landcover.tif)', 'paletted')
    """
    from leopardrange.corridors._rasterfile import open_raster

    path = Path(spec)
    with open_raster(path, label=f"raster '{path}'") as src:
        if src.crs is None:
            raise CRSError(
                f"raster '{path}' has no CRS, so QGIS could not place it; assign it first "
                "(e.g. gdal_edit.py -a_srs EPSG:4326)"
            )
        crs = named_crs(CRS.from_wkt(src.crs.to_wkt()))
    style = raster_style(path, legend=legend, title=title)
    return ExportRaster(
        name=_unique(_safe_name(path.stem), taken),
        title=title or f"{style.title} ({path.name})",
        path=path,
        crs=crs,
        style=style,
        credits=credits_of([(path, None)]),
    )


def _extra_layers(specs: Sequence[str | Path], taken: set[str]) -> list[ExportLayer]:
    layers = []
    for spec in specs:
        ref = parse_layer_spec(spec)
        frame = read_layer(spec).reset_index(drop=True)
        source = str(frame.attrs.get("source", spec))
        base = source.rpartition(":")[2] if ":" in source else Path(str(spec)).stem
        kind = geometry_kind(frame)
        fields = [c for c in frame.columns if c != frame.geometry.name]
        name = _unique(_safe_name(base), taken)
        layers.append(
            ExportLayer(
                name=name,
                title=_TITLES.get(name, base.replace("_", " ").capitalize()),
                group=BASE,
                frame=frame,
                style=study_style(name, kind, fields=fields),
                kind=kind,
                origin="extra",
                source=source,
                credits=credits_of([(str(ref.path), ref.layer)]),
            )
        )
    return layers


def _analysis_layers(
    result: ReportResult, epochs: list[str], current: str, method: str, taken: set[str]
) -> list[ExportLayer]:
    first = epochs[0]
    competitor = result.info.competitor_species or "competitor"
    #: result key → (name, title, group, visible)
    table = [
        ("range_epochs", "range_epochs", "Range by epoch", EPOCHS, True),
        ("current_epoch", "current_range", f"Current range ({current})", ANALYSIS, True),
        (
            "competitor_overlap",
            "competitor_overlap",
            f"Current range ∩ {competitor}",
            ANALYSIS,
            True,
        ),
        ("park_in_current_range", "park_in_current_range", "Park ∩ current range", ANALYSIS, False),
        (
            "current_range_outside_park",
            "current_range_outside_park",
            "Current range outside the park",
            ANALYSIS,
            False,
        ),
        ("range_lost", "range_lost", f"Range lost since {first}", ANALYSIS, False),
        ("range_retained", "range_retained", f"Range retained since {first}", ANALYSIS, False),
        ("aoo_cells", "aoo_cells", "AOO grid cells (2 × 2 km)", ANALYSIS, False),
    ]
    layers = []
    for key, name, title, group, visible in table:
        if key not in result.layers:
            continue
        frame = _with_area(result.layers[key], method)
        if key == "range_epochs":
            frame = _with_epoch_metrics(frame, result)
        kind = geometry_kind(frame)
        layers.append(
            ExportLayer(
                name=_unique(name, taken),
                title=title,
                group=group,
                frame=frame,
                style=analysis_style(name, kind, epochs=epochs, current=current),
                kind=kind,
                origin="analysis",
                source="analysis",
                visible=visible,
                credits=result.info.credits,
            )
        )
    return layers


def _with_epoch_metrics(frame: gpd.GeoDataFrame, result: ReportResult) -> gpd.GeoDataFrame:
    """Add the per-epoch metrics the registry marks for export (``park_share_pct`` …)."""
    by_epoch = {e.epoch: e for e in result.epochs}
    for name in EPOCH_EXPORT_FIELDS:
        if name not in frame.columns:
            frame[name] = [getattr(by_epoch[str(e)], name) for e in frame["epoch"]]
    return frame


def _default_extras() -> list[str]:
    """Context layers of the embedded study: its settlements, labelled."""
    from leopardrange import datasets

    source = datasets.path("amur_leopard")
    return [f"{source}:settlements"] if "settlements" in datasets.layers() else []


def collect(
    study: Study | str | Path | None = None,
    *,
    area_method: str = "equal_area",
    extra_layers: Sequence[str | Path] | None = None,
    legend: Any = None,
    repair: bool | None = None,
    progress: Progress | None = None,
) -> ExportPlan:
    """Run the report's analysis and gather every layer an export writes, with its style.

    Parameters
    ----------
    study
        Study file, parsed :class:`~leopardrange.study.Study`, or ``None`` for the embedded
        Amur leopard study.
    area_method
        ``"equal_area"`` or ``"geodesic"``: how ``area_km2`` of analysis layers is measured.
    extra_layers
        More context layers for the *Base* group as ``PATH:LAYER`` (e.g. settlements),
        written in the CRS they are read in, and rasters (a GeoTIFF path: land cover,
        resistance, cost distance, corridor) for the *Rasters* group, each styled.
        ``None``: the embedded study's settlements when ``study`` is ``None``, else none.
    legend
        The legend of added land-cover rasters (``"igbp"``, ``"worldcover"``, ``"corine"``
        or a legend file).
    repair
        Repair invalid geometries of every study layer; ``None``: as the study says.
    progress
        Called with the name of each step as it starts.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> plan = collect(extra_layers=[datasets.path("landcover")], legend="igbp")
    >>> [r.style.kind for r in plan.rasters], plan.analysis_crs.name
    (['landcover'], 'LAEA 40°34′N 130°48′E')
    """
    from leopardrange.report import run as run_report

    method = area_method.replace("-", "_")
    result = run_report(study, area_method=method, repair=repair, progress=progress)
    epochs = [str(e) for e in result.layers["range_epochs"]["epoch"]]
    current = result.coverage.current_epoch
    taken: set[str] = set()
    if result.study is None:
        raise TypeError("export needs a report run from a study (report.run), not from frames")
    layers = _study_layers(result.study, epochs, taken, progress, repair)
    if extra_layers is None:
        extra_layers = _default_extras() if study is None else ()
    rasters = [
        read_raster_layer(spec, taken, legend=legend) for spec in extra_layers if is_raster(spec)
    ]
    layers += _extra_layers([s for s in extra_layers if not is_raster(s)], taken)
    if progress is not None:
        progress("preparing analysis layers")
    layers += _analysis_layers(result, epochs, current, method, taken)
    current_frame = result.layers["current_epoch"]
    bounds = tuple(float(v) for v in current_frame.total_bounds)
    for layer in layers:  # a CRS is written with a name, so QGIS never shows "unknown"
        layer.frame = layer.frame.set_crs(named_crs(layer.frame.crs), allow_override=True)
    return ExportPlan(
        study_name=result.study.name,
        layers=layers,
        rasters=rasters,
        analysis_crs=named_crs(result.layers["range_epochs"].crs),
        epochs=epochs,
        current_epoch=current,
        current_bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
        metrics=result.metrics,
        credits=result.info.credits,
    )
