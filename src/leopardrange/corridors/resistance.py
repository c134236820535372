"""Resistance surfaces: build a recipe's factors on one equal-area grid and combine them.

A *recipe* (:mod:`.recipe`: a TOML file, or :class:`ResistanceRecipe` in Python; the schema and
the factor types are described there) names a grid and a list of factors. Every factor becomes
a cost per cell on that grid, and the factors are combined cell by cell by ``sum``, ``max`` or
``product``.

Every raster is warped with :func:`rasterio.warp.reproject` and every vector layer is
reprojected and rasterised on the grid, a projected **equal-area** CRS in metres (``"auto"``:
a Lambert azimuthal equal-area projection centred on the grid's bounds). Impassable cells —
a cost ``"impassable"`` (``math.inf`` in Python), a raster's nodata or the area outside it, the
outside of a mask — become nodata of the output GeoTIFF, which cost distance treats as
impassable. Resistance is relative: cost units per metre, 1 for the best habitat by convention.
Distances to vector features are exact Euclidean distances between cell centres
(:func:`scipy.ndimage.distance_transform_edt`), computed on a grid padded by the decay's
reach so that features just outside the grid still count.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import CRSError, ResistanceError

from ._rasterfile import open_raster
from .recipe import (
    COMBINE_METHODS,
    BandFactor,
    BarrierFactor,
    ClassFactor,
    DistanceFactor,
    Factor,
    GridSpec,
    MaskFactor,
    ResistanceRecipe,
    _where,
    parse_recipe,
    read_recipe,
)

__all__ = [
    "COMBINE_METHODS",
    "MAX_GRID_CELLS",
    "RESISTANCE_NODATA",
    "BandFactor",
    "BarrierFactor",
    "ClassFactor",
    "DistanceFactor",
    "Factor",
    "GridSpec",
    "MaskFactor",
    "ResistanceRecipe",
    "ResistanceSurface",
    "build_resistance",
    "float_profile",
    "parse_recipe",
    "read_recipe",
    "resolve_crs",
    "warp_raster",
    "warp_to_grid",
]

#: Nodata value of resistance GeoTIFFs written here (a resistance is never negative).
RESISTANCE_NODATA = -9999.0
#: Refuse grids larger than this many cells (a typo in ``resolution_m`` would fill memory).
MAX_GRID_CELLS = 400_000_000
#: Largest resistance (cost units per metre): more is as good as impassable, and would
#: overflow the float32 rasters cost distances are written to.
MAX_RESISTANCE = 1e12
#: Largest cell side, in metres (a quarter of the Earth's circumference).
MAX_RESOLUTION_M = 10_000_000.0

Progress = Callable[[str], None] | None


# ------------------------------------------------------------------------------ grid


def resolve_crs(crs: Any, *, bounds: Sequence[float], bounds_crs: Any = "EPSG:4326") -> Any:
    """A projected equal-area CRS in metres, for a grid over ``bounds``.

    Parameters
    ----------
    crs : str or CRS-like
        ``"auto"`` (a Lambert azimuthal equal-area projection centred on ``bounds``) or any
        CRS :class:`pyproj.CRS` accepts, which must be projected, equal-area and in metres.
    bounds : sequence of float
        ``(west, south, east, north)`` in ``bounds_crs``.
    bounds_crs : CRS-like, default "EPSG:4326"

    Returns
    -------
    rasterio.crs.CRS

    Raises
    ------
    CRSError
        Not a CRS, geographic, not equal-area, or not in metres.
    """
    import geopandas as gpd
    import shapely
    from pyproj import CRS
    from rasterio.crs import CRS as RasterioCRS  # noqa: N811

    from leopardrange.crs import equal_area_crs, is_equal_area

    if isinstance(crs, str) and crs.strip().lower() == "auto":
        box = gpd.GeoSeries([shapely.box(*bounds)], crs=bounds_crs)
        return RasterioCRS.from_wkt(equal_area_crs(box).to_wkt())
    try:
        p = CRS.from_user_input(crs)
    except Exception as exc:
        raise CRSError(f"{crs!r} is not a CRS ({exc}); use e.g. 'auto' or 'EPSG:6933'") from exc
    if not p.is_projected:
        raise CRSError(
            f"{crs!r} is not a projected CRS; a resistance grid needs metres: use 'auto' "
            "(LAEA centred on the data) or an equal-area CRS such as EPSG:6933"
        )
    if not is_equal_area(p):
        raise CRSError(
            f"{crs!r} is not an equal-area CRS; use 'auto' (LAEA centred on the data) or an "
            "equal-area CRS such as EPSG:6933 or EPSG:3035"
        )
    unit = p.axis_info[0].unit_name if p.axis_info else ""
    if unit not in ("metre", "meter"):
        raise CRSError(f"{crs!r} is in {unit or 'unknown units'}, not metres")
    return RasterioCRS.from_wkt(p.to_wkt())


@dataclass(frozen=True)
class _Grid:
    crs: Any
    transform: Any
    height: int
    width: int
    res: float

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width


def _check_lonlat_bounds(spec: GridSpec) -> None:
    """Bounds in a geographic CRS must be longitudes and latitudes."""
    from pyproj import CRS

    try:
        geographic = CRS.from_user_input(spec.bounds_crs).is_geographic
    except Exception:
        return  # resolve_crs names a bad CRS
    west, south, east, north = spec.bounds
    if geographic and (max(abs(south), abs(north)) > 90 or max(abs(west), abs(east)) > 540):
        raise ResistanceError(
            f"grid bounds {list(spec.bounds)} are in degrees ({spec.bounds_crs}) but are not "
            "longitudes and latitudes (latitudes within ±90°); give [west, south, east, north]"
        )


def _make_grid(spec: GridSpec, resolution_m: float) -> _Grid:
    from rasterio.transform import from_origin
    from rasterio.warp import transform_bounds

    west, south, east, north = spec.bounds
    if not (west < east and south < north):
        raise ResistanceError(
            f"grid bounds {list(spec.bounds)} must be [west, south, east, north] with "
            "west < east and south < north"
        )
    _check_lonlat_bounds(spec)
    crs = resolve_crs(spec.crs, bounds=spec.bounds, bounds_crs=spec.bounds_crs)
    try:
        x0, y0, x1, y1 = transform_bounds(spec.bounds_crs, crs, *spec.bounds, densify_pts=51)
    except Exception as exc:
        raise CRSError(f"cannot project the grid bounds from {spec.bounds_crs!r}: {exc}") from exc
    r = float(resolution_m)
    if not 0 < r <= MAX_RESOLUTION_M:
        raise ResistanceError(
            f"resolution {r:g} m is not a cell size on Earth; give a positive size of at most "
            f"{MAX_RESOLUTION_M:,.0f} m"
        )
    cells = ((x1 - x0) / r + 2) * ((y1 - y0) / r + 2)
    if not (math.isfinite(x0 + y0 + x1 + y1) and math.isfinite(cells)) or cells > MAX_GRID_CELLS:
        raise ResistanceError(
            f"a grid over {list(spec.bounds)} at {r:g} m would have about {cells:.3g} cells, too "
            f"many; choose a coarser resolution or smaller bounds (limit {MAX_GRID_CELLS:,} cells)"
        )
    x0, y0 = math.floor(x0 / r) * r, math.floor(y0 / r) * r
    x1, y1 = math.ceil(x1 / r) * r, math.ceil(y1 / r) * r
    width, height = round((x1 - x0) / r), round((y1 - y0) / r)
    if width * height > MAX_GRID_CELLS:
        raise ResistanceError(
            f"a {width} x {height} grid ({width * height:,} cells at {r:g} m) is too large; "
            f"choose a coarser resolution (limit {MAX_GRID_CELLS:,} cells)"
        )
    return _Grid(crs=crs, transform=from_origin(x0, y1, r, r), height=height, width=width, res=r)


# --------------------------------------------------------------------------- factors


def _resampling(name: str, factor: str) -> Any:
    """The rasterio Resampling member called ``name``; ``factor`` names its user."""
    from rasterio.enums import Resampling

    try:
        return Resampling[name]
    except KeyError:
        valid = ", ".join(m.name for m in Resampling if m.value < 14)
        raise ResistanceError(f"resampling {name!r} of {factor} is not one of: {valid}") from None


def warp_to_grid(
    path: str | os.PathLike[str],
    *,
    shape: tuple[int, int],
    transform: Any,
    crs: Any,
    resampling: str = "nearest",
    what: str = "raster",
) -> tuple[np.ndarray, dict[str, str]]:
    """Band 1 of a raster warped onto a grid.

    Parameters
    ----------
    path : path
        Single-band raster with a CRS.
    shape, transform, crs
        The target grid: ``(rows, cols)``, geotransform and CRS.
    resampling : str, default "nearest"
        rasterio resampling method name.
    what : str
        How to name the raster in messages (e.g. ``"factor 'land cover'"``).

    Returns
    -------
    values : ndarray of float64
        The warped values; NaN at the raster's nodata and outside it.
    tags : dict
        The band's tags (e.g. ``class_names`` of the land-cover raster).

    Raises
    ------
    DataSourceError
        Missing or unreadable file.
    CRSError
        The raster has no CRS.
    """
    import rasterio
    from rasterio.warp import reproject

    p = Path(path)
    with open_raster(p, label=f"raster {str(p)!r} of {what}") as src:
        if src.crs is None:
            raise CRSError(
                f"raster {str(p)!r} of {what} has no CRS; assign it (e.g. "
                "gdal_edit.py -a_srs EPSG:4326) so it can be warped to the grid"
            )
        out = np.full(shape, np.nan, dtype=np.float64)
        reproject(
            source=rasterio.band(src, 1),
            destination=out,
            src_nodata=src.nodata,
            dst_transform=transform,
            dst_crs=crs,
            dst_nodata=np.nan,
            resampling=_resampling(resampling, what),
        )
        tags = dict(src.tags(1))
    return out, tags


def _warp(path: Path, grid: _Grid, resampling: str, factor: str) -> tuple[np.ndarray, Any]:
    return warp_to_grid(
        path, shape=grid.shape, transform=grid.transform, crs=grid.crs,
        resampling=resampling, what=f"factor {factor!r}",
    )  # fmt: skip


def float_profile(
    shape: tuple[int, int], *, crs: Any, transform: Any, nodata: float
) -> dict[str, Any]:
    """GeoTIFF profile of a single-band float32 raster (tiled, deflate, predictor 3)."""
    return {
        "driver": "GTiff",
        "height": shape[0],
        "width": shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 3,
    }


def _class_costs(f: ClassFactor, grid: _Grid) -> np.ndarray:
    values, tags = _warp(f.path, grid, f.resampling, f.name)
    cost = np.full(grid.shape, np.inf)
    known = np.isfinite(values)
    codes = values[known].astype(np.int64)
    present = np.unique(codes)
    missing = [int(c) for c in present if c not in f.costs]
    if missing and f.default is None:
        names = json.loads(tags["class_names"]) if "class_names" in tags else {}
        label = f" ({names[str(missing[0])]})" if str(missing[0]) in names else ""
        raise ResistanceError(
            f"class {missing[0]}{label} of {f.path.name} has no cost in factor {f.name!r} "
            f"(classes without a cost: {missing}); add them to its costs table or set default"
        )
    lut_codes = np.array(sorted(f.costs), dtype=np.int64)
    lut_costs = np.array([f.costs[int(c)] for c in lut_codes], dtype=np.float64)
    pos = np.clip(np.searchsorted(lut_codes, codes), 0, max(lut_codes.size - 1, 0))
    hit = lut_codes[pos] == codes if lut_codes.size else np.zeros(codes.shape, dtype=bool)
    fallback = np.inf if f.default is None else f.default
    cost[known] = np.where(hit, lut_costs[pos] if lut_codes.size else fallback, fallback)
    return cost


def _slope_deg(elev: np.ndarray, res_m: float) -> np.ndarray:
    dz_dy, dz_dx = np.gradient(elev, res_m, res_m)
    return np.asarray(np.degrees(np.arctan(np.hypot(dz_dx, dz_dy))))


def _band_costs_grid(f: BandFactor, grid: _Grid) -> np.ndarray:
    values, _ = _warp(f.path, grid, f.resampling, f.name)
    if f.slope:
        values = _slope_deg(values, grid.res)
    cost = np.full(grid.shape, np.inf)
    known = np.isfinite(values)
    band = np.digitize(values[known], np.asarray(f.breaks, dtype=np.float64))
    cost[known] = np.asarray(f.costs, dtype=np.float64)[band]
    return cost


def _read_vector(path: Path, layer: str | None, where: str | None, grid: _Grid) -> Any:
    from leopardrange.io import read_layer

    frame = read_layer(path, layer, where=where)
    return frame.to_crs(grid.crs.to_wkt()).geometry


def _shared_boundaries(geoms: Any) -> list[Any]:
    import shapely

    arr = np.asarray(list(geoms), dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    keep = left < right
    out = []
    for i, j in zip(left[keep], right[keep], strict=True):
        line = shapely.intersection(shapely.boundary(arr[i]), shapely.boundary(arr[j]))
        if not line.is_empty:
            out.append(line)
    return out


def _touched(geoms: Sequence[Any], grid: _Grid, *, pad: int = 0) -> np.ndarray:
    """Cells (of the grid padded by ``pad`` cells) that the geometries touch."""
    from affine import Affine
    from rasterio import features

    shape = (grid.height + 2 * pad, grid.width + 2 * pad)
    transform = grid.transform * Affine.translation(-pad, -pad)
    mask = np.zeros(shape, dtype=np.uint8)
    shapes = [(g, 1) for g in geoms if g is not None and not g.is_empty]
    if shapes:
        features.rasterize(shapes, out=mask, transform=transform, all_touched=True)
    return mask.astype(bool)


def _distance_costs(f: DistanceFactor, grid: _Grid, neutral: float) -> np.ndarray:
    from scipy import ndimage

    geoms = list(_read_vector(f.path, f.layer, f.where, grid))
    reach_m = f.scale_m * (math.log(1000.0) if f.function == "exponential" else 1.0)
    pad = min(math.ceil(reach_m / grid.res) + 1, 4 * max(grid.shape))
    hit = _touched(geoms, grid, pad=pad)
    far = neutral if f.far is None else f.far
    if not hit.any():
        return np.full(grid.shape, far)
    dist = ndimage.distance_transform_edt(~hit, sampling=grid.res)
    dist = np.asarray(dist)[pad : pad + grid.height, pad : pad + grid.width]
    if f.function == "exponential":  # cut at 0.1 % (the padded reach) so far is exact
        decay = np.where(dist < reach_m, np.exp(-dist / f.scale_m), 0.0)
    else:
        decay = np.clip(1.0 - dist / f.scale_m, 0.0, 1.0)
    return far + (f.near - far) * decay


def _barrier_costs(f: BarrierFactor, grid: _Grid, neutral: float) -> np.ndarray:
    import shapely

    geoms = list(_read_vector(f.path, f.layer, f.where, grid))
    if f.geometry == "boundaries":
        geoms = [shapely.boundary(g) for g in geoms]
    elif f.geometry == "shared_boundaries":
        geoms = _shared_boundaries(geoms)
    hit = _touched(geoms, grid)
    return np.asarray(np.where(hit, f.cost, neutral if f.outside is None else f.outside))


def _mask_outside(f: MaskFactor, grid: _Grid) -> np.ndarray:
    from rasterio import features

    geoms = [g for g in _read_vector(f.path, f.layer, f.where, grid) if not g.is_empty]
    inside = np.zeros(grid.shape, dtype=np.uint8)
    if geoms:
        features.rasterize(((g, 1) for g in geoms), out=inside, transform=grid.transform)
    return np.asarray(inside == 0)


# ----------------------------------------------------------------------------- build


@dataclass
class ResistanceSurface:
    """A resistance surface built by :func:`build_resistance`.

    Attributes
    ----------
    values : ndarray of float32, shape (rows, cols)
        Resistance in cost units per metre (> 0); NaN where impassable.
    transform : affine.Affine
        Geotransform of the grid (north-up, square cells of ``cell_size_m``).
    crs : rasterio.crs.CRS
        The grid's projected equal-area CRS.
    cell_size_m : float
        Cell size in metres.
    factors : dict of str to ndarray
        Each factor's cost on the grid (float32; ``inf`` where that factor is
        impassable; masks as 0 inside and ``inf`` outside).
    impassable_cells : dict of str to int
        Cells each factor makes impassable (a cell may be counted by several).
    recipe : ResistanceRecipe
    """

    values: np.ndarray
    transform: Any
    crs: Any
    cell_size_m: float
    factors: dict[str, np.ndarray]
    impassable_cells: dict[str, int]
    recipe: ResistanceRecipe
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)`` of the grid."""
        return (int(self.values.shape[0]), int(self.values.shape[1]))

    def impassable_note(self) -> str:
        """One line naming what made cells impassable (written to the GeoTIFF tags)."""
        parts = [f"{name} ({n:,} cells)" for name, n in self.impassable_cells.items() if n]
        return "; ".join(parts) if parts else "none"

    def write(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the surface as a float32 GeoTIFF, nodata :data:`RESISTANCE_NODATA`.

        Parameters
        ----------
        path : path
            GeoTIFF to write (atomically: a failed write leaves no partial file).
        overwrite : bool, default False
            Replace an existing file.

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        OutputExistsError
            ``path`` exists and ``overwrite`` is False.
        """
        import rasterio

        from leopardrange.output import atomic_output_file

        target = Path(path)
        data = np.where(np.isnan(self.values), RESISTANCE_NODATA, self.values).astype(np.float32)
        profile = float_profile(
            self.shape, crs=self.crs, transform=self.transform, nodata=RESISTANCE_NODATA
        )
        with (
            atomic_output_file(target, overwrite=overwrite) as tmp,
            rasterio.open(tmp, "w", **profile) as dst,
        ):
            dst.write(data, 1)
            dst.update_tags(
                recipe=self.recipe.name,
                recipe_file=str(self.recipe.source or ""),
                combine=self.recipe.combine,
                factors=", ".join(f.name for f in self.recipe.factors),
            )
            dst.update_tags(
                1,
                units="cost units per metre (relative resistance)",
                impassable=self.impassable_note(),
            )
        return target


def build_resistance(
    recipe: ResistanceRecipe | str | Path,
    *,
    resolution_m: float | None = None,
    progress: Progress = None,
) -> ResistanceSurface:
    """Build a resistance surface from a recipe.

    Parameters
    ----------
    recipe : ResistanceRecipe or path
        The recipe, or a TOML file read with :func:`read_recipe`.
    resolution_m : float, optional
        Cell size in metres; overrides the recipe's ``resolution_m``.
    progress : callable, optional
        Called with a short text before each step.

    Returns
    -------
    ResistanceSurface
        Resistance > 0 in cost units per metre; NaN where impassable.

    Raises
    ------
    ResistanceError
        A bad recipe, a class without a cost, a combination that is zero or negative
        somewhere, or no passable cell at all.
    CRSError
        A grid CRS that is not projected equal-area in metres; an input without a CRS.
    DataSourceError
        A missing or unreadable input.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> surface = build_resistance(datasets.path("resistance"), resolution_m=5000)
    >>> surface.crs.is_projected, surface.cell_size_m
    (True, 5000.0)
    """
    from leopardrange.crs import crs_string

    rec = read_recipe(recipe) if isinstance(recipe, (str, Path)) else recipe
    if not any(not isinstance(f, MaskFactor) for f in rec.factors):
        raise ResistanceError(f"{_where(rec.source)} has only masks; add a cost factor")
    if rec.combine not in COMBINE_METHODS:
        raise ResistanceError(f"combine must be one of {', '.join(COMBINE_METHODS)}")
    res = rec.grid.resolution_m if resolution_m is None else float(resolution_m)
    if not (math.isfinite(res) and res > 0):
        raise ResistanceError(f"resolution must be a positive number of metres, got {res}")
    grid = _make_grid(rec.grid, res)
    neutral = COMBINE_METHODS[rec.combine]
    total = np.full(grid.shape, neutral)
    blocked = np.zeros(grid.shape, dtype=bool)
    layers: dict[str, np.ndarray] = {}
    impassable: dict[str, int] = {}
    for f in rec.factors:
        if progress:
            progress(f"resistance: {f.name}")
        if isinstance(f, MaskFactor):
            out = _mask_outside(f, grid)
            layers[f.name] = np.where(out, np.inf, 0.0).astype(np.float32)
            impassable[f.name] = int(out.sum())
            blocked |= out
            continue
        if isinstance(f, ClassFactor):
            cost = _class_costs(f, grid)
        elif isinstance(f, BandFactor):
            cost = _band_costs_grid(f, grid)
        elif isinstance(f, DistanceFactor):
            cost = _distance_costs(f, grid, neutral)
        else:
            cost = _barrier_costs(f, grid, neutral)
        inf = np.isinf(cost)
        impassable[f.name] = int(inf.sum())
        blocked |= inf
        with np.errstate(over="ignore"):  # costs beyond float32 are refused below
            layers[f.name] = cost.astype(np.float32)
        finite = np.where(inf, neutral, cost)
        if rec.combine == "sum":
            total += finite
        elif rec.combine == "max":
            np.maximum(total, finite, out=total)
        else:
            total *= finite
    bad = ~blocked & ~(total > 0)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        raise ResistanceError(
            f"{_where(rec.source)} gives zero or negative resistance at {int(bad.sum()):,} "
            f"cells (e.g. row {row}, col {col}: {float(total[row, col])!r}); every passable "
            "cell needs resistance > 0 — raise the costs of the best classes or bands"
        )
    huge = ~blocked & ~(total <= MAX_RESISTANCE)  # overflows (inf, NaN) too
    if huge.any():
        row, col = (int(v) for v in np.argwhere(huge)[0])
        raise ResistanceError(
            f"{_where(rec.source)} gives resistance above {MAX_RESISTANCE:g} at "
            f"{int(huge.sum()):,} cells (e.g. row {row}, col {col}: {float(total[row, col])!r}); "
            'lower the largest costs, or make those cells "impassable"'
        )
    if blocked.all():
        raise ResistanceError(
            f"{_where(rec.source)} makes every cell impassable; check the grid bounds and "
            "that the inputs cover them"
        )
    values = np.where(blocked, np.nan, total).astype(np.float32)
    passable = values[~blocked]
    surface = ResistanceSurface(
        values=values,
        transform=grid.transform,
        crs=grid.crs,
        cell_size_m=grid.res,
        factors=layers,
        impassable_cells=impassable,
        recipe=rec,
    )
    surface.summary = {
        "recipe": rec.name,
        "shape": list(surface.shape),
        "cell_size_m": grid.res,
        "crs": crs_string(grid.crs, fallback="proj4"),
        "combine": rec.combine,
        "passable_cells": int(passable.size),
        "impassable_cells": int(blocked.sum()),
        "resistance_min": float(passable.min()),
        "resistance_median": float(np.median(passable)),
        "resistance_max": float(passable.max()),
    }
    return surface


# ------------------------------------------------------------------------------ warp


def warp_raster(
    path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    dst_crs: Any,
    resolution_m: float | None = None,
    src_crs: Any = None,
    resampling: str = "nearest",
    overwrite: bool = False,
) -> Path:
    """Warp a resistance raster to a projected equal-area CRS (``--warp-to``).

    Parameters
    ----------
    path : path
        Single-band raster (e.g. a resistance surface in a geographic CRS).
    out_path : path
        GeoTIFF to write (float32, nodata :data:`RESISTANCE_NODATA`), atomically.
    dst_crs : str or CRS-like
        ``"auto"`` (LAEA centred on the raster) or a projected equal-area CRS in metres.
    resolution_m : float, optional
        Cell size in metres; default: rasterio's estimate of the source's resolution.
    src_crs : CRS-like, optional
        The raster's CRS when the file has none (never overrides one it has).
    resampling : str, default "nearest"
        rasterio resampling name; nearest keeps resistance values and nodata intact.
    overwrite : bool, default False

    Returns
    -------
    Path

    Raises
    ------
    CRSError
        The raster has no CRS and no ``src_crs``; a bad ``dst_crs``.
    DataSourceError
        A missing or unreadable raster.
    MemoryLimitError
        The raster would not fit in the memory available.

    Examples
    --------
    >>> import tempfile
    >>> from leopardrange import datasets
    >>> out = Path(tempfile.mkdtemp()) / "landcover_laea.tif"
    >>> warp_raster(datasets.path("landcover"), out, dst_crs="auto", resolution_m=5000).name
    'landcover_laea.tif'
    """
    import rasterio
    from rasterio.warp import calculate_default_transform, reproject, transform_bounds

    from leopardrange.output import atomic_output_file

    p = Path(path)
    with open_raster(p, label=f"raster {str(p)!r}", bytes_per_cell=8) as src:
        s_crs = src.crs
        if s_crs is None:
            if src_crs is None:
                raise CRSError(
                    f"raster '{p.name}' has no CRS, so it cannot be warped; pass --assume-crs "
                    "(its real CRS, e.g. EPSG:4326) together with --warp-to"
                )
            from rasterio.crs import CRS as RasterioCRS  # noqa: N811

            try:
                s_crs = RasterioCRS.from_user_input(src_crs)
            except Exception as exc:
                raise CRSError(f"--assume-crs {src_crs!r} is not a CRS ({exc})") from exc
        lonlat = transform_bounds(s_crs, "EPSG:4326", *src.bounds, densify_pts=21)
        crs = resolve_crs(dst_crs, bounds=lonlat)
        kwargs: dict[str, Any] = {}
        if resolution_m is not None:
            kwargs["resolution"] = float(resolution_m)
        transform, width, height = calculate_default_transform(
            s_crs, crs, src.width, src.height, *src.bounds, **kwargs
        )
        if resolution_m is None:  # square cells, as cost distance expects
            r = max(abs(transform.a), abs(transform.e))
            transform, width, height = calculate_default_transform(
                s_crs, crs, src.width, src.height, *src.bounds, resolution=r
            )
        out = np.full((height, width), RESISTANCE_NODATA, dtype=np.float32)
        reproject(
            source=src.read(1),
            destination=out,
            src_transform=src.transform,
            src_crs=s_crs,
            src_nodata=src.nodata,
            dst_transform=transform,
            dst_crs=crs,
            dst_nodata=RESISTANCE_NODATA,
            resampling=_resampling(resampling, "--warp-to"),
        )
        tags = src.tags()
    profile = float_profile((height, width), crs=crs, transform=transform, nodata=RESISTANCE_NODATA)
    with (
        atomic_output_file(Path(out_path), overwrite=overwrite) as tmp,
        rasterio.open(tmp, "w", **profile) as dst,
    ):
        dst.write(out, 1)
        dst.update_tags(**tags, warped_from=p.name)
    return Path(out_path)
