"""Least-cost corridor between two areas (Linkage Mapper's corridor, one link).

From a source area A and a target area B on a resistance surface:

* ``CWD_A`` and ``CWD_B``: cost-weighted distance from each area (:func:`cost_distance`);
* the least-cost distance ``LCD = min CWD_A over B`` and the least-cost path, walked back
  from the cheapest cell of B down ``CWD_A`` to A;
* the corridor value of a cell, ``100 x (CWD_A + CWD_B - LCD) / LCD``: how much dearer, in
  percent of the least cost, the cheapest A→B route through that cell is (0 on the least-cost
  path). The corridor is the set of cells at or below ``corridor_pct``.

Metrics (``metrics.json``):

``cost_distance``
    LCD, in cost units (resistance x metres).
``path_length_m``
    Length of the least-cost path through the cell centres, in metres.
``euclidean_m``
    Shortest straight distance between the two areas (edge to edge), in metres.
``cwd_to_path_length_ratio``
    ``cost_distance / path_length_m``: the mean resistance met along the path.
``min_width_m``
    The narrowest point of the corridor along the path. At each path cell, the corridor is
    ``2 d - c`` wide, with ``d`` the distance (m) from the cell centre to the nearest cell
    centre outside the corridor (a Euclidean distance transform of the corridor mask, the two
    areas counted as corridor so that the corridor's ends do not pinch it) and ``c`` the cell
    size: half a cell is inside the corridor on each side. A corridor one cell wide is ``c``
    wide. The minimum is taken over the path cells outside both areas (over all of them when
    the areas touch). Widths across a diagonal corridor are measured along the grid,
    so they are approximate to about one cell.
``path_forest_pct``, ``path_landcover_known_pct``
    With a land-cover raster: the share of the path's length (each cell weighted by half its
    two steps) on forest classes (IGBP 1–5 by default), among the cells whose land cover is
    known; and the share of the path where it is known.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange import palette
from leopardrange.errors import SourceError, UnreachableError

from .costdistance import (
    CWD_NODATA,
    _geometries,
    _grid_cell_size_m,
    _open_resistance,
    cost_distance,
    least_cost_path,
    path_length_m,
    path_to_xy,
)
from .resistance import float_profile, warp_to_grid

__all__ = [
    "IGBP_FOREST_CLASSES",
    "CorridorResult",
    "ResistanceGrid",
    "area_mask",
    "base_map",
    "check_disjoint",
    "least_cost_corridor",
    "min_width_m",
    "read_resistance",
    "unreachable_error",
    "write_float_raster",
]

#: IGBP land-cover classes counted as forest (evergreen/deciduous needleleaf and broadleaf,
#: mixed forests), as in ``geodata/SOURCES.md`` ("forest land").
IGBP_FOREST_CLASSES: tuple[int, ...] = (1, 2, 3, 4, 5)
#: Corridor cells kept by default: at most this much dearer than the least-cost route (%).
DEFAULT_CORRIDOR_PCT = 10.0

Progress = Callable[[str], None] | None


# ------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class ResistanceGrid:
    """A resistance raster read into memory.

    Attributes
    ----------
    values : ndarray of float64, shape (rows, cols)
        Resistance in cost units per metre; NaN at nodata (impassable) cells.
    transform : affine.Affine
        North-up geotransform.
    crs : rasterio.crs.CRS
        Projected CRS (checked: not missing, not geographic).
    cell_size_m : tuple of float
        ``(x, y)`` cell width and height in metres.
    name : str
        File name, for messages.
    impassable_note : str
        What made cells impassable, from the GeoTIFF's tags when
        :func:`~leopardrange.corridors.build_resistance` wrote it, else "".
    """

    values: np.ndarray
    transform: Any
    crs: Any
    cell_size_m: tuple[float, float]
    name: str
    impassable_note: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return (int(self.values.shape[0]), int(self.values.shape[1]))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` in the grid's CRS."""
        t, (rows, cols) = self.transform, self.shape
        xs = (t.c, t.c + cols * t.a)
        ys = (t.f, t.f + rows * t.e)
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def cell_area_km2(self) -> float:
        """Area of one cell in km² (exact in an equal-area CRS)."""
        return self.cell_size_m[0] * self.cell_size_m[1] / 1e6


def read_resistance(path: str | os.PathLike[str]) -> ResistanceGrid:
    """Read a single-band resistance GeoTIFF in a projected CRS.

    Parameters
    ----------
    path : path
        Resistance raster (cost units per metre); its nodata cells, and NaN cells, are
        impassable.

    Returns
    -------
    ResistanceGrid

    Raises
    ------
    DataSourceError
        Missing or unreadable file.
    CRSError
        No CRS, or a geographic one (the message offers ``--warp-to``).
    ResistanceError
        Several bands, a rotated grid.
    """
    from leopardrange.errors import ResistanceError

    p = Path(path)
    with _open_resistance(p) as src:
        if src.count != 1:
            raise ResistanceError(f"resistance raster '{p.name}' has {src.count} bands, not 1")
        cell = _grid_cell_size_m(src, p.name)
        values = src.read(1).astype(np.float64)
        nodata = src.nodata
        if nodata is not None and not np.isnan(nodata):
            stray = np.isnan(values)
            if stray.any():
                row, col = (int(v) for v in np.argwhere(stray)[0])
                raise ResistanceError(
                    f"resistance raster '{p.name}' has {int(stray.sum())} cells that are zero, "
                    f"negative, infinite or NaN outside nodata (e.g. row {row}, col {col}: nan); "
                    f"resistance must be positive and finite -- mark impassable cells as nodata "
                    f"({nodata!r})"
                )
            values[values == nodata] = np.nan
        note = src.tags(1).get("impassable", "")
        return ResistanceGrid(
            values=values,
            transform=src.transform,
            crs=src.crs,
            cell_size_m=cell,
            name=p.name,
            impassable_note=note if note != "none" else "",
        )


def area_mask(areas: Any, grid: ResistanceGrid, *, role: str) -> np.ndarray:
    """Cells of the grid covered by an area (a source, a target, a core).

    Polygons take the cells whose centre they contain; points, lines and polygons smaller
    than two cells take every cell they touch, so none vanishes.

    Parameters
    ----------
    areas : GeoDataFrame, GeoSeries or shapely geometries
        Reprojected to the grid's CRS when they carry another; bare geometries must be in it.
    grid : ResistanceGrid
    role : str
        How to name the area in messages, e.g. ``"source"`` or ``"core 'Lazovsky'"``.

    Returns
    -------
    ndarray of bool, shape (rows, cols)

    Raises
    ------
    SourceError
        No geometry, one lying outside the grid, none covering a cell, or all of the
        covered cells on nodata.
    """
    import shapely
    from rasterio import features

    geoms = [g for g in _geometries(areas, grid.crs) if g is not None and not g.is_empty]
    if not geoms:
        raise SourceError(f"the {role} has no geometry (an empty layer or empty shapes)")
    box = shapely.box(*grid.bounds)
    for i, g in enumerate(geoms):
        if not g.intersects(box):
            g_bounds = tuple(round(b) for b in g.bounds)
            r_bounds = tuple(round(b) for b in grid.bounds)
            raise SourceError(
                f"the {role} (geometry {i + 1} of {len(geoms)}, bounds {g_bounds}) lies outside "
                f"the resistance grid '{grid.name}' (bounds {r_bounds}); clip it or extend the "
                "grid"
            )
    cell_area = abs(grid.transform.a * grid.transform.e)
    mask = np.zeros(grid.shape, dtype=np.uint8)
    for touched in (False, True):
        group = [g for g in geoms if (g.area < 2 * cell_area) == touched]
        if group:
            features.rasterize(
                ((g, 1) for g in group), out=mask, transform=grid.transform, all_touched=touched
            )
    cells = mask.astype(bool)
    if not cells.any():
        raise SourceError(f"the {role} covers no cell of the resistance grid '{grid.name}'")
    if np.isnan(grid.values[cells]).all():
        why = f" ({grid.impassable_note})" if grid.impassable_note else ""
        raise SourceError(
            f"the {role} lies entirely on nodata (impassable) cells of '{grid.name}'{why}; "
            "move it onto passable cells"
        )
    return cells


def check_disjoint(a: np.ndarray, b: np.ndarray, *, roles: tuple[str, str]) -> None:
    """Raise if two area masks share cells.

    Raises
    ------
    SourceError
        The masks overlap.
    """
    both = a & b
    if both.any():
        raise SourceError(
            f"the {roles[0]} and the {roles[1]} overlap ({int(both.sum()):,} shared cells); "
            "a corridor needs two separate areas — remove the overlap or pick other areas"
        )


def unreachable_error(
    grid: ResistanceGrid, a: np.ndarray, b: np.ndarray, *, roles: tuple[str, str]
) -> UnreachableError:
    """An :class:`UnreachableError` that says why ``b`` cannot be reached from ``a``."""
    from scipy import ndimage

    passable = ~np.isnan(grid.values)
    labels, _ = ndimage.label(passable, structure=np.ones((3, 3), dtype=bool))
    la = set(np.unique(labels[a & passable]).tolist()) - {0}
    lb = set(np.unique(labels[b & passable]).tolist()) - {0}
    where = (
        f"; in '{grid.name}' nodata comes from: {grid.impassable_note}"
        if grid.impassable_note
        else ""
    )
    if not la & lb:
        return UnreachableError(
            f"the {roles[1]} is separated from the {roles[0]} by nodata (impassable) cells — "
            f"sea, outside the data, or a barrier with an impassable cost{where}; no cost "
            "distance exists (nothing written)"
        )
    return UnreachableError(  # pragma: no cover - only with max_cost, which is not used here
        f"the {roles[1]} cannot be reached from the {roles[0]} within the cost limit"
    )


def _union(areas: Any, crs: Any) -> Any:
    import shapely

    return shapely.union_all([g for g in _geometries(areas, crs) if g is not None])


def _cell_weights(path: np.ndarray, cell_size_m: tuple[float, float]) -> np.ndarray:
    """Length (m) each path cell stands for: half of each step it ends."""
    d = np.diff(path.astype(np.float64), axis=0)
    steps = np.hypot(d[:, 0] * cell_size_m[1], d[:, 1] * cell_size_m[0])
    w = np.zeros(len(path))
    w[:-1] += steps / 2
    w[1:] += steps / 2
    return w


def min_width_m(
    corridor: np.ndarray,
    path: np.ndarray,
    cell_size_m: tuple[float, float],
    *,
    exclude: np.ndarray | None = None,
) -> float:
    """Narrowest corridor width along a path, in metres (see the module notes).

    Parameters
    ----------
    corridor : ndarray of bool
        The corridor mask.
    path : ndarray of int, shape (n, 2)
        ``(row, col)`` path cells (inside the corridor).
    cell_size_m : tuple of float
        ``(x, y)`` cell size in metres.
    exclude : ndarray of bool, optional
        Cells not measured (the two areas); ignored when every path cell is excluded.

    Returns
    -------
    float
        ``min(2 d - c)`` over the measured path cells, metres (>= one cell).
    """
    from scipy import ndimage

    padded = np.pad(corridor, 1, constant_values=False)
    d = np.asarray(
        ndimage.distance_transform_edt(padded, sampling=(cell_size_m[1], cell_size_m[0]))
    )
    d = d[1:-1, 1:-1]
    rows, cols = path[:, 0], path[:, 1]
    keep = np.ones(len(path), dtype=bool) if exclude is None else ~exclude[rows, cols]
    if not keep.any():
        keep[:] = True
    c = min(cell_size_m)
    return float(np.maximum(2.0 * d[rows[keep], cols[keep]] - c, c).min())


# ------------------------------------------------------------------------- the result


@dataclass
class CorridorResult:
    """A least-cost corridor between two areas (see :func:`least_cost_corridor`).

    Attributes
    ----------
    grid : ResistanceGrid
    cwd_source, cwd_target : ndarray of float64
        Cost distance from each area (cost units); ``inf`` unreached, NaN at nodata.
    corridor_value_pct : ndarray of float64
        ``100 (CWD_A + CWD_B - LCD) / LCD``; NaN where either CWD is missing.
    corridor : ndarray of bool
        Cells with a corridor value <= ``corridor_pct``.
    path_cells : ndarray of int, shape (n, 2)
        ``(row, col)`` of the least-cost path, source to target.
    path : shapely.LineString
        The path through the cell centres, in the grid's CRS.
    source_geometry, target_geometry : shapely geometry
        The two areas (unions) in the grid's CRS.
    metrics : dict
        The values written to ``metrics.json``.
    """

    grid: ResistanceGrid
    cwd_source: np.ndarray
    cwd_target: np.ndarray
    corridor_value_pct: np.ndarray
    corridor: np.ndarray
    path_cells: np.ndarray
    path: Any
    source_geometry: Any
    target_geometry: Any
    metrics: dict[str, Any] = field(default_factory=dict)

    def write(self, out_dir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the corridor folder atomically.

        Files: ``cwd_source.tif``, ``cwd_target.tif`` (float32 cost units, nodata
        :data:`CWD_NODATA`), ``corridor.tif`` (float32 corridor value in percent, nodata
        outside the corridor), ``path.gpkg`` (layer ``least_cost_path``), ``map.png`` and
        ``metrics.json``.

        Parameters
        ----------
        out_dir : path
            Folder to create (replaced whole only with ``overwrite``).
        overwrite : bool, default False

        Returns
        -------
        Path
            The folder.

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.
        """
        import geopandas as gpd

        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            write_float_raster(tmp / "cwd_source.tif", self.cwd_source, self.grid, units="cost")
            write_float_raster(tmp / "cwd_target.tif", self.cwd_target, self.grid, units="cost")
            value = np.where(self.corridor, self.corridor_value_pct, np.nan)
            write_float_raster(tmp / "corridor.tif", value, self.grid, units="pct")
            m = self.metrics
            row = {
                k: m[k]
                for k in (
                    "source",
                    "target",
                    "cost_distance",
                    "path_length_m",
                    "euclidean_m",
                    "cwd_to_path_length_ratio",
                    "min_width_m",
                    "path_forest_pct",
                )
            }
            gpd.GeoDataFrame(
                {k: [v] for k, v in row.items()}, geometry=[self.path], crs=self.grid.crs
            ).to_file(tmp / "path.gpkg", layer="least_cost_path", driver="GPKG")
            self.figure().savefig(tmp / "map.png", dpi=110)
            write_json(tmp / "metrics.json", self.metrics)
        return Path(out_dir)

    def figure(self) -> Any:
        """A map of the corridor (matplotlib Figure, no pyplot state)."""
        fig, ax = base_map(self.grid)
        xmin, ymin, xmax, ymax = (v / 1000 for v in self.grid.bounds)
        value = np.where(self.corridor, self.corridor_value_pct, np.nan)
        im = ax.imshow(
            value, extent=(xmin, xmax, ymin, ymax), cmap=palette.CORRIDOR_CMAP,
            interpolation="nearest", alpha=0.85, vmin=0.0,
            vmax=max(self.metrics["corridor_pct"], 1e-9),
        )  # fmt: skip
        fig.colorbar(im, ax=ax, shrink=0.7, label="extra cost over the least-cost route (%)")
        for geom, colour, label in (
            (self.source_geometry, palette.SOURCE.hex, self.metrics["source"]),
            (self.target_geometry, palette.TARGET.hex, self.metrics["target"]),
        ):
            _outline(ax, geom, colour=colour, label=label)
        xy = np.asarray(self.path.coords) / 1000
        path_colour = palette.LEAST_COST_PATH.hex
        ax.plot(xy[:, 0], xy[:, 1], color=path_colour, lw=1.6, label="least-cost path")
        x0, y0, x1, y1 = self._view_km()
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        m = self.metrics
        ax.set_title(
            f"{m['source']} → {m['target']}\npath {m['path_length_m'] / 1000:.1f} km, "
            f"cost distance {m['cost_distance']:,.0f}, corridor ≤ {m['corridor_pct']:g} %",
            fontsize=10,
        )
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        return fig

    def _view_km(self) -> tuple[float, float, float, float]:
        """Map extent (km): the two areas and the corridor, with a margin, within the grid."""
        import shapely

        t = self.grid.transform
        rows, cols = np.nonzero(self.corridor)
        xs = t.c + np.array([cols.min(), cols.max() + 1]) * t.a
        ys = t.f + np.array([rows.min(), rows.max() + 1]) * t.e
        box = shapely.box(xs.min(), ys.min(), xs.max(), ys.max())
        bx0, by0, bx1, by1 = shapely.union_all(
            [box, self.source_geometry, self.target_geometry]
        ).bounds
        pad = max(0.25 * max(bx1 - bx0, by1 - by0), 10 * max(self.grid.cell_size_m))
        gx0, gy0, gx1, gy1 = self.grid.bounds
        return (
            max(bx0 - pad, gx0) / 1000,
            max(by0 - pad, gy0) / 1000,
            min(bx1 + pad, gx1) / 1000,
            min(by1 + pad, gy1) / 1000,
        )


def base_map(grid: ResistanceGrid) -> tuple[Any, Any]:
    """A Figure and Axes showing the resistance (grey, log scale) in km; nodata as water."""
    from matplotlib.figure import Figure

    xmin, ymin, xmax, ymax = (v / 1000 for v in grid.bounds)
    fig = Figure(figsize=(8, 6.4), layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor(palette.WATER.hex)  # nodata (sea, outside the data) shows as water
    ax.imshow(
        np.log10(grid.values), extent=(xmin, xmax, ymin, ymax), cmap=palette.RESISTANCE_CMAP,
        interpolation="nearest",
    )  # fmt: skip
    ax.set_xlabel("x (km)")
    ax.set_ylabel("y (km)")
    ax.set_aspect("equal")
    return fig, ax


def _outline(ax: Any, geom: Any, *, colour: str, label: str) -> None:
    import shapely

    first = True
    for poly in getattr(geom, "geoms", [geom]):
        if isinstance(poly, shapely.Polygon):
            xy = np.asarray(poly.exterior.coords) / 1000
            ax.plot(xy[:, 0], xy[:, 1], color=colour, lw=1.2, label=label if first else None)
        elif isinstance(poly, shapely.Point):
            ax.plot(poly.x / 1000, poly.y / 1000, "o", color=colour, label=label if first else None)
        first = False


def write_float_raster(path: Path, values: np.ndarray, grid: ResistanceGrid, *, units: str) -> None:
    """Write a float32 GeoTIFF on the grid: NaN and ``inf`` become :data:`CWD_NODATA`."""
    import rasterio

    data = np.where(np.isfinite(values), values, CWD_NODATA).astype(np.float32)
    profile = float_profile(grid.shape, crs=grid.crs, transform=grid.transform, nodata=CWD_NODATA)
    text = {
        "cost": "cost units (resistance x metres)",
        "pct": "percent above the least-cost distance",
    }[units]
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, units=text)


def _label(areas: Any, default: str) -> str:
    """A readable name for an area: its 'name' values, or the layer's source."""
    if hasattr(areas, "columns") and "name" in areas.columns:
        names = [str(n) for n in areas["name"].tolist()]
        return " + ".join(names[:3]) + (" …" if len(names) > 3 else "")
    attrs = getattr(areas, "attrs", {})
    return str(attrs.get("source", default))


def _path_cover(
    path: np.ndarray,
    grid: ResistanceGrid,
    landcover: str | os.PathLike[str],
    classes: Iterable[int],
) -> tuple[float | None, float]:
    lc, _ = warp_to_grid(
        landcover, shape=grid.shape, transform=grid.transform, crs=grid.crs,
        what="the land cover",
    )  # fmt: skip
    w = _cell_weights(path, grid.cell_size_m)
    codes = lc[path[:, 0], path[:, 1]]
    known = np.isfinite(codes)
    total = float(w.sum())
    known_len = float(w[known].sum())
    if known_len == 0:
        return None, 0.0
    forest = known & np.isin(np.where(known, codes, -1), np.asarray(list(classes)))
    return 100.0 * float(w[forest].sum()) / known_len, 100.0 * known_len / total


# ------------------------------------------------------------------------- the API


def least_cost_corridor(
    resistance: str | os.PathLike[str] | ResistanceGrid,
    source: Any,
    target: Any,
    *,
    neighbors: int = 8,
    corridor_pct: float = DEFAULT_CORRIDOR_PCT,
    landcover: str | os.PathLike[str] | None = None,
    forest_classes: Sequence[int] = IGBP_FOREST_CLASSES,
    progress: Progress = None,
) -> CorridorResult:
    """Least-cost path and corridor from a source area to a target area.

    Parameters
    ----------
    resistance : path or ResistanceGrid
        Resistance GeoTIFF (cost units per metre) in a projected CRS; nodata is impassable.
    source, target : GeoDataFrame, GeoSeries or shapely geometries
        The two areas (polygons or points), reprojected to the raster's CRS when they carry
        another CRS; several features form one area.
    neighbors : {8, 16}, default 8
        Moves of the cost-distance kernel (16 adds knight's moves, GRASS ``r.cost -k``).
    corridor_pct : float, default 10
        Keep the cells whose cheapest A→B route costs at most this many percent more than
        the least-cost route (> 0).
    landcover : path, optional
        Land-cover class raster (e.g. ``datasets.path("landcover")``) for the path's forest
        share; without it ``path_forest_pct`` is None.
    forest_classes : sequence of int, default IGBP 1–5
        Classes counted as forest.
    progress : callable, optional
        Called with a short text before each step.

    Returns
    -------
    CorridorResult

    Raises
    ------
    CRSError
        The raster has no CRS or a geographic one; an area has no CRS.
    ResistanceError
        Zero, negative or NaN resistance outside nodata.
    SourceError
        An area outside the grid, covering no cell, or entirely on nodata; the two areas
        overlapping.
    UnreachableError
        The target is cut off from the source by impassable cells (the message says which).
    """
    if not (isinstance(corridor_pct, (int, float)) and corridor_pct > 0):
        raise ValueError(f"corridor_pct must be a positive percentage, got {corridor_pct!r}")
    grid = resistance if isinstance(resistance, ResistanceGrid) else read_resistance(resistance)
    roles = ("source", "target")
    a = area_mask(source, grid, role="source")
    b = area_mask(target, grid, role="target")
    check_disjoint(a, b, roles=roles)
    if progress:
        progress("cost distance from the source")
    cwd_a = cost_distance(grid.values, a, cell_size_m=grid.cell_size_m, neighbors=neighbors)
    at_b = cwd_a[b]
    reached = np.isfinite(at_b)
    if not reached.any():
        raise unreachable_error(grid, a, b, roles=roles)
    lcd = float(at_b[reached].min())
    if progress:
        progress("cost distance from the target")
    cwd_b = cost_distance(grid.values, b, cell_size_m=grid.cell_size_m, neighbors=neighbors)
    if progress:
        progress("least-cost path and corridor")
    cells = least_cost_path(
        cwd_a, grid.values, b, cell_size_m=grid.cell_size_m, neighbors=neighbors
    )
    import shapely

    from leopardrange.crs import crs_string

    path = shapely.LineString(path_to_xy(cells, grid.transform))
    with np.errstate(invalid="ignore"):
        value = 100.0 * (cwd_a + cwd_b - lcd) / lcd
    value[~np.isfinite(value)] = np.nan
    value = np.maximum(value, 0.0, where=np.isfinite(value), out=value)  # rounding below 0
    corridor = np.isfinite(value) & (value <= corridor_pct)
    corridor[cells[:, 0], cells[:, 1]] = True
    src_geom, tgt_geom = _union(source, grid.crs), _union(target, grid.crs)
    length = path_length_m(cells, grid.cell_size_m)
    forest_pct: float | None = None
    known_pct: float | None = None
    if landcover is not None:
        forest_pct, known_pct = _path_cover(cells, grid, landcover, forest_classes)
    metrics: dict[str, Any] = {
        "source": _label(source, "source"),
        "target": _label(target, "target"),
        "resistance": grid.name,
        "crs": crs_string(grid.crs, fallback="proj4"),
        "cell_size_m": list(grid.cell_size_m),
        "neighbors": neighbors,
        "corridor_pct": float(corridor_pct),
        "cost_distance": lcd,
        "path_length_m": length,
        "euclidean_m": float(src_geom.distance(tgt_geom)),
        "cwd_to_path_length_ratio": lcd / length if length > 0 else None,
        "min_width_m": min_width_m(corridor | a | b, cells, grid.cell_size_m, exclude=a | b),
        "corridor_area_km2": float(corridor.sum()) * grid.cell_area_km2,
        "path_cells": len(cells),
        "path_forest_pct": forest_pct,
        "path_landcover_known_pct": known_pct,
        "forest_classes": [int(c) for c in forest_classes] if landcover is not None else None,
        "landcover": Path(landcover).name if landcover is not None else None,
        "units": {
            "cost_distance": "cost units (resistance x metres)",
            "cwd_to_path_length_ratio": "cost units per metre (mean resistance on the path)",
            "corridor_value": "percent above the least-cost distance",
        },
    }
    return CorridorResult(
        grid=grid,
        cwd_source=cwd_a,
        cwd_target=cwd_b,
        corridor_value_pct=value,
        corridor=corridor,
        path_cells=cells,
        path=path,
        source_geometry=src_geom,
        target_geometry=tgt_geom,
        metrics=metrics,
    )
