"""Resistance surfaces: build a recipe's factors on one projected grid and combine them.

A *recipe* (:mod:`.recipe`: a TOML file, or :class:`ResistanceRecipe` in Python; the schema and
the factor types are described there) names a grid and a list of factors. Every factor becomes
a cost per cell on that grid, and the factors are combined cell by cell by ``sum``, ``max`` or
``product``.

Every vector layer is reprojected and rasterised on the grid, and every raster read onto it: as
it is when its cells are the grid's (``snap_to``), else warped with
:func:`rasterio.warp.reproject`. The grid (:func:`~leopardrange.corridors.grid.recipe_grid`)
is in a projected CRS in metres (``"auto"``: a Lambert azimuthal equal-area projection centred
on the grid's bounds; or a UTM zone, a national grid …) whose scale error over the grid must
stay small (:func:`~leopardrange.corridors.grid.check_grid`), so that cell steps are ground
metres. Impassable cells —
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

from leopardrange.errors import CRSError, LegendError, ResistanceError

from ._ongrid import float_profile, resampling_method, warp_to_grid
from ._rasterfile import open_raster
from .grid import MAX_GRID_CELLS, RasterGrid, check_grid, recipe_grid, resolve_crs
from .legend import read_legend
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
    "write_resistance",
]

#: Nodata value of resistance GeoTIFFs written here (a resistance is never negative).
RESISTANCE_NODATA = -9999.0
#: Largest resistance (cost units per metre): more is as good as impassable, and would
#: overflow the float32 rasters cost distances are written to.
MAX_RESISTANCE = 1e12

Progress = Callable[[str], None] | None


def _warp(
    path: Path, grid: RasterGrid, resampling: str, factor: str, resampled: dict[str, bool]
) -> tuple[np.ndarray, Any]:
    values, tags, warped = warp_to_grid(
        path, shape=grid.shape, transform=grid.transform, crs=grid.crs,
        resampling=resampling, what=f"factor {factor!r}",
    )  # fmt: skip
    resampled[factor] = warped
    return values, tags


def _class_names(f: ClassFactor, tags: dict[str, str]) -> Callable[[int], str]:
    """How to name a class of the factor's raster: from its legend, else the raster's tags."""
    if f.legend is not None:
        legend = read_legend(f.legend)
        return lambda value: f" ({legend.class_name(value)})"
    names = json.loads(tags["class_names"]) if "class_names" in tags else {}
    return lambda value: f" ({names[str(value)]})" if str(value) in names else ""


def _check_legend(f: ClassFactor, values: np.ndarray) -> None:
    """Every cost-table class and every raster value must be a class of the legend."""
    assert f.legend is not None
    legend = read_legend(f.legend)
    strange = sorted(set(f.costs) - set(legend.values))
    if strange:
        raise LegendError(
            f"the costs of factor {f.name!r} name classes that are not in the {legend.title} "
            f"legend: {', '.join(map(str, strange))}; is it the right legend?"
        )
    legend.check_values(np.unique(values[np.isfinite(values)]), what=f"'{f.path.name}'")
    if legend.nodata:
        values[np.isin(values, np.asarray(legend.nodata, dtype=np.float64))] = np.nan


def _class_costs(f: ClassFactor, grid: RasterGrid, resampled: dict[str, bool]) -> np.ndarray:
    values, tags = _warp(f.path, grid, f.resampling, f.name, resampled)
    if f.legend is not None:
        _check_legend(f, values)
    cost = np.full(grid.shape, np.inf)
    known = np.isfinite(values)
    codes = values[known].astype(np.int64)
    present = np.unique(codes)
    missing = [int(c) for c in present if c not in f.costs]
    if missing and f.default is None:
        label = _class_names(f, tags)(missing[0])
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


def _band_costs_grid(f: BandFactor, grid: RasterGrid, resampled: dict[str, bool]) -> np.ndarray:
    values, _ = _warp(f.path, grid, f.resampling, f.name, resampled)
    if f.slope:
        values = _slope_deg(values, grid.res)
    cost = np.full(grid.shape, np.inf)
    known = np.isfinite(values)
    band = np.digitize(values[known], np.asarray(f.breaks, dtype=np.float64))
    cost[known] = np.asarray(f.costs, dtype=np.float64)[band]
    return cost


def _read_vector(path: Path, layer: str | None, where: str | None, grid: RasterGrid) -> Any:
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


def _touched(geoms: Sequence[Any], grid: RasterGrid, *, pad: int = 0) -> np.ndarray:
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


def _distance_costs(f: DistanceFactor, grid: RasterGrid, neutral: float) -> np.ndarray:
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


def _barrier_costs(f: BarrierFactor, grid: RasterGrid, neutral: float) -> np.ndarray:
    import shapely

    geoms = list(_read_vector(f.path, f.layer, f.where, grid))
    if f.geometry == "boundaries":
        geoms = [shapely.boundary(g) for g in geoms]
    elif f.geometry == "shared_boundaries":
        geoms = _shared_boundaries(geoms)
    hit = _touched(geoms, grid)
    return np.asarray(np.where(hit, f.cost, neutral if f.outside is None else f.outside))


def _mask_outside(f: MaskFactor, grid: RasterGrid) -> np.ndarray:
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
        The grid's projected CRS (named, so files show it).
    cell_size_m : float
        Cell size in metres.
    factors : dict of str to ndarray
        Each factor's cost on the grid (float32; ``inf`` where that factor is
        impassable; masks as 0 inside and ``inf`` outside).
    impassable_cells : dict of str to int
        Cells each factor makes impassable (a cell may be counted by several).
    recipe : ResistanceRecipe
    summary : dict
        The grid, its scale error and the factors, as written to ``metrics.json``.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile
    >>> from leopardrange.corridors.recipe import BarrierFactor, GridSpec, ResistanceRecipe
    >>> folder = Path(tempfile.mkdtemp())
    >>> fence = shapely.LineString([(500_250, 3_000_000), (500_250, 3_000_100)])
    >>> gpd.GeoDataFrame(geometry=[fence], crs="EPSG:32645").to_file(folder / "fence.gpkg")
    >>> grid = GridSpec(bounds=(500_000, 3_000_000, 500_500, 3_000_100), resolution_m=100,
    ...                 crs="EPSG:32645", bounds_crs="EPSG:32645")
    >>> surface = build_resistance(ResistanceRecipe(grid, (
    ...     BarrierFactor("fence", folder / "fence.gpkg", cost=math.inf, outside=1.0),)))
    >>> surface.shape, surface.cell_size_m, surface.impassable_note()
    ((1, 5), 100.0, 'fence (1 cells)')
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

        Examples
        --------
        >>> import tempfile, rasterio
        >>> from leopardrange import datasets
        >>> surface = build_resistance(datasets.path("resistance"), resolution_m=10_000)
        >>> tif = surface.write(Path(tempfile.mkdtemp()) / "R.tif")
        >>> with rasterio.open(tif) as src:
        ...     src.crs.to_wkt()[:31], float(src.tags()["max_scale_error_pct"]) < 1
        ('PROJCS["LAEA 43°15′N 131°36′E",', True)
        """
        tags = {
            "recipe": self.recipe.name,
            "recipe_file": str(self.recipe.source or ""),
            "combine": self.recipe.combine,
            "factors": ", ".join(f.name for f in self.recipe.factors),
            "max_scale_error_pct": f"{self.summary.get('max_scale_error_pct', math.nan):.4g}",
            "snapped_to": str(self.summary.get("snapped_to") or ""),
        }
        return write_resistance(
            self.values, path, crs=self.crs, transform=self.transform, overwrite=overwrite,
            tags=tags, impassable=self.impassable_note(),
        )  # fmt: skip


def write_resistance(
    values: np.ndarray,
    path: str | os.PathLike[str],
    *,
    crs: Any,
    transform: Any,
    overwrite: bool = False,
    tags: dict[str, str] | None = None,
    impassable: str = "none",
) -> Path:
    """Write a resistance array as a GeoTIFF the corridor commands read.

    Float32, nodata :data:`RESISTANCE_NODATA` where ``values`` is NaN (impassable), band tag
    ``units`` saying it is a resistance (so QGIS exports style it as one), the CRS named
    (:func:`leopardrange.crs.named_crs`). Written atomically: a failed write leaves no file.

    Parameters
    ----------
    values : ndarray, shape (rows, cols)
        Resistance in cost units per metre (> 0); NaN where impassable.
    path : path
        GeoTIFF to write.
    crs : CRS-like
        A projected CRS in metres.
    transform : affine.Affine
        North-up geotransform.
    overwrite : bool, default False
        Replace an existing file.
    tags : dict, optional
        Dataset tags to add.
    impassable : str
        What made cells impassable (band tag ``impassable``, quoted in messages).

    Returns
    -------
    Path

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> tif = write_resistance(np.ones((3, 6)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> from leopardrange.corridors import read_resistance
    >>> read_resistance(tif).shape
    (3, 6)
    """
    import rasterio

    from leopardrange.crs import named_crs
    from leopardrange.output import atomic_output_file

    target = Path(path)
    arr = np.asarray(values, dtype=np.float64)
    data = np.where(np.isnan(arr), RESISTANCE_NODATA, arr).astype(np.float32)
    profile = float_profile(
        arr.shape, crs=named_crs(crs).to_wkt(), transform=transform, nodata=RESISTANCE_NODATA
    )
    with (
        atomic_output_file(target, overwrite=overwrite) as tmp,
        rasterio.open(tmp, "w", **profile) as dst,
    ):
        dst.write(data, 1)
        if tags:
            dst.update_tags(**tags)
        units = "cost units per metre (relative resistance)"
        dst.update_tags(1, units=units, impassable=impassable)
    return target


def build_resistance(
    recipe: ResistanceRecipe | str | Path,
    *,
    resolution_m: float | None = None,
    max_scale_error_pct: float | None = None,
    progress: Progress = None,
) -> ResistanceSurface:
    """Build a resistance surface from a recipe.

    Parameters
    ----------
    recipe : ResistanceRecipe or path
        The recipe, or a TOML file read with :func:`read_recipe`.
    resolution_m : float, optional
        Cell size in metres; overrides the recipe's ``resolution_m``.
    max_scale_error_pct : float, optional
        Refuse a grid CRS whose scale strays more than this from 1 over the grid (percent);
        overrides the recipe's ``max_scale_error_pct`` (default 1).
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
        A grid CRS that is not projected in metres or whose scale error over the grid exceeds
        ``max_scale_error_pct`` (the message suggests a local CRS); bounds that are not in
        ``bounds_crs``; an input without a CRS.
    LegendError
        A classes factor's raster or cost table with classes its legend does not know.
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
    where = _where(rec.source)
    grid = recipe_grid(rec.grid, resolution_m, where=where)
    limit = rec.grid.max_scale_error_pct if max_scale_error_pct is None else max_scale_error_pct
    checked = check_grid(
        grid.crs, grid.transform, grid.shape, max_scale_error_pct=limit,
        name=f"the grid of {where}", fix='crs = "{crs}" in [grid]',
    )  # fmt: skip
    resampled: dict[str, bool] = {}
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
            cost = _class_costs(f, grid, resampled)
        elif isinstance(f, BandFactor):
            cost = _band_costs_grid(f, grid, resampled)
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
        "max_scale_error_pct": checked.max_scale_error_pct,
        "snapped_to": grid.snapped_to,
        "resampled_factors": sorted(name for name, warped in resampled.items() if warped),
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
    """Warp a resistance raster to a projected CRS in metres (``--warp-to``).

    Parameters
    ----------
    path : path
        Single-band raster (e.g. a resistance surface in a geographic CRS).
    out_path : path
        GeoTIFF to write (float32, nodata :data:`RESISTANCE_NODATA`), atomically.
    dst_crs : str or CRS-like
        ``"auto"`` (LAEA centred on the raster) or a projected CRS in metres (e.g. the UTM
        zone of the data).
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
            resampling=resampling_method(resampling, "--warp-to"),
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
