"""Resistance recipes: the grid, the factors and how to combine them (TOML or Python).

A *recipe* (a TOML file, or :class:`ResistanceRecipe` in Python) names a grid and a list of
factors. Every factor is turned into a cost per cell on that grid, and the factors are
combined cell by cell by ``sum``, ``max`` or ``product``:

========================  ==================================================================
factor ``type``           cost per cell
========================  ==================================================================
``classes``               a class raster (e.g. land cover) through a table ``class -> cost``
``bands``                 a continuous raster (e.g. elevation, m) cut into bands by ``breaks``
``slope``                 the slope (degrees) of an elevation raster, cut into bands
``distance``              distance (m) to vector features: ``far + (near - far) * f(d)``
``barrier``               a set cost on the cells vector features touch (``all_touched``)
``mask``                  cells whose centre lies outside the polygons are impassable
========================  ==================================================================

Every vector layer is reprojected and rasterised on the grid, and every raster is read onto it:
as it is when its cells are the grid's cells (``snap_to`` that raster), else warped with
:func:`rasterio.warp.reproject`. The grid is in a projected CRS in metres (``"auto"``: a
Lambert azimuthal equal-area projection centred on the grid's bounds; or a UTM zone, a national
grid …) whose scale error over the grid stays within ``max_scale_error_pct`` (see
:mod:`leopardrange.corridors.grid`). Impassable cells —
a cost ``"impassable"`` (``math.inf`` in Python), a raster's nodata or the area outside it, the
outside of a mask — become nodata of the output GeoTIFF, which cost distance treats as
impassable. Resistance is relative: cost units per metre, 1 for the best habitat by convention.

Recipe schema (TOML; paths are relative to the recipe file)::

    [resistance]
    name = "Amur leopard, SW Primorye"
    combine = "sum"                     # sum | max | product

    [grid]
    crs = "auto"                        # or a projected CRS in metres: "EPSG:32645", PROJ text
    bounds = [129.2, 41.9, 134.0, 44.6] # west, south, east, north, in bounds_crs
    bounds_crs = "EPSG:4326"            # default; any CRS (e.g. "EPSG:32645" for metres)
    # extent = "parks.gpkg:wdpa"        # or: the bounds of a layer (or raster) instead
    # margin_m = 20000                  # widen the bounds or extent by this much
    # snap_to = "landcover.tif"         # or: that projected raster's CRS and cells (no
    #                                   # resampling); its extent unless bounds/extent given
    resolution_m = 1000                 # not needed with snap_to
    # max_scale_error_pct = 1           # refuse grids whose scale strays more (percent)

    [[factors]]
    name = "land cover"
    type = "classes"
    path = "landcover.tif"
    legend = "igbp"                     # igbp | worldcover | corine | a CSV/TOML legend file
    [factors.costs]                     # class = cost, or "impassable"
    1 = 1
    12 = 20

    [[factors]]
    name = "elevation"
    type = "bands"                      # or "slope" (breaks in degrees)
    path = "elevation.tif"
    breaks = [300, 600]                 # ascending; len(costs) = len(breaks) + 1
    costs = [2, 0, 1]

    [[factors]]
    name = "settlements"
    type = "distance"
    path = "amur_leopard.gpkg"
    layer = "settlements"
    near = 20                           # cost at distance 0
    far = 0                             # cost far away (default: 0, or 1 for product)
    function = "exponential"            # exp(-d/scale_m); "linear": max(0, 1 - d/scale_m)
    scale_m = 3000

    [[factors]]
    name = "border fence"
    type = "barrier"
    path = "amur_leopard.gpkg"
    layer = "countries"
    geometry = "shared_boundaries"      # as_is | boundaries | shared_boundaries
    cost = 5                            # or "impassable"

Optional keys of every vector factor: ``layer``, ``where`` (OGR SQL). Of raster factors:
``resampling`` (rasterio name; default ``nearest`` for classes, ``bilinear`` otherwise) and,
for ``classes``, ``default`` (cost of classes missing from the table; else they are an error)
and ``legend`` (the raster's legend, see :mod:`.legend`: every cost-table class and every
raster value must be in it, and messages name the classes).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leopardrange.documents import read_toml
from leopardrange.errors import ResistanceError
from leopardrange.schema import Checker

from .legend import BUILTIN_LEGENDS

__all__ = [
    "COMBINE_METHODS",
    "BandFactor",
    "BarrierFactor",
    "ClassFactor",
    "DistanceFactor",
    "Factor",
    "GridSpec",
    "MaskFactor",
    "ResistanceRecipe",
    "parse_recipe",
    "read_recipe",
]

#: How factors are combined, and the neutral cost of each (what a cell far from a
#: vector factor, or outside a barrier, contributes).
COMBINE_METHODS: dict[str, float] = {"sum": 0.0, "max": 0.0, "product": 1.0}
_IMPASSABLE = "impassable"
_GEOMETRY_MODES = ("as_is", "boundaries", "shared_boundaries")
_FUNCTIONS = ("exponential", "linear")
_check = Checker(ResistanceError)


# ----------------------------------------------------------------------------- recipe


@dataclass(frozen=True)
class GridSpec:
    """The grid every factor is read onto.

    Attributes
    ----------
    bounds : tuple of float, optional
        ``(west, south, east, north)`` in ``bounds_crs``; the grid covers them, its edges
        snapped to multiples of ``resolution_m`` in the grid CRS.
    resolution_m : float, optional
        Cell size in metres (square cells), > 0; required unless ``snap_to``.
    crs : str
        ``"auto"`` (LAEA centred on the bounds) or any projected CRS in metres that
        :class:`pyproj.CRS` accepts.
    bounds_crs : str, default "EPSG:4326"
        CRS of ``bounds``.
    extent : str, optional
        ``PATH[:LAYER]`` of a vector layer, or a raster file, whose bounds (in its own CRS)
        the grid covers, instead of ``bounds``.
    snap_to : Path, optional
        A raster in a projected CRS whose CRS and cells the grid takes (its values are then
        read without resampling); the grid covers its extent unless ``bounds`` or
        ``extent`` is given.
    margin_m : float, default 0
        Widen the bounds or extent by this many metres on every side.
    max_scale_error_pct : float, default 1
        Refuse a grid CRS whose scale strays more than this from 1 over the grid (percent).

    Examples
    --------
    One degree square around 43 N, 131 E at 5 km, on an equal-area CRS centred on it:

    >>> from leopardrange.corridors.grid import recipe_grid
    >>> grid = recipe_grid(GridSpec(bounds=(130.5, 42.5, 131.5, 43.5), resolution_m=5000))
    >>> grid.shape, grid.crs.to_wkt()[:24]
    ((24, 18), 'PROJCS["LAEA 43°N 131°E"')
    """

    bounds: tuple[float, float, float, float] | None = None
    resolution_m: float | None = None
    crs: str = "auto"
    bounds_crs: str = "EPSG:4326"
    extent: str | None = None
    snap_to: Path | None = None
    margin_m: float = 0.0
    max_scale_error_pct: float = 1.0


@dataclass(frozen=True)
class ClassFactor:
    """Class raster (e.g. land cover) → cost by class.

    Attributes
    ----------
    name : str
        Factor name (unique in the recipe).
    path : Path
        Single-band class raster with a CRS; its nodata cells are impassable.
    costs : Mapping[int, float]
        Cost per class, in cost units per metre; ``math.inf`` makes a class impassable.
    default : float, optional
        Cost of classes missing from ``costs``; None makes them an error.
    resampling : str, default "nearest"
        rasterio resampling method name.
    legend : str, optional
        The raster's legend (``"igbp"``, ``"worldcover"``, ``"corine"`` or a legend file):
        classes outside it are an error, and messages name the classes.

    Examples
    --------
    Forest (class 1) costs 1 per metre, cropland (class 12) 20:

    >>> import rasterio, tempfile
    >>> import numpy as np
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import build_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> profile = dict(driver="GTiff", width=3, height=1, count=1, dtype="float32",
    ...                crs="EPSG:32645", transform=from_origin(500_000, 3_000_100, 100, 100))
    >>> with rasterio.open(folder / "lc.tif", "w", **profile) as dst:
    ...     dst.write(np.array([[[1, 12, 1]]], dtype="float32"))
    >>> lc = ClassFactor("land cover", folder / "lc.tif", costs={1: 1.0, 12: 20.0})
    >>> build_resistance(ResistanceRecipe(GridSpec(snap_to=folder / "lc.tif"), (lc,))).values
    array([[ 1., 20.,  1.]], dtype=float32)
    """

    name: str
    path: Path
    costs: Mapping[int, float]
    default: float | None = None
    resampling: str = "nearest"
    legend: str | None = None


@dataclass(frozen=True)
class BandFactor:
    """Continuous raster (or its slope) → cost by band.

    Attributes
    ----------
    name : str
        Factor name.
    path : Path
        Single-band raster with a CRS (elevation in metres for ``slope``).
    breaks : tuple of float
        Ascending band limits (raster units, or degrees of slope); a value equal to a
        break falls in the band above it.
    costs : tuple of float
        ``len(breaks) + 1`` costs, lowest band first; ``math.inf`` is impassable.
    slope : bool, default False
        Use the slope in degrees of the warped raster (elevation in metres) instead
        of its values.
    resampling : str, default "bilinear"
        rasterio resampling method name.

    Examples
    --------
    Lowland (below 100 m) costs 2, the hills 1, above 600 m 3:

    >>> import rasterio, tempfile
    >>> import numpy as np
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import build_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> profile = dict(driver="GTiff", width=3, height=1, count=1, dtype="float32",
    ...                crs="EPSG:32645", transform=from_origin(500_000, 3_000_100, 100, 100))
    >>> with rasterio.open(folder / "dem.tif", "w", **profile) as dst:
    ...     dst.write(np.array([[[50, 400, 900]]], dtype="float32"))
    >>> dem = BandFactor("elevation", folder / "dem.tif", breaks=(100.0, 600.0),
    ...                  costs=(2.0, 1.0, 3.0))
    >>> build_resistance(ResistanceRecipe(GridSpec(snap_to=folder / "dem.tif"), (dem,))).values
    array([[2., 1., 3.]], dtype=float32)
    """

    name: str
    path: Path
    breaks: tuple[float, ...]
    costs: tuple[float, ...]
    slope: bool = False
    resampling: str = "bilinear"


@dataclass(frozen=True)
class DistanceFactor:
    """Cost decaying with the distance to vector features (settlements, roads).

    The cost at distance ``d`` (metres, from the cell centre to the nearest cell the
    features touch) is ``far + (near - far) * f(d)`` with ``f(d) = exp(-d / scale_m)``
    (``"exponential"``) or ``max(0, 1 - d / scale_m)`` (``"linear"``).

    Attributes
    ----------
    name : str
        Factor name.
    path : Path
        Vector data source.
    near : float
        Cost at distance 0 (on the features).
    scale_m : float
        Decay distance in metres (> 0): e-folding distance, or where the linear decay ends.
    far : float, optional
        Cost far from the features; None: the combine method's neutral value (0 for sum
        and max, 1 for product).
    function : {"exponential", "linear"}
    layer, where : str, optional
        Layer name and OGR SQL filter.

    Examples
    --------
    A village in the first of five 100 m cells; the cost falls from 10 to 1 over 300 m:

    >>> import geopandas as gpd, shapely, tempfile
    >>> from leopardrange.corridors import build_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> grid = GridSpec(bounds=(500_000, 3_000_000, 500_500, 3_000_100), resolution_m=100,
    ...                 crs="EPSG:32645", bounds_crs="EPSG:32645")
    >>> gpd.GeoDataFrame(geometry=[shapely.Point(500_050, 3_000_050)],
    ...                  crs="EPSG:32645").to_file(folder / "village.gpkg")
    >>> village = DistanceFactor("village", folder / "village.gpkg", near=10.0, far=1.0,
    ...                          scale_m=300.0, function="linear")
    >>> build_resistance(ResistanceRecipe(grid, (village,))).values
    array([[10.,  7.,  4.,  1.,  1.]], dtype=float32)
    """

    name: str
    path: Path
    near: float
    scale_m: float
    far: float | None = None
    function: str = "exponential"
    layer: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class BarrierFactor:
    """A set cost on every cell the features touch (rasterised with ``all_touched``).

    Attributes
    ----------
    name : str
        Factor name.
    path : Path
        Vector data source.
    cost : float
        Cost on the touched cells; ``math.inf`` makes them impassable.
    geometry : {"as_is", "boundaries", "shared_boundaries"}
        The features themselves, their boundaries, or only the boundaries two features
        share (e.g. national borders from a countries layer, without the coastline).
    outside : float, optional
        Cost elsewhere; None: the combine method's neutral value.
    layer, where : str, optional
        Layer name and OGR SQL filter.

    Examples
    --------
    An impassable fence across the middle of five 100 m cells:

    >>> import geopandas as gpd, shapely, tempfile
    >>> from leopardrange.corridors import build_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> grid = GridSpec(bounds=(500_000, 3_000_000, 500_500, 3_000_100), resolution_m=100,
    ...                 crs="EPSG:32645", bounds_crs="EPSG:32645")
    >>> fence = shapely.LineString([(500_250, 3_000_000), (500_250, 3_000_100)])
    >>> gpd.GeoDataFrame(geometry=[fence], crs="EPSG:32645").to_file(folder / "fence.gpkg")
    >>> barrier = BarrierFactor("fence", folder / "fence.gpkg", cost=math.inf, outside=1.0)
    >>> build_resistance(ResistanceRecipe(grid, (barrier,))).values
    array([[ 1.,  1., nan,  1.,  1.]], dtype=float32)
    """

    name: str
    path: Path
    cost: float
    geometry: str = "as_is"
    outside: float | None = None
    layer: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class MaskFactor:
    """Cells whose centre lies outside the polygons (e.g. land) are impassable.

    Attributes
    ----------
    name : str
        Factor name.
    path : Path
        Polygon data source.
    layer, where : str, optional
        Layer name and OGR SQL filter.

    Examples
    --------
    Land covers the first two of five cells; the rest (sea) becomes impassable, and
    the cost falls with the distance to a village in the first cell:

    >>> import geopandas as gpd, shapely, tempfile
    >>> from leopardrange.corridors import build_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> grid = GridSpec(bounds=(500_000, 3_000_000, 500_500, 3_000_100), resolution_m=100,
    ...                 crs="EPSG:32645", bounds_crs="EPSG:32645")
    >>> land = shapely.box(500_000, 3_000_000, 500_200, 3_000_100)
    >>> gpd.GeoDataFrame(geometry=[land], crs="EPSG:32645").to_file(folder / "land.gpkg")
    >>> gpd.GeoDataFrame(geometry=[shapely.Point(500_050, 3_000_050)],
    ...                  crs="EPSG:32645").to_file(folder / "village.gpkg")
    >>> village = DistanceFactor("village", folder / "village.gpkg", near=10.0, far=1.0,
    ...                          scale_m=300.0, function="linear")
    >>> surface = build_resistance(
    ...     ResistanceRecipe(grid, (MaskFactor("sea", folder / "land.gpkg"), village)))
    >>> surface.values, surface.impassable_cells["sea"]
    (array([[10.,  7., nan, nan, nan]], dtype=float32), 3)
    """

    name: str
    path: Path
    layer: str | None = None
    where: str | None = None


Factor = ClassFactor | BandFactor | DistanceFactor | BarrierFactor | MaskFactor


@dataclass(frozen=True)
class ResistanceRecipe:
    """A resistance surface to build: a grid, factors and how to combine them.

    Attributes
    ----------
    grid : GridSpec
    factors : tuple of Factor
        At least one factor that is not a mask.
    combine : {"sum", "max", "product"}
    name : str
    source : Path, optional
        The recipe file, for messages and output tags.

    Examples
    --------
    Land cover and elevation combined by their maximum, cell by cell:

    >>> import rasterio, tempfile
    >>> import numpy as np
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import build_resistance
    >>> folder = Path(tempfile.mkdtemp())
    >>> profile = dict(driver="GTiff", width=3, height=1, count=1, dtype="float32",
    ...                crs="EPSG:32645", transform=from_origin(500_000, 3_000_100, 100, 100))
    >>> with rasterio.open(folder / "lc.tif", "w", **profile) as dst:
    ...     dst.write(np.array([[[1, 12, 1]]], dtype="float32"))
    >>> with rasterio.open(folder / "dem.tif", "w", **profile) as dst:
    ...     dst.write(np.array([[[50, 400, 900]]], dtype="float32"))
    >>> recipe = ResistanceRecipe(
    ...     GridSpec(snap_to=folder / "lc.tif"),
    ...     (ClassFactor("land cover", folder / "lc.tif", costs={1: 1.0, 12: 20.0}),
    ...      BandFactor("elevation", folder / "dem.tif", breaks=(100.0, 600.0),
    ...                 costs=(2.0, 1.0, 3.0))),
    ...     combine="max")
    >>> build_resistance(recipe).values
    array([[ 2., 20.,  3.]], dtype=float32)
    """

    grid: GridSpec
    factors: tuple[Factor, ...]
    combine: str = "sum"
    name: str = "resistance"
    source: Path | None = None


def _where(source: Path | None) -> str:
    return f"recipe {str(source)!r}" if source else "the recipe"


def _cost(value: Any, key: str, where: str) -> float:
    """A cost: a finite number >= 0, or "impassable" (→ inf)."""
    if isinstance(value, str) and value.strip().lower() == _IMPASSABLE:
        return math.inf
    if isinstance(value, bool) or not isinstance(value, int | float):
        _check.wrong(value, key, where, expected='a number or "impassable"')
    return _check.non_negative(value, key, where)


_COMMON = {"name", "type", "path"}
_FACTOR_KEYS: dict[str, set[str]] = {
    "classes": _COMMON | {"costs", "default", "resampling", "legend"},
    "bands": _COMMON | {"breaks", "costs", "resampling"},
    "slope": _COMMON | {"breaks", "costs", "resampling"},
    "distance": _COMMON | {"layer", "where", "near", "far", "function", "scale_m"},
    "barrier": _COMMON | {"layer", "where", "cost", "geometry", "outside"},
    "mask": _COMMON | {"layer", "where"},
}


def _band_costs(table: Mapping[str, Any], here: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    b = tuple(
        _check.number(v, "breaks", here) for v in _check.array(table["breaks"], "breaks", here)
    )
    if any(b2 <= b1 for b1, b2 in itertools.pairwise(b)):
        _check.wrong(list(b), "breaks", here, expected="strictly ascending")
    costs = _check.array(table["costs"], "costs", here)
    if len(costs) != len(b) + 1:
        _check.fail(
            f"{here} has {len(b)} breaks, so it needs {len(b) + 1} costs (one per band), "
            f"not {len(costs)}"
        )
    return b, tuple(_cost(v, "costs", here) for v in costs)


def _class_costs(table: Mapping[str, Any], here: str) -> dict[int, float]:
    costs = _check.table(table["costs"], "costs", here)
    if not costs:
        _check.wrong(costs, "costs", here, expected="a table of class = cost ([factors.costs])")
    return {
        _check.integer(k, "class code", here, from_text=True): _cost(v, f"cost of class {k}", here)
        for k, v in costs.items()
    }


#: What a factor of each type needs, as named in messages.
_REQUIRED: dict[str, dict[str, str]] = {
    "classes": {"costs": "costs ([factors.costs]: class = cost)"},
    "bands": {"breaks": "breaks = [...]", "costs": "costs = [...]"},
    "slope": {"breaks": "breaks = [...]", "costs": "costs = [...]"},
    "distance": {"near": "near", "scale_m": "scale_m"},
    "barrier": {"cost": 'cost (a number or "impassable")'},
    "mask": {},
}


def _factor(table: Any, index: int, base_dir: Path, where: str) -> Factor:
    here = f"factor {index + 1} of {where}"
    table = _check.table(table, f"factor {index + 1}", where)
    _check.require(table, here, {"name": "a name", "type": f"a type ({', '.join(_FACTOR_KEYS)})"})
    name = _check.text(table["name"], "name", here)
    here = f"factor {name!r} of {where}"
    kind = _check.choice(table["type"], "type", here, choices=_FACTOR_KEYS)
    required = {"path": "a path (relative to the recipe file)"} | _REQUIRED[kind]
    _check.keys(table, here, valid=_FACTOR_KEYS[kind], required=required)
    path = base_dir / _check.text(table["path"], "path", here)
    layer = _check.optional(table, "layer", here, _check.text)
    filt = _check.optional(table, "where", here, _check.text)
    resampling = _check.optional(table, "resampling", here, _check.text)
    if kind == "classes":
        legend = _check.optional(table, "legend", here, _check.text)
        if legend is not None and legend.strip().lower() not in BUILTIN_LEGENDS:
            legend = str(base_dir / legend)
        return ClassFactor(
            name=name,
            path=path,
            costs=_class_costs(table, here),
            default=_check.optional(table, "default", here, _cost),
            resampling=resampling or "nearest",
            legend=legend,
        )
    if kind in ("bands", "slope"):
        breaks, band_costs = _band_costs(table, here)
        return BandFactor(
            name=name,
            path=path,
            breaks=breaks,
            costs=band_costs,
            slope=kind == "slope",
            resampling=resampling or "bilinear",
        )
    if kind == "distance":
        return DistanceFactor(
            name=name,
            path=path,
            near=_cost(table["near"], "near", here),
            scale_m=_check.positive(table["scale_m"], "scale_m", here),
            far=_check.optional(table, "far", here, _cost),
            function=_check.optional(table, "function", here, _function) or "exponential",
            layer=layer,
            where=filt,
        )
    if kind == "barrier":
        return BarrierFactor(
            name=name,
            path=path,
            cost=_cost(table["cost"], "cost", here),
            geometry=_check.optional(table, "geometry", here, _geometry_mode) or "as_is",
            outside=_check.optional(table, "outside", here, _cost),
            layer=layer,
            where=filt,
        )
    return MaskFactor(name=name, path=path, layer=layer, where=filt)


def _function(value: Any, key: str, where: str) -> str:
    return _check.choice(value, key, where, choices=_FUNCTIONS)


def _geometry_mode(value: Any, key: str, where: str) -> str:
    return _check.choice(value, key, where, choices=_GEOMETRY_MODES)


def _combine(value: Any, key: str, where: str) -> str:
    return _check.choice(value, key, where, choices=COMBINE_METHODS)


_GRID_KEYS = {
    "crs",
    "bounds",
    "bounds_crs",
    "resolution_m",
    "extent",
    "snap_to",
    "margin_m",
    "max_scale_error_pct",
}


def _grid(grid: Mapping[str, Any], here: str, base: Path) -> GridSpec:
    _check.keys(grid, here, valid=_GRID_KEYS)
    snap = _check.optional(grid, "snap_to", here, _check.text)
    given = [k for k in ("bounds", "extent") if k in grid]
    if len(given) > 1:
        _check.fail(f"{here} has both bounds and extent; give one of them")
    if not given and snap is None:
        _check.fail(
            f'{here} needs bounds = [west, south, east, north], extent = "path.gpkg:layer" '
            'or snap_to = "raster.tif"'
        )
    if "resolution_m" not in grid and snap is None:
        _check.fail(f"{here} needs resolution_m (cell size in metres)")
    if "bounds_crs" in grid and "bounds" not in grid:
        _check.fail(f"{here} has bounds_crs but no bounds; bounds_crs is the CRS of bounds")
    bounds = None
    if "bounds" in grid:
        raw = _check.array(grid["bounds"], "bounds", here)
        if len(raw) != 4:
            _check.wrong(raw, "bounds", here, expected="[west, south, east, north]")
        west, south, east, north = (_check.number(v, "bounds", here) for v in raw)
        bounds = (west, south, east, north)
    extent = _check.optional(grid, "extent", here, _check.text)
    resolution = _check.optional(grid, "resolution_m", here, _check.positive)
    return GridSpec(
        bounds=bounds,
        resolution_m=resolution,
        crs=_check.optional(grid, "crs", here, _check.text) or "auto",
        bounds_crs=_check.optional(grid, "bounds_crs", here, _check.text) or "EPSG:4326",
        extent=str(base / extent) if extent is not None else None,
        snap_to=base / snap if snap is not None else None,
        margin_m=_check.optional(grid, "margin_m", here, _check.non_negative) or 0.0,
        max_scale_error_pct=_check.optional(grid, "max_scale_error_pct", here, _check.positive)
        or 1.0,
    )


def parse_recipe(
    data: Mapping[str, Any], *, base_dir: str | Path, source: str | Path | None = None
) -> ResistanceRecipe:
    """Build a :class:`ResistanceRecipe` from a parsed TOML document.

    Parameters
    ----------
    data : mapping
        The document, as :func:`tomllib.loads` returns it.
    base_dir : path
        Folder relative paths are resolved against (the recipe's folder).
    source : path, optional
        The recipe file, for messages.

    Returns
    -------
    ResistanceRecipe

    Raises
    ------
    ResistanceError
        Unknown keys or factor types, missing keys, values of the wrong type or range.

    Examples
    --------
    >>> doc = {"grid": {"snap_to": "lc_utm45n.tif"},
    ...        "factors": [{"name": "lc", "type": "classes", "path": "lc_utm45n.tif",
    ...                     "legend": "igbp", "costs": {"1": 1, "12": 20}}]}
    >>> r = parse_recipe(doc, base_dir="/data")
    >>> r.grid.snap_to.as_posix(), r.factors[0].legend, r.factors[0].costs
    ('/data/lc_utm45n.tif', 'igbp', {1: 1.0, 12: 20.0})
    """
    src = Path(source) if source is not None else None
    where = _where(src)
    base = Path(base_dir)
    _check.keys(
        data,
        where,
        valid={"resistance", "grid", "factors"},
        required={
            "grid": "a [grid] table (crs, bounds, resolution_m)",
            "factors": "factors ([[factors]] tables)",
        },
    )
    top = f"[resistance] of {where}"
    head = _check.table(data.get("resistance", {}), "[resistance]", where)
    _check.keys(head, top, valid={"name", "description", "species", "combine"})
    for key in ("description", "species"):
        _check.optional(head, key, top, _check.text)
    spec = _grid(_check.table(data["grid"], "[grid]", where), f"[grid] of {where}", base)
    raw = _check.array(data["factors"], "factors", where, of="tables ([[factors]])", non_empty=True)
    factors = tuple(_factor(t, i, base, where) for i, t in enumerate(raw))
    _check.unique([f.name for f in factors], things="factors", key="name", where=where)
    return ResistanceRecipe(
        grid=spec,
        factors=factors,
        combine=_check.optional(head, "combine", top, _combine) or "sum",
        name=_check.optional(head, "name", top, _check.text) or (src.stem if src else "resistance"),
        source=src,
    )


def read_recipe(path: str | Path) -> ResistanceRecipe:
    """Read and check a resistance recipe (TOML).

    Parameters
    ----------
    path : path
        The recipe file; relative paths in it are resolved against its folder.

    Returns
    -------
    ResistanceRecipe

    Raises
    ------
    DataSourceError
        The file does not exist or is a directory.
    ResistanceError
        Not valid TOML (the message has the line and column), or not a valid recipe.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> recipe = read_recipe(datasets.path("resistance"))
    >>> recipe.combine, recipe.grid.resolution_m, [type(f).__name__ for f in recipe.factors]
    ('sum', 1000.0, ['MaskFactor', 'ClassFactor', 'BandFactor', 'DistanceFactor', 'BarrierFactor'])
    """
    p = Path(path)
    data = read_toml(p, kind="resistance recipe", error=ResistanceError)
    return parse_recipe(data, base_dir=p.resolve().parent, source=p)
