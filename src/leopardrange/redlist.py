"""IUCN Red List range metrics: extent of occurrence (EOO), area of occupancy (AOO), criterion B.

Conventions (IUCN Red List Guidelines, version 16):

- **EOO** is the area of the minimum convex polygon around the range, in an equal-area CRS.
  Fewer than three distinct points, or collinear ones, give a hull of zero area; and where
  EOO < AOO the Guidelines set EOO := AOO.
- **AOO** counts the 2 × 2 km cells whose interior the range touches, × 4 km². Grid placement
  changes the count, so we report it on a documented fixed grid — cell edges at whole multiples
  of 2 km from the false origin (0, 0) of an equal-area CRS in metres — and the minimum over
  an explicit set of shifts of that grid (16 by default: x and y offsets of 0, ½, 1 and 1½ km).

Every function takes frames in any CRS: data that is not already in an equal-area CRS in
metres is projected to a LAEA centred on it (or to the ``crs`` given) first.
- **Criterion B** thresholds: B1 EOO < 100 / 5,000 / 20,000 km², B2 AOO < 10 / 500 / 2,000 km²
  for CR / EN / VU. Meeting a threshold does not make a category: B also needs at least two of
  (a) severe fragmentation or few locations, (b) continuing decline, (c) extreme fluctuations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from leopardrange.crs import analysis_crs, crs_string
from leopardrange.measure import area_km2
from leopardrange.overlap import dissolve
from leopardrange.units import M2_PER_KM2

__all__ = [
    "AOO",
    "AOO_CELL_M",
    "AOO_SHIFTS_M",
    "B1_THRESHOLDS_KM2",
    "B2_THRESHOLDS_KM2",
    "CRITERION_B_NOTE",
    "EOO",
    "AOOGrid",
    "CriterionB",
    "ThresholdGrade",
    "aoo",
    "aoo_cells",
    "criterion_b",
    "eoo",
]

AOO_CELL_M = 2_000.0
#: Grid shifts (dx, dy) in metres tried for the minimum AOO: every pair of 0, 500, 1000, 1500.
AOO_SHIFTS_M: tuple[tuple[float, float], ...] = tuple(
    (dx, dy) for dx in (0.0, 500.0, 1_000.0, 1_500.0) for dy in (0.0, 500.0, 1_000.0, 1_500.0)
)
B1_THRESHOLDS_KM2 = {"CR": 100.0, "EN": 5_000.0, "VU": 20_000.0}
B2_THRESHOLDS_KM2 = {"CR": 10.0, "EN": 500.0, "VU": 2_000.0}
CRITERION_B_NOTE = (
    "Meeting an area threshold does not make a category: criterion B also needs at least two "
    "of (a) severe fragmentation or no more than a set number of locations, (b) continuing "
    "decline, (c) extreme fluctuations."
)


@dataclass(frozen=True)
class AOOGrid:
    """The AOO grid and its cell counts: everything needed to reproduce an AOO.

    Attributes
    ----------
    cell_km2
        Area of one cell, km² (4 for the IUCN 2 × 2 km grid).
    origin_m
        A corner of the fixed grid, (x, y) in CRS metres.
    shifts_m
        The (dx, dy) shifts of the grid tried for the minimum, metres.
    best_shift_m
        The shift that gave the minimum ((0, 0) when the fixed grid is the minimum).
    cells, cells_min
        Occupied cells on the fixed grid, and the minimum over the shifts.
    crs
        The grid's CRS (``EPSG:n``, else its WKT): origin and cells are in its metres.
    """

    cell_km2: float
    origin_m: tuple[float, float]
    shifts_m: tuple[tuple[float, float], ...]
    best_shift_m: tuple[float, float]
    cells: int
    cells_min: int
    crs: str = ""


@dataclass(frozen=True)
class AOO:
    """Area of occupancy on the fixed grid, its minimum over shifts, and the grid.

    Attributes
    ----------
    aoo_km2
        Occupied cells of the fixed grid × cell area, km².
    aoo_min_km2
        The same, minimised over the grid shifts, km².
    grid
        The grid and the cell counts.
    """

    aoo_km2: float
    aoo_min_km2: float
    grid: AOOGrid


@dataclass(frozen=True)
class EOO:
    """Extent of occurrence.

    Attributes
    ----------
    eoo_km2
        The EOO, km²: the hull area, raised to the AOO when smaller (IUCN rule).
    hull_km2
        Area of the convex hull, km² (0 for fewer than three points or collinear ones).
    raised_to_aoo
        True when the hull was smaller than the AOO and the EOO was set to the AOO.
    """

    eoo_km2: float
    hull_km2: float
    raised_to_aoo: bool


@dataclass(frozen=True)
class ThresholdGrade:
    """Which criterion B thresholds one value is under.

    Attributes
    ----------
    value_km2
        The EOO (B1) or AOO (B2), km².
    thresholds_km2
        Upper limits (exclusive) for CR, EN and VU, km².
    below
        Per category, whether the value is under its threshold.
    meets
        The most severe category whose threshold the value is under, or ``None``.
    """

    value_km2: float
    thresholds_km2: Mapping[str, float]
    below: Mapping[str, bool]
    meets: str | None


@dataclass(frozen=True)
class CriterionB:
    """Criterion B area thresholds met by the EOO (``b1``) and the AOO (``b2``).

    ``note`` says that area alone does not make a category.
    """

    b1: ThresholdGrade
    b2: ThresholdGrade
    note: str = CRITERION_B_NOTE

    def to_dict(self) -> dict[str, Any]:
        """As written to metrics.json: ``{"B1": …, "B2": …, "note": …}``."""
        from dataclasses import asdict

        return {"B1": asdict(self.b1), "B2": asdict(self.b2), "note": self.note}


def _polygonal(data: gpd.GeoSeries) -> bool:
    return bool(data.geom_type.isin(["Polygon", "MultiPolygon"]).all())


def _in_analysis_crs(data: gpd.GeoDataFrame | gpd.GeoSeries, crs: Any) -> gpd.GeoSeries:
    """The geometries in an equal-area CRS in metres (see :func:`crs.analysis_crs`)."""
    geoms = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    target = analysis_crs(geoms, crs=crs)
    return geoms if geoms.crs == target else geoms.to_crs(target)


def aoo_cells(
    data: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_m: float = AOO_CELL_M,
    origin_m: tuple[float, float] = (0.0, 0.0),
    crs: Any = None,
) -> gpd.GeoSeries:
    """Grid cells whose interior the geometries touch (points: the cells that hold them).

    Parameters
    ----------
    data
        Polygons or points with a CRS.
    cell_m
        Cell side in metres (IUCN: 2,000 m).
    origin_m
        A grid corner (x, y) in CRS metres; cells are ``[x0 + i·cell, x0 + (i+1)·cell)``.
    crs
        Equal-area CRS (metres) of the grid; default: the data's CRS when it is one, else a
        LAEA centred on the data.

    Returns
    -------
    GeoSeries
        The occupied cells as square polygons, in the grid's CRS.

    Raises
    ------
    CRSError
        If the data has no CRS or ``crs`` is not an equal-area CRS in metres.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> square = gpd.GeoSeries([shapely.box(1_000, 1_000, 3_000, 3_000)], crs=laea)
    >>> len(aoo_cells(square))
    4
    """
    geoms = _in_analysis_crs(data, crs)
    x0, y0 = origin_m
    if not _polygonal(geoms):  # points: the cells that hold them
        points = shapely.get_parts(shapely.union_all(geoms.values))
        ij = np.unique(
            np.floor((shapely.get_coordinates(points) - (x0, y0)) / cell_m), axis=0
        ).reshape(-1, 2)
        xs, ys = x0 + ij[:, 0] * cell_m, y0 + ij[:, 1] * cell_m
        return gpd.GeoSeries(shapely.box(xs, ys, xs + cell_m, ys + cell_m), crs=geoms.crs)
    geom = dissolve(geoms).iloc[0]
    if geom.is_empty:
        return gpd.GeoSeries([], crs=geoms.crs)
    minx, miny, maxx, maxy = geom.bounds
    i = np.arange(np.floor((minx - x0) / cell_m), np.ceil((maxx - x0) / cell_m) + 1)
    j = np.arange(np.floor((miny - y0) / cell_m), np.ceil((maxy - y0) / cell_m) + 1)
    ii, jj = np.meshgrid(i, j)
    xs, ys = x0 + ii.ravel() * cell_m, y0 + jj.ravel() * cell_m
    cells = shapely.box(xs, ys, xs + cell_m, ys + cell_m)
    shapely.prepare(geom)
    hit = shapely.intersects(geom, cells) & ~shapely.touches(geom, cells)
    return gpd.GeoSeries(cells[hit], crs=geoms.crs)


def aoo(
    data: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_m: float = AOO_CELL_M,
    shifts_m: Sequence[tuple[float, float]] = AOO_SHIFTS_M,
    crs: Any = None,
) -> AOO:
    """Area of occupancy on the fixed grid and its minimum over grid shifts.

    Parameters
    ----------
    data
        Polygons or points with a CRS.
    cell_m
        Cell side in metres (IUCN: 2,000 m).
    shifts_m
        Grid shifts (dx, dy) in metres tried for the minimum.
    crs
        Equal-area CRS (metres) of the grid, as for :func:`aoo_cells`.

    Returns
    -------
    AOO
        ``aoo_km2`` (grid with a corner at the CRS origin), ``aoo_min_km2`` (minimum over
        ``shifts_m``) and the ``grid`` (cell size, origin, shifts, best shift, cell counts).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> square = gpd.GeoSeries([shapely.box(1_000, 1_000, 3_000, 3_000)], crs=laea)
    >>> result = aoo(square)
    >>> result.aoo_km2, result.aoo_min_km2, result.grid.best_shift_m
    (16.0, 4.0, (1000.0, 1000.0))
    """
    geoms = _in_analysis_crs(data, crs)
    cell_km2 = cell_m * cell_m / M2_PER_KM2
    fixed = len(aoo_cells(geoms, cell_m=cell_m, origin_m=(0.0, 0.0)))
    counts = [len(aoo_cells(geoms, cell_m=cell_m, origin_m=s)) for s in shifts_m]
    best = int(np.argmin(counts)) if counts else 0
    cells_min = min([fixed, *counts])
    best_shift = shifts_m[best] if counts and counts[best] <= fixed else (0.0, 0.0)
    grid = AOOGrid(
        cell_km2=cell_km2,
        origin_m=(0.0, 0.0),
        shifts_m=tuple((float(dx), float(dy)) for dx, dy in shifts_m),
        best_shift_m=(float(best_shift[0]), float(best_shift[1])),
        cells=fixed,
        cells_min=cells_min,
        crs=crs_string(geoms.crs),
    )
    return AOO(aoo_km2=fixed * cell_km2, aoo_min_km2=cells_min * cell_km2, grid=grid)


def eoo(
    data: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    aoo_km2: float | None = None,
    method: str = "equal_area",
    crs: Any = None,
) -> EOO:
    """Extent of occurrence: area of the convex hull, raised to the AOO if smaller.

    Parameters
    ----------
    data
        Polygons or points with a CRS.
    aoo_km2
        AOO in km²; when given and the hull is smaller (few or collinear points, a tiny
        range), EOO := AOO as the IUCN Guidelines require.
    method
        Area method for the hull (see :func:`leopardrange.measure.area_km2`).
    crs
        Equal-area CRS (metres) to build the hull in, as for :func:`aoo_cells`.

    Returns
    -------
    EOO
        ``eoo_km2``, ``hull_km2`` and ``raised_to_aoo``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> corners = [shapely.Point(0, 0), shapely.Point(10_000, 0), shapely.Point(0, 10_000)]
    >>> eoo(gpd.GeoSeries(corners, crs=laea)).eoo_km2
    50.0
    >>> one = gpd.GeoSeries([shapely.Point(500, 500)], crs=laea)
    >>> eoo(one, aoo_km2=aoo(one).aoo_km2)
    EOO(eoo_km2=4.0, hull_km2=0.0, raised_to_aoo=True)
    """
    geoms = _in_analysis_crs(data, crs)
    geom = dissolve(geoms).iloc[0] if _polygonal(geoms) else shapely.union_all(geoms.values)
    hull = shapely.convex_hull(geom)
    hull_km2 = 0.0
    if hull.geom_type == "Polygon" and not hull.is_empty:
        hull_km2 = float(area_km2(gpd.GeoSeries([hull], crs=geoms.crs), method=method).iloc[0])
    if aoo_km2 is not None and aoo_km2 > hull_km2:
        return EOO(eoo_km2=float(aoo_km2), hull_km2=hull_km2, raised_to_aoo=True)
    return EOO(eoo_km2=hull_km2, hull_km2=hull_km2, raised_to_aoo=False)


def _grade(value_km2: float, thresholds: Mapping[str, float]) -> ThresholdGrade:
    below = {cat: value_km2 < limit for cat, limit in thresholds.items()}
    meets = next((cat for cat in ("CR", "EN", "VU") if below[cat]), None)
    return ThresholdGrade(
        value_km2=value_km2, thresholds_km2=dict(thresholds), below=below, meets=meets
    )


def criterion_b(*, eoo_km2: float, aoo_km2: float) -> CriterionB:
    """Which criterion B area thresholds the EOO (B1) and AOO (B2) meet.

    Parameters
    ----------
    eoo_km2, aoo_km2
        Extent of occurrence and area of occupancy, km².

    Returns
    -------
    CriterionB
        ``b1`` and ``b2``: value, thresholds, per-category ``below`` and ``meets`` (the most
        severe of CR/EN/VU whose threshold the value is under, or ``None``); and ``note``,
        saying that area alone does not make a category.

    Examples
    --------
    >>> b = criterion_b(eoo_km2=4_999.0, aoo_km2=2_000.0)
    >>> b.b1.meets, b.b2.meets
    ('EN', None)
    """
    return CriterionB(b1=_grade(eoo_km2, B1_THRESHOLDS_KM2), b2=_grade(aoo_km2, B2_THRESHOLDS_KM2))
