"""CRS policy: a CRS is mandatory, areas use an equal-area CRS, distances a metric one.

Three rules (see STYLE.md, "CRS and units policy"):

1. A layer without a CRS is an error, never silently EPSG:4326 (:func:`require_crs`).
2. Areas are computed in a Lambert azimuthal equal-area (LAEA) projection centred on the
   data as they lie on the globe — across the antimeridian, around a pole — or in a world
   equal-area CRS for data spanning most of it (:func:`equal_area_crs`), always in metres
   (a CRS in km or feet is used in metres, :func:`in_metres`); :func:`project` keeps
   geometries across the antimeridian whole.
3. Distances use a local metric CRS (UTM zone of the data, :func:`local_metric_crs`).
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any, Literal

from pyproj import CRS

from leopardrange.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "GLOBAL_EQUAL_AREA_CRS",
    "analysis_crs",
    "central_meridian",
    "crs_label",
    "crs_string",
    "equal_area_crs",
    "format_lat",
    "format_lon",
    "in_metres",
    "is_equal_area",
    "local_metric_crs",
    "longitude_extent",
    "lonlat_points",
    "named_crs",
    "project",
    "require_crs",
    "unit_factor",
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

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> require_crs(gpd.GeoSeries([shapely.Point(131, 43)], crs="EPSG:4326")).name
    'WGS 84'
    >>> require_crs(gpd.GeoSeries([shapely.Point(131, 43)]), name="layer 'dens'")
    Traceback (most recent call last):
    ...
    leopardrange.errors.CRSError: layer 'dens' has no CRS; pass --assume-crs EPSG:4326 ...
    """
    if data.crs is None:
        raise CRSError(
            f"{name} has no CRS; pass --assume-crs EPSG:4326 (or assume_crs=...) "
            "if you know it, or fix the file (e.g. add a .prj to a Shapefile)"
        )
    return CRS.from_user_input(data.crs)


def is_equal_area(crs: Any) -> bool:
    """Tell whether ``crs`` is a projected equal-area CRS (LAEA, Albers, Mollweide, …).

    Examples
    --------
    >>> is_equal_area("EPSG:3035"), is_equal_area("EPSG:32652"), is_equal_area("EPSG:4326")
    (True, False, False)
    """
    crs = CRS.from_user_input(crs)
    if not crs.is_projected or crs.coordinate_operation is None:
        return False
    method = crs.coordinate_operation.method_name.lower()
    return any(key in method for key in _EQUAL_AREA_METHODS)


#: Longest edge between the points :func:`equal_area_crs` looks at: 1° or 100 km.
_SAMPLE_STEP_DEG = 1.0
_SAMPLE_STEP_M = 100_000.0
_MAX_SAMPLE_POINTS = 200_000
#: A gap in longitude at least this wide can hold the seam of a world projection.
_MIN_SEAM_GAP_DEG = 2.0


def _geoseries(data: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    import geopandas

    return data.geometry if isinstance(data, geopandas.GeoDataFrame) else data


def unit_factor(crs: Any) -> float:
    """Metres per unit of a projected CRS's axes (1 for metres, 1000 for km, 0.3048… for US ft).

    Examples
    --------
    >>> unit_factor("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=km")
    1000.0
    >>> round(unit_factor("EPSG:2227"), 6)  # California zone 3, US survey feet
    0.304801
    """
    crs = _as_crs(crs)
    axes = crs.axis_info
    return float(axes[0].unit_conversion_factor) if axes else 1.0


def in_metres(crs: Any) -> CRS:
    """The same projected CRS with its axes in metres (itself when they already are).

    Examples
    --------
    >>> in_metres("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=km").axis_info[0].unit_name
    'metre'
    """
    chosen: CRS = _as_crs(crs)
    if not chosen.is_projected or _metre_units(chosen):
        return chosen
    from pyproj.crs import ProjectedCRS
    from pyproj.crs.coordinate_system import Cartesian2DCS

    source = chosen.source_crs if chosen.is_bound and chosen.source_crs is not None else chosen
    return ProjectedCRS(
        conversion=source.coordinate_operation,
        geodetic_crs=source.geodetic_crs,
        cartesian_cs=Cartesian2DCS(),
        name=f"{_named(source.name) or _describe(source)} (metres)",
    )


def lonlat_points(
    data: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str = "the data"
) -> tuple[Any, Any, Any]:
    """Longitudes and latitudes (degrees) of points along the data's edges, and their rows.

    Edges are first split to at most 1° (geographic CRSs, where an edge is straight in
    longitude and latitude) or 100 km (projected ones), so the points follow the data's
    outline; at most 200,000 points are returned, evenly spread.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Longitudes in [-180, 180), latitudes, and the position (0…n−1) of each point's row.

    Raises
    ------
    CRSError
        If the data has no CRS, or a feature has coordinates without a longitude and latitude
        in its CRS (the message names the feature).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> lon, lat, rows = lonlat_points(gpd.GeoSeries([shapely.box(170, 0, 190, 1)], crs=4326))
    >>> float(lon.min()), float(lon.max()), int(rows.max())
    (-180.0, 179.0, 0)
    """
    import numpy as np
    import shapely
    from pyproj import Transformer

    geoms = _geoseries(data)
    crs = require_crs(geoms, name=name)
    step = _SAMPLE_STEP_DEG if crs.is_geographic else _SAMPLE_STEP_M / unit_factor(crs)
    coords, rows = shapely.get_coordinates(
        _segmentize(geoms.values, step, crs, name), return_index=True
    )
    if len(coords) > _MAX_SAMPLE_POINTS:
        keep = np.linspace(0, len(coords) - 1, _MAX_SAMPLE_POINTS).astype(int)
        coords, rows = coords[keep], rows[keep]
    if crs.is_geographic:
        lon, lat = coords[:, 0], coords[:, 1]
    else:
        geodetic = crs.geodetic_crs if crs.geodetic_crs is not None else CRS.from_epsg(4326)
        to_lonlat = Transformer.from_crs(crs, geodetic, always_xy=True)
        with np.errstate(all="ignore"):
            lon, lat = (np.asarray(v) for v in to_lonlat.transform(coords[:, 0], coords[:, 1]))
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0 + 1e-6))
    if bad.any():
        i = int(np.argmax(bad))
        raise CRSError(
            f"{name} has a point without a longitude and latitude in its CRS "
            f"({crs_label(crs)}): feature {geoms.index[rows[i]]}, x = {coords[i, 0]:g}, "
            f"y = {coords[i, 1]:g}; are x and y swapped, or is the CRS wrong?"
        )
    lon = (lon + 180.0) % 360.0 - 180.0
    return lon, np.clip(lat, -90.0, 90.0), rows


#: Most vertices splitting long edges may add before reprojection (far more means coordinates
#: far beyond the CRS's extent, which would fill memory).
MAX_SEGMENTIZE_VERTICES = 50_000_000


def _segmentize(values: Any, step: float, crs: CRS, name: str) -> Any:
    """``shapely.segmentize``, or a CRSError when the coordinates are far too large for it."""
    import numpy as np
    import shapely

    added = float(np.nansum(shapely.length(values))) / step
    if not added <= MAX_SEGMENTIZE_VERTICES:  # NaN and inf too
        raise CRSError(
            f"{name} has edges {added * step:.3g} CRS units long in all, far beyond the "
            f"extent of its CRS ({crs_label(crs)}); is the CRS right?"
        )
    try:
        return shapely.segmentize(values, step)
    except shapely.errors.GEOSException as exc:
        raise CRSError(
            f"{name} has coordinates far beyond the extent of its CRS ({crs_label(crs)}): "
            f"{exc}; is the CRS right?"
        ) from exc


def longitude_extent(lon: Any) -> tuple[float, float, float]:
    """The shortest arc of longitude holding every longitude given, and the widest gap.

    Returns
    -------
    (float, float, float)
        ``west``, ``east`` (``east > 180`` when the arc crosses the antimeridian) and the
        width of the widest gap between the data's longitudes, all in degrees.

    Examples
    --------
    >>> longitude_extent([130.0, 135.0])
    (130.0, 135.0, 355.0)
    >>> longitude_extent([170.0, 179.0, -180.0, -170.0])  # across the antimeridian
    (170.0, 190.0, 340.0)
    """
    import numpy as np

    values = np.unique(np.asarray(lon, dtype=float))
    if values.size == 1:
        return float(values[0]), float(values[0]), 360.0
    gaps = np.diff(values)
    wrap_gap = values[0] + 360.0 - values[-1]
    k = int(np.argmax(gaps))
    if wrap_gap >= gaps[k]:  # the data do not cross the antimeridian
        return float(values[0]), float(values[-1]), float(wrap_gap)
    return float(values[k + 1]), float(values[k] + 360.0), float(gaps[k])


def _holds_pole(data: gpd.GeoDataFrame | gpd.GeoSeries) -> float | None:
    """±90 when a geometry of the data holds (or touches) a pole, else ``None``."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    crs = require_crs(data)
    geoms = _geoseries(data).values
    for pole in (90.0, -90.0):
        if crs.is_geographic:
            at_pole: Any = shapely.LineString([(-540.0, pole), (540.0, pole)])
        else:
            geodetic = crs.geodetic_crs if crs.geodetic_crs is not None else CRS.from_epsg(4326)
            with np.errstate(all="ignore"):
                x, y = Transformer.from_crs(geodetic, crs, always_xy=True).transform(0.0, pole)
            if not (np.isfinite(x) and np.isfinite(y)):
                continue
            at_pole = shapely.Point(x, y)
        if shapely.intersects(geoms, at_pole).any():
            return pole
    return None


def _laea(lat_0: float, lon_0: float) -> CRS:
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat_0:g} +lon_0={lon_0:g} +x_0=0 +y_0=0 "
        "+datum=WGS84 +units=m +no_defs +type=crs"
    )


def equal_area_crs(data: gpd.GeoDataFrame | gpd.GeoSeries, *, decimals: int = 2) -> CRS:
    """Return an equal-area CRS suited to ``data``, chosen from where the data lie on the globe.

    A Lambert azimuthal equal-area (LAEA) projection on the WGS 84 ellipsoid centred on the
    data: on the middle of the shortest arc of longitude holding them (so data across the
    antimeridian are centred on it, not on the other side of the globe) and of their
    latitudes; on the pole when the data hold a pole or go all around one. Data spanning
    more than 120° (or reaching more than 120° from the pole) get a world cylindrical
    equal-area CRS (EPSG:6933), with its seam moved into the widest gap of the data's
    longitudes when that gap is not at the antimeridian. The centre is rounded to
    ``decimals`` so that the same region always gets the same CRS.

    Parameters
    ----------
    data
        Data with a CRS (any; the data are never reprojected to choose).
    decimals
        Decimal places of the projection centre, in degrees.

    Returns
    -------
    pyproj.CRS
        A projected equal-area CRS with metre units.

    Raises
    ------
    CRSError
        If the data have no CRS or no longitude and latitude (see :func:`lonlat_points`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pacific = gpd.GeoSeries([shapely.box(170, 34, 180, 36), shapely.box(-180, 34, -170, 36)],
    ...                         crs=4326)
    >>> crs_string(equal_area_crs(pacific), fallback="proj4")
    '+proj=laea +lat_0=35 +lon_0=180 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs'
    >>> arctic = gpd.GeoSeries([shapely.Point(0, 0).buffer(1_000_000)], crs="EPSG:3413")
    >>> crs_string(equal_area_crs(arctic), fallback="proj4")
    '+proj=laea +lat_0=90 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs'
    """
    return _equal_area_crs_of([data], decimals=decimals)


def _equal_area_crs_of(
    frames: list[gpd.GeoDataFrame | gpd.GeoSeries], *, decimals: int, name: str = "the data"
) -> CRS:
    import numpy as np

    points = [lonlat_points(frame, name=name) for frame in frames]
    lon = np.concatenate([p[0] for p in points])
    lat = np.concatenate([p[1] for p in points])
    if not len(lon):
        raise CRSError(f"{name} have no coordinates to choose an equal-area CRS from")
    west, east, gap = longitude_extent(lon)
    pole = next((p for f in frames if (p := _holds_pole(f)) is not None), None)
    if pole is None and gap < 180.0 and ((lat > 0).all() or (lat < 0).all()):
        pole = 90.0 if lat[0] > 0 else -90.0  # all around a pole
    if pole is not None:
        reach = 90.0 - float((lat * (pole / 90.0)).min())
        if reach <= _MAX_LAEA_SPAN_DEG:
            return _laea(pole, 0.0)
    elif east - west <= _MAX_LAEA_SPAN_DEG and float(lat.max() - lat.min()) <= _MAX_LAEA_SPAN_DEG:
        lon_0 = round(((west + east) / 2.0 + 180.0) % 360.0 - 180.0, decimals)
        lat_0 = round(float(lat.min() + lat.max()) / 2.0, decimals)
        return _laea(lat_0, 180.0 if lon_0 == -180.0 else lon_0)
    if gap < _MIN_SEAM_GAP_DEG or east <= 180.0:
        return GLOBAL_EQUAL_AREA_CRS
    lon_0 = round(((west + east) / 2.0 + 180.0) % 360.0 - 180.0, decimals)
    return CRS.from_proj4(
        f"+proj=cea +lat_ts=30 +lon_0={lon_0:g} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs "
        "+type=crs"
    )


def _metre_units(crs: CRS) -> bool:
    axes = crs.axis_info
    return bool(axes) and all(abs(a.unit_conversion_factor - 1.0) < 1e-12 for a in axes[:2])


def central_meridian(crs: Any) -> float:
    """The longitude a projected CRS is centred on (0 when it names none), in degrees.

    Examples
    --------
    >>> central_meridian("+proj=laea +lat_0=35 +lon_0=180 +datum=WGS84")
    180.0
    >>> central_meridian("EPSG:4326")
    0.0
    """
    crs = _as_crs(crs)
    op = crs.coordinate_operation
    if not crs.is_projected or op is None:
        return 0.0
    for param in op.params:
        key = param.name.lower()
        if key.startswith("longitude of") and ("origin" in key or "centre" in key):
            return float(param.value)
    return 0.0


def project(data: Any, crs: Any) -> Any:
    """Reproject ``data`` to ``crs``, keeping geometries that cross the antimeridian whole.

    Edges longer than 1° (longitude/latitude data) or 100 km (projected data) are split first,
    so that a long edge — along a parallel around a pole, across a continent — keeps its shape
    (shorter edges, and so most data, are left exactly as they are). Longitude and latitude
    data that cross the antimeridian — as parts split at ±180° (the GeoJSON way) or as
    longitudes beyond 180° — are then shifted by 360° into the 360° around the target's
    central meridian, so their parts meet again in the target CRS: a range from 170°E to
    170°W is one patch, not two at the two ends of the world.

    Parameters
    ----------
    data
        A GeoDataFrame or GeoSeries with a CRS.
    crs
        The CRS to project to.

    Returns
    -------
    GeoDataFrame or GeoSeries
        ``data`` itself when already in ``crs``, else a reprojected copy.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> halves = gpd.GeoSeries([shapely.box(170, 34, 180, 36), shapely.box(-180, 34, -170, 36)],
    ...                        crs=4326)
    >>> laea = "+proj=laea +lat_0=35 +lon_0=180 +datum=WGS84 +units=m"
    >>> shapely.union_all(project(halves, laea).values).geom_type
    'Polygon'
    """
    import numpy as np
    import shapely

    source = require_crs(data)
    target = _as_crs(crs)
    if source == target:
        return data
    step = _SAMPLE_STEP_DEG if source.is_geographic else _SAMPLE_STEP_M / unit_factor(source)
    geoms = _geoseries(data)
    values = _segmentize(geoms.values, step, source, "the data")
    if source.is_geographic:
        lon_0 = central_meridian(target)
        lo, hi = lon_0 - 180.0, lon_0 + 180.0
        x = shapely.get_coordinates(values)[:, 0]
        if len(x) and (x.min() < lo - 1e-9 or x.max() > hi + 1e-9):

            def wrap(xy: Any) -> Any:
                out = xy.copy()
                out[:, 0] = np.where(
                    out[:, 0] < lo, out[:, 0] + 360.0 * np.ceil((lo - out[:, 0]) / 360.0), out[:, 0]
                )
                out[:, 0] = np.where(
                    out[:, 0] > hi, out[:, 0] - 360.0 * np.ceil((out[:, 0] - hi) / 360.0), out[:, 0]
                )
                return out

            values = shapely.transform(values, wrap)
    import geopandas

    series = geopandas.GeoSeries(values, index=data.index, crs=data.crs)
    if isinstance(data, geopandas.GeoDataFrame):
        data = data.copy()
        data[data.geometry.name] = series
    else:
        data = series.rename(data.name)
    return data.to_crs(target)


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
        equal-area CRS. One in other units than metres (km, US feet) is used in metres.
    name
        How to name the data in messages.

    Returns
    -------
    pyproj.CRS
        ``crs`` when given; else the data's own CRS when every frame is in the same
        equal-area CRS; else :func:`equal_area_crs` of all the data together. Always in
        metres.

    Raises
    ------
    CRSError
        If a frame has no CRS, or ``crs`` is not an equal-area CRS.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> park = gpd.GeoSeries([shapely.box(130.5, 42.5, 131.5, 43.5)], crs=4326)
    >>> crs = analysis_crs(park)
    >>> crs.coordinate_operation.method_name
    'Lambert Azimuthal Equal Area'
    >>> [round(p.value, 2) for p in crs.coordinate_operation.params[:2]]
    [43.0, 131.0]
    >>> analysis_crs(park, crs="+proj=laea +lat_0=43 +lon_0=131 +units=km").axis_info[0].unit_name
    'metre'
    """
    crss = [require_crs(d, name=name) for d in data]
    if crs is not None:
        try:
            chosen = CRS.from_user_input(crs)
        except Exception as exc:
            raise CRSError(f"{crs!r} is not a CRS ({exc})") from exc
        if not is_equal_area(chosen):
            raise CRSError(
                f"{crs_label(chosen)} is not an equal-area CRS; use e.g. a LAEA "
                "('+proj=laea +lat_0=.. +lon_0=..') or leave it out to get one centred on the data"
            )
        return in_metres(chosen)
    same = bool(crss) and all(c == crss[0] for c in crss)
    if same and is_equal_area(crss[0]):
        return in_metres(crss[0])
    return _equal_area_crs_of(list(data), decimals=2, name=name)


def local_metric_crs(data: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """Return the UTM CRS (WGS 84) of the zone holding the data's centre, for distances in m.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> local_metric_crs(datasets.load("park")).name
    'WGS 84 / UTM zone 52N'
    """
    require_crs(data)
    utm = data.estimate_utm_crs()
    return CRS.from_user_input(utm)


# ----------------------------------------------------------------------------- naming CRSs
#: Short names of common projection methods (PROJ/EPSG method names, lower case).
_METHOD_NAMES = {
    "lambert azimuthal equal area": "LAEA",
    "lambert azimuthal equal area (spherical)": "LAEA",
    "albers equal area": "Albers",
    "lambert conic conformal (1sp)": "LCC",
    "lambert conic conformal (2sp)": "LCC",
    "lambert cylindrical equal area": "Cylindrical equal-area",
    "lambert cylindrical equal area (spherical)": "Cylindrical equal-area",
    "popular visualisation pseudo mercator": "Web Mercator",
    "mercator (variant a)": "Mercator",
    "mercator (variant b)": "Mercator",
    "equidistant cylindrical": "Equirectangular",
    "azimuthal equidistant": "AEQD",
    "modified azimuthal equidistant": "AEQD",
    "polar stereographic (variant a)": "Polar stereographic",
    "polar stereographic (variant b)": "Polar stereographic",
    "oblique stereographic": "Stereographic",
}
_AZIMUTHAL = ("azimuthal", "stereographic", "orthographic", "gnomonic")
_NO_NAME = ("", "unknown", "undefined", "unnamed", "custom")
_UTM_ZONE = re.compile(r"^UTM zone \d{1,2}[NS]$")


def format_lon(lon: float) -> str:
    """Format a longitude in degrees and minutes, e.g. "131°E", "130°30′E", "0°" or "180°".

    Examples
    --------
    >>> format_lon(131.5), format_lon(-0.25), format_lon(540.0)
    ('131°30′E', '0°15′W', '180°')
    """
    lon = (lon + 180.0) % 360.0 - 180.0 if abs(lon) > 180.0 else lon
    return _format_deg(lon, "E", "W", bare=(0.0, 180.0))


def format_lat(lat: float) -> str:
    """Format a latitude in degrees and minutes, e.g. "43°N", "42°30′N" or "0°".

    Examples
    --------
    >>> format_lat(43.25), format_lat(-33.5), format_lat(0.0)
    ('43°15′N', '33°30′S', '0°')
    """
    return _format_deg(lat, "N", "S", bare=(0.0,))


def _format_deg(value: float, positive: str, negative: str, *, bare: tuple[float, ...]) -> str:
    minutes_total = round(abs(value) * 60.0)
    degrees, minutes = divmod(minutes_total, 60)
    text = f"{degrees}°" + (f"{minutes:02d}′" if minutes else "")
    if minutes_total / 60.0 in bare:
        return text
    return text + (positive if value > 0 else negative)


def _as_crs(crs: Any) -> CRS:
    """A :class:`pyproj.CRS` from anything it accepts (rasterio CRSs too); else CRSError."""
    if isinstance(crs, CRS):
        return crs
    try:
        return CRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
    except Exception as exc:
        raise CRSError(
            f"{crs!r} is not a CRS; give an EPSG code such as 'EPSG:4326', a PROJ string or WKT"
        ) from exc


def _named(name: str | None) -> str | None:
    """The name, unless it says nothing ("unknown", "unnamed", …)."""
    text = (name or "").strip()
    return None if text.lower() in _NO_NAME or text.lower().startswith("unknown") else text


def _datum_note(crs: CRS) -> str | None:
    """The datum (or ellipsoid) when it is not WGS 84, which a label leaves unsaid."""
    datum = crs.datum.name if crs.datum is not None else ""
    if datum.startswith("World Geodetic System 1984"):
        return None
    found = re.match(r"^Unknown based on (.+?)(?: ellipsoid)?(?: using .*)?$", datum)
    if found:
        ellipsoid = found.group(1)
        return None if ellipsoid in ("WGS 84", "WGS84") else f"{ellipsoid} ellipsoid"
    return _named(datum)


def _projection(crs: CRS) -> str:
    """Method and centre of a projected CRS: "LAEA 43°N 131°E", "UTM zone 52N", …."""
    op = crs.coordinate_operation
    if op is None:
        return "projected"
    method = op.method_name
    if _UTM_ZONE.match(op.name or ""):
        parts = [op.name]
    else:
        parts = [_METHOD_NAMES.get(method.lower(), method)]
        params = {p.name.lower(): float(p.value) for p in op.params}
        lat = next(
            (
                v
                for k, v in params.items()
                if re.match(r"latitude of (natural|false|projection) (origin|centre)", k)
            ),
            None,
        )
        lon = next((v for k, v in params.items() if k.startswith("longitude of")), None)
        if lat is not None and (lat != 0.0 or any(w in method.lower() for w in _AZIMUTHAL)):
            parts.append(format_lat(lat))
        if lon is not None:
            parts.append(format_lon(lon))
        parallels = [format_lat(v) for k, v in params.items() if "standard parallel" in k]
        if parallels:
            noun = "parallel" if len(parallels) == 1 else "parallels"
            parts[-1] += f", {noun} {' and '.join(parallels)}"
    text = " ".join(parts)
    unit = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    notes = [n for n in (_datum_note(crs), None if unit in ("metre", "meter") else unit) if n]
    return ", ".join([text, *notes])


def _describe(crs: CRS) -> str:
    """What a CRS without an authority code is, from its definition."""
    if crs.is_bound and crs.source_crs is not None:
        return _describe(crs.source_crs)
    if crs.is_compound:
        return " + ".join(crs_label(sub) for sub in crs.sub_crs_list)
    if crs.is_projected:
        return _projection(crs)
    if crs.is_geographic:
        return ", ".join(["longitude/latitude", _datum_note(crs) or "WGS 84"])
    return crs.type_name


def crs_label(crs: Any) -> str:
    """A short name of a CRS for people: messages, tables, legends, QGIS descriptions.

    ``EPSG:code (name)`` for a CRS that an EPSG code describes; otherwise what the CRS is, from
    its definition: the projection method (LAEA, Albers, LCC, UTM zone, …), its centre and
    standard parallels, and the datum and unit when they are not WGS 84 and metres — prefixed
    by the CRS's own name when it has one. Never "unknown". For a CRS to write into files
    (exact, machine-readable) use :func:`crs_string`.

    Parameters
    ----------
    crs
        Anything :class:`pyproj.CRS` accepts (a rasterio CRS too), or ``None``.

    Returns
    -------
    str
        ``"no CRS"`` for ``None``.

    Raises
    ------
    CRSError
        If ``crs`` is not a CRS.

    Examples
    --------
    >>> crs_label("EPSG:4326")
    'EPSG:4326 (WGS 84)'
    >>> crs_label("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m")
    'LAEA 43°N 131°E'
    >>> crs_label("+proj=aea +lat_0=45 +lon_0=130 +lat_1=40 +lat_2=50 +ellps=GRS80")
    'Albers 45°N 130°E, parallels 40°N and 50°N, GRS 1980 ellipsoid'
    >>> crs_label("+proj=utm +zone=52 +datum=WGS84")
    'UTM zone 52N'
    >>> crs_label("EPSG:32652")
    'EPSG:32652 (WGS 84 / UTM zone 52N)'
    """
    if crs is None:
        return "no CRS"
    crs = _as_crs(crs)
    epsg = crs.to_epsg(min_confidence=90)
    if epsg is not None:
        return f"EPSG:{epsg} ({_named(crs.name) or CRS.from_epsg(epsg).name})"
    authority = crs.to_authority(min_confidence=90)
    description = _describe(crs)
    if authority is not None:
        known = _named(crs.name) or _named(CRS.from_authority(*authority).name)
        return f"{authority[0]}:{authority[1]} ({known or description})"
    name = _named(crs.name)
    return f"{name} ({description})" if name and name != description else description


def crs_string(crs: Any, *, fallback: Literal["wkt", "proj4"] = "wkt") -> str:
    """The CRS as text to write into files: ``EPSG:code`` when exact, else its full definition.

    Parameters
    ----------
    crs
        Anything :class:`pyproj.CRS` accepts (a rasterio CRS too).
    fallback
        The definition to write when no EPSG code matches exactly: ``"wkt"`` (WKT2, lossless)
        or ``"proj4"`` (a PROJ string, shorter and readable, but it may drop datum details).

    Returns
    -------
    str
        Text that :class:`pyproj.CRS` reads back into the same CRS.

    Examples
    --------
    >>> crs_string("EPSG:6933")
    'EPSG:6933'
    >>> crs_string("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m", fallback="proj4")
    '+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs'
    """
    crs = _as_crs(crs)
    epsg = crs.to_epsg(min_confidence=100)
    if epsg is not None:
        return f"EPSG:{epsg}"
    if fallback == "wkt":
        return str(crs.to_wkt())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "you may lose projection information"
        return str(crs.to_proj4()).replace(" +type=crs", "")


def named_crs(crs: Any) -> CRS:
    """The CRS with a name people can read, for the files it is written into.

    A CRS built from a PROJ string is called "unknown", which QGIS and GDAL then show; this
    names it with :func:`crs_label` (e.g. "LAEA 43°N 131°E"). A CRS that has a name is returned
    as it is; the definition never changes.

    Examples
    --------
    >>> named_crs("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m").name
    'LAEA 43°N 131°E'
    >>> named_crs("EPSG:32645").name
    'WGS 84 / UTM zone 45N'
    """
    given = _as_crs(crs)
    if _named(given.name):
        return given
    data = given.to_json_dict()
    data["name"] = crs_label(given)
    named: CRS = CRS.from_json_dict(data)
    return named
