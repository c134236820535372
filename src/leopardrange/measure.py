"""Areas in km², measured in an equal-area CRS or geodesically — never in degrees.

Two methods, which agree to well under 0.1 % on regional data (tested):

``"equal_area"``
    Project to an equal-area CRS (the input's own CRS when it already is one, else a LAEA
    centred on the data, see :func:`leopardrange.crs.equal_area_crs`) and take planar areas.
``"geodesic"``
    Areas on the ellipsoid of the data's CRS with :class:`pyproj.Geod` (Karney's algorithm);
    holes are subtracted and ring orientation does not matter; a polygon larger than a
    hemisphere is measured as itself, not as the rest of the globe.

Edges are densified in the input CRS before any reprojection, so an edge that is straight in
the input (a parallel in EPSG:4326, say) keeps its shape. A CRS in other units than metres (km,
US survey feet) is measured in metres all the same; data across the antimeridian or around a
pole are measured in a CRS centred on them (:func:`leopardrange.crs.equal_area_crs`).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod

from leopardrange._validate import check_geometry_kind, is_dissolved, polygonal_part
from leopardrange.crs import _segmentize, analysis_crs, in_metres, project, require_crs, unit_factor
from leopardrange.units import M2_PER_KM2

__all__ = ["AREA_METHODS", "AreaMethod", "area_km2", "densify", "reproject", "total_area_km2"]

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

    Examples
    --------
    A 1° x 0.5° box has 5 vertices; split into 0.01° edges it has 301:

    >>> import geopandas as gpd, shapely
    >>> box = gpd.GeoSeries([shapely.box(130, 43, 131, 43.5)], crs="EPSG:4326")
    >>> int(shapely.get_num_coordinates(densify(box).iloc[0]))
    301
    """
    crs = require_crs(data)
    step = MAX_SEGMENT_DEG if crs.is_geographic else MAX_SEGMENT_M * _metres_to_units(crs)
    values = _segmentize(data.values, step, crs, "the data")
    return gpd.GeoSeries(values, index=data.index, crs=data.crs)


def _metres_to_units(crs: CRS) -> float:
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return 1.0 / factor if factor else 1.0


def _normalise_method(method: str) -> AreaMethod:
    key = method.replace("-", "_").lower()
    if key not in AREA_METHODS:
        raise ValueError(f"unknown area method {method!r}; use one of: equal_area, geodesic")
    return key  # type: ignore[return-value]


#: Rows densified and projected at a time by :func:`reproject`: the temporary coordinate
#: arrays of a whole WDPA-sized layer would take gigabytes (measured in benchmarks/).
REPROJECT_ROWS = 10_000


_Frame = TypeVar("_Frame", gpd.GeoDataFrame, gpd.GeoSeries)


def reproject(data: _Frame, crs: Any) -> _Frame:
    """``data`` in ``crs`` with its edges densified first, so areas and shapes stay true.

    Edges are split with :func:`densify`, then projected with
    :func:`leopardrange.crs.project` (whole across the antimeridian), in chunks of rows;
    polygons the projection folded (a ring near the edge of the target CRS) are repaired,
    keeping their polygonal parts.

    Parameters
    ----------
    data
        A GeoDataFrame or GeoSeries with a CRS.
    crs
        The CRS to project to.

    Returns
    -------
    GeoDataFrame or GeoSeries
        ``data`` itself when already in ``crs``, else a reprojected copy (same index).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> square = gpd.GeoSeries([shapely.box(130, 42, 132, 44)], crs=4326)  # 2° × 2°
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> len(reproject(square, laea).iloc[0].exterior.coords) > 5  # its edges bend in LAEA
    True
    """
    from pyproj import CRS

    if data.crs is not None and CRS(data.crs) == CRS(crs):
        return data
    geoms = _as_geoseries(data)
    chunks = [
        project(densify(geoms.iloc[i : i + REPROJECT_ROWS]), crs)
        for i in range(0, max(len(geoms), 1), REPROJECT_ROWS)
    ]
    out = chunks[0] if len(chunks) == 1 else gpd.GeoSeries(pd.concat(chunks), crs=chunks[0].crs)
    values = out.values
    broken = ~(shapely.is_valid(values) | shapely.is_missing(values))
    if broken.any():
        out = out.copy()
        out[broken] = [polygonal_part(g) for g in shapely.make_valid(values[broken])]
    if isinstance(data, gpd.GeoDataFrame):
        return data.set_geometry(out.rename(data.geometry.name))
    return out


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
        it is equal-area, else a LAEA centred on the data. Any unit (metres, km, US feet).

    Returns
    -------
    pandas.Series
        Float areas in km² (≥ 0), named ``area_km2``, aligned to the input index; empty or
        missing geometries give 0.

    Raises
    ------
    CRSError
        If the data has no CRS, or ``crs`` is not an equal-area CRS.
    GeometryTypeError
        If a geometry is not a (Multi)Polygon.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> square = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000)], crs=laea)
    >>> float(area_km2(square).iloc[0])
    100.0
    >>> in_km = gpd.GeoSeries([shapely.box(0, 0, 50, 50)], crs=laea.replace("units=m", "units=km"))
    >>> float(area_km2(in_km).iloc[0])  # a 50 × 50 km square
    2500.0
    >>> world = gpd.GeoSeries([shapely.box(-179.9, -75, 179.9, 75)], crs=4326)
    >>> round(float(area_km2(world, method="geodesic").iloc[0]) / 1e6)  # million km²
    492
    """
    geoms = _as_geoseries(data)
    src_crs = require_crs(geoms, name="the data")
    check_geometry_kind(gpd.GeoDataFrame(geometry=geoms), kind="polygon", name="the data")
    chosen = _normalise_method(method)
    if chosen == "geodesic":
        values = _geodesic_m2(geoms, src_crs)
    else:
        target = analysis_crs(geoms, crs=crs, name="the data")
        if target == in_metres(src_crs):  # measured where the data are, in metres²
            values = geoms.area.to_numpy(dtype=float) * unit_factor(src_crs) ** 2
        else:
            values = project(densify(geoms), target).area.to_numpy(dtype=float)
    out = pd.Series(values / M2_PER_KM2, index=geoms.index, name="area_km2", dtype=float)
    return out.fillna(0.0)


def total_area_km2(data: gpd.GeoDataFrame | gpd.GeoSeries, *, method: str = "equal_area") -> float:
    """Area of the union of all polygons in km² (overlaps counted once).

    Parameters
    ----------
    data
        Polygons with a CRS.
    method
        ``"equal_area"`` (default) or ``"geodesic"``, as for :func:`area_km2`.

    Returns
    -------
    float
        Area in km².

    Examples
    --------
    Two 3 x 2 km rectangles sharing 2 km²: 6 + 6 - 2 = 10 km².

    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> two = gpd.GeoSeries([shapely.box(0, 0, 3000, 2000), shapely.box(2000, 0, 5000, 2000)],
    ...                     crs=laea)
    >>> float(area_km2(two).sum()), total_area_km2(two)
    (12.0, 10.0)
    """
    geoms = _as_geoseries(data)
    values = geoms.values
    if len(values) == 1 and is_dissolved(values[0]):
        union = geoms  # a union would cost far more than the validity check
    else:
        union = gpd.GeoSeries([shapely.union_all(values)], crs=geoms.crs)
    return float(area_km2(union, method=method).iloc[0])


def _geodesic_m2(geoms: gpd.GeoSeries, crs: CRS) -> np.ndarray:
    """Geodesic areas in m² on the CRS's ellipsoid, for rings of any size and orientation.

    Each ring is oriented counter-clockwise in the data's own plane (so that its inside is on
    its left, whatever way it was drawn), densified there, and measured with Karney's
    algorithm, which gives the area to the left of the ring modulo the ellipsoid's area: a
    negative result is a ring holding more than half of the globe.
    """
    ellipsoid = crs.ellipsoid
    geod = (
        Geod(a=ellipsoid.semi_major_metre, b=ellipsoid.semi_minor_metre)
        if ellipsoid is not None
        else Geod(ellps="WGS84")
    )
    total_m2 = _ellipsoid_area_m2(geod)
    oriented = gpd.GeoSeries(
        shapely.orient_polygons(geoms.values, exterior_cw=_flips(crs, geoms)), index=geoms.index,
        crs=geoms.crs,
    )  # fmt: skip
    lonlat = densify(oriented)
    if not crs.is_geographic:
        lonlat = lonlat.to_crs(crs.geodetic_crs)
    return np.array([_geodesic_polygon_m2(geod, g, total_m2) for g in lonlat.values], dtype=float)


def _flips(crs: CRS, geoms: gpd.GeoSeries) -> bool:
    """Whether the data's plane is a mirror image of the ground where the data are.

    Tested, not read from the axis names (a polar stereographic's axes both point "south"):
    a small triangle going east then north turns counter-clockwise on the ground, and must
    turn the same way in the CRS.
    """
    if crs.is_geographic:
        return False
    from pyproj import Transformer

    coords = shapely.get_coordinates(geoms.values)
    if not len(coords):
        return False
    geodetic = crs.geodetic_crs if crs.geodetic_crs is not None else CRS.from_epsg(4326)
    lon, lat = Transformer.from_crs(crs, geodetic, always_xy=True).transform(*coords[0])
    lat = min(max(float(lat), -89.0), 89.0)
    xs, ys = Transformer.from_crs(geodetic, crs, always_xy=True).transform(
        [lon, lon + 0.01, lon], [lat, lat, lat + 0.01]
    )
    turn = (xs[1] - xs[0]) * (ys[2] - ys[0]) - (ys[1] - ys[0]) * (xs[2] - xs[0])
    return bool(turn < 0)


def _ellipsoid_area_m2(geod: Geod) -> float:
    """Surface area of the ellipsoid, in m²."""
    a, b = geod.a, geod.b
    if abs(a - b) < 1e-9:
        return 4.0 * np.pi * a * a
    e = np.sqrt(1.0 - (b / a) ** 2)
    return float(2.0 * np.pi * a * a + np.pi * b * b / e * np.log((1.0 + e) / (1.0 - e)))


def _ring_m2(geod: Geod, ring: shapely.LinearRing, total_m2: float) -> float:
    """Area to the left of the ring (counter-clockwise: its inside), in m²."""
    coords = np.asarray(ring.coords)
    if len(coords) < 4:
        return 0.0
    area_m2, _ = geod.polygon_area_perimeter(coords[:, 0], coords[:, 1])
    area_m2 = float(area_m2)
    if area_m2 < 0.0:
        # more than half the globe, or noise on a ring with (almost) no area
        area_m2 = area_m2 + total_m2 if -area_m2 > total_m2 * 1e-9 else 0.0
    return area_m2


def _geodesic_polygon_m2(geod: Geod, geom: shapely.Geometry | None, total_m2: float) -> float:
    if geom is None or geom.is_empty:
        return 0.0
    total = 0.0
    for part in shapely.get_parts(geom):
        total += _ring_m2(geod, part.exterior, total_m2)
        # holes are clockwise after orienting: measure them counter-clockwise
        total -= sum(
            _ring_m2(geod, shapely.LinearRing(h.coords[::-1]), total_m2) for h in part.interiors
        )
    return max(total, 0.0)
