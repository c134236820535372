"""Areas in km², measured in an equal-area CRS or geodesically — never in degrees.

Two methods, which agree to well under 0.1 % on regional data (tested):

``"equal_area"``
    Project to an equal-area CRS (the input's own CRS when it already is one, else a LAEA
    centred on the data, see :func:`leopardrange.crs.equal_area_crs`) and take planar areas.
``"geodesic"``
    Areas on the ellipsoid of the data's CRS with :class:`pyproj.Geod` (Karney's algorithm);
    holes are subtracted and ring orientation does not matter.

Edges are densified in the input CRS before any reprojection, so an edge that is straight in
the input (a parallel in EPSG:4326, say) keeps its shape.
"""

from __future__ import annotations

from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod

from leopardrange._validate import check_geometry_kind
from leopardrange.crs import equal_area_crs, is_equal_area, require_crs
from leopardrange.units import M2_PER_KM2

__all__ = ["AREA_METHODS", "AreaMethod", "area_km2", "densify", "total_area_km2"]

AreaMethod = Literal["equal_area", "geodesic"]
AREA_METHODS: tuple[str, ...] = ("equal_area", "geodesic")

#: Longest edge kept before reprojection: 0.01° in geographic CRSs, 1 km in projected ones.
MAX_SEGMENT_DEG = 0.01
MAX_SEGMENT_M = 1_000.0


def _as_geoseries(data: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    return data.geometry if isinstance(data, gpd.GeoDataFrame) else data


def densify(data: gpd.GeoSeries) -> gpd.GeoSeries:
    """Insert vertices so that no edge is longer than 0.01° (geographic) or 1 km (projected).

    Parameters
    ----------
    data
        Geometries with a CRS.

    Returns
    -------
    GeoSeries
        Same index and CRS, edges split where longer than the limit.
    """
    crs = require_crs(data)
    step = MAX_SEGMENT_DEG if crs.is_geographic else MAX_SEGMENT_M * _metres_to_units(crs)
    return gpd.GeoSeries(shapely.segmentize(data.values, step), index=data.index, crs=data.crs)


def _metres_to_units(crs: CRS) -> float:
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return 1.0 / factor if factor else 1.0


def _normalise_method(method: str) -> AreaMethod:
    key = method.replace("-", "_").lower()
    if key not in AREA_METHODS:
        raise ValueError(f"unknown area method {method!r}; use one of: equal_area, geodesic")
    return key  # type: ignore[return-value]


def area_km2(
    data: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    method: str = "equal_area",
    crs: Any = None,
) -> pd.Series:
    """Area of each polygon in square kilometres.

    Parameters
    ----------
    data
        Polygons with a CRS (points and lines have zero area and are an error here).
    method
        ``"equal_area"`` (default; ``"equal-area"`` also accepted) or ``"geodesic"``.
    crs
        Equal-area CRS to measure in with ``method="equal_area"``; default: the input CRS when
        it is equal-area, else a LAEA centred on the data.

    Returns
    -------
    pandas.Series
        Float areas in km² (≥ 0), named ``area_km2``, aligned to the input index; empty or
        missing geometries give 0.

    Raises
    ------
    CRSError
        If the data has no CRS.
    GeometryTypeError
        If a geometry is not a (Multi)Polygon.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> square = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000)], crs=laea)
    >>> float(area_km2(square).iloc[0])
    100.0
    """
    geoms = _as_geoseries(data)
    src_crs = require_crs(geoms, name="the data")
    check_geometry_kind(gpd.GeoDataFrame(geometry=geoms), kind="polygon", name="the data")
    chosen = _normalise_method(method)
    if chosen == "geodesic":
        values = _geodesic_m2(geoms, src_crs)
    else:
        target = CRS.from_user_input(crs) if crs is not None else None
        if target is None:
            target = src_crs if is_equal_area(src_crs) else equal_area_crs(geoms)
        projected = geoms if target == src_crs else densify(geoms).to_crs(target)
        values = projected.area.to_numpy(dtype=float)
    out = pd.Series(values / M2_PER_KM2, index=geoms.index, name="area_km2", dtype=float)
    return out.fillna(0.0)


def total_area_km2(data: gpd.GeoDataFrame | gpd.GeoSeries, *, method: str = "equal_area") -> float:
    """Area of the union of all polygons in km² (overlaps counted once)."""
    geoms = _as_geoseries(data)
    union = gpd.GeoSeries([shapely.union_all(geoms.values)], crs=geoms.crs)
    return float(area_km2(union, method=method).iloc[0])


def _geodesic_m2(geoms: gpd.GeoSeries, crs: CRS) -> np.ndarray:
    ellipsoid = crs.ellipsoid
    geod = (
        Geod(a=ellipsoid.semi_major_metre, b=ellipsoid.semi_minor_metre)
        if ellipsoid is not None
        else Geod(ellps="WGS84")
    )
    lonlat = densify(geoms).to_crs(crs.geodetic_crs) if not crs.is_geographic else densify(geoms)
    return np.array([_geodesic_polygon_m2(geod, g) for g in lonlat.values], dtype=float)


def _ring_m2(geod: Geod, ring: shapely.LinearRing) -> float:
    coords = np.asarray(ring.coords)
    if len(coords) < 4:
        return 0.0
    area_m2, _ = geod.polygon_area_perimeter(coords[:, 0], coords[:, 1])
    return abs(float(area_m2))


def _geodesic_polygon_m2(geod: Geod, geom: shapely.Geometry | None) -> float:
    if geom is None or geom.is_empty:
        return 0.0
    total = 0.0
    for part in shapely.get_parts(geom):
        total += _ring_m2(geod, part.exterior)
        total -= sum(_ring_m2(geod, hole) for hole in part.interiors)
    return total
