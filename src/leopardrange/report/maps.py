"""Maps and charts of a range-loss report, as matplotlib figures.

Pure rendering: layers and tables in, :class:`matplotlib.figure.Figure` out. Figures are
built without pyplot (no global figure registry, no GUI backend) and never touch disk; encode
them with :func:`figure_to_png`. All layers must already be in one projected (equal-area)
analysis CRS; nothing is reprojected and no area is computed here, so labels show the areas
the caller measured (column ``area_km2``).

Colours are colour-blind safe: epochs use the sequential ColorBrewer YlOrBr palette (old =
light, current = strong); the park is a bold Okabe–Ito bluish-green outline, breeding areas
Okabe–Ito blue (opposite the yellow–brown epochs), the competitor dark-grey hatching, so the
layers differ in form as well as hue. Non-ASCII names are drawn with DejaVu Sans plus any
installed CJK font; characters no installed font covers are dropped rather than drawn as
boxes, so no "Glyph missing" warning escapes.

>>> fig = overview_map(epochs=epochs, park=park, labels={"park": "Land of the Leopard NP"})
... # doctest: +SKIP
>>> png = figure_to_png(fig)  # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, PercentFormatter
from numpy.typing import NDArray

from leopardrange import _cartography as carto
from leopardrange import palette
from leopardrange._cartography import safe_text
from leopardrange.errors import EmptyLayerError, SchemaError

__all__ = [
    "DEFAULT_LABELS",
    "area_by_epoch_chart",
    "contraction_map",
    "coverage_chart",
    "figure_to_png",
    "overview_map",
    "simplify_for_display",
]

#: Legend text per layer role, used where ``labels`` gives none.
DEFAULT_LABELS: Mapping[str, str] = {
    "range": "Range",
    "park": "Protected area",
    "competitor": "Competitor range",
    "breeding": "Breeding areas",
    "borders": "International borders",
}
PARK = palette.PARK.hex
COMPETITOR = palette.COMPETITOR.hex
BREEDING = palette.BREEDING.hex
INK = palette.INK.hex
WHITE = palette.WHITE.hex
_EXTENTS = ("current", "all")
_MAP_WIDTH_IN = 7.0
_OVERVIEW_WIDTH_IN = 10.0
#: Maps are drawn for this resolution by default (dots per inch): print quality.
MAX_DPI = 300.0
#: Geometries are simplified to this fraction of a pixel at ``max_dpi`` before drawing.
_PIXEL_FRACTION = 0.25


# ---------------------------------------------------------------------------- shared helpers
def _new_figure(width_in: float, height_in: float) -> Figure:
    engine = ConstrainedLayoutEngine(w_pad=0.06, h_pad=0.06, wspace=0.03, hspace=0.05)
    fig = Figure(figsize=(width_in, height_in), layout=engine, facecolor=WHITE)
    FigureCanvasAgg(fig)
    return fig


def _epoch_styles(n: int) -> tuple[list[str], list[str]]:
    """Fill and outline colours (hex) of ``n`` epochs, oldest first, from the palette."""
    fills = palette.epoch_colours(n)
    return [c.hex for c in fills], [palette.outline_of(c).hex for c in fills]


def _role_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_LABELS)
    for role, text in (labels or {}).items():
        if role not in DEFAULT_LABELS:
            valid = ", ".join(sorted(DEFAULT_LABELS))
            raise ValueError(f"unknown label role {role!r}; valid roles: {valid}")
        merged[role] = safe_text(text)
    return merged


def _check_epochs(epochs: gpd.GeoDataFrame) -> None:
    if "epoch" not in epochs.columns:
        raise SchemaError(
            "epochs has no 'epoch' column; pass one dissolved row per epoch with columns "
            f"epoch, year, geometry (columns found: {', '.join(map(str, epochs.columns))})"
        )
    if len(epochs) == 0:
        raise EmptyLayerError("epochs is empty; pass at least the current range")


def _require_columns(table: pd.DataFrame, required: Sequence[str]) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SchemaError(
            f"table lacks column(s) {', '.join(missing)}; expected {', '.join(required)} "
            f"(found: {', '.join(map(str, table.columns))})"
        )


def _numbers(column: pd.Series[Any]) -> NDArray[np.float64]:
    """Return a column as floats; missing or non-numeric values become NaN."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _format_area(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}" if abs(value) >= 0.01 else f"{value:.2g}"


def _thousands(value: float, _pos: int | None = None) -> str:
    return f"{value:,.0f}" if abs(value) >= 1 else f"{value:g}"


# ---------------------------------------------------------------------------- display resolution
def simplify_for_display(geoms: gpd.GeoSeries, *, tolerance: float) -> gpd.GeoSeries:
    """Simplify polygons to ``tolerance`` map units for drawing; shared borders stay shared.

    When features share vertices and form a valid coverage (no overlaps; countries,
    districts), the whole coverage is simplified together (``shapely.coverage_simplify``),
    so neighbours keep one common border. Otherwise each polygon part is simplified on its
    own and keeps its topology: Douglas-Peucker, and where that breaks the part (rings
    crossing, the part or a hole collapsing) ``simplify(preserve_topology=True)``; polygons
    come back as multipolygons. Points, lines and empty or missing geometries are
    returned unchanged.

    Parameters
    ----------
    geoms
        Geometries in a projected CRS.
    tolerance
        How far a simplified outline may depart from the original, in map units (> 0; GEOS
        may move a ring's start vertex up to about 1.5 times as far). A quarter of a pixel
        keeps the drawn map unchanged to the eye.

    Returns
    -------
    geopandas.GeoSeries
        A new series, same index and CRS.

    Raises
    ------
    ValueError
        If ``tolerance`` is not a positive finite number.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import shapely
    >>> wiggly = shapely.Polygon([(0, 0), (5, 0.001), (10, 0), (10, 10), (0, 10)])
    >>> out = simplify_for_display(gpd.GeoSeries([wiggly], crs=3035), tolerance=0.01)
    >>> shapely.get_num_coordinates(out.values).tolist()
    [5]
    """
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number of map units, got {tolerance!r}")
    values = np.asarray(geoms.values, dtype=object)
    present = np.array([g is not None for g in values], dtype=bool)
    polygonal = present.copy()
    polygonal[present] = np.isin(shapely.get_type_id(values[present]), (3, 6)) & ~shapely.is_empty(
        values[present]
    )
    out = values.copy()
    polys = values[polygonal]
    if len(polys) > 1 and _is_coverage(polys):
        out[polygonal] = shapely.coverage_simplify(polys, tolerance)
    elif len(polys):
        # part by part: GEOS checks every ring of a geometry against every other, which
        # takes minutes on a dissolved layer of thousands of parts, seconds part by part
        parts, owner = shapely.get_parts(polys, return_index=True)
        # Douglas-Peucker first (5x faster); where it breaks a part (a ring crossing
        # itself or a hole, a part or a hole collapsing), the topology-preserving
        # simplifier redoes it
        simple = shapely.simplify(parts, tolerance, preserve_topology=False)
        holes = shapely.get_num_interior_rings
        broken = ~shapely.is_valid(simple) | shapely.is_empty(simple)
        broken |= holes(simple) != holes(parts)
        simple[broken] = shapely.simplify(parts[broken], tolerance, preserve_topology=True)
        out[polygonal] = shapely.multipolygons(simple, indices=owner)
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


def _is_coverage(polys: NDArray[Any]) -> bool:
    """Tell whether polygons share vertices and form a valid coverage (no overlaps, no slivers).

    The vertex test is cheap and sorts out overlapping circles and the like at once; only
    layers whose features do share vertices are checked as a coverage.
    """
    xy, owner = shapely.get_coordinates(polys, return_index=True)
    order = np.lexsort((owner, xy[:, 1], xy[:, 0]))
    x, y, who = xy[order, 0], xy[order, 1], owner[order]
    shared = (x[1:] == x[:-1]) & (y[1:] == y[:-1]) & (who[1:] != who[:-1])
    return bool(shared.any()) and bool(shapely.coverage_is_valid(polys))


def _display_layer(
    frame: gpd.GeoDataFrame | None, *, view: carto.View, width_in: float, max_dpi: float | None
) -> gpd.GeoDataFrame | None:
    """``frame`` with its polygons simplified to a fraction of a pixel (``None`` passes)."""
    if frame is None or max_dpi is None or carto.is_empty(frame):
        return frame
    if not (math.isfinite(max_dpi) and max_dpi > 0):
        raise ValueError(f"max_dpi must be a positive number of dots per inch, got {max_dpi!r}")
    pixel = (view[2] - view[0]) / (width_in * max_dpi)
    out = frame.copy()
    out[frame.geometry.name] = simplify_for_display(
        frame.geometry, tolerance=pixel * _PIXEL_FRACTION
    )
    return out


# ---------------------------------------------------------------------------- overview
def overview_map(
    *,
    epochs: gpd.GeoDataFrame,
    park: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame | None = None,
    competitor: gpd.GeoDataFrame | None = None,
    breeding: gpd.GeoDataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    extent: str = "current",
    max_dpi: float | None = MAX_DPI,
    credits: Sequence[str] = (),
) -> Figure:
    """Draw the overview map: range epochs, park, competitor, breeding areas and borders.

    Parameters
    ----------
    epochs
        One (dissolved) row per epoch with columns ``epoch`` (str), ``year`` (int) and
        polygon geometry, sorted by year; the last row is the current range.
    park
        Protected-area polygons, drawn as a bold outline without fill.
    borders
        Country polygons, drawn light; a ``name`` column labels them inside the view.
    competitor
        The competitor's range (e.g. the tiger's), drawn hatched; skipped when empty.
    breeding
        Breeding areas as points and/or polygons, drawn in a strong blue.
    labels
        Legend text per role: ``range``, ``park``, ``competitor``, ``breeding``, ``borders``.
    title
        Figure title.
    extent
        ``"current"`` zooms to the current range and the park (plus a margin); ``"all"``
        shows all epochs and the park.
    max_dpi
        The highest resolution the figure is meant for, in dots per inch (> 0): polygons are
        simplified to a quarter of a pixel at it before drawing (shared borders stay shared),
        so a layer of millions of vertices draws in a moment and looks the same. ``None``
        draws every vertex.
    credits
        Credits the data's licences ask for, written at the lower right ("Data: …").

    Returns
    -------
    matplotlib.figure.Figure
        About 10 in wide, one map axes with a scale bar (round km), a north arrow to true
        north at the map centre, a lon/lat graticule and a legend beside the map.

    Raises
    ------
    ValueError
        If a layer has no CRS or a geographic one, the layers' CRSs differ, ``extent`` or a
        label role is unknown, or ``epochs`` is empty (:class:`~leopardrange.errors.CRSError`,
        :class:`~leopardrange.errors.EmptyLayerError`).
    leopardrange.errors.SchemaError
        If ``epochs`` has no ``epoch`` column.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> epochs = gpd.GeoDataFrame({"epoch": ["1970", "2015"], "year": [1970, 2015]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 50_000, 40_000), shapely.box(0, 0, 20_000, 20_000)])
    >>> park = gpd.GeoDataFrame(geometry=[shapely.box(5_000, 5_000, 15_000, 15_000)], crs=3035)
    >>> fig = overview_map(epochs=epochs, park=park, title="Range")
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['Range, 1970', 'Range, 2015 (current)', 'Protected area']
    """
    if extent not in _EXTENTS:
        raise ValueError(f"extent must be one of {', '.join(_EXTENTS)}, got {extent!r}")
    layers = {
        "epochs": epochs,
        "park": park,
        "borders": borders,
        "competitor": competitor,
        "breeding": breeding,
    }
    crs = carto.common_projected_crs(layers)
    _check_epochs(epochs)
    names = _role_labels(labels)
    current = epochs.iloc[[-1]]
    focus = carto.bounds(current, park) if extent == "current" else carto.bounds(epochs, park)
    focus = focus or carto.bounds(epochs, park, breeding, competitor)
    if focus is None:
        raise EmptyLayerError("nothing to draw: the epochs and the park are all empty")
    unit_m = carto.metres_per_unit(crs)
    raw_aspect = (focus[3] - focus[1] + 1e-9) / (focus[2] - focus[0] + 1e-9)
    map_h = min(max(_MAP_WIDTH_IN * raw_aspect, 4.8), 8.6)
    view = carto.padded_view(
        focus, aspect=map_h / _MAP_WIDTH_IN, margin=0.08, min_pad=2_000 / unit_m
    )
    label_borders = borders
    epochs, park, borders, competitor, breeding = (
        _display_layer(frame, view=view, width_in=_OVERVIEW_WIDTH_IN, max_dpi=max_dpi)
        for frame in (epochs, park, borders, competitor, breeding)
    )
    assert epochs is not None and park is not None

    with carto.style():
        fig = _new_figure(_OVERVIEW_WIDTH_IN, map_h + 1.2)
        ax = fig.add_subplot()
        carto.map_axes(ax, view, adjustable="datalim")
        handles: list[Any] = []
        texts: list[str] = []

        carto.draw_borders(ax, borders, autolim=False)
        colours, edges = _epoch_styles(len(epochs))
        for i, (epoch, geom) in enumerate(zip(epochs["epoch"], epochs.geometry, strict=True)):
            is_current = i == len(epochs) - 1
            style: dict[str, Any] = {
                "facecolor": colours[i],
                "edgecolor": edges[i],
                "linewidth": 0.7,
                "alpha": 0.9,
            }
            carto.add_polygons(ax, [geom], autolim=False, zorder=1 + i / (len(epochs) + 1), **style)
            handles.append(Patch(**style))
            suffix = " (current)" if is_current and len(epochs) > 1 else ""
            texts.append(f"{names['range']}, {safe_text(epoch)}{suffix}")
        if not carto.is_empty(competitor):
            assert competitor is not None
            comp_style: dict[str, Any] = {
                "facecolor": "none",
                "edgecolor": COMPETITOR,
                "hatch": "//",
                "linewidth": 0.9,
                "alpha": 0.75,
            }
            carto.add_polygons(ax, list(competitor.geometry), autolim=False, zorder=3, **comp_style)
            handles.append(Patch(**comp_style))
            texts.append(names["competitor"])
        if _draw_park(ax, park, linewidth=2.4):
            handles.append(Line2D([], [], color=PARK, linewidth=2.4))
            texts.append(names["park"])
        if not carto.is_empty(breeding):
            assert breeding is not None
            handle = _draw_breeding(ax, breeding)
            if handle is not None:
                handles.append(handle)
                texts.append(names["breeding"])
        if not carto.is_empty(borders):
            handles.append(Line2D([], [], color=palette.BORDER.hex, linewidth=0.8))
            texts.append(names["borders"])

        carto.hold_view(ax, view)
        carto.add_graticule(ax, crs, view)
        carto.label_countries(ax, label_borders, view)
        carto.add_scale_bar(ax, metres_per_unit=unit_m)
        centre = ((view[0] + view[2]) / 2, (view[1] + view[3]) / 2)
        carto.add_north_arrow(ax, carto.north_angle_deg(crs, *centre))
        ax.set_xlabel(carto.projection_note(crs), fontsize=7, color=carto.GREY, loc="left")
        legend = fig.legend(
            handles,
            texts,
            loc="outside right upper",
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.6)},
            handlelength=2.2,
            handleheight=1.2,
            labelspacing=0.8,
            borderaxespad=1.0,
        )
        legend.set_gid("legend")
        carto.add_credit(fig, credits)
        if title:
            fig.suptitle(safe_text(title), x=0.01, ha="left")
    return fig


def _draw_park(ax: Axes, park: gpd.GeoDataFrame, *, linewidth: float) -> bool:
    """Outline the park boldly (white rim, no fill); tell whether anything was drawn."""
    if carto.is_empty(park):
        return False
    patch = carto.add_polygons(
        ax,
        list(park.geometry),
        halo=True,
        autolim=False,
        facecolor="none",
        edgecolor=PARK,
        linewidth=linewidth,
        zorder=5,
    )
    return patch is not None


def _draw_breeding(ax: Axes, breeding: gpd.GeoDataFrame) -> Any:
    geoms = list(breeding.geometry)
    polygon_style: dict[str, Any] = {
        "facecolor": (*to_rgb(BREEDING), 0.42),
        "edgecolor": BREEDING,
        "linewidth": 1.3,
    }
    # under the park outline (zorder 5), so a large breeding area never hides the park
    polys = carto.add_polygons(ax, geoms, autolim=False, zorder=4.8, halo=True, **polygon_style)
    points = carto.point_coords(geoms)
    marker_style: dict[str, Any] = {
        "marker": "o",
        "markersize": 8.5,
        "markerfacecolor": BREEDING,
        "markeredgecolor": WHITE,
        "markeredgewidth": 1.0,
        "linestyle": "none",
    }
    if len(points):
        ax.plot(points[:, 0], points[:, 1], zorder=7, **marker_style)
    handles: list[Any] = []
    if polys is not None:
        handles.append(Patch(**polygon_style))
    if len(points):
        handles.append(Line2D([], [], **marker_style))
    if not handles:
        return None
    return handles[0] if len(handles) == 1 else tuple(handles)


# ---------------------------------------------------------------------------- contraction
def contraction_map(
    *,
    epochs: gpd.GeoDataFrame,
    park: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame | None = None,
    title: str = "",
    labels: Mapping[str, str] | None = None,
    max_dpi: float | None = MAX_DPI,
    credits: Sequence[str] = (),
) -> Figure:
    """Draw the range contraction as small multiples, one panel per epoch.

    Every panel has the same extent (all epochs and the park). A panel fills its epoch's
    range, outlines the earlier epochs faintly and the park boldly, and is titled with the
    epoch and its area from column ``area_km2`` (km², when present; never computed here).
    The first panel carries the one scale bar shared by all.

    Parameters
    ----------
    epochs, park, borders
        As for :func:`overview_map`; ``epochs`` may carry ``area_km2`` (km²).
    title
        Figure title.
    labels
        Legend text per role (``range``, ``park``, ``borders``), as for :func:`overview_map`.
    max_dpi, credits
        As for :func:`overview_map`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per epoch in a grid of at most three columns.

    Raises
    ------
    ValueError
        As for :func:`overview_map`.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> epochs = gpd.GeoDataFrame({"epoch": ["1970", "2015"], "year": [1970, 2015]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 50_000, 40_000), shapely.box(0, 0, 20_000, 20_000)])
    >>> park = gpd.GeoDataFrame(geometry=[shapely.box(5_000, 5_000, 15_000, 15_000)], crs=3035)
    >>> fig = contraction_map(epochs=epochs.assign(area_km2=[2000.0, 400.0]), park=park)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['1970  ·  2,000 km²', '2015  ·  400 km²']
    """
    crs = carto.common_projected_crs({"epochs": epochs, "park": park, "borders": borders})
    _check_epochs(epochs)
    names = _role_labels(labels)
    focus = carto.bounds(epochs, park)
    if focus is None:
        raise EmptyLayerError("nothing to draw: the epochs and the park are all empty")
    n = len(epochs)
    ncols = n if n <= 3 else (2 if n == 4 else 3)
    nrows = math.ceil(n / ncols)
    panel_w = min(5.5, 11.0 / ncols)
    raw_aspect = (focus[3] - focus[1] + 1e-9) / (focus[2] - focus[0] + 1e-9)
    panel_h = min(max(panel_w * raw_aspect, panel_w * 0.6), panel_w * 1.4)
    unit_m = carto.metres_per_unit(crs)
    view = carto.padded_view(focus, aspect=panel_h / panel_w, margin=0.06, min_pad=1_000 / unit_m)
    park_drawn, borders = (
        _display_layer(frame, view=view, width_in=panel_w, max_dpi=max_dpi)
        for frame in (park, borders)
    )
    assert park_drawn is not None
    areas = list(_numbers(epochs["area_km2"])) if "area_km2" in epochs.columns else [math.nan] * n
    colours, edges = _epoch_styles(n)
    drawn = _display_layer(epochs, view=view, width_in=panel_w, max_dpi=max_dpi)
    assert drawn is not None
    geoms = list(drawn.geometry)

    with carto.style():
        height = nrows * (panel_h + 0.35) + (0.5 if title else 0.0) + 0.45
        fig = _new_figure(ncols * panel_w + 0.2, height)
        grid = fig.subplots(nrows, ncols, squeeze=False)
        axes: list[Axes] = list(grid.ravel())
        for ax in axes[n:]:
            fig.delaxes(ax)
        for i, ax in enumerate(axes[:n]):
            carto.map_axes(ax, view, adjustable="box")
            carto.draw_borders(ax, borders, faint=True, autolim=False)
            earlier = [g for g in geoms[:i] if g is not None]
            carto.add_polygons(
                ax,
                earlier,
                autolim=False,
                facecolor="none",
                edgecolor=palette.EARLIER_RANGE.hex,
                linewidth=0.7,
                linestyle=(0, (3, 2)),
                zorder=2,
            )
            carto.add_polygons(
                ax,
                [geoms[i]],
                autolim=False,
                facecolor=colours[i],
                edgecolor=edges[i],
                linewidth=0.7,
                zorder=1,
            )
            _draw_park(ax, park_drawn, linewidth=1.6)
            area = "" if math.isnan(areas[i]) else f"  ·  {_format_area(areas[i])} km²"
            ax.set_title(f"{safe_text(epochs['epoch'].iloc[i])}{area}", loc="left")
        carto.add_scale_bar(axes[0], metres_per_unit=unit_m, fraction=0.3)
        handles: list[Any] = [Patch(facecolor=colours[-1], edgecolor=edges[-1], linewidth=0.7)]
        texts = [f"{names['range']} in the epoch"]
        if n > 1:
            handles.append(
                Line2D(
                    [], [], color=palette.EARLIER_RANGE.hex, linewidth=0.9, linestyle=(0, (3, 2))
                )
            )
            texts.append("Earlier ranges")
        if not carto.is_empty(park):
            handles.append(Line2D([], [], color=PARK, linewidth=1.6))
            texts.append(names["park"])
        if not carto.is_empty(borders):
            handles.append(Line2D([], [], color=palette.BORDER.hex, linewidth=0.8))
            texts.append(names["borders"])
        legend = fig.legend(
            handles, texts, loc="outside lower center", ncols=len(texts) if ncols > 1 else 2
        )
        legend.set_gid("legend")
        carto.add_credit(fig, credits)
        if title:
            fig.suptitle(safe_text(title), x=0.01, ha="left")
    return fig


# ---------------------------------------------------------------------------- charts
def _chart_axes(fig: Figure) -> Axes:
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # tick labels are made at draw time: pin their fonts so savefig outside carto.style()
    # still falls back to a CJK font for non-ASCII epoch names
    ax.tick_params(labelsize=8.5, length=3, labelfontfamily=list(carto.font_families()))
    ax.set_axisbelow(True)
    return ax


def area_by_epoch_chart(table: pd.DataFrame, *, title: str = "") -> Figure:
    """Chart the measured range area per epoch, with published areas beside it.

    Bars of measured area (coloured like the epochs on the maps), published areas as black
    diamonds beside them, every value labelled. When the values span more than two orders of
    magnitude the chart switches to points on a logarithmic axis.

    Parameters
    ----------
    table
        Columns ``epoch``, ``year``, ``area_km2`` (km²) and optionally
        ``area_published_km2`` (km², NaN where none). Plotted in year order.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; bars (linear axis) or points (log axis).

    Raises
    ------
    leopardrange.errors.SchemaError
        If a required column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"epoch": ["1970", "2015"], "year": [1970, 2015],
    ...     "area_km2": [2000.0, 400.0]})
    >>> fig = area_by_epoch_chart(table, title="Range area")
    >>> [text.get_text() for text in fig.axes[0].texts], fig.axes[0].get_yscale()
    (['2,000', '400'], 'linear')
    """
    _require_columns(table, ("epoch", "year", "area_km2"))
    ordered = table.sort_values("year", kind="stable")
    n = len(ordered)
    measured = _numbers(ordered["area_km2"])
    published = (
        _numbers(ordered["area_published_km2"])
        if "area_published_km2" in ordered.columns
        else np.full(n, np.nan)
    )
    has_published = bool(np.isfinite(published).any())
    values = np.concatenate([measured, published])
    values = values[np.isfinite(values)]
    log = bool(len(values) and values.min() > 0 and values.max() / values.min() > 100)
    x = np.arange(n, dtype=float)
    shift = 0.16 if has_published else 0.0  # measured left of the tick, published right
    colours, edges = _epoch_styles(n)

    with carto.style():
        fig = _new_figure(min(max(1.5 * n + 2.6, 6.0), 12.0), 4.8)
        ax = _chart_axes(fig)
        ax.yaxis.grid(True, color=palette.GRID.hex, linewidth=0.7)
        finite = np.isfinite(measured)
        if log:
            ax.set_yscale("log")
            ax.scatter(
                (x - shift)[finite],
                measured[finite],
                s=70,
                c=[colours[i] for i in np.nonzero(finite)[0]],
                edgecolors=[edges[i] for i in np.nonzero(finite)[0]],
                linewidths=1.0,
                zorder=3,
            )
        else:
            ax.bar(
                x - shift,
                np.where(finite, measured, 0.0),
                width=0.46 if has_published else 0.58,
                color=colours,
                edgecolor=edges,
                linewidth=0.7,
                zorder=2,
            )
        for xi, value in zip(x - shift, measured, strict=True):
            _value_label(ax, xi, value, log=log, weight="bold", upright=n > 8)
        if has_published:
            ok = np.isfinite(published)
            ax.scatter(
                (x + 0.22)[ok],
                published[ok],
                marker="D",
                s=34,
                color=palette.PUBLISHED.hex,
                edgecolors=WHITE,
                linewidths=0.8,
                zorder=4,
            )
            for xi, value in zip((x + 0.22)[ok], published[ok], strict=True):
                _value_label(
                    ax, xi, value, log=log, colour=palette.NOTE.hex, style="italic", upright=n > 8
                )
        _area_axis(ax, values, log=log)
        ax.set_xticks(x, labels=[safe_text(e) for e in ordered["epoch"]])
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Range area (km²)")
        handles: list[Any] = [
            Patch(facecolor=colours[-1], edgecolor=edges[-1])
            if not log
            else Line2D([], [], marker="o", linestyle="none", markersize=8, color=colours[-1]),
        ]
        texts = ["Measured from the layers"]
        if has_published:
            handles.append(
                Line2D(
                    [], [], marker="D", linestyle="none", markersize=6, color=palette.PUBLISHED.hex
                )
            )
            texts.append("Published value")
        fig.legend(handles, texts, loc="outside lower center", ncols=len(texts), fontsize=8.5)
        if log:
            ax.text(
                0.0, 1.01, "log scale", transform=ax.transAxes, fontsize=7.5, color=palette.NOTE.hex
            )
        if title:
            fig.suptitle(safe_text(title), x=0.01, ha="left")
    return fig


def _value_label(
    ax: Axes,
    x: float,
    value: float,
    *,
    log: bool,
    colour: str = INK,
    weight: str = "normal",
    style: str = "normal",
    upright: bool = False,
) -> None:
    """Label a value above its bar or point; ``upright`` turns it 90° for crowded charts."""
    y = value if math.isfinite(value) else (1.0 if log else 0.0)
    ax.annotate(
        _format_area(value),
        (x, y),
        xytext=(0, 7 if log else 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=8,
        color=colour,
        fontweight=weight,
        fontstyle=style,
        rotation=90 if upright else 0,
        zorder=5,
        gid="value_label",
    )


def _area_axis(ax: Axes, values: NDArray[np.float64], *, log: bool) -> None:
    if len(values) == 0:
        return
    top = float(values.max())
    if log:
        bottom = float(values[values > 0].min())
        ax.set_ylim(bottom / 3.0, top * 4.0)
        ax.yaxis.set_major_locator(LogLocator(base=10))
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_ylim(0, top * (1.2 if len(ax.texts) <= 16 else 1.3) if top > 0 else 1.0)
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))


def coverage_chart(
    table: pd.DataFrame,
    *,
    title: str = "",
    reference_pct: float | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Chart, per epoch, the share of that epoch's range inside the park.

    Horizontal bars (oldest epoch on top) of ``park_share_pct``; when the table has finite
    ``competitor_overlap_pct`` values, a hatched second bar per epoch shows the share of the
    range overlapping the competitor. A dashed line marks ``reference_pct``.

    Parameters
    ----------
    table
        Columns ``epoch``, ``year``, ``park_share_pct`` (%, 0–100) and optionally
        ``competitor_overlap_pct`` (%, 0–100); NaN draws no bar and the label "n/a".
    title
        Figure title.
    reference_pct
        A published claim to compare with, in % (0–100), e.g. 60.0; labelled
        "published claim".
    labels
        Role labels (``park``, ``competitor``) for the legend, as for :func:`overview_map`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with x from 0 to 100 %.

    Raises
    ------
    ValueError
        If a share or ``reference_pct`` is outside 0–100.
    leopardrange.errors.SchemaError
        If a required column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"epoch": ["1970", "2015"], "year": [1970, 2015],
    ...     "park_share_pct": [10.0, 42.6]})
    >>> fig = coverage_chart(table, reference_pct=60.0)
    >>> [text.get_text() for text in fig.axes[0].texts]
    ['10.0%', '42.6%', 'published claim: 60%']
    """
    _require_columns(table, ("epoch", "year", "park_share_pct"))
    names = _role_labels(labels)
    ordered = table.sort_values("year", kind="stable")
    share = _numbers(ordered["park_share_pct"])
    overlap = (
        _numbers(ordered["competitor_overlap_pct"])
        if "competitor_overlap_pct" in ordered.columns
        else np.full(len(ordered), np.nan)
    )
    for column, values in (("park_share_pct", share), ("competitor_overlap_pct", overlap)):
        bad = values[np.isfinite(values) & ((values < 0) | (values > 100))]
        if len(bad):
            raise ValueError(f"{column} must be within 0–100 %, got {bad[0]!r}")
    if reference_pct is not None and not 0 <= reference_pct <= 100:
        raise ValueError(f"reference_pct must be within 0–100 %, got {reference_pct!r}")
    has_overlap = bool(np.isfinite(overlap).any())
    n = len(ordered)
    y = np.arange(n, dtype=float)
    height = 0.36 if has_overlap else 0.58
    offset = height / 2 if has_overlap else 0.0

    with carto.style():
        fig = _new_figure(8.0, min(max(1.9 + (0.75 if has_overlap else 0.5) * n, 3.2), 11.0))
        ax = _chart_axes(fig)
        ax.xaxis.grid(True, color=palette.GRID.hex, linewidth=0.7)
        ax.barh(
            y - offset,
            np.nan_to_num(share),
            height=height,
            color=PARK,
            zorder=2,
            gid="park_share",
        )
        for yi, value in zip(y - offset, share, strict=True):
            _pct_label(ax, yi, value, inside_colour=WHITE)
        handles: list[Any] = [Patch(facecolor=PARK)]
        given = labels or {}
        texts = [f"Inside {given['park']}" if "park" in given else "Inside the protected area"]
        if has_overlap:
            ax.barh(
                y + offset,
                np.nan_to_num(overlap),
                height=height,
                color=WHITE,
                edgecolor=COMPETITOR,
                hatch="//",
                linewidth=0.9,
                zorder=2,
                gid="competitor_overlap",
            )
            for yi, value in zip(y + offset, overlap, strict=True):
                _pct_label(ax, yi, value, inside_colour=INK)
            handles.append(Patch(facecolor=WHITE, edgecolor=COMPETITOR, hatch="//", linewidth=0.9))
            texts.append(
                f"Overlapping {names['competitor']}"
                if "competitor" in given
                else "Overlapping the competitor's range"
            )
        if reference_pct is not None:
            ax.axvline(
                reference_pct, color=palette.TEXT.hex, linestyle="--", linewidth=1.2, zorder=3
            )
            ax.annotate(
                f"published claim: {reference_pct:g}%",
                (reference_pct, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color=palette.TEXT.hex,
                gid="reference_label",
            )
            handles.append(Line2D([], [], color=palette.TEXT.hex, linestyle="--", linewidth=1.2))
            texts.append("Published claim")
        ax.set_xlim(0, 100)
        ax.set_ylim(n - 0.5, -0.5)
        ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        ax.set_yticks(y, labels=[safe_text(e) for e in ordered["epoch"]])
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("Share of the epoch's range (%)")
        fig.legend(handles, texts, loc="outside lower center", ncols=len(texts), fontsize=8.5)
        if title:
            fig.suptitle(safe_text(title), x=0.01, ha="left")
    return fig


def _pct_label(ax: Axes, y: float, value: float, *, inside_colour: str) -> None:
    if not math.isfinite(value):
        text, x, inside = "n/a", 0.0, False
    else:
        text, x, inside = f"{value:.1f}%", value, value > 88
    ax.annotate(
        text,
        (x, y),
        xytext=(-4 if inside else 4, 0),
        textcoords="offset points",
        ha="right" if inside else "left",
        va="center",
        fontsize=8,
        color=inside_colour if inside else INK,
        bbox=None if inside else {"facecolor": WHITE, "edgecolor": "none", "pad": 0.8},
        zorder=5,
        gid="value_label",
    )


# ---------------------------------------------------------------------------- encoding
def figure_to_png(fig: Figure, *, dpi: int = 150) -> bytes:
    """Encode a figure as PNG bytes (white background), in memory.

    Parameters
    ----------
    fig
        A figure from this module (or any matplotlib figure).
    dpi
        Resolution in dots per inch (> 0); 150 suits reports, 300 print.

    Returns
    -------
    bytes
        The PNG file's content.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"epoch": ["2015"], "year": [2015], "area_km2": [400.0]})
    >>> png = figure_to_png(area_by_epoch_chart(table), dpi=50)
    >>> png[1:4], len(png) > 1_000  # the PNG signature
    (b'PNG', True)
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi!r}")
    buffer = io.BytesIO()
    with carto.style():
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        fig.savefig(buffer, format="png", dpi=dpi, facecolor=WHITE)
    return buffer.getvalue()
