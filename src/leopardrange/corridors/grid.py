"""Raster grids for distances: ground metres, and how far a projection's scale strays from 1.

Cost distance adds up cell steps of a nominal length in metres (the cell size). That is the
length on the ground only where the projection's scale is 1. In any projection the scale varies
over the map: UTM is 0.9996 on its central meridian and about 1.001 at the edge of its zone; a
Lambert azimuthal equal-area (LAEA) is exact at its centre and stretches one way while it
shrinks the other away from it; Web Mercator is 2 at 60° N, so every cost distance there would
be twice too large. A grid is therefore fit for distances only where its scale error — the
largest relative error of a distance in any direction, ``max(|a - 1|, |b - 1|)`` over the
Tissot indicatrix's semi-axes ``a`` and ``b`` (for a conformal projection the meridional and
parallel scales, which are equal) — stays small over all of it.

:func:`grid_scale_error` measures it (:class:`pyproj.Proj.get_factors` on an 11 x 11 lattice
of points covering the grid: corners, edges and centre included); :func:`check_grid` also reads
the cell size in metres and refuses a grid in degrees, without a CRS, rotated, or whose scale
error exceeds a threshold (1 % by default), suggesting a local CRS: the UTM zone of the data or
a LAEA centred on it, whichever strays less there. Every raster command (resistance, cost
distance, corridor, linkages) goes through it and records the figure.

Examples
--------
>>> from rasterio.transform import from_origin
>>> utm = check_grid("EPSG:32645", from_origin(500_000, 3_100_000, 100, 100), (500, 500))
>>> utm.cell_size_m, round(utm.max_scale_error_pct, 3)
((100.0, 100.0), 0.04)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from leopardrange.errors import CRSError, ResistanceError

__all__ = [
    "DEFAULT_MAX_SCALE_ERROR_PCT",
    "MAX_GRID_CELLS",
    "GridCheck",
    "RasterGrid",
    "ScaleError",
    "check_grid",
    "check_max_scale_error",
    "grid_scale_error",
    "local_crs",
    "recipe_grid",
    "resolve_crs",
]

#: Largest scale error (percent) a grid may have before distances on it are refused.
DEFAULT_MAX_SCALE_ERROR_PCT = 1.0
#: Points per side of the lattice the scale is sampled on (odd: the centre is sampled).
_SAMPLES = 11


@dataclass(frozen=True)
class ScaleError:
    """How far the scale of a projection strays from 1 over a grid.

    Attributes
    ----------
    max_scale_error_pct : float
        ``100 x max(|a - 1|, |b - 1|)`` over the sampled points: the largest relative error, in
        percent, of a distance measured on the grid, in any direction; ``inf`` where the
        projection is undefined.
    lon, lat : float
        Where that largest error is, in degrees.
    crs : str
        The CRS's label (:func:`leopardrange.crs.crs_label`).

    Examples
    --------
    On its central meridian (87 E) UTM shrinks distances by its scale factor 0.9996:

    >>> utm = grid_scale_error("EPSG:32645", (500_000, 3_000_000, 520_000, 3_010_000))
    >>> round(utm.max_scale_error_pct, 2), round(utm.lon), utm.crs
    (0.04, 87, 'EPSG:32645 (WGS 84 / UTM zone 45N)')
    """

    max_scale_error_pct: float
    lon: float
    lat: float
    crs: str


@dataclass(frozen=True)
class GridCheck:
    """A grid fit for distances (see :func:`check_grid`).

    Attributes
    ----------
    cell_size_m : tuple of float
        ``(x, y)`` cell width and height in metres (the CRS's unit converted).
    scale : ScaleError
        Its scale error.

    Examples
    --------
    Cells of 100 US survey feet in a Californian state plane zone are 30.48 m wide:

    >>> from rasterio.transform import from_origin
    >>> checked = check_grid("EPSG:2227", from_origin(6_000_000, 2_100_000, 100, 100), (3, 4))
    >>> [round(v, 2) for v in checked.cell_size_m], round(checked.max_scale_error_pct, 3)
    ([30.48, 30.48], 0.007)
    >>> checked.scale.crs
    'EPSG:2227 (NAD83 / California zone 3 (ftUS))'
    """

    cell_size_m: tuple[float, float]
    scale: ScaleError

    @property
    def max_scale_error_pct(self) -> float:
        """The largest scale error over the grid, percent."""
        return self.scale.max_scale_error_pct


def _pyproj(crs: Any) -> Any:
    from pyproj import CRS

    if isinstance(crs, CRS):
        return crs
    try:
        return CRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
    except Exception as exc:
        raise CRSError(f"{crs!r} is not a CRS ({exc})") from exc


def check_max_scale_error(value: Any) -> float:
    """A scale-error threshold in percent: a number > 0 (``inf`` turns the check off).

    Raises
    ------
    ValueError
        Not a positive number.

    Examples
    --------
    >>> check_max_scale_error(2), check_max_scale_error(float("inf"))
    (2.0, inf)
    """
    try:
        pct = float(value)
    except (TypeError, ValueError):
        pct = math.nan
    if isinstance(value, bool) or not pct > 0:  # also NaN
        raise ValueError(f"max_scale_error_pct must be a positive percentage, got {value!r}")
    return pct


def _lattice(bounds: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = (float(b) for b in bounds)
    xs, ys = np.meshgrid(np.linspace(x0, x1, _SAMPLES), np.linspace(y0, y1, _SAMPLES))
    return xs.ravel(), ys.ravel()


def _factors_error(crs: Any, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Scale error (fraction) of ``crs`` at each lon/lat, ``inf`` where it is undefined."""
    from pyproj import Proj

    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore")
        f = Proj(crs).get_factors(lon, lat, errcheck=False)
        a = np.asarray(f.tissot_semimajor, dtype=np.float64)
        b = np.asarray(f.tissot_semiminor, dtype=np.float64)
    err = np.maximum(np.abs(a - 1.0), np.abs(b - 1.0))
    return np.where(np.isfinite(err), err, np.inf)


def _to_lonlat(crs: Any, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    to_geo = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = to_geo.transform(xs, ys, errcheck=False)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def grid_scale_error(crs: Any, bounds: Sequence[float]) -> ScaleError:
    """The largest scale error of a projected CRS over a grid.

    Parameters
    ----------
    crs : CRS-like
        A projected CRS (pyproj, rasterio or text).
    bounds : sequence of float
        ``(xmin, ymin, xmax, ymax)`` of the grid in ``crs``.

    Returns
    -------
    ScaleError

    Raises
    ------
    CRSError
        ``crs`` is not a projected CRS.

    Examples
    --------
    >>> web = grid_scale_error("EPSG:3857", (9_900_000, 8_300_000, 10_100_000, 8_500_000))
    >>> round(web.max_scale_error_pct), round(web.lat)
    (103, 60)
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> round(grid_scale_error(laea, (-2e5, -2e5, 2e5, 2e5)).max_scale_error_pct, 3)
    0.028
    """
    from leopardrange.crs import crs_label

    p = _pyproj(crs)
    if not p.is_projected:
        raise CRSError(f"{crs_label(p)} is not a projected CRS: a grid for distances needs one")
    lon, lat = _to_lonlat(p, *_lattice(bounds))
    err = _factors_error(p, lon, lat)
    err[~(np.isfinite(lon) & np.isfinite(lat))] = np.inf
    i = int(np.argmax(err))
    return ScaleError(
        max_scale_error_pct=float(100.0 * err[i]),
        lon=float(lon[i]) if math.isfinite(lon[i]) else math.nan,
        lat=float(lat[i]) if math.isfinite(lat[i]) else math.nan,
        crs=crs_label(p),
    )


def local_crs(
    crs: Any, bounds: Sequence[float], *, max_scale_error_pct: float = DEFAULT_MAX_SCALE_ERROR_PCT
) -> tuple[Any, float]:
    """A local CRS for a grid: its UTM zone when that is good enough, else a LAEA on it.

    Parameters
    ----------
    crs : CRS-like
        The grid's CRS (projected or geographic).
    bounds : sequence of float
        ``(xmin, ymin, xmax, ymax)`` in ``crs``.
    max_scale_error_pct : float, default 1
        The UTM zone of the grid's centre is chosen when its scale error over the grid stays
        within this; otherwise whichever of it and a LAEA centred on the grid strays less.

    Returns
    -------
    (pyproj.CRS, float)
        The suggested CRS and its largest scale error over the grid's area, percent.

    Examples
    --------
    >>> suggested, error_pct = local_crs("EPSG:3857", (9_900_000, 8_300_000, 10_100_000, 8_500_000))
    >>> suggested.to_epsg(), error_pct < 0.1
    (32645, True)
    """
    from pyproj import CRS

    p = _pyproj(crs)
    xs, ys = _lattice(bounds)
    lon, lat = (xs, ys) if p.is_geographic else _to_lonlat(p, xs, ys)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 540)
    if not ok.any():
        raise CRSError("the grid's coordinates are not where its CRS is defined")
    lon, lat = lon[ok], lat[ok]
    if lon.max() - lon.min() > 180.0:  # across the antimeridian
        lon = np.mod(lon, 360.0)
    lon_c = (float(lon.min()) + float(lon.max())) / 2.0
    lat_c = (float(lat.min()) + float(lat.max())) / 2.0
    lon_c = (lon_c + 180.0) % 360.0 - 180.0
    zone = min(int((lon_c + 180.0) // 6.0) + 1, 60)
    candidates = [
        CRS.from_epsg((32600 if lat_c >= 0 else 32700) + zone),
        CRS.from_proj4(
            f"+proj=laea +lat_0={round(lat_c, 2):g} +lon_0={round(lon_c, 2):g} +x_0=0 +y_0=0 "
            "+datum=WGS84 +units=m +no_defs +type=crs"
        ),
    ]
    if abs(lat_c) > 84:  # no UTM zone there
        candidates = candidates[1:]
    scored = [
        (float(100.0 * _factors_error(c, lon, lat).max()), i) for i, c in enumerate(candidates)
    ]
    if abs(lat_c) <= 84 and scored[0][0] <= max_scale_error_pct:
        return candidates[0], scored[0][0]
    error_pct, best = min(scored)
    return candidates[best], error_pct


def check_grid(
    crs: Any,
    transform: Any,
    shape: tuple[int, int],
    *,
    max_scale_error_pct: float = DEFAULT_MAX_SCALE_ERROR_PCT,
    name: str = "the grid",
    fix: str = "--warp-to '{crs}'",
) -> GridCheck:
    """Check that a raster grid measures ground metres; its cell size and scale error.

    Parameters
    ----------
    crs : CRS-like or None
        The grid's CRS.
    transform : affine.Affine
        Its geotransform (north-up).
    shape : (rows, cols)
    max_scale_error_pct : float, default 1
        Refuse grids whose scale error exceeds this many percent (``inf``: never).
    name : str
        How to name the grid in messages, e.g. ``"resistance raster 'R.tif'"``.
    fix : str
        How to choose another CRS, e.g. ``"--warp-to '{crs}'"`` or ``'crs = "{crs}" in
        [grid]'``; ``{crs}`` becomes the suggested CRS.

    Returns
    -------
    GridCheck

    Raises
    ------
    CRSError
        No CRS, a geographic one, no linear unit, or a scale error above the threshold (the
        message gives the figure, where it is, and a local CRS to use instead).
    ResistanceError
        A rotated or sheared grid.

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> check_grid("EPSG:3857", from_origin(9_900_000, 8_500_000, 100, 100), (2000, 2000),
    ...            name="'R.tif'")
    Traceback (most recent call last):
    ...
    leopardrange.errors.CRSError: 'R.tif' is in EPSG:3857 (WGS 84 / Pseudo-Mercator), whose ...
    """
    from leopardrange.crs import crs_label

    limit = check_max_scale_error(max_scale_error_pct)
    rows, cols = shape
    t = transform
    if t.b != 0 or t.d != 0:
        raise ResistanceError(
            f"{name} has a rotated or sheared grid; warp it to a north-up grid first"
        )
    xs = (t.c, t.c + cols * t.a)
    ys = (t.f, t.f + rows * t.e)
    bounds = (min(xs), min(ys), max(xs), max(ys))
    if crs is None:
        raise CRSError(
            f"{name} has no CRS; distances need one in metres: assign the right CRS "
            "(--assume-crs), or warp it to a projected CRS (--warp-to auto)"
        )
    p = _pyproj(crs)
    if p.is_geographic:
        try:
            suggested, _ = local_crs(p, bounds, max_scale_error_pct=limit)
            local = f"{fix.format(crs=_crs_text(suggested))} ({_what(suggested)}), or "
        except CRSError:  # coordinates that are not longitudes and latitudes
            local = ""
        raise CRSError(
            f"{name} is in a geographic CRS ({crs_label(p)}, degrees); distances need metres: "
            f"use a local CRS, {local}{fix.format(crs='auto')} (a LAEA centred on the data)"
        )
    axes = p.axis_info
    factor = axes[0].unit_conversion_factor if axes else math.nan
    if not (factor and math.isfinite(factor) and factor > 0):
        raise CRSError(f"{name}: cannot tell the linear unit of {crs_label(p)}")
    scale = grid_scale_error(p, bounds)
    if not scale.max_scale_error_pct <= limit:
        suggested, best = local_crs(p, bounds, max_scale_error_pct=limit)
        where = f" (at {_lat(scale.lat)} {_lon(scale.lon)})" if math.isfinite(scale.lat) else ""
        figure = (
            f"up to {_pct(scale.max_scale_error_pct)} %{where}"
            if math.isfinite(scale.max_scale_error_pct)
            else "unbounded: the grid reaches beyond where the projection is defined"
        )
        alternative = (
            f"use a local CRS, {fix.format(crs=_crs_text(suggested))} ({_what(suggested)}, at "
            f"most {_pct(best)} % there)"
            if best <= limit
            else f"the grid is too large for one projection to stay within {limit:g} % (even "
            f"{crs_label(suggested)} strays {_pct(best)} %): split it"
        )
        raise CRSError(
            f"{name} is in {crs_label(p)}, whose scale error over the grid is {figure}, above "
            f"the {limit:g} % limit, so cost distances on it would be off by as much; "
            f"{alternative}, or raise the limit (--max-scale-error)"
        )
    return GridCheck(cell_size_m=(abs(t.a) * factor, abs(t.e) * factor), scale=scale)


def _crs_text(crs: Any) -> str:
    from leopardrange.crs import crs_string

    return crs_string(crs, fallback="proj4")


def _what(crs: Any) -> str:
    """An EPSG CRS's name ("WGS 84 / UTM zone 45N"), else its label ("LAEA 43°N 131°E")."""
    from leopardrange.crs import crs_label

    return str(crs.name) if crs.to_epsg() is not None else crs_label(crs)


def _pct(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def _lat(value: float) -> str:
    from leopardrange.crs import format_lat

    return format_lat(round(value, 1))


def _lon(value: float) -> str:
    from leopardrange.crs import format_lon

    return format_lon(round(value, 1))


# ------------------------------------------------------------------- a recipe's grid

#: Refuse grids larger than this many cells (a typo in ``resolution_m`` would fill memory).
MAX_GRID_CELLS = 400_000_000
#: Largest cell side, in metres (a quarter of the Earth's circumference).
MAX_RESOLUTION_M = 10_000_000.0
_RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".jp2", ".nc", ".asc")


@dataclass(frozen=True)
class RasterGrid:
    """The grid a resistance surface is built on.

    Attributes
    ----------
    crs : rasterio.crs.CRS
        Projected, in metres.
    transform : affine.Affine
        North-up, square cells.
    height, width : int
        Rows and columns.
    res : float
        Cell size in metres.
    snapped_to : str or None
        The raster whose cells these are (its values are read without resampling).

    Examples
    --------
    >>> from rasterio.crs import CRS
    >>> from rasterio.transform import from_origin
    >>> grid = RasterGrid(crs=CRS.from_epsg(32645), height=3, width=4, res=100.0,
    ...                   transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> grid.shape, grid.bounds
    ((3, 4), (500000.0, 3000000.0, 500400.0, 3000300.0))
    """

    crs: Any
    transform: Any
    height: int
    width: int
    res: float
    snapped_to: str | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return self.height, self.width

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` in the grid's CRS."""
        t = self.transform
        return t.c, t.f + self.height * t.e, t.c + self.width * t.a, t.f


def resolve_crs(crs: Any, *, bounds: Sequence[float], bounds_crs: Any = "EPSG:4326") -> Any:
    """A projected CRS in metres for a grid over ``bounds``, named for the files it goes into.

    Parameters
    ----------
    crs : str or CRS-like
        ``"auto"`` (a Lambert azimuthal equal-area projection centred on ``bounds``) or any
        projected CRS in metres :class:`pyproj.CRS` accepts (UTM, a national grid, a LAEA …);
        whether its scale stays true over the grid is checked by :func:`check_grid`.
    bounds : sequence of float
        ``(west, south, east, north)`` in ``bounds_crs``.
    bounds_crs : CRS-like, default "EPSG:4326"

    Returns
    -------
    rasterio.crs.CRS

    Raises
    ------
    CRSError
        Not a CRS, geographic, or not in metres.

    Examples
    --------
    >>> resolve_crs("auto", bounds=(130, 42, 132, 44)).to_wkt()[:25]
    'PROJCS["LAEA 43°N 131°E",'
    >>> resolve_crs("EPSG:32645", bounds=(86, 27, 88, 29)).to_epsg()
    32645
    """
    import geopandas as gpd
    import shapely
    from pyproj import CRS
    from rasterio.crs import CRS as RasterioCRS  # noqa: N811

    from leopardrange.crs import crs_label, equal_area_crs, named_crs

    if isinstance(crs, str) and crs.strip().lower() == "auto":
        box = gpd.GeoSeries([shapely.box(*bounds)], crs=bounds_crs)
        return RasterioCRS.from_wkt(named_crs(equal_area_crs(box)).to_wkt())
    try:
        p = CRS.from_user_input(crs)
    except Exception as exc:
        raise CRSError(f"{crs!r} is not a CRS ({exc}); use e.g. 'auto' or 'EPSG:32645'") from exc
    if not p.is_projected:
        raise CRSError(
            f"{crs!r} ({crs_label(p)}) is not a projected CRS; a resistance grid needs metres: "
            "use 'auto' (LAEA centred on the data) or a local projected CRS such as the UTM zone"
        )
    unit = p.axis_info[0].unit_name if p.axis_info else ""
    if unit not in ("metre", "meter"):
        raise CRSError(f"{crs!r} ({crs_label(p)}) is in {unit or 'unknown units'}, not metres")
    return RasterioCRS.from_wkt(named_crs(p).to_wkt())


def _check_bounds(bounds: Sequence[float], bounds_crs: Any, where: str) -> None:
    from pyproj import CRS

    west, south, east, north = bounds
    if not (west < east and south < north):
        raise ResistanceError(
            f"grid bounds {list(bounds)} of {where} must be [west, south, east, north] with "
            "west < east and south < north"
        )
    try:
        geographic = CRS.from_user_input(bounds_crs).is_geographic
    except Exception as exc:
        raise CRSError(f"bounds_crs {bounds_crs!r} of {where} is not a CRS ({exc})") from exc
    in_range = west >= -180 and east <= 360 and south >= -90 and north <= 90
    if geographic and not in_range:
        raise CRSError(
            f"grid bounds {list(bounds)} of {where} are not longitudes and latitudes, as "
            f"bounds_crs {bounds_crs!r} says (they look like metres): give their CRS, e.g. "
            'bounds_crs = "EPSG:32645", or take them from a layer with extent = "path.gpkg:layer"'
        )


def _extent(spec: str, where: str) -> tuple[tuple[float, float, float, float], Any]:
    """Bounds and CRS of a vector layer (``PATH[:LAYER]``) or a raster file."""
    from pathlib import Path

    from ._rasterfile import open_raster

    if Path(spec).suffix.lower() in _RASTER_SUFFIXES:
        with open_raster(Path(spec), label=f"extent raster {spec!r} of {where}") as src:
            if src.crs is None:
                raise CRSError(f"extent raster {spec!r} of {where} has no CRS")
            b = src.bounds
            return (b.left, b.bottom, b.right, b.top), src.crs.to_wkt()
    from leopardrange.io import read_layer

    frame = read_layer(spec)
    x0, y0, x1, y1 = (float(v) for v in frame.total_bounds)
    return (x0, y0, x1, y1), frame.crs


def _to_grid_crs(
    bounds: Sequence[float], src_crs: Any, crs: Any, where: str
) -> tuple[float, float, float, float]:
    from rasterio.warp import transform_bounds

    try:
        out = transform_bounds(src_crs, crs, *bounds, densify_pts=51)
    except Exception as exc:
        raise CRSError(f"cannot project the grid bounds of {where} to the grid CRS: {exc}") from exc
    if not all(math.isfinite(v) for v in out):
        raise CRSError(
            f"the grid bounds of {where} do not project into the grid CRS (they lie where it is "
            "undefined); check bounds and bounds_crs"
        )
    x0, y0, x1, y1 = (float(v) for v in out)
    return x0, y0, x1, y1


def _size_check(width: int, height: int, res: float) -> None:
    if width * height > MAX_GRID_CELLS:
        raise ResistanceError(
            f"a {width} x {height} grid ({width * height:,} cells at {res:g} m) is too large; "
            f"choose a coarser resolution (limit {MAX_GRID_CELLS:,} cells)"
        )


def _snapped_grid(spec: Any, resolution_m: float | None, where: str) -> RasterGrid:
    from rasterio.transform import Affine

    from leopardrange.crs import crs_label, named_crs

    from ._rasterfile import open_raster

    path = spec.snap_to
    with open_raster(path, label=f"snap_to raster '{path}' of {where}") as src:
        crs, t, height, width = src.crs, src.transform, src.height, src.width
    if crs is None:
        raise CRSError(f"snap_to raster '{path.name}' of {where} has no CRS")
    p = _pyproj(crs)
    if p.is_geographic:
        raise CRSError(
            f"snap_to raster '{path.name}' of {where} is in {crs_label(p)} (degrees), whose "
            "cells cannot be a grid for distances: drop snap_to and give crs (e.g. 'auto') and "
            f"resolution_m, with extent = '{path.name}'"
        )
    auto = isinstance(spec.crs, str) and spec.crs.strip().lower() == "auto"
    if not auto and not _pyproj(spec.crs).equals(p):
        raise ResistanceError(
            f"[grid] of {where} snaps to '{path.name}', which is in {crs_label(p)}, but its "
            f"crs is {spec.crs!r}: drop crs (the grid takes the raster's), or drop snap_to"
        )
    if t.b != 0 or t.d != 0:
        raise ResistanceError(f"snap_to raster '{path.name}' of {where} has a rotated grid")
    unit = p.axis_info[0].unit_conversion_factor if p.axis_info else 1.0
    cx, cy = abs(t.a) * unit, abs(t.e) * unit
    if unit != 1.0 or not math.isclose(cx, cy, rel_tol=1e-9):
        raise ResistanceError(
            f"snap_to raster '{path.name}' of {where} has {cx:g} x {cy:g} m cells"
            + (f" in units of {unit:g} m" if unit != 1.0 else "")
            + ": a resistance grid has square cells in metres; drop snap_to and set crs and "
            "resolution_m"
        )
    res = resolution_m if resolution_m is not None else spec.resolution_m
    if res is not None and not math.isclose(float(res), cx, rel_tol=1e-9):
        raise ResistanceError(
            f"resolution {float(res):g} m of {where} differs from the {cx:g} m cells of "
            f"'{path.name}', which snap_to follows: drop the resolution (or snap_to, to resample)"
        )
    col0, row0, col1, row1 = 0, 0, width, height
    if spec.bounds is not None or spec.extent is not None:
        region, region_crs = _region(spec, where)
        x0, y0, x1, y1 = _to_grid_crs(region, region_crs, crs, where)
        m = spec.margin_m
        col0, col1 = math.floor((x0 - m - t.c) / t.a), math.ceil((x1 + m - t.c) / t.a)
        row0, row1 = math.floor((t.f - y1 - m) / -t.e), math.ceil((t.f - y0 + m) / -t.e)
    elif spec.margin_m:
        pad = math.ceil(spec.margin_m / cx)
        col0, row0, col1, row1 = -pad, -pad, width + pad, height + pad
    _size_check(col1 - col0, row1 - row0, cx)
    from rasterio.crs import CRS as RasterioCRS  # noqa: N811

    return RasterGrid(
        crs=RasterioCRS.from_wkt(named_crs(p).to_wkt()),
        transform=t * Affine.translation(col0, row0),
        height=row1 - row0,
        width=col1 - col0,
        res=cx,
        snapped_to=path.name,
    )


def _region(spec: Any, where: str) -> tuple[tuple[float, float, float, float], Any]:
    if spec.extent is not None:
        return _extent(spec.extent, where)
    _check_bounds(spec.bounds, spec.bounds_crs, where)
    west, south, east, north = (float(v) for v in spec.bounds)
    return (west, south, east, north), spec.bounds_crs


def recipe_grid(
    spec: Any, resolution_m: float | None = None, *, where: str = "the recipe"
) -> RasterGrid:
    """The grid of a recipe's ``[grid]`` (a :class:`~leopardrange.corridors.recipe.GridSpec`).

    Parameters
    ----------
    spec : GridSpec
        ``snap_to`` a projected raster (its CRS, cells and, without bounds or extent, its
        extent); else ``crs`` ("auto" or a projected CRS in metres) over ``bounds`` (in
        ``bounds_crs``) or ``extent`` (a layer or raster), plus ``margin_m``, at
        ``resolution_m``, edges snapped to multiples of the resolution.
    resolution_m : float, optional
        Overrides ``spec.resolution_m`` (with ``snap_to`` it must equal the raster's cells).
    where : str
        How to name the recipe in messages.

    Returns
    -------
    RasterGrid

    Raises
    ------
    CRSError
        A CRS that is not projected in metres, bounds that are not in ``bounds_crs``
        (e.g. metres read as degrees), a ``snap_to`` raster in degrees.
    ResistanceError
        Bad bounds, no resolution, a resolution that contradicts ``snap_to``, a grid over
        :data:`MAX_GRID_CELLS`.

    Examples
    --------
    >>> from leopardrange.corridors.recipe import GridSpec
    >>> g = recipe_grid(GridSpec(bounds=(500_000, 3_000_000, 520_000, 3_010_000),
    ...                          resolution_m=100, crs="EPSG:32645", bounds_crs="EPSG:32645"))
    >>> g.shape, g.res
    ((100, 200), 100.0)
    """
    from rasterio.transform import from_origin

    if spec.snap_to is not None:
        return _snapped_grid(spec, resolution_m, where)
    res = resolution_m if resolution_m is not None else spec.resolution_m
    if res is None:
        raise ResistanceError(f"[grid] of {where} needs resolution_m (cell size in metres)")
    r = float(res)
    if not (math.isfinite(r) and 0 < r <= MAX_RESOLUTION_M):
        raise ResistanceError(
            f"resolution {res!r} m is not a cell size on Earth; give a positive size of at most "
            f"{MAX_RESOLUTION_M:,.0f} m"
        )
    region, region_crs = _region(spec, where)
    crs = resolve_crs(spec.crs, bounds=region, bounds_crs=region_crs)
    x0, y0, x1, y1 = _to_grid_crs(region, region_crs, crs, where)
    m = spec.margin_m
    cells = ((x1 - x0 + 2 * m) / r + 2) * ((y1 - y0 + 2 * m) / r + 2)  # before any rounding
    if not math.isfinite(cells) or cells > MAX_GRID_CELLS:
        raise ResistanceError(
            f"a grid over {list(region)} of {where} at {r:g} m would have about {cells:.3g} "
            f"cells, too many; choose a coarser resolution or smaller bounds (limit "
            f"{MAX_GRID_CELLS:,} cells)"
        )
    x0, y0 = math.floor((x0 - m) / r) * r, math.floor((y0 - m) / r) * r
    x1, y1 = math.ceil((x1 + m) / r) * r, math.ceil((y1 + m) / r) * r
    width, height = round((x1 - x0) / r), round((y1 - y0) / r)
    _size_check(width, height, r)
    return RasterGrid(
        crs=crs, transform=from_origin(x0, y1, r, r), height=height, width=width, res=r
    )
