"""CRS policy: a CRS is mandatory, areas use an equal-area CRS, distances a metric one.

Three rules (see STYLE.md, "CRS and units policy"):

1. A layer without a CRS is an error, never silently EPSG:4326 (:func:`require_crs`).
2. Areas are computed in a Lambert azimuthal equal-area (LAEA) projection centred on the
   data (:func:`equal_area_crs`), or in EPSG:6933 for data spanning most of the globe.
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
    "crs_label",
    "crs_string",
    "equal_area_crs",
    "format_lat",
    "format_lon",
    "is_equal_area",
    "local_metric_crs",
    "named_crs",
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
    import geopandas
    import pandas as pd

    geoms = [d.geometry if isinstance(d, geopandas.GeoDataFrame) else d for d in data]
    lonlat = pd.concat([g.to_crs(4326) for g in geoms], ignore_index=True)
    return equal_area_crs(geopandas.GeoSeries(lonlat, crs=4326))


def local_metric_crs(data: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """Return the UTM CRS (WGS 84) of the zone holding the data's centre, for distances in m."""
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
