"""Cost-weighted distance (CWD) and least-cost paths on resistance rasters.

Convention (scikit-image ``MCP_Geometric``, GRASS ``r.cost``, WhiteboxTools):
moving between neighbouring cells costs the mean of the two cells' resistance x
the step length in metres (cell width or height; the cell diagonal for diagonal
moves). With ``neighbors=16`` a knight's move (two cells along, one across) costs
the mean of the four cells it crosses x its length and cannot cross an impassable
cell (GRASS ``r.cost -k``). Source cells cost 0; nodata cells are impassable.
Resistance is in cost units per metre, so cost distances are in cost units
(resistance x metres).

Two levels:

* :func:`cost_distance` -- numpy in, numpy out (float64);
* :func:`cost_distance_raster` -- GeoTIFF in, GeoTIFF out (float32), streaming the
  raster through one 4-byte word per cell: 25 M cells need about 100 MB.

:func:`least_cost_path` walks back from a target down a CWD surface to the nearest
source with the kernel's own moves; :func:`path_to_xy` and :func:`path_length_m`
turn the cell path into map coordinates and metres.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import (
    CRSError,
    DataSourceError,
    OutputExistsError,
    ResistanceError,
    SourceError,
    UnreachableError,
)

from . import _kernel
from ._rasterfile import open_raster
from .grid import DEFAULT_MAX_SCALE_ERROR_PCT, GridCheck, check_grid

__all__ = [
    "CWD_NODATA",
    "CostDistanceResult",
    "cost_distance",
    "cost_distance_raster",
    "least_cost_path",
    "path_length_m",
    "path_to_xy",
]

#: Nodata value of cost-distance GeoTIFFs: nodata, unreachable and beyond-``max_cost``
#: cells (a cost distance is never negative, and ``inf`` is never written).
CWD_NODATA = -9999.0

#: Above this many buckets (largest / smallest edge weight) the kernel uses a heap.
_MAX_BUCKETS = 1 << 16
#: Rows read, encoded, finalised and written per window (a multiple of the tiles).
_WINDOW_ROWS = 512
#: GDAL block cache while streaming, in MB (GDAL's default is 5 % of RAM).
_GDAL_CACHE_MB = 64
#: Integer input types that float32 holds exactly.
_SMALL_DTYPES = {np.dtype(t) for t in ("float32", "uint8", "int8", "uint16", "int16")}

_GTIFF_OPTIONS: dict[str, Any] = {
    "driver": "GTiff",
    "tiled": True,
    "blockxsize": 512,
    "blockysize": 512,
    "compress": "deflate",
    "predictor": 3,
    "zlevel": 1,
    "num_threads": "ALL_CPUS",
    "bigtiff": "IF_SAFER",
}


@dataclass(frozen=True)
class CostDistanceResult:
    """Summary of a cost-distance raster written by :func:`cost_distance_raster`.

    Attributes
    ----------
    path : Path
        The GeoTIFF written (float32, nodata :data:`CWD_NODATA`).
    neighbors : int
        8 or 16.
    cell_size_m : tuple of float
        ``(x, y)`` cell width and height in metres.
    source_cells : int
        Source cells on passable cells (cost 0).
    reached_cells : int
        Cells with a cost distance (sources included).
    unreached_cells : int
        Passable cells not reached: cut off by nodata, or beyond ``max_cost``.
    nodata_cells : int
        Impassable (nodata) cells of the resistance raster.
    max_cost_distance : float
        Largest cost distance written, in cost units (resistance x metres).
    max_scale_error_pct : float
        The grid's largest scale error (percent): how far distances on it may stray from
        ground metres (see :mod:`leopardrange.corridors.grid`).

    Examples
    --------
    >>> result = CostDistanceResult(path=Path("cwd.tif"), neighbors=8,
    ...     cell_size_m=(100.0, 100.0), source_cells=1, reached_cells=11,
    ...     unreached_cells=0, nodata_cells=1, max_cost_distance=382.8)
    >>> result.reached_cells + result.unreached_cells + result.nodata_cells
    12
    """

    path: Path
    neighbors: int
    cell_size_m: tuple[float, float]
    source_cells: int
    reached_cells: int
    unreached_cells: int
    nodata_cells: int
    max_cost_distance: float
    max_scale_error_pct: float = math.nan


# --------------------------------------------------------------------------- helpers


def _cell_size(cell_size_m: float | tuple[float, float]) -> tuple[float, float]:
    if np.isscalar(cell_size_m):
        xm = ym = float(cell_size_m)  # type: ignore[arg-type]
    else:
        xm, ym = (float(v) for v in cell_size_m)  # type: ignore[union-attr]
    if not (xm > 0 and ym > 0 and math.isfinite(xm) and math.isfinite(ym)):
        raise ValueError(f"cell_size_m must be positive and finite metres, got {cell_size_m!r}")
    return xm, ym


def _check_options(neighbors: int, max_cost: float | None) -> float:
    if neighbors not in (8, 16):
        raise ValueError(f"neighbors must be 8 or 16, got {neighbors!r}")
    if max_cost is None:
        return math.inf
    mc = float(max_cost)
    if not mc > 0:  # also catches NaN
        raise ValueError(f"max_cost must be a positive number of cost units, got {max_cost!r}")
    return mc


def _state_arrays(
    n: int, dtype: np.dtype, neighbors: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Cell array, its integer view, the knight's-move resistance array, +inf bits."""
    vals = np.empty(n, dtype=dtype)
    if dtype == np.float32:
        ibits, inf_bits = vals.view(np.int32), _kernel.F32_INF_BITS
    else:
        ibits, inf_bits = vals.view(np.int64), _kernel.F64_INF_BITS
    res = np.empty(n if neighbors == 16 else 0, dtype=dtype)
    return vals, ibits, res, inf_bits


def _new_stats() -> np.ndarray:
    # invalid count, first invalid flat index, its value, min and max resistance
    return np.array([0.0, -1.0, 0.0, np.inf, -np.inf])


def _check_stats(stats: np.ndarray, ncols: int, what: str, nodata: float | None) -> None:
    n_bad = int(stats[0])
    if n_bad:
        row, col = divmod(int(stats[1]), ncols)
        nd = "NaN" if nodata is None or math.isnan(nodata) else repr(float(nodata))
        raise ResistanceError(
            f"{what} has {n_bad} cell{'s' if n_bad > 1 else ''} that "
            f"{'are' if n_bad > 1 else 'is'} zero, negative, infinite or NaN outside nodata "
            f"(e.g. row {row}, col {col}: {float(stats[2])!r}); resistance must be positive and "
            f"finite -- mark impassable cells as nodata ({nd})"
        )
    if not math.isfinite(stats[3]):
        raise ResistanceError(f"{what} has no passable cell: every cell is nodata")


def _solve(
    vals: np.ndarray,
    ibits: np.ndarray,
    res: np.ndarray,
    shape: tuple[int, int],
    src_idx: np.ndarray,
    *,
    cell_size_m: tuple[float, float],
    neighbors: int,
    max_cost: float,
    inf_bits: int,
    stats: np.ndarray,
) -> tuple[int, int]:
    """Run the kernel; returns ``(status, n_sources_on_passable_cells)``."""
    drc, length, cross_a, cross_b = _kernel.moves(neighbors, cell_size_m)
    r_min, r_max = float(stats[3]), float(stats[4])
    delta = r_min * min(cell_size_m)  # smallest possible edge weight
    needed = int(r_max * float(length.max()) / delta) + 3
    use_heap = needed > _MAX_BUCKETS
    nbuckets = 1 << max(needed - 1, 1).bit_length()
    status, n_src = _kernel.solve(
        vals,
        ibits,
        res,
        shape[0],
        shape[1],
        np.array(src_idx, dtype=np.int64),  # the kernel compacts it in place
        drc,
        length,
        cross_a,
        cross_b,
        delta,
        nbuckets,
        use_heap,
        max_cost,
        inf_bits,
        _kernel.max_slot(inf_bits),
    )
    return int(status), int(n_src)


def _no_source_error(n_src_cells: int, what: str) -> SourceError:
    return SourceError(
        f"all {n_src_cells} source cell{'s' if n_src_cells > 1 else ''} fall on nodata "
        f"(impassable) cells of {what}; move the sources onto passable cells"
    )


# ------------------------------------------------------------------------ numpy API


def cost_distance(
    resistance: np.ndarray,
    sources: np.ndarray,
    *,
    cell_size_m: float | tuple[float, float],
    neighbors: int = 8,
    max_cost: float | None = None,
    nodata: float | None = None,
) -> np.ndarray:
    """Cost-weighted distance from the nearest source to every cell.

    Parameters
    ----------
    resistance : ndarray, shape (rows, cols)
        Cost of crossing one metre of each cell, in cost units per metre; positive
        and finite except at nodata cells, which are impassable.
    sources : ndarray of bool, shape (rows, cols)
        True at source cells (cost 0). Sources on nodata cells are ignored.
    cell_size_m : float or tuple of float
        Cell size in metres: ``(x, y)`` = (cell width, cell height), the order of
        rasterio's ``DatasetReader.res``; a single number for square cells.
    neighbors : {8, 16}, default 8
        8: moves to the 8 adjacent cells; 16: also knight's moves.
    max_cost : float, optional
        Stop at this cost distance (cost units); farther cells are ``inf``.
    nodata : float, optional
        Resistance value marking impassable cells. NaN cells are impassable when
        this is None or NaN, and an error otherwise.

    Returns
    -------
    ndarray of float64, shape (rows, cols)
        Cost distance in cost units (resistance x metres): 0 at the sources, ``inf``
        where unreachable or beyond ``max_cost``, NaN at nodata cells.

    Raises
    ------
    ResistanceError
        Zero, negative, infinite or NaN resistance outside nodata, or no passable cell.
    SourceError
        No source cell, a mask of the wrong shape, or every source on nodata.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.ones((1, 4))
    >>> s = np.array([[True, False, False, False]])
    >>> cost_distance(r, s, cell_size_m=30.0)
    array([[ 0., 30., 60., 90.]])
    """
    r = np.asarray(resistance)
    if r.ndim != 2 or r.size == 0:
        raise ValueError(f"resistance must be a non-empty 2-D array, got shape {r.shape}")
    if not (np.issubdtype(r.dtype, np.floating) or np.issubdtype(r.dtype, np.integer)):
        raise ResistanceError(f"resistance must be numeric, got dtype {r.dtype}")
    s = np.asarray(sources)
    if s.dtype != np.bool_:
        raise SourceError(f"sources must be a boolean mask, got dtype {s.dtype}")
    if s.shape != r.shape:
        raise SourceError(f"sources mask has shape {s.shape} but the resistance grid is {r.shape}")
    src_idx = np.flatnonzero(s)
    if src_idx.size == 0:
        raise SourceError("no source cell: the sources mask has no True cell")
    xm_ym = _cell_size(cell_size_m)
    mc = _check_options(neighbors, max_cost)
    nd = math.nan if nodata is None else float(nodata)

    vals, ibits, res, inf_bits = _state_arrays(r.size, np.dtype(np.float64), neighbors)
    stats = _new_stats()
    rows = max(1, (1 << 22) // r.shape[1])
    for r0 in range(0, r.shape[0], rows):  # row blocks: no full-size temporary
        block = np.ascontiguousarray(r[r0 : r0 + rows]).reshape(-1)
        _kernel.encode_block(block, vals, ibits, res, nd, math.isnan(nd), r0 * r.shape[1], stats)
    _check_stats(stats, r.shape[1], "resistance", nodata)

    _, n_src = _solve(
        vals, ibits, res, r.shape, src_idx, cell_size_m=xm_ym, neighbors=neighbors,
        max_cost=mc, inf_bits=inf_bits, stats=stats,
    )  # fmt: skip
    if n_src == 0:
        raise _no_source_error(src_idx.size, "the resistance grid")
    _kernel.finalize(vals, ibits, 0, vals.size, inf_bits, math.nan, math.inf)
    return vals.reshape(r.shape)


# ----------------------------------------------------------------------- raster API


def _open_resistance(path: Path, bytes_per_cell: float = 8) -> Any:
    return open_raster(path, label=f"resistance raster '{path}'", bytes_per_cell=bytes_per_cell)


def _check_grid(src: Any, name: str, max_scale_error_pct: float) -> GridCheck:
    """Cell size in metres and scale error of an open raster's grid (see :mod:`.grid`)."""
    return check_grid(
        src.crs,
        src.transform,
        (src.height, src.width),
        max_scale_error_pct=max_scale_error_pct,
        name=f"resistance raster '{name}'",
    )


def _geometries(sources: Any, raster_crs: Any) -> list[Any]:
    """Source geometries in the raster's CRS (GeoDataFrame/GeoSeries reprojected)."""
    import shapely
    from pyproj import CRS

    if hasattr(sources, "to_crs") and hasattr(sources, "crs"):
        if sources.crs is None:
            raise CRSError(
                "the source layer has no CRS; set it (e.g. GeoDataFrame.set_crs) so it "
                "can be matched to the resistance raster"
            )
        target = CRS.from_wkt(raster_crs.to_wkt())
        if CRS.from_user_input(sources.crs) != target:
            sources = sources.to_crs(target)
        geoms = list(sources.geometry)
    elif isinstance(sources, shapely.Geometry):
        geoms = [sources]
    elif isinstance(sources, Iterable):
        geoms = list(sources)
    else:
        raise SourceError(
            "sources must be a boolean mask, a GeoDataFrame/GeoSeries or shapely "
            f"geometries, got {type(sources).__name__}"
        )
    for g in geoms:
        if g is not None and not isinstance(g, shapely.Geometry):
            raise SourceError(f"sources must be shapely geometries, got {type(g).__name__}")
    return [g for g in geoms if g is not None and not g.is_empty]


def _raster_source_index(path: Path, src: Any, name: str) -> np.ndarray:
    """Flat indices of the non-zero, non-nodata cells of a source raster on ``src``'s grid."""
    import rasterio
    from rasterio.errors import RasterioIOError
    from rasterio.windows import Window

    if not path.exists():
        raise DataSourceError(f"source raster '{path}' does not exist")
    try:
        s = rasterio.open(path)
    except RasterioIOError as exc:
        raise SourceError(
            f"'{path}' is not a raster; read vector sources with leopardrange.io and pass "
            "the GeoDataFrame"
        ) from exc
    with s:
        if (s.height, s.width) != (src.height, src.width) or not s.transform.almost_equals(
            src.transform
        ):
            raise SourceError(
                f"source raster '{path.name}' ({s.height} x {s.width} cells) is not on the grid "
                f"of '{name}' ({src.height} x {src.width}); resample it onto that grid"
            )
        if s.crs is not None and src.crs is not None and s.crs != src.crs:
            from leopardrange.crs import crs_label

            raise CRSError(
                f"source raster '{path.name}' is in {crs_label(s.crs)} but '{name}' is in "
                f"{crs_label(src.crs)}; warp it onto the resistance grid"
            )
        parts = []
        for r0, r1 in _windows(s.height):
            w = Window(0, r0, s.width, r1 - r0)
            block = s.read(1, window=w)
            hit = (block != 0) & (s.read_masks(1, window=w) != 0)
            if np.issubdtype(block.dtype, np.floating):
                hit &= ~np.isnan(block)
            parts.append(np.flatnonzero(hit) + r0 * s.width)
    idx = np.concatenate(parts)
    if idx.size == 0:
        raise SourceError(f"source raster '{path.name}' has no source cell (non-zero, not nodata)")
    return idx


def _source_index(sources: Any, src: Any, name: str) -> np.ndarray:
    """Flat indices of the source cells on the grid of the open raster ``src``."""
    shape = (src.height, src.width)
    if isinstance(sources, (str, os.PathLike)):
        return _raster_source_index(Path(sources), src, name)
    if isinstance(sources, np.ndarray):
        if sources.dtype != np.bool_:
            raise SourceError(f"a sources mask must be boolean, got dtype {sources.dtype}")
        if sources.shape != shape:
            raise SourceError(
                f"sources mask has shape {sources.shape} but '{name}' is {shape} cells"
            )
        idx = np.flatnonzero(sources)
        if idx.size == 0:
            raise SourceError("no source cell: the sources mask has no True cell")
        return idx

    import shapely
    from rasterio import features

    geoms = _geometries(sources, src.crs)
    if not geoms:
        raise SourceError("no source geometry: the source layer is empty")
    grid = shapely.box(*src.bounds)
    outside = np.flatnonzero(~shapely.intersects(np.array(geoms, dtype=object), grid))
    if outside.size:
        i = int(outside[0])
        g_bounds = tuple(round(b, 1) for b in geoms[i].bounds)
        r_bounds = tuple(round(b, 1) for b in src.bounds)
        raise SourceError(
            f"source geometry {i} of {len(geoms)} (bounds {g_bounds}) lies outside the "
            f"resistance grid '{name}' (bounds {r_bounds}); clip the sources or extend the grid"
        )
    cell_area = abs(src.transform.a * src.transform.e)
    # polygons burn the cells whose centre they hold; points, lines and polygons
    # smaller than two cells burn every cell they touch, so none vanishes
    big = [g for g in geoms if g.area >= 2 * cell_area]
    small = [g for g in geoms if g.area < 2 * cell_area]
    mask = np.zeros(shape, dtype=np.uint8)
    for group, touched in ((big, False), (small, True)):
        if group:
            features.rasterize(
                ((g, 1) for g in group), out=mask, transform=src.transform, all_touched=touched
            )
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        raise SourceError(f"the source geometries cover no cell of '{name}'")
    return idx


def _windows(nrows: int) -> Iterable[tuple[int, int]]:
    for r0 in range(0, nrows, _WINDOW_ROWS):
        yield r0, min(nrows, r0 + _WINDOW_ROWS)


def cost_distance_raster(
    resistance_path: str | os.PathLike[str],
    sources: Any,
    out_path: str | os.PathLike[str],
    *,
    neighbors: int = 8,
    max_cost: float | None = None,
    overwrite: bool = False,
    max_scale_error_pct: float = DEFAULT_MAX_SCALE_ERROR_PCT,
) -> CostDistanceResult:
    """Write the cost-weighted distance from the nearest source as a GeoTIFF.

    Parameters
    ----------
    resistance_path : path
        Single-band resistance GeoTIFF (cost units per metre) in a projected CRS;
        its nodata cells are impassable (NaN too when it declares no nodata).
    sources : ndarray of bool, path, GeoDataFrame, GeoSeries or shapely geometries
        A mask of the raster's shape; a raster on the same grid whose non-zero,
        non-nodata cells are sources; or geometries (reprojected to the raster's CRS
        if they carry another; bare shapely geometries must already be in it).
        Polygons take the cells whose centre they contain; points, lines and
        polygons smaller than two cells take every cell they touch.
    out_path : path
        GeoTIFF to write: float32, cost units, nodata :data:`CWD_NODATA` at nodata,
        unreachable and beyond-``max_cost`` cells. Written to a temporary file
        beside it and moved into place, so a failed run leaves no partial file.
    neighbors : {8, 16}, default 8
        8: moves to the 8 adjacent cells; 16: also knight's moves.
    max_cost : float, optional
        Stop at this cost distance (cost units).
    overwrite : bool, default False
        Replace an existing ``out_path``.
    max_scale_error_pct : float, default 1
        Refuse a grid whose projection's scale strays more than this from 1 (percent), since
        its cell steps would not be ground metres (see :mod:`leopardrange.corridors.grid`).

    Returns
    -------
    CostDistanceResult

    Raises
    ------
    DataSourceError
        The resistance raster is missing or unreadable.
    CRSError
        The raster has no CRS, a geographic one, or a scale error above
        ``max_scale_error_pct`` (the message suggests a local CRS).
    ResistanceError
        Zero, negative, infinite or NaN resistance outside nodata; a rotated grid.
    SourceError
        Sources outside the grid, covering no cell, or only on nodata.
    OutputExistsError
        ``out_path`` exists and ``overwrite`` is False.

    Notes
    -----
    Peak memory is one 4-byte word per cell (8 bytes for float64 or 32-bit integer
    rasters, which float32 cannot hold exactly), plus a resistance copy of the same
    width for 16 neighbours, plus a 64 MB GDAL cache and the frontier. Distances
    are accumulated in float64 and rounded to float32 once, when written. A raster
    whose cells would not fit in the memory available is refused before reading.

    Examples
    --------
    >>> import tempfile, shapely
    >>> from pathlib import Path
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_resistance(np.ones((3, 4)), folder / "R.tif", crs="EPSG:32645",
    ...                  transform=from_origin(500_000, 3_000_300, 100, 100))
    PosixPath('.../R.tif')
    >>> done = cost_distance_raster(folder / "R.tif", shapely.Point(500_050, 3_000_250),
    ...                             folder / "cwd.tif")
    >>> done.reached_cells, done.max_cost_distance, round(done.max_scale_error_pct, 2)
    (12, 382.8..., 0.04)

    A mask of source cells works as well as geometries:

    >>> import rasterio
    >>> folder = Path(tempfile.mkdtemp())
    >>> grid = dict(driver="GTiff", width=4, height=1, count=1, dtype="float32",
    ...             crs="EPSG:3035", transform=from_origin(4_321_000, 3_210_100, 100, 100))
    >>> with rasterio.open(folder / "R.tif", "w", **grid) as dst:
    ...     dst.write(np.ones((1, 1, 4), dtype="float32"))
    >>> first = np.array([[True, False, False, False]])
    >>> result = cost_distance_raster(folder / "R.tif", first, folder / "cwd.tif")
    >>> result.max_cost_distance, result.reached_cells
    (300.0, 4)
    """
    import rasterio

    rpath, opath = Path(resistance_path), Path(out_path)
    name = rpath.name
    mc = _check_options(neighbors, max_cost)
    if opath.exists() and not overwrite:
        raise OutputExistsError(
            f"'{opath}' exists; pass overwrite=True (--overwrite) to replace it"
        )
    if opath.resolve() == rpath.resolve():
        raise OutputExistsError(f"the output '{opath}' would overwrite the resistance raster")

    cell_bytes = 4 + (4 if neighbors == 16 else 0)
    with rasterio.Env(GDAL_CACHEMAX=_GDAL_CACHE_MB), _open_resistance(rpath, cell_bytes) as src:
        if src.count != 1:
            raise ResistanceError(f"resistance raster '{name}' has {src.count} bands, not 1")
        checked = _check_grid(src, name, max_scale_error_pct)
        src_idx = _source_index(sources, src, name)
        in_dtype = np.dtype(src.dtypes[0])
        wide = in_dtype not in _SMALL_DTYPES
        return _cost_distance_stream(
            src, src_idx, opath, name=name, grid=checked, neighbors=neighbors,
            max_cost=mc, wide=wide, overwrite=overwrite, inputs=[rpath],
        )  # fmt: skip


def _cost_distance_stream(
    src: Any,
    src_idx: np.ndarray,
    opath: Path,
    *,
    name: str,
    grid: GridCheck,
    neighbors: int,
    max_cost: float,
    wide: bool,
    overwrite: bool = False,
    inputs: Sequence[Path] = (),
) -> CostDistanceResult:
    import rasterio
    from rasterio.windows import Window

    from leopardrange.output import atomic_output_file

    cell_size_m = grid.cell_size_m
    nrows, ncols = src.height, src.width
    nodata = src.nodata
    nd = math.nan if nodata is None else float(nodata)
    dtype = np.dtype(np.float64 if wide else np.float32)
    vals, ibits, res, inf_bits = _state_arrays(nrows * ncols, dtype, neighbors)
    stats = _new_stats()
    buf = np.empty((min(_WINDOW_ROWS, nrows), ncols), dtype=src.dtypes[0])
    for r0, r1 in _windows(nrows):
        block = src.read(1, window=Window(0, r0, ncols, r1 - r0), out=buf[: r1 - r0])
        _kernel.encode_block(
            block.reshape(-1), vals, ibits, res, nd, math.isnan(nd), r0 * ncols, stats
        )
    del buf
    _check_stats(stats, ncols, f"resistance raster '{name}'", nodata)

    status, n_src = _solve(
        vals, ibits, res, (nrows, ncols), src_idx, cell_size_m=cell_size_m,
        neighbors=neighbors, max_cost=max_cost, inf_bits=inf_bits, stats=stats,
    )  # fmt: skip
    if n_src == 0:
        raise _no_source_error(src_idx.size, f"'{name}'")
    if status == _kernel.STATUS_POOL_FULL:  # > 8.4 M frontier cells: float64 words
        if wide:  # pragma: no cover - needs > 2**31 frontier cells
            raise MemoryError(f"'{name}': the cost-distance frontier outgrew 2**31 cells")
        del vals, ibits, res
        return _cost_distance_stream(
            src, src_idx, opath, name=name, grid=grid, neighbors=neighbors,
            max_cost=max_cost, wide=True, overwrite=overwrite, inputs=inputs,
        )  # fmt: skip
    del res

    profile = {
        **_GTIFF_OPTIONS,
        "height": nrows,
        "width": ncols,
        "count": 1,
        "dtype": "float32",
        "crs": src.crs,
        "transform": src.transform,
        "nodata": CWD_NODATA,
    }
    n_done, n_nodata, dmax = 0, 0, 0.0
    with (
        atomic_output_file(opath, overwrite=overwrite, inputs=inputs) as tmp,
        rasterio.open(tmp, "w", **profile) as dst,
    ):
        dst.update_tags(
            1,
            units="cost units (resistance x metres)",
            neighbors=str(neighbors),
            max_cost="none" if math.isinf(max_cost) else repr(max_cost),
            max_scale_error_pct=f"{grid.max_scale_error_pct:.4g}",
        )
        for r0, r1 in _windows(nrows):
            a, b = r0 * ncols, r1 * ncols
            k, z, m = _kernel.finalize(vals, ibits, a, b, inf_bits, CWD_NODATA, CWD_NODATA)
            n_done, n_nodata, dmax = n_done + int(k), n_nodata + int(z), max(dmax, float(m))
            block = vals[a:b].reshape(r1 - r0, ncols).astype(np.float32, copy=False)
            dst.write(block, 1, window=Window(0, r0, ncols, r1 - r0))
    return CostDistanceResult(
        path=opath,
        neighbors=neighbors,
        cell_size_m=cell_size_m,
        source_cells=n_src,
        reached_cells=n_done,
        unreached_cells=nrows * ncols - n_done - n_nodata,
        nodata_cells=n_nodata,
        max_cost_distance=dmax,
        max_scale_error_pct=grid.max_scale_error_pct,
    )


# ----------------------------------------------------------------- least-cost path


def least_cost_path(
    cwd: np.ndarray,
    resistance: np.ndarray,
    target: tuple[int, int] | np.ndarray,
    *,
    cell_size_m: float | tuple[float, float],
    neighbors: int = 8,
    nodata: float | None = None,
) -> np.ndarray:
    """Least-cost path from the nearest source to a target cell.

    Walks from the target down the cost-distance surface: each step goes to the
    neighbour (a move of the same neighbourhood as the CWD) whose cost distance plus
    the move's cost is smallest, until a source (cost 0) is reached.

    Parameters
    ----------
    cwd : ndarray, shape (rows, cols)
        Cost distance from :func:`cost_distance`, or read from a file written by
        :func:`cost_distance_raster`: NaN, ``inf`` and negative values (such as
        :data:`CWD_NODATA`) mark cells without a cost distance.
    resistance : ndarray, shape (rows, cols)
        The resistance surface the CWD was computed on (cost units per metre).
    target : (row, col) or ndarray of bool
        A target cell, or a mask of target cells: the path ends at the target cell
        with the smallest cost distance.
    cell_size_m : float or tuple of float
        ``(x, y)`` cell width and height in metres, as for :func:`cost_distance`.
    neighbors : {8, 16}, default 8
        Must match the neighbourhood the CWD was computed with.
    nodata : float, optional
        Resistance nodata value (NaN cells are impassable when None).

    Returns
    -------
    ndarray of int64, shape (n, 2)
        ``(row, col)`` of each cell from the source to the target.

    Raises
    ------
    SourceError
        The target is outside the grid, or the target mask is empty or misshapen.
    UnreachableError
        No target cell has a cost distance: they are cut off from every source by
        nodata cells, or lie beyond ``max_cost``.

    Examples
    --------
    From the top-left corner of a uniform 3 x 4 grid to the bottom-right cell:
    two diagonal steps, then one along the row.

    >>> r = np.ones((3, 4))
    >>> corner = np.zeros((3, 4), dtype=bool)
    >>> corner[0, 0] = True
    >>> cwd = cost_distance(r, corner, cell_size_m=100.0)
    >>> least_cost_path(cwd, r, (2, 3), cell_size_m=100.0)
    array([[0, 0],
           [1, 1],
           [2, 2],
           [2, 3]])
    """
    c = np.asarray(cwd)
    r = np.asarray(resistance)
    if c.ndim != 2 or c.shape != r.shape:
        raise ValueError(f"cwd {c.shape} and resistance {r.shape} must be 2-D of one shape")
    xm_ym = _cell_size(cell_size_m)
    _check_options(neighbors, None)
    nrows, ncols = c.shape
    if isinstance(target, np.ndarray) and target.dtype == np.bool_:
        if target.shape != c.shape:
            raise SourceError(f"target mask has shape {target.shape} but the grid is {c.shape}")
        cells = np.flatnonzero(target)
        if cells.size == 0:
            raise SourceError("no target cell: the target mask has no True cell")
    else:
        row, col = (int(v) for v in target)  # type: ignore[union-attr]
        if not (0 <= row < nrows and 0 <= col < ncols):
            raise SourceError(f"target cell ({row}, {col}) is outside the {nrows} x {ncols} grid")
        cells = np.array([row * ncols + col])
    cflat = c.reshape(-1)  # a view for C-contiguous input: no full-size copies
    at = cflat[cells].astype(np.float64)
    reach = np.isfinite(at) & (at >= 0)
    if not reach.any():
        raise UnreachableError(
            f"the target ({cells.size} cell{'s' if cells.size > 1 else ''}) has no cost "
            "distance: it is cut off from every source by nodata (impassable) cells, lies "
            "on nodata, or is beyond max_cost"
        )
    start = int(cells[reach][np.argmin(at[reach])])
    nd = math.nan if nodata is None else float(nodata)
    drc, length, cross_a, cross_b = _kernel.moves(neighbors, xm_ym)
    flat = _kernel.trace_path(
        cflat, r.reshape(-1), nd, math.isnan(nd), nrows, ncols, start, drc, length, cross_a,
        cross_b,
    )  # fmt: skip
    if flat.size == 0:  # pragma: no cover - only with a cwd inconsistent with resistance
        raise UnreachableError(
            "cannot walk down the cost-distance surface to a source: was it computed on "
            "this resistance surface with the same neighbours?"
        )
    flat = flat[::-1]
    return np.column_stack(np.divmod(flat, ncols)).astype(np.int64)


def path_to_xy(path: np.ndarray, transform: Any) -> np.ndarray:
    """Map coordinates of the cell centres of a path.

    Parameters
    ----------
    path : ndarray of int, shape (n, 2)
        ``(row, col)`` cells, as returned by :func:`least_cost_path`.
    transform : affine.Affine
        The raster's geotransform (``DatasetReader.transform``).

    Returns
    -------
    ndarray of float64, shape (n, 2)
        ``(x, y)`` of each cell centre, in the raster's CRS units.

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> cells = np.array([[0, 0], [1, 1], [2, 2], [2, 3]])
    >>> path_to_xy(cells, from_origin(500_000, 3_000_300, 100, 100))
    array([[ 500050., 3000250.],
           [ 500150., 3000150.],
           [ 500250., 3000050.],
           [ 500350., 3000050.]])
    """
    p = np.asarray(path, dtype=np.float64).reshape(-1, 2)
    rows, cols = p[:, 0] + 0.5, p[:, 1] + 0.5
    t = transform
    return np.column_stack((t.c + cols * t.a + rows * t.b, t.f + cols * t.d + rows * t.e))


def path_length_m(path: np.ndarray, cell_size_m: float | tuple[float, float]) -> float:
    """Length of a cell path in metres (sum of its centre-to-centre steps).

    Parameters
    ----------
    path : ndarray of int, shape (n, 2)
        ``(row, col)`` cells, as returned by :func:`least_cost_path`.
    cell_size_m : float or tuple of float
        ``(x, y)`` cell width and height in metres.

    Returns
    -------
    float
        Path length in metres (0 for a single cell).

    Examples
    --------
    Two diagonal steps and one straight step on 100 m cells: 2 x 141.4 m + 100 m.

    >>> round(path_length_m(np.array([[0, 0], [1, 1], [2, 2], [2, 3]]), 100.0), 1)
    382.8
    """
    xm, ym = _cell_size(cell_size_m)
    d = np.diff(np.asarray(path, dtype=np.float64).reshape(-1, 2), axis=0)
    return float(np.hypot(d[:, 0] * ym, d[:, 1] * xm).sum())
