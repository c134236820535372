"""Maps of corridors and linkage networks, with the report's cartography.

Drawn in the grid's projected CRS like the report's maps (:mod:`leopardrange._cartography`):
graticule labelled in degrees, scale bar, north arrow, a projection note, and a legend with
an entry for the resistance background (low, high, impassable), the corridor and every layer.
Colours come from :mod:`leopardrange.palette` — the same ramps the QGIS styles use. Figures
are built without pyplot and never touch disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from leopardrange import _cartography as carto
from leopardrange import palette
from leopardrange._cartography import safe_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .corridor import CorridorResult, ResistanceGrid
    from .linkages import LinkageResult
    from .pinchpoints import PinchPointResult

__all__ = ["corridor_figure", "linkage_figure", "pinchpoint_figure", "ramp_cmap"]

_FIGSIZE = (9.2, 6.6)


def ramp_cmap(ramp: tuple[palette.Colour, ...], name: str) -> Any:
    """A matplotlib colormap through the colours of a palette ramp.

    Examples
    --------
    >>> ramp_cmap(palette.RESISTANCE_RAMP, "resistance").N
    256
    """
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(name, [c.hex for c in ramp])


def _pyproj_crs(grid: ResistanceGrid) -> Any:
    from pyproj import CRS

    return CRS.from_wkt(grid.crs.to_wkt())


def _extent(grid: ResistanceGrid) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = grid.bounds
    return x0, x1, y0, y1


def _background(ax: Axes, grid: ResistanceGrid) -> list[tuple[Any, str]]:
    """Resistance in greys (log scale), nodata as water; returns its legend entries."""
    from matplotlib.patches import Patch

    ax.set_facecolor(palette.WATER.hex)  # nodata (sea, outside the data) shows as water
    with np.errstate(divide="ignore", invalid="ignore"):
        shade = np.log10(grid.values)
    ax.imshow(
        shade, extent=_extent(grid), cmap=ramp_cmap(palette.RESISTANCE_RAMP, "resistance"),
        interpolation="nearest", zorder=0.2,
    )  # fmt: skip
    finite = grid.values[np.isfinite(grid.values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (1.0, 1.0)
    return [
        (Patch(facecolor=palette.RESISTANCE_RAMP[0].hex, edgecolor=palette.AXIS.hex, lw=0.4),
         f"resistance {lo:.3g} (easy)"),
        (Patch(facecolor=palette.RESISTANCE_RAMP[-1].hex, edgecolor=palette.AXIS.hex, lw=0.4),
         f"resistance {hi:.3g} (costly)"),
        (Patch(facecolor=palette.WATER.hex, edgecolor=palette.AXIS.hex, lw=0.4),
         "impassable / no data"),
    ]  # fmt: skip


def _outline(ax: Axes, geom: Any, *, colour: str, width: float = 1.6, zorder: float = 5) -> None:
    """Outline polygons (white halo); points as dots."""
    carto.add_polygons(
        ax, [geom], halo=True, facecolor="none", edgecolor=colour, linewidth=width, zorder=zorder
    )
    points = carto.point_coords([geom])
    if len(points):
        ax.plot(points[:, 0], points[:, 1], "o", color=colour, ms=6, mec=carto.WHITE, zorder=7)


def _line(ax: Axes, line: Any, **style: Any) -> None:
    xy = np.asarray(line.coords)
    ax.plot(xy[:, 0], xy[:, 1], solid_capstyle="round", **style)


def _furniture(
    fig: Figure, ax: Axes, grid: ResistanceGrid, view: carto.View, credits: tuple[str, ...]
) -> None:
    crs = _pyproj_crs(grid)
    carto.hold_view(ax, view)
    carto.add_graticule(ax, crs, view)
    carto.add_scale_bar(ax, metres_per_unit=carto.metres_per_unit(crs))
    centre = ((view[0] + view[2]) / 2, (view[1] + view[3]) / 2)
    carto.add_north_arrow(ax, carto.north_angle_deg(crs, *centre))
    ax.set_xlabel(carto.projection_note(crs), fontsize=7, color=carto.GREY, loc="left")
    carto.add_credit(fig, credits)


def _legend(fig: Figure, entries: list[tuple[Any, str]]) -> None:
    legend = fig.legend(
        [h for h, _ in entries],
        [safe_text(t) for _, t in entries],
        loc="outside right upper",
        handlelength=2.2,
        handleheight=1.2,
        labelspacing=0.8,
        borderaxespad=1.0,
    )
    legend.set_gid("legend")


def _view(grid: ResistanceGrid, box: tuple[float, float, float, float]) -> carto.View:
    """The box with a margin, shaped for the axes, clipped to the grid."""
    pad = 10 * max(grid.cell_size_m)
    view = carto.padded_view(box, aspect=0.78, margin=0.12, min_pad=pad)
    gx0, gy0, gx1, gy1 = grid.bounds
    return max(view[0], gx0), max(view[1], gy0), min(view[2], gx1), min(view[3], gy1)


def corridor_figure(result: CorridorResult) -> Figure:
    """A map of a corridor: resistance, corridor, the two areas and the least-cost path.

    Parameters
    ----------
    result : CorridorResult

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import shapely, tempfile, rasterio
    >>> from pathlib import Path
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> from leopardrange.corridors import least_cost_corridor
    >>> tif = write_resistance(np.ones((3, 6)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> result = least_cost_corridor(tif, shapely.Point(500_050, 3_000_150),
    ...                              shapely.Point(500_550, 3_000_150))
    >>> fig = corridor_figure(result)
    >>> sorted(a.get_gid() for a in fig.findobj() if a.get_gid())
    ['graticule', 'legend', 'north_arrow', 'scale_bar']
    """
    import shapely
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    grid, m = result.grid, result.metrics
    t = grid.transform
    rows, cols = np.nonzero(result.corridor)
    xs = t.c + np.array([cols.min(), cols.max() + 1]) * t.a
    ys = t.f + np.array([rows.min(), rows.max() + 1]) * t.e
    box = shapely.box(xs.min(), ys.min(), xs.max(), ys.max())
    focus = shapely.union_all([box, result.source_geometry, result.target_geometry]).bounds
    view = _view(grid, focus)
    with carto.style():
        fig = Figure(figsize=_FIGSIZE, layout="constrained")
        ax = fig.add_subplot()
        carto.map_axes(ax, view, adjustable="datalim")
        entries = _background(ax, grid)
        value = np.where(result.corridor, result.corridor_value_pct, np.nan)
        cut = max(float(m["corridor_pct"]), 1e-9)
        corridor_cmap = ramp_cmap(palette.CORRIDOR_RAMP, "corridor")
        im = ax.imshow(
            value, extent=_extent(grid), cmap=corridor_cmap, interpolation="nearest",
            alpha=0.85, vmin=0.0, vmax=cut, zorder=1,
        )  # fmt: skip
        bar = fig.colorbar(im, ax=ax, shrink=0.55, pad=0.01)
        bar.set_label("corridor: cost above the least-cost route (%)", fontsize=8)
        entries.append(
            (Patch(facecolor=palette.CORRIDOR_RAMP[2].hex, alpha=0.85),
             f"corridor (≤ {m['corridor_pct']:g} % above the least cost)")
        )  # fmt: skip
        for geom, colour, name in (
            (result.source_geometry, palette.SOURCE.hex, m["source"]),
            (result.target_geometry, palette.TARGET.hex, m["target"]),
        ):
            _outline(ax, geom, colour=colour)
            entries.append((Line2D([], [], color=colour, lw=1.6), name))
        overlap = result.overlap
        if overlap is not None and overlap.shared_cells:
            shared = result.source_geometry.intersection(result.target_geometry)
            carto.add_polygons(
                ax, [shared], facecolor="none", edgecolor=palette.INK.hex, hatch="///",
                linewidth=0.0, zorder=4,
            )  # fmt: skip
            entries.append(
                (Patch(facecolor="none", edgecolor=palette.INK.hex, hatch="///", lw=0.0),
                 f"overlap ({overlap.mode})")
            )  # fmt: skip
        colour = palette.LEAST_COST_PATH.hex
        _line(ax, result.path, color=colour, lw=1.8, zorder=6)
        entries.append((Line2D([], [], color=colour, lw=1.8), "least-cost path"))
        _furniture(fig, ax, grid, view, result.credits)
        _legend(fig, entries)
        if m["path_length_m"] > 0:
            detail = (
                f"path {m['path_length_m'] / 1000:,.1f} km, cost distance "
                f"{m['cost_distance']:,.0f}, narrowest {m['min_width_m'] / 1000:,.2g} km"
            )
        else:
            detail = "the areas overlap: connected at no cost, no corridor"
        if m.get("path_habitat_pct") is not None:
            label = m["legend"]["habitat"] if m.get("legend") else "habitat"
            detail += f", {m['path_habitat_pct']:.0f} % on {label}"
        fig.suptitle(safe_text(f"{m['source']} → {m['target']}"), x=0.01, ha="left")
        ax.set_title(detail, fontsize=8.5, fontweight="normal", loc="left")
    return fig


def linkage_figure(result: LinkageResult) -> Figure:
    """A map of a linkage network: resistance, cores (named), kept and dropped links.

    Parameters
    ----------
    result : LinkageResult

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile, rasterio
    >>> from pathlib import Path
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> from leopardrange.corridors import linkage_network
    >>> tif = write_resistance(np.ones((3, 6)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> cores = gpd.GeoDataFrame({"name": ["A", "B"]}, crs="EPSG:32645", geometry=[
    ...     shapely.Point(500_050, 3_000_150), shapely.Point(500_550, 3_000_150)])
    >>> fig = linkage_figure(linkage_network(tif, cores))
    >>> fig.texts[0].get_text()
    'Linkage network: 2 cores, 1 link (0 dropped)'
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    grid = result.grid
    frames = [f for f in (result.cores, result.links, result.dropped) if len(f)]
    focus = carto.bounds(*frames) or grid.bounds
    view = _view(grid, focus)
    with carto.style():
        fig = Figure(figsize=_FIGSIZE, layout="constrained")
        ax = fig.add_subplot()
        carto.map_axes(ax, view, adjustable="datalim")
        entries = _background(ax, grid)
        for geom in result.cores.geometry:
            _outline(ax, geom, colour=palette.CORE.hex, width=1.4)
        entries.append((Line2D([], [], color=palette.CORE.hex, lw=1.4), "core area"))
        links: list[tuple[Any, str, Any, str]] = [
            (result.links, palette.LEAST_COST_PATH.hex, "-", "link (least-cost path)"),
            (result.dropped, palette.DROPPED_LINK.hex, ":", "dropped: crosses another core"),
        ]
        for frame, colour, style, label in links:
            for line in frame.geometry:
                _line(ax, line, color=colour, lw=1.6, linestyle=style, zorder=6)
            if len(frame):
                entries.append((Line2D([], [], color=colour, lw=1.6, linestyle=style), label))
        for name, geom in zip(result.cores["name"], result.cores.geometry, strict=True):
            p = geom.representative_point()
            ax.annotate(
                safe_text(name), (p.x, p.y), fontsize=7.5, ha="center", va="center",
                color=palette.INK.hex, zorder=8, path_effects=carto.HALO,
            )  # fmt: skip
        _furniture(fig, ax, grid, view, result.credits)
        _legend(fig, entries)
        merged = result.summary.get("merged_cores") or []
        n_links = len(result.links)
        fig.suptitle(
            f"Linkage network: {len(result.cores)} cores, {n_links} link"
            f"{'' if n_links == 1 else 's'} ({len(result.dropped)} dropped)",
            x=0.01,
            ha="left",
        )
        if merged:
            ax.set_title(
                safe_text("merged (overlapping): " + "; ".join(g["core"] for g in merged)),
                fontsize=8,
                fontweight="normal",
                loc="left",
            )
    return fig


def pinchpoint_figure(result: PinchPointResult) -> Figure:
    """A map of pinch points: link current (log scale) over the resistance, cores outlined.

    Parameters
    ----------
    result : PinchPointResult

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile
    >>> from pathlib import Path
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import pinch_points, write_resistance
    >>> tif = write_resistance(np.ones((3, 6)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> cores = gpd.GeoDataFrame({"name": ["A", "B"]}, crs="EPSG:32645", geometry=[
    ...     shapely.Point(500_050, 3_000_150), shapely.Point(500_550, 3_000_150)])
    >>> fig = pinchpoint_figure(pinch_points(tif, cores))
    >>> fig.texts[0].get_text(), sorted(a.get_gid() for a in fig.findobj() if a.get_gid())
    ('Pinch points: 1 link', ['graticule', 'legend', 'north_arrow', 'scale_bar'])
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    grid = result.linkage.grid
    focus = carto.bounds(result.linkage.cores) or grid.bounds
    view = _view(grid, focus)
    with carto.style():
        fig = Figure(figsize=_FIGSIZE, layout="constrained")
        ax = fig.add_subplot()
        carto.map_axes(ax, view, adjustable="datalim")
        entries = _background(ax, grid)
        with np.errstate(divide="ignore", invalid="ignore"):
            current = np.log10(np.where(result.pinchpoints > 0, result.pinchpoints, np.nan))
        im = ax.imshow(
            current, extent=_extent(grid), cmap=palette.CURRENT_CMAP, interpolation="nearest",
            zorder=1,
        )  # fmt: skip
        bar = fig.colorbar(im, ax=ax, shrink=0.55, pad=0.01)
        bar.set_label("link current, log10 A (1 A per link)", fontsize=8)
        for geom in result.linkage.cores.geometry:
            _outline(ax, geom, colour=palette.CORE.hex, width=1.4)
        entries.append((Line2D([], [], color=palette.CORE.hex, lw=1.4), "core area"))
        _furniture(fig, ax, grid, view, result.credits)
        _legend(fig, entries)
        n_links = len(result.links)
        fig.suptitle(
            f"Pinch points: {n_links} link{'' if n_links == 1 else 's'}", x=0.01, ha="left"
        )
    return fig
