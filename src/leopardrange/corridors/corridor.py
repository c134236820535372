"""Least-cost corridor between two areas (Linkage Mapper's corridor, one link).

From a source area A and a target area B on a resistance surface:

* ``CWD_A`` and ``CWD_B``: cost-weighted distance from each area (:func:`cost_distance`);
* the least-cost distance ``LCD = min CWD_A over B`` and the least-cost path, walked back
  from the cheapest cell of B down ``CWD_A`` to A;
* the corridor value of a cell, ``100 x (CWD_A + CWD_B - LCD) / LCD``: how much dearer, in
  percent of the least cost, the cheapest A→B route through that cell is (0 on the least-cost
  path). The corridor is the set of cells at or below ``corridor_pct``.

Where A and B share cells, ``overlap`` decides (:func:`.areas.resolve_overlap`): refuse (the
default), subtract (CWD_A runs to B minus A, CWD_B to A minus B), or dissolve (one area,
connected at no cost: LCD 0, no corridor). metrics.json records what was done.

Metrics (``metrics.json``; every link of a linkage network carries the same ones):

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
``corridor_area_km2``, ``path_cells``
    The corridor's area (cells x cell area) and the number of cells on the path.
``path_habitat_pct``, ``path_landcover_known_pct``
    With a land-cover raster and its legend (:mod:`.landcover`): the share of the path's
    length on the legend's habitat classes, among the cells whose land cover is known, and the
    share of the path where it is known; ``habitat_classes`` and ``legend`` say which classes
    counted. ``path_forest_pct`` is the former name of ``path_habitat_pct`` (kept for one
    release).
``max_scale_error_pct``
    The grid's largest scale error (:mod:`.grid`): how far its cell steps may stray from ground
    metres.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import ResistanceError

from ._ongrid import float_profile
from .areas import (
    Overlap,
    area_label,
    area_mask,
    check_overlap_mode,
    resolve_overlap,
    union,
    unreachable_error,
)
from .costdistance import (
    CWD_NODATA,
    _open_resistance,
    cost_distance,
    least_cost_path,
    path_length_m,
    path_to_xy,
)
from .grid import DEFAULT_MAX_SCALE_ERROR_PCT, ScaleError, check_grid
from .landcover import LandCover, read_landcover
from .legend import Legend

__all__ = [
    "DEFAULT_CORRIDOR_PCT",
    "IGBP_FOREST_CLASSES",
    "LINK_METRICS",
    "METRIC_UNITS",
    "CorridorResult",
    "ResistanceGrid",
    "least_cost_corridor",
    "link_metrics",
    "min_width_m",
    "path_line",
    "read_resistance",
    "write_float_raster",
]

#: The IGBP forest classes (1–5). Kept for one release: pass ``legend="igbp"`` instead.
IGBP_FOREST_CLASSES: tuple[int, ...] = (1, 2, 3, 4, 5)
#: Corridor cells kept by default: at most this much dearer than the least-cost route (%).
DEFAULT_CORRIDOR_PCT = 10.0
#: The metrics of one link, in the order of the links layer (``path_forest_pct`` is an alias).
LINK_METRICS: tuple[str, ...] = (
    "cost_distance",
    "path_length_m",
    "euclidean_m",
    "cwd_to_path_length_ratio",
    "min_width_m",
    "corridor_area_km2",
    "path_cells",
    "path_habitat_pct",
    "path_landcover_known_pct",
    "path_forest_pct",
)
#: Units of the metrics whose names do not say them.
METRIC_UNITS: dict[str, str] = {
    "cost_distance": "cost units (resistance x metres)",
    "cwd_to_path_length_ratio": "cost units per metre (mean resistance on the path)",
    "corridor_value": "percent above the least-cost distance",
}
_DEPRECATED = {
    "path_forest_pct": "former name of path_habitat_pct; removed in the next release",
    "forest_classes": "former name of habitat_classes; removed in the next release",
}

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
        Projected CRS (checked: not missing, not geographic, small scale error).
    cell_size_m : tuple of float
        ``(x, y)`` cell width and height in metres.
    name : str
        File name, for messages.
    impassable_note : str
        What made cells impassable, from the GeoTIFF's tags when
        :func:`~leopardrange.corridors.build_resistance` wrote it, else "".
    scale : ScaleError, optional
        The grid's scale error (:func:`~leopardrange.corridors.grid.check_grid`).

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> grid = ResistanceGrid(np.ones((2, 3)), from_origin(500_000, 3_000_200, 100, 100),
    ...                       "EPSG:32645", (100.0, 100.0), "R.tif")
    >>> grid.shape, grid.bounds, grid.cell_area_km2
    ((2, 3), (500000.0, 3000000.0, 500300.0, 3000200.0), 0.01)
    """

    values: np.ndarray
    transform: Any
    crs: Any
    cell_size_m: tuple[float, float]
    name: str
    impassable_note: str = ""
    scale: ScaleError | None = None

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
        """Area of one cell in km² (nominal: exact in an equal-area CRS)."""
        return self.cell_size_m[0] * self.cell_size_m[1] / 1e6

    @property
    def max_scale_error_pct(self) -> float | None:
        """The grid's largest scale error (percent), when it was checked."""
        return None if self.scale is None else self.scale.max_scale_error_pct


def read_resistance(
    path: str | os.PathLike[str], *, max_scale_error_pct: float = DEFAULT_MAX_SCALE_ERROR_PCT
) -> ResistanceGrid:
    """Read a single-band resistance GeoTIFF in a projected CRS.

    Parameters
    ----------
    path : path
        Resistance raster (cost units per metre); its nodata cells, and NaN cells, are
        impassable.
    max_scale_error_pct : float, default 1
        Refuse a grid whose projection's scale strays more than this from 1 (percent).

    Returns
    -------
    ResistanceGrid

    Raises
    ------
    DataSourceError
        Missing or unreadable file.
    CRSError
        No CRS, a geographic one, or too large a scale error (the message suggests a CRS).
    ResistanceError
        Several bands, a rotated grid, NaN cells when a nodata value is declared.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.ones((2, 3)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_200, 100, 100))
    >>> grid = read_resistance(tif)
    >>> grid.shape, grid.cell_size_m, round(grid.max_scale_error_pct, 2)
    ((2, 3), (100.0, 100.0), 0.04)
    """
    p = Path(path)
    with _open_resistance(p) as src:
        if src.count != 1:
            raise ResistanceError(f"resistance raster '{p.name}' has {src.count} bands, not 1")
        checked = check_grid(
            src.crs, src.transform, (src.height, src.width),
            max_scale_error_pct=max_scale_error_pct, name=f"resistance raster '{p.name}'",
        )  # fmt: skip
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
            cell_size_m=checked.cell_size_m,
            name=p.name,
            impassable_note=note if note != "none" else "",
            scale=checked.scale,
        )


# ---------------------------------------------------------------------- link metrics


def min_width_m(
    corridor: np.ndarray,
    path: np.ndarray,
    cell_size_m: tuple[float, float],
    *,
    exclude: np.ndarray | None = None,
) -> float:
    """Narrowest corridor width along a path (see the module docstring).

    Parameters
    ----------
    corridor : ndarray of bool
        Corridor cells (include the source and target areas).
    path : ndarray of int, shape (n, 2)
        ``(row, col)`` path cells.
    cell_size_m : tuple of float
        ``(x, y)`` cell size in metres.
    exclude : ndarray of bool, optional
        Cells not measured (the two areas); ignored when every path cell is excluded.

    Returns
    -------
    float
        ``min(2 d - c)`` over the measured path cells, metres (>= one cell).

    Examples
    --------
    >>> channel = np.zeros((7, 9), dtype=bool); channel[2:5, :] = True  # three cells wide
    >>> min_width_m(channel, np.array([[3, c] for c in range(2, 7)]), (10.0, 10.0))
    30.0
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


def path_line(cells: np.ndarray, transform: Any) -> Any:
    """The path through the cell centres as a LineString (a point repeated for one cell).

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> path_line(np.array([[0, 0], [1, 1]]), from_origin(0, 200, 100, 100)).wkt
    'LINESTRING (50 150, 150 50)'
    """
    import shapely

    xy = path_to_xy(cells, transform)
    return shapely.LineString(xy if len(xy) > 1 else np.vstack([xy, xy]))


def link_metrics(
    grid: ResistanceGrid,
    cwd_a: np.ndarray,
    cwd_b: np.ndarray,
    lcd: float,
    cells: np.ndarray,
    *,
    a: np.ndarray,
    b: np.ndarray,
    corridor_pct: float,
    landcover: LandCover | None = None,
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """The metrics of one link, its corridor values and its corridor.

    Parameters
    ----------
    grid : ResistanceGrid
    cwd_a, cwd_b : ndarray of float64
        Cost distance from each area.
    lcd : float
        The least-cost distance (0 when the areas are one).
    cells : ndarray of int, shape (n, 2)
        The least-cost path.
    a, b : ndarray of bool
        The two areas' cells (they count as corridor, and widths are not measured in them).
    corridor_pct : float
        Corridor cut-off, percent above ``lcd``.
    landcover : LandCover, optional
        For ``path_habitat_pct``.

    Returns
    -------
    metrics : dict
        :data:`LINK_METRICS` but ``euclidean_m``.
    value : ndarray of float64
        Corridor value in percent (NaN where either CWD is missing).
    corridor : ndarray of bool

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> grid = ResistanceGrid(np.ones((1, 5)), from_origin(0, 100, 100, 100), "EPSG:32645",
    ...                       (100.0, 100.0), "R.tif")
    >>> a, b = np.array([[1, 0, 0, 0, 0]], bool), np.array([[0, 0, 0, 0, 1]], bool)
    >>> cwd_a, cwd_b = np.arange(5.0)[None] * 100, np.arange(4.0, -1, -1)[None] * 100
    >>> m, value, corridor = link_metrics(grid, cwd_a, cwd_b, 400.0,
    ...     np.array([[0, c] for c in range(5)]), a=a, b=b, corridor_pct=10)
    >>> m["path_length_m"], m["min_width_m"], bool(corridor.all())
    (400.0, 100.0, True)
    """
    length = path_length_m(cells, grid.cell_size_m)
    joined = lcd == 0.0
    if joined:  # one area: every cell of it is on the way, none beyond
        value = np.where(a | b, 0.0, np.nan)
    else:
        with np.errstate(invalid="ignore"):
            value = 100.0 * (cwd_a + cwd_b - lcd) / lcd
        value[~np.isfinite(value)] = np.nan
        value = np.maximum(value, 0.0, where=np.isfinite(value), out=value)  # rounding below 0
    corridor = np.isfinite(value) & (value <= corridor_pct)
    corridor[cells[:, 0], cells[:, 1]] = True
    habitat_pct: float | None = None
    known_pct: float | None = None
    if landcover is not None:
        habitat_pct, known_pct = landcover.path_shares(cells, grid.cell_size_m)
    metrics = {
        "cost_distance": lcd,
        "path_length_m": length,
        "cwd_to_path_length_ratio": lcd / length if length > 0 else None,
        "min_width_m": None
        if joined
        else min_width_m(corridor | a | b, cells, grid.cell_size_m, exclude=a | b),
        "corridor_area_km2": float((corridor | a | b).sum()) * grid.cell_area_km2,
        "path_cells": len(cells),
        "path_habitat_pct": habitat_pct,
        "path_landcover_known_pct": known_pct,
        "path_forest_pct": habitat_pct,
    }
    return metrics, value, corridor


def landcover_metrics(landcover: LandCover | None) -> dict[str, Any]:
    """metrics.json's record of the land cover and its legend (None values without one).

    Examples
    --------
    >>> landcover_metrics(None)["legend"] is None
    True
    """
    if landcover is None:
        return {"landcover": None, "legend": None, "habitat_classes": None, "forest_classes": None}
    record = landcover.record()
    return record | {"forest_classes": record["habitat_classes"]}


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
    overlap : Overlap, optional
        What was done where the areas share cells.
    landcover : LandCover, optional
        The land cover the habitat share was measured on.
    credits : tuple of str
        Credits the data's licences ask for (e.g. "© OpenStreetMap contributors"), written
        on the map; the command line fills them from the inputs' metadata.

    Examples
    --------
    Across a uniform 3 x 6 grid the path runs straight along the middle row, and the
    corridor (within 10 % of the least cost) is that row:

    >>> import shapely, tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.ones((3, 6)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> result = least_cost_corridor(tif, shapely.Point(500_050, 3_000_150),
    ...                              shapely.Point(500_550, 3_000_150))
    >>> result.path.length, result.cwd_source[1].tolist()
    (500.0, [0.0, 100.0, 200.0, 300.0, 400.0, 500.0])
    >>> result.corridor.astype(int)
    array([[0, 0, 0, 0, 0, 0],
           [1, 1, 1, 1, 1, 1],
           [0, 0, 0, 0, 0, 0]])
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
    overlap: Overlap | None = None
    landcover: LandCover | None = None
    credits: tuple[str, ...] = ()

    def write(
        self,
        out_dir: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        extra: Callable[[Path], Any] | None = None,
    ) -> Path:
        """Write the corridor folder atomically.

        Files: ``cwd_source.tif``, ``cwd_target.tif`` (float32 cost units, nodata
        :data:`CWD_NODATA`), ``corridor.tif`` (float32 corridor value in percent, nodata
        outside the corridor), ``path.gpkg`` (layers ``least_cost_path`` with the metrics,
        ``source`` and ``target``), ``map.png`` and ``metrics.json``.

        Parameters
        ----------
        out_dir : path
            Folder to create (replaced whole only with ``overwrite``).
        overwrite : bool, default False
        extra : callable, optional
            Called with the folder being written (before it is moved into place) to add files,
            e.g. a QGIS project of the outputs.

        Returns
        -------
        Path
            The folder.

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.

        Examples
        --------
        >>> import geopandas as gpd, shapely, tempfile, rasterio
        >>> from rasterio.transform import from_origin
        >>> from leopardrange.corridors import write_resistance
        >>> folder = Path(tempfile.mkdtemp())
        >>> write_resistance(np.ones((3, 6)), folder / "R.tif", crs="EPSG:32645",
        ...                  transform=from_origin(500_000, 3_000_300, 100, 100))
        PosixPath('.../R.tif')
        >>> result = least_cost_corridor(folder / "R.tif", shapely.Point(500_050, 3_000_150),
        ...                              shapely.Point(500_550, 3_000_150))
        >>> sorted(p.name for p in result.write(folder / "out").iterdir())
        ['corridor.tif', 'cwd_source.tif', 'cwd_target.tif', 'map.png', 'metrics.json', 'path.gpkg']
        """
        import geopandas as gpd

        from leopardrange.crs import named_crs
        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        crs = named_crs(self.grid.crs)
        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            write_float_raster(tmp / "cwd_source.tif", self.cwd_source, self.grid, units="cost")
            write_float_raster(tmp / "cwd_target.tif", self.cwd_target, self.grid, units="cost")
            value = np.where(self.corridor, self.corridor_value_pct, np.nan)
            write_float_raster(tmp / "corridor.tif", value, self.grid, units="pct")
            m = self.metrics
            row = {k: m[k] for k in ("source", "target", *LINK_METRICS)}
            gpkg = tmp / "path.gpkg"
            gpd.GeoDataFrame(
                {k: [v] for k, v in row.items()}, geometry=[self.path], crs=crs
            ).to_file(gpkg, layer="least_cost_path", driver="GPKG")
            for role, geom in (("source", self.source_geometry), ("target", self.target_geometry)):
                gpd.GeoDataFrame({"name": [m[role]]}, geometry=[geom], crs=crs).to_file(
                    gpkg, layer=role, driver="GPKG"
                )
            self.figure().savefig(tmp / "map.png", dpi=110)
            write_json(tmp / "metrics.json", self.metrics)
            if extra is not None:
                extra(tmp)
        return Path(out_dir)

    def figure(self) -> Any:
        """A map of the corridor (matplotlib Figure, no pyplot state); see :mod:`.maps`."""
        from .maps import corridor_figure

        return corridor_figure(self)


def write_float_raster(path: Path, values: np.ndarray, grid: ResistanceGrid, *, units: str) -> None:
    """Write a float32 GeoTIFF on the grid: NaN and ``inf`` become :data:`CWD_NODATA`.

    ``units`` is ``"cost"`` (a cost distance) or ``"pct"`` (a corridor value); the band's
    ``units`` tag says which, so that styles and readers can tell them apart.

    Examples
    --------
    >>> import tempfile, rasterio
    >>> from rasterio.transform import from_origin
    >>> grid = ResistanceGrid(np.ones((1, 2)), from_origin(0, 100, 100, 100), "EPSG:32645",
    ...                       (100.0, 100.0), "R.tif")
    >>> tif = Path(tempfile.mkdtemp()) / "cwd.tif"
    >>> write_float_raster(tif, np.array([[0.0, np.inf]]), grid, units="cost")
    >>> with rasterio.open(tif) as src:
    ...     src.read(1).tolist(), src.tags(1)["units"]
    ([[0.0, -9999.0]], 'cost units (resistance x metres)')
    """
    import rasterio

    from leopardrange.crs import named_crs

    data = np.where(np.isfinite(values), values, CWD_NODATA).astype(np.float32)
    profile = float_profile(
        grid.shape, crs=named_crs(grid.crs).to_wkt(), transform=grid.transform, nodata=CWD_NODATA
    )
    text = {
        "cost": "cost units (resistance x metres)",
        "pct": "percent above the least-cost distance",
    }[units]
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, units=text)
        if grid.scale is not None:
            dst.update_tags(max_scale_error_pct=f"{grid.scale.max_scale_error_pct:.4g}")


# ------------------------------------------------------------------------- the API


def least_cost_corridor(
    resistance: str | os.PathLike[str] | ResistanceGrid,
    source: Any,
    target: Any,
    *,
    neighbors: int = 8,
    corridor_pct: float = DEFAULT_CORRIDOR_PCT,
    landcover: str | os.PathLike[str] | None = None,
    legend: Legend | str | os.PathLike[str] | None = None,
    habitat_classes: Iterable[int] | str | None = None,
    overlap: str = "refuse",
    name_field: str | None = None,
    max_scale_error_pct: float = DEFAULT_MAX_SCALE_ERROR_PCT,
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
        Land-cover class raster for the path's habitat share (``path_habitat_pct``); it
        needs ``legend`` or ``habitat_classes``.
    legend : Legend, str or path, optional
        The land cover's legend: ``"igbp"``, ``"worldcover"``, ``"corine"`` or a CSV/TOML file
        (:mod:`.legend`); its habitat classes count, unless ``habitat_classes`` says others.
    habitat_classes : iterable of int or str, optional
        Classes that count as habitat (each in the legend, when one is given).
    overlap : {"refuse", "dissolve", "subtract"}, default "refuse"
        What to do when the areas share cells (see :func:`.areas.resolve_overlap`).
    name_field : str, optional
        Field naming the areas in titles and metrics; default the first of ``name``,
        ``NAME``, ``Name``, ``NAME_ENG``, ``ORIG_NAME`` present, else the layer's name.
    max_scale_error_pct : float, default 1
        Refuse a grid whose projection's scale strays more than this from 1 (percent).
    progress : callable, optional
        Called with a short text before each step.

    Returns
    -------
    CorridorResult

    Raises
    ------
    CRSError
        The raster has no CRS, a geographic one or too large a scale error; an area has no
        CRS.
    ResistanceError
        Zero, negative or NaN resistance outside nodata.
    SourceError
        An area outside the grid, covering no cell, or entirely on nodata; the two areas
        overlapping (``overlap="refuse"``), or one inside the other (``"subtract"``).
    SchemaError
        ``name_field`` missing from an area's layer (the message lists its fields).
    LegendError
        A land cover without a legend or habitat classes, habitat classes the legend lacks,
        raster values the legend does not know.
    UnreachableError
        The target is cut off from the source by impassable cells (the message says which).

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.ones((5, 9)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_500, 100, 100))
    >>> parks = gpd.GeoDataFrame({"NAME": ["West", "East"]}, crs="EPSG:32645",
    ...     geometry=[shapely.box(500_000, 3_000_000, 500_200, 3_000_500),
    ...               shapely.box(500_700, 3_000_000, 500_900, 3_000_500)])
    >>> result = least_cost_corridor(tif, parks.iloc[[0]], parks.iloc[[1]])
    >>> m = result.metrics
    >>> m["source"], m["target"], m["path_length_m"], m["cost_distance"], m["overlap"]["mode"]
    ('West', 'East', 600.0, 600.0, 'refuse')
    """
    if not (isinstance(corridor_pct, (int, float)) and corridor_pct > 0):
        raise ValueError(f"corridor_pct must be a positive percentage, got {corridor_pct!r}")
    check_overlap_mode(overlap)
    if landcover is None and (legend is not None or habitat_classes is not None):
        raise ValueError("legend and habitat_classes describe a land cover: pass landcover too")
    grid = (
        resistance
        if isinstance(resistance, ResistanceGrid)
        else read_resistance(resistance, max_scale_error_pct=max_scale_error_pct)
    )
    names = (
        area_label(source, name_field, what="the source layer", default="source"),
        area_label(target, name_field, what="the target layer", default="target"),
    )
    cover = (
        read_landcover(landcover, grid, legend=legend, habitat_classes=habitat_classes)
        if landcover is not None
        else None
    )
    a = area_mask(source, grid, role=f"source {names[0]!r}")
    b = area_mask(target, grid, role=f"target {names[1]!r}")
    masks = resolve_overlap(a, b, mode=overlap, names=names, cell_area_km2=grid.cell_area_km2)
    roles = ("source", "target")
    if progress:
        progress("cost distance from the source")
    cwd_a = cost_distance(
        grid.values, masks.source, cell_size_m=grid.cell_size_m, neighbors=neighbors
    )
    at_b = cwd_a[masks.target_end]
    reached = np.isfinite(at_b)
    if not reached.any():
        raise unreachable_error(grid, masks.source, masks.target_end, roles=roles)
    lcd = float(at_b[reached].min())
    if progress:
        progress("cost distance from the target")
    cwd_b = (
        cwd_a
        if masks.overlap.mode == "dissolve" and masks.overlap.shared_cells
        else cost_distance(
            grid.values, masks.target, cell_size_m=grid.cell_size_m, neighbors=neighbors
        )
    )
    if progress:
        progress("least-cost path and corridor")
    cells = least_cost_path(
        cwd_a, grid.values, masks.target_end, cell_size_m=grid.cell_size_m, neighbors=neighbors
    )
    link, value, corridor = link_metrics(
        grid, cwd_a, cwd_b, lcd, cells, a=masks.source, b=masks.target,
        corridor_pct=corridor_pct, landcover=cover,
    )  # fmt: skip
    from leopardrange.crs import crs_label, crs_string

    src_geom, tgt_geom = union(source, grid.crs), union(target, grid.crs)
    metrics: dict[str, Any] = {
        "source": names[0],
        "target": names[1],
        "resistance": grid.name,
        "crs": crs_string(grid.crs, fallback="proj4"),
        "crs_label": crs_label(grid.crs),
        "cell_size_m": list(grid.cell_size_m),
        "max_scale_error_pct": grid.max_scale_error_pct,
        "neighbors": neighbors,
        "corridor_pct": float(corridor_pct),
        **link,
        "euclidean_m": float(src_geom.distance(tgt_geom)),
        **landcover_metrics(cover),
        "overlap": masks.overlap.to_json_dict(),
        "deprecated": dict(_DEPRECATED),
        "units": dict(METRIC_UNITS),
    }
    return CorridorResult(
        grid=grid,
        cwd_source=cwd_a,
        cwd_target=cwd_b,
        corridor_value_pct=value,
        corridor=corridor,
        path_cells=cells,
        path=path_line(cells, grid.transform),
        source_geometry=src_geom,
        target_geometry=tgt_geom,
        metrics=metrics,
        overlap=masks.overlap,
        landcover=cover,
    )
