"""CRS policy: a CRS is mandatory, areas use an equal-area CRS, distances a metric one.

Three rules (see STYLE.md, "CRS and units policy"):

1. A layer without a CRS is an error, never silently EPSG:4326 (:func:`require_crs`).
2. Areas are computed in a Lambert azimuthal equal-area (LAEA) projection centred on the
   data (:func:`equal_area_crs`), or in EPSG:6933 for data spanning most of the globe.
3. Distances use a local metric CRS (UTM zone of the data, :func:`local_metric_crs`).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from leopardrange.errors import CRSError

__all__ = [
    "GLOBAL_EQUAL_AREA_CRS",
    "analysis_crs",
    "equal_area_crs",
    "is_equal_area",
    "local_metric_crs",
    "require_crs",
]

#: Global cylindrical equal-area CRS (WGS 84 / NSIDC EASE-Grid 2.0 Global), used when data
#: spans more than :data:`_MAX_LAEA_SPAN_DEG` degrees of longitude or latitude.
GLOBAL_EQUAL_AREA_CRS = CRS.from_epsg(6933)
_MAX_LAEA_SPAN_DEG = 120.0
_EQUAL_AREA_METHODS = (
    "equal area",
    "mollweide",
    "equal earth",
    "sinusoidal",
    "eckert iv",
    "eckert vi",
    "goode homolosine",
)


def require_crs(data: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "layer") -> CRS:
    """Return the CRS of ``data`` or raise if it has none.

    Parameters
    ----------
    data
        A GeoDataFrame or GeoSeries.
    name
        How to name the data in the error message, e.g. ``"layer 'park' of park.gpkg"``.

    Returns
    -------
    pyproj.CRS
        The data's CRS.

    Raises
    ------
    CRSError
        If the data has no CRS.
    """
    if data.crs is None:
        raise CRSError(
            f"{name} has no CRS; pass --assume-crs EPSG:4326 (or assume_crs=...) "
            "if you know it, or fix the file (e.g. add a .prj to a Shapefile)"
        )
    return CRS.from_user_input(data.crs)


def is_equal_area(crs: Any) -> bool:
    """Tell whether ``crs`` is a projected equal-area CRS (LAEA, Albers, Mollweide, …)."""
    crs = CRS.from_user_input(crs)
    if not crs.is_projected or crs.coordinate_operation is None:
        return False
    method = crs.coordinate_operation.method_name.lower()
    return any(key in method for key in _EQUAL_AREA_METHODS)


def _lonlat_bounds(data: gpd.GeoDataFrame | gpd.GeoSeries) -> tuple[float, float, float, float]:
    crs = require_crs(data)
    geo = data if crs.is_geographic else data.to_crs(crs.geodetic_crs)
    minx, miny, maxx, maxy = (float(v) for v in geo.total_bounds)
    return minx, miny, maxx, maxy


def equal_area_crs(data: gpd.GeoDataFrame | gpd.GeoSeries, *, decimals: int = 2) -> CRS:
    """Return an equal-area CRS suited to ``data``.

    A Lambert azimuthal equal-area projection on the WGS 84 ellipsoid centred on the middle of
    the data's longitude/latitude bounds (rounded to ``decimals`` so that the same region always
    gets the same CRS); EPSG:6933 when the data spans more than 120° of longitude or latitude.

    Parameters
    ----------
    data
        Data with a CRS.
    decimals
        Decimal places of the projection centre, in degrees.

    Returns
    -------
    pyproj.CRS
        A projected equal-area CRS with metre units.
    """
    minx, miny, maxx, maxy = _lonlat_bounds(data)
    if maxx - minx > _MAX_LAEA_SPAN_DEG or maxy - miny > _MAX_LAEA_SPAN_DEG:
        return GLOBAL_EQUAL_AREA_CRS
    lon_0 = round((minx + maxx) / 2.0, decimals)
    lat_0 = round((miny + maxy) / 2.0, decimals)
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat_0:g} +lon_0={lon_0:g} +x_0=0 +y_0=0 "
        "+datum=WGS84 +units=m +no_defs +type=crs"
    )


def _metre_units(crs: CRS) -> bool:
    axes = crs.axis_info
    return bool(axes) and all(abs(a.unit_conversion_factor - 1.0) < 1e-12 for a in axes[:2])


def analysis_crs(
    *data: gpd.GeoDataFrame | gpd.GeoSeries, crs: Any = None, name: str = "the data"
) -> CRS:
    """The equal-area CRS (metre units) to overlay and measure ``data`` in.

    Parameters
    ----------
    *data
        One or more frames, each with a CRS.
    crs
        A CRS to use instead (anything :class:`pyproj.CRS` accepts); it must be a projected
        equal-area CRS in metres.
    name
        How to name the data in messages.

    Returns
    -------
    pyproj.CRS
        ``crs`` when given; else the data's own CRS when every frame is in the same
        equal-area CRS in metres; else :func:`equal_area_crs` of all the data together.

    Raises
    ------
    CRSError
        If a frame has no CRS, or ``crs`` is not an equal-area CRS in metres.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> park = gpd.GeoSeries([shapely.box(130.5, 42.5, 131.5, 43.5)], crs=4326)
    >>> crs = analysis_crs(park)
    >>> crs.coordinate_operation.method_name
    'Lambert Azimuthal Equal Area'
    >>> [round(p.value, 2) for p in crs.coordinate_operation.params[:2]]
    [43.0, 131.0]
    """
    crss = [require_crs(d, name=name) for d in data]
    if crs is not None:
        try:
            chosen = CRS.from_user_input(crs)
        except Exception as exc:
            raise CRSError(f"{crs!r} is not a CRS ({exc})") from exc
        if not (is_equal_area(chosen) and _metre_units(chosen)):
            raise CRSError(
                f"{chosen.name!r} is not an equal-area CRS in metres; use e.g. a LAEA "
                "('+proj=laea +lat_0=.. +lon_0=..') or leave it out to get one centred on the data"
            )
        return chosen
    same = bool(crss) and all(c == crss[0] for c in crss)
    if same and is_equal_area(crss[0]) and _metre_units(crss[0]):
        return crss[0]
    geoms = [d.geometry if isinstance(d, gpd.GeoDataFrame) else d for d in data]
    lonlat = pd.concat([g.to_crs(4326) for g in geoms], ignore_index=True)
    return equal_area_crs(gpd.GeoSeries(lonlat, crs=4326))


def local_metric_crs(data: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """Return the UTM CRS (WGS 84) of the zone holding the data's centre, for distances in m."""
    require_crs(data)
    utm = data.estimate_utm_crs()
    return CRS.from_user_input(utm)
