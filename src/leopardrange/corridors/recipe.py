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

Every raster is warped with :func:`rasterio.warp.reproject` and every vector layer is
reprojected and rasterised on the grid, a projected **equal-area** CRS in metres (``"auto"``:
a Lambert azimuthal equal-area projection centred on the grid's bounds). Impassable cells —
a cost ``"impassable"`` (``math.inf`` in Python), a raster's nodata or the area outside it, the
outside of a mask — become nodata of the output GeoTIFF, which cost distance treats as
impassable. Resistance is relative: cost units per metre, 1 for the best habitat by convention.

Recipe schema (TOML; paths are relative to the recipe file)::

    [resistance]
    name = "Amur leopard, SW Primorye"
    combine = "sum"                     # sum | max | product

    [grid]
    crs = "auto"                        # or an equal-area CRS: "EPSG:6933", a PROJ string
    bounds = [129.2, 41.9, 134.0, 44.6] # west, south, east, north
    bounds_crs = "EPSG:4326"            # default
    resolution_m = 1000

    [[factors]]
    name = "land cover"
    type = "classes"
    path = "landcover.tif"
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
for ``classes``, ``default`` (cost of classes missing from the table; else they are an error).
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


# ----------------------------------------------------------------------------- recipe


@dataclass(frozen=True)
class GridSpec:
    """The grid every factor is warped to.

    Attributes
    ----------
    bounds : tuple of float
        ``(west, south, east, north)`` in ``bounds_crs``; the grid covers them, its edges
        snapped to multiples of ``resolution_m`` in the grid CRS.
    resolution_m : float
        Cell size in metres (square cells), > 0.
    crs : str
        ``"auto"`` (LAEA centred on the bounds) or any projected equal-area CRS that
        :class:`pyproj.CRS` accepts.
    bounds_crs : str, default "EPSG:4326"
        CRS of ``bounds``.
    """

    bounds: tuple[float, float, float, float]
    resolution_m: float
    crs: str = "auto"
    bounds_crs: str = "EPSG:4326"


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
    """

    name: str
    path: Path
    costs: Mapping[int, float]
    default: float | None = None
    resampling: str = "nearest"


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
    """

    grid: GridSpec
    factors: tuple[Factor, ...]
    combine: str = "sum"
    name: str = "resistance"
    source: Path | None = None


def _where(source: Path | None) -> str:
    return f"recipe {str(source)!r}" if source else "the recipe"


def _unknown(keys: set[str], allowed: set[str], where: str) -> None:
    extra = sorted(keys - allowed)
    if extra:
        raise ResistanceError(
            f"unknown key {extra[0]!r} in {where}; valid keys: {', '.join(sorted(allowed))}"
        )


def _cost(value: Any, where: str) -> float:
    """A cost: a finite non-negative number, or "impassable" (→ inf)."""
    if isinstance(value, str) and value.strip().lower() == _IMPASSABLE:
        return math.inf
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResistanceError(f'{where} must be a number or "impassable", got {value!r}')
    v = float(value)
    if not (math.isfinite(v) and v >= 0):
        raise ResistanceError(f"{where} must be a finite number >= 0, got {value!r}")
    return v


def _number(value: Any, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResistanceError(f"{where} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or (positive and v <= 0):
        raise ResistanceError(f"{where} must be a {'positive ' if positive else ''}number, got {v}")
    return v


def _optional_text(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ResistanceError(f"{key} of {where} must be text, got {value!r}")
    return value


_COMMON = {"name", "type", "path"}
_FACTOR_KEYS: dict[str, set[str]] = {
    "classes": _COMMON | {"costs", "default", "resampling"},
    "bands": _COMMON | {"breaks", "costs", "resampling"},
    "slope": _COMMON | {"breaks", "costs", "resampling"},
    "distance": _COMMON | {"layer", "where", "near", "far", "function", "scale_m"},
    "barrier": _COMMON | {"layer", "where", "cost", "geometry", "outside"},
    "mask": _COMMON | {"layer", "where"},
}


def _band_costs(table: Mapping[str, Any], here: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    breaks, costs = table.get("breaks"), table.get("costs")
    if not isinstance(breaks, list) or not isinstance(costs, list):
        raise ResistanceError(f"{here} needs breaks = [...] and costs = [...] (arrays)")
    b = tuple(_number(v, f"breaks of {here}") for v in breaks)
    if any(b2 <= b1 for b1, b2 in itertools.pairwise(b)):
        raise ResistanceError(f"breaks of {here} must be strictly ascending, got {list(b)}")
    if len(costs) != len(b) + 1:
        raise ResistanceError(
            f"{here} has {len(b)} breaks, so it needs {len(b) + 1} costs (one per band), "
            f"got {len(costs)}"
        )
    return b, tuple(_cost(v, f"a cost of {here}") for v in costs)


def _factor(table: Any, index: int, base_dir: Path, where: str) -> Factor:
    here = f"factor {index + 1} of {where}"
    if not isinstance(table, dict):
        raise ResistanceError(f"{here} must be a table ([[factors]])")
    kind = table.get("type")
    if kind not in _FACTOR_KEYS:
        raise ResistanceError(f"{here}: type {kind!r} is not one of {', '.join(_FACTOR_KEYS)}")
    _unknown(set(table), _FACTOR_KEYS[kind], here)
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ResistanceError(f"{here} needs a name")
    here = f"factor {name!r} of {where}"
    raw_path = table.get("path")
    if not isinstance(raw_path, str) or not raw_path:
        raise ResistanceError(f"{here} needs a path (relative to the recipe file)")
    path = base_dir / raw_path
    layer = _optional_text(table, "layer", here)
    filt = _optional_text(table, "where", here)
    if kind == "classes":
        costs = table.get("costs")
        if not isinstance(costs, dict) or not costs:
            raise ResistanceError(f"{here} needs a table of costs by class ([factors.costs])")
        try:
            table_costs = {
                int(k): _cost(v, f"cost of class {k} in {here}") for k, v in costs.items()
            }
        except ValueError as exc:
            if isinstance(exc, ResistanceError):
                raise
            raise ResistanceError(f"class codes in {here} must be integers: {exc}") from exc
        default = table.get("default")
        return ClassFactor(
            name=name,
            path=path,
            costs=table_costs,
            default=None if default is None else _cost(default, f"default of {here}"),
            resampling=str(table.get("resampling", "nearest")),
        )
    if kind in ("bands", "slope"):
        breaks, band_costs = _band_costs(table, here)
        return BandFactor(
            name=name,
            path=path,
            breaks=breaks,
            costs=band_costs,
            slope=kind == "slope",
            resampling=str(table.get("resampling", "bilinear")),
        )
    if kind == "distance":
        for key in ("near", "scale_m"):
            if key not in table:
                raise ResistanceError(f"{here} needs {key}")
        function = table.get("function", "exponential")
        if function not in _FUNCTIONS:
            raise ResistanceError(f"function of {here} must be one of {', '.join(_FUNCTIONS)}")
        far = table.get("far")
        return DistanceFactor(
            name=name,
            path=path,
            near=_cost(table["near"], f"near of {here}"),
            scale_m=_number(table["scale_m"], f"scale_m of {here}", positive=True),
            far=None if far is None else _cost(far, f"far of {here}"),
            function=function,
            layer=layer,
            where=filt,
        )
    if kind == "barrier":
        if "cost" not in table:
            raise ResistanceError(f'{here} needs cost (a number or "impassable")')
        geometry = table.get("geometry", "as_is")
        if geometry not in _GEOMETRY_MODES:
            raise ResistanceError(f"geometry of {here} must be one of {', '.join(_GEOMETRY_MODES)}")
        outside = table.get("outside")
        return BarrierFactor(
            name=name,
            path=path,
            cost=_cost(table["cost"], f"cost of {here}"),
            geometry=geometry,
            outside=None if outside is None else _cost(outside, f"outside of {here}"),
            layer=layer,
            where=filt,
        )
    return MaskFactor(name=name, path=path, layer=layer, where=filt)


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
    """
    src = Path(source) if source is not None else None
    where = _where(src)
    base = Path(base_dir)
    _unknown(set(data), {"resistance", "grid", "factors"}, where)
    head = data.get("resistance", {})
    if not isinstance(head, dict):
        raise ResistanceError(f"[resistance] in {where} must be a table")
    _unknown(set(head), {"name", "description", "species", "combine"}, f"[resistance] of {where}")
    combine = head.get("combine", "sum")
    if combine not in COMBINE_METHODS:
        raise ResistanceError(
            f"combine = {combine!r} in {where} is not one of {', '.join(COMBINE_METHODS)}"
        )
    grid = data.get("grid")
    if not isinstance(grid, dict):
        raise ResistanceError(f"{where} has no [grid] table (crs, bounds, resolution_m)")
    _unknown(set(grid), {"crs", "bounds", "bounds_crs", "resolution_m"}, f"[grid] of {where}")
    bounds = grid.get("bounds")
    if not isinstance(bounds, list) or len(bounds) != 4:
        raise ResistanceError(
            f"bounds in [grid] of {where} must be [west, south, east, north], got {bounds!r}"
        )
    b = tuple(_number(v, f"bounds in [grid] of {where}") for v in bounds)
    if "resolution_m" not in grid:
        raise ResistanceError(f"[grid] of {where} needs resolution_m (cell size in metres)")
    spec = GridSpec(
        bounds=(b[0], b[1], b[2], b[3]),
        resolution_m=_number(grid["resolution_m"], f"resolution_m of {where}", positive=True),
        crs=str(grid.get("crs", "auto")),
        bounds_crs=str(grid.get("bounds_crs", "EPSG:4326")),
    )
    raw = data.get("factors")
    if not isinstance(raw, list) or not raw:
        raise ResistanceError(f"{where} has no factors ([[factors]] tables)")
    factors = tuple(_factor(t, i, base, where) for i, t in enumerate(raw))
    names = [f.name for f in factors]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ResistanceError(f"two factors of {where} are named {dup[0]!r}; names must differ")
    return ResistanceRecipe(
        grid=spec,
        factors=factors,
        combine=combine,
        name=str(head.get("name", src.stem if src else "resistance")),
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
    """
    p = Path(path)
    data = read_toml(p, kind="resistance recipe", error=ResistanceError)
    return parse_recipe(data, base_dir=p.resolve().parent, source=p)
