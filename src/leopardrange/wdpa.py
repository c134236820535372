"""WDPA conventions: clean a protected-area layer the way the Protected Planet method does.

The World Database on Protected Areas (WDPA) ships polygons and points, with fields such as
``WDPAID``, ``NAME``, ``DESIG_ENG``, ``STATUS``, ``STATUS_YR`` and ``REP_AREA`` (matched here
ignoring case). Before protected areas are overlaid on a range, wdpar's order of work is:

1. keep the areas whose ``STATUS`` is Designated, Inscribed or Established (drop Proposed and
   Not Reported);
2. drop UNESCO-MAB Biosphere Reserves (``DESIG_ENG``): their buffer and transition zones are
   not protected;
3. turn each point with a reported area (``REP_AREA`` > 0, km²) into a geodesic circle of that
   area; drop points without one (``REP_AREA`` 0 or empty, the WDPA's "not reported");
4. repair, project to an equal-area CRS and dissolve overlaps — done by the caller
   (:func:`leopardrange.overlap.dissolve`) so that overlapping areas count once.

:func:`clean` does steps 1–3, each switchable through :class:`WDPAOptions`, and lists every
area it drops with its name, id and reason. ``STATUS_YR`` (or another field) gives each area's
year of establishment (0: unknown, as in the WDPA), so that coverage in a past epoch can count
only the areas that existed then (:func:`established_by`).

>>> import geopandas as gpd, shapely
>>> layer = gpd.GeoDataFrame(
...     {"WDPAID": [1, 2, 3], "NAME": ["A", "B", "C"], "STATUS": ["Designated", "Proposed",
...      "Designated"], "DESIG_ENG": ["National Park"] * 3, "REP_AREA": [0.0, 0.0, 100.0],
...      "STATUS_YR": [2012, 2030 - 10, 0]},
...     geometry=[shapely.box(131.0, 43.0, 131.1, 43.1), shapely.box(131.2, 43.0, 131.3, 43.1),
...               shapely.Point(131.5, 43.0)], crs=4326)
>>> cleaned = clean(layer)
>>> cleaned.areas[["id", "name", "established_year", "from_point"]]
   id name  established_year  from_point
0   1    A              2012       False
1   3    C                 0        True
>>> [(d.name, d.reason) for d in cleaned.dropped]
[('B', "STATUS 'Proposed' is not kept (kept: Designated, Inscribed, Established)")]
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer

from leopardrange._fields import (
    Need,
    check_needs,
    feature_names,
    find_field,
    plain_id,
    shown_value,
    text_or_none,
)
from leopardrange.crs import require_crs
from leopardrange.errors import AttributeValueError, EmptyLayerError, GeometryTypeError, StudyError

__all__ = [
    "BIOSPHERE_RESERVE",
    "CIRCLE_EDGE_M",
    "CIRCLE_VERTICES",
    "EARLIEST_YEAR",
    "KEEP_STATUS",
    "WDPA_FIELDS",
    "CleanStep",
    "CleanedAreas",
    "DroppedArea",
    "WDPAOptions",
    "clean",
    "established_by",
    "establishment_years",
    "geodesic_circles",
    "is_wdpa",
    "wdpa_fields",
]

#: Fields of the WDPA that :func:`clean` uses (matched ignoring case).
WDPA_FIELDS = ("WDPAID", "NAME", "DESIG_ENG", "STATUS", "STATUS_YR", "REP_AREA", "MARINE")
#: ``STATUS`` values kept by default (the Protected Planet method).
KEEP_STATUS: tuple[str, ...] = ("Designated", "Inscribed", "Established")
#: ``DESIG_ENG`` of the areas dropped by default.
BIOSPHERE_RESERVE = "UNESCO-MAB Biosphere Reserve"
#: Vertices of the polygon that stands for a point's circle (at least; doubled, up to 64 times,
#: until no edge is longer than :data:`CIRCLE_EDGE_M`).
CIRCLE_VERTICES = 128
#: Longest edge of a circle, metres (shorter toward the poles: at most about 0.01° of longitude).
CIRCLE_EDGE_M = 900.0
#: Years of establishment before this one are refused as implausible (0 means unknown).
EARLIEST_YEAR = 1500

Conventions = Literal["auto", "wdpa", "none"]


@dataclass(frozen=True)
class WDPAOptions:
    """How :func:`clean` treats a protected-area layer; every step can be switched off.

    Attributes
    ----------
    conventions
        ``"auto"`` (default): WDPA conventions when the layer has a ``WDPAID`` field;
        ``"wdpa"``: always; ``"none"``: never (points are then an error).
    status_filter
        Keep only the areas whose ``STATUS`` is in ``status_keep``.
    status_keep
        ``STATUS`` values kept (compared ignoring case); ``None``: :data:`KEEP_STATUS`.
    drop_biosphere_reserves
        Drop the areas whose ``DESIG_ENG`` is :data:`BIOSPHERE_RESERVE`.
    point_areas
        Turn points with ``REP_AREA`` > 0 into geodesic circles of that area (else every
        point is dropped).
    establishment_by_epoch
        Record each area's year of establishment, so that a past epoch counts only the areas
        established by its year.
    established_field
        Field with the year of establishment; ``None``: ``STATUS_YR`` when the layer has it.
    id_field, name_field
        Fields with each area's id and name; ``None``: ``WDPAID`` and ``NAME`` under WDPA
        conventions, else the feature index and a field called ``name`` (any case).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"WDPAID": [1, 2], "NAME": ["A", "B"],
    ...     "STATUS": ["Designated", "Proposed"]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 2_000, 1_000)])
    >>> len(clean(parks).areas), len(clean(parks, options=WDPAOptions(status_filter=False)).areas)
    (1, 2)
    """

    conventions: Conventions = "auto"
    status_filter: bool = True
    status_keep: tuple[str, ...] | None = None
    drop_biosphere_reserves: bool = True
    point_areas: bool = True
    establishment_by_epoch: bool = True
    established_field: str | None = None
    id_field: str | None = None
    name_field: str | None = None


@dataclass(frozen=True)
class DroppedArea:
    """A protected area left out, and why.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"WDPAID": [1, 2], "NAME": ["A", "B"],
    ...     "STATUS": ["Designated", "Proposed"]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 2_000, 1_000)])
    >>> [(area.name, area.reason) for area in clean(parks).dropped]
    [('B', "STATUS 'Proposed' is not kept (kept: Designated, Inscribed, Established)")]
    """

    name: str | None
    id: int | str | None
    reason: str


@dataclass(frozen=True)
class CleanStep:
    """One step of :func:`clean`: whether it ran, what it did and how many areas it dropped.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"WDPAID": [1, 2], "NAME": ["A", "B"],
    ...     "STATUS": ["Designated", "Proposed"]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 2_000, 1_000)])
    >>> [(s.step, s.applied, s.dropped) for s in clean(parks).steps]
    [('status', True, 1), ('biosphere_reserves', False, 0), ('points', True, 0)]
    """

    step: str
    applied: bool
    detail: str
    dropped: int = 0


@dataclass(frozen=True)
class CleanedAreas:
    """What :func:`clean` kept and dropped.

    Attributes
    ----------
    areas
        One row per kept area (features sharing an id are merged), polygons in the input
        CRS, with ``id``, ``name``, ``established_year`` (0 when unknown, ``None`` when no
        year is used) and ``from_point`` (a circle made from a point's reported area).
    dropped
        Every feature left out, with its name, id and reason, in layer order.
    steps
        The steps in the order they ran, with what each did.
    conventions
        ``"wdpa"`` or ``"none"``: the conventions applied.
    established_field
        The field the years came from, or ``None``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"WDPAID": [1, 2], "NAME": ["A", "B"],
    ...     "STATUS": ["Designated", "Proposed"]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 2_000, 1_000)])
    >>> cleaned = clean(parks)
    >>> cleaned.conventions, cleaned.areas["name"].tolist()
    ('wdpa', ['A'])
    """

    areas: gpd.GeoDataFrame
    dropped: tuple[DroppedArea, ...] = ()
    steps: tuple[CleanStep, ...] = ()
    conventions: str = "none"
    established_field: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)


def wdpa_fields(frame: gpd.GeoDataFrame | pd.DataFrame) -> dict[str, str]:
    """The WDPA fields a layer has: canonical name (``"STATUS_YR"``) → its own spelling.

    Examples
    --------
    >>> import pandas as pd
    >>> wdpa_fields(pd.DataFrame(columns=["wdpaid", "Name", "status", "area"]))
    {'WDPAID': 'wdpaid', 'NAME': 'Name', 'STATUS': 'status'}
    """
    found = {name: find_field(frame, name) for name in WDPA_FIELDS}
    return {name: col for name, col in found.items() if col is not None}


def is_wdpa(frame: gpd.GeoDataFrame | pd.DataFrame) -> bool:
    """Tell whether a layer is WDPA-shaped: it has a ``WDPAID`` field (any case).

    Examples
    --------
    >>> import pandas as pd
    >>> is_wdpa(pd.DataFrame(columns=["WDPAID", "NAME"])), is_wdpa(pd.DataFrame(columns=["id"]))
    (True, False)
    """
    return "WDPAID" in wdpa_fields(frame)


def _describe_layer(frame: gpd.GeoDataFrame) -> str:
    source = frame.attrs.get("source")
    return f"park layer {source!r}" if source else "the park layer"


def _ids_text(labels: Sequence[Any], values: Sequence[Any], limit: int = 3) -> str:
    shown = [
        f"{label}: {shown_value(value)}"
        for label, value in zip(labels[:limit], values[:limit], strict=True)
    ]
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return "; ".join(shown) + more


def establishment_years(
    values: pd.Series, *, name: str = "the layer", labels: Sequence[Any] | None = None
) -> np.ndarray:
    """Years of establishment as integers, 0 where unknown (0, empty or missing).

    Parameters
    ----------
    values
        The year field (numbers, or text of whole numbers).
    name
        How to name the layer in messages.
    labels
        How to name each feature in messages (default: its index).

    Returns
    -------
    numpy.ndarray
        ``int64``, aligned to ``values``.

    Raises
    ------
    AttributeValueError
        If a value is neither 0 (unknown) nor a whole year from :data:`EARLIEST_YEAR` to this
        year.

    Examples
    --------
    >>> import pandas as pd
    >>> establishment_years(pd.Series([2012, 0, None, "1999"])).tolist()
    [2012, 0, 0, 1999]
    >>> establishment_years(pd.Series([2012, 20012]))
    Traceback (most recent call last):
    ...
    leopardrange.errors.AttributeValueError: the layer has 1 year of establishment that is ...
    """
    this_year = datetime.date.today().year
    out = np.zeros(len(values), dtype=np.int64)
    bad: list[int] = []
    for i, value in enumerate(values):
        if text_or_none(value) is None:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            bad.append(i)
            continue
        if number == 0:
            continue
        if not (
            math.isfinite(number) and number.is_integer() and EARLIEST_YEAR <= number <= this_year
        ):
            bad.append(i)
            continue
        out[i] = int(number)
    if bad:
        ids = list(labels) if labels is not None else list(values.index)
        field_name = values.name if values.name is not None else "the year field"
        raise AttributeValueError(
            f"{name} has {len(bad)} year{'s' if len(bad) > 1 else ''} of establishment that "
            f"{'are' if len(bad) > 1 else 'is'} neither 0 (unknown) nor a year from "
            f"{EARLIEST_YEAR} to {this_year} in {field_name} "
            f"({_ids_text([ids[i] for i in bad], [values.iloc[i] for i in bad])}); "
            "fix the values, or set establishment_by_epoch = false to ignore the field"
        )
    return out


def established_by(years: Sequence[int | None] | np.ndarray, year: int | None) -> np.ndarray:
    """Which areas count in an epoch of ``year``: established by then, or in an unknown year.

    Examples
    --------
    >>> established_by([1990, 2019, 0], 2015).tolist()
    [True, False, True]
    >>> established_by([1990, 2019, 0], None).tolist()
    [True, True, True]
    """
    values = np.asarray([0 if y is None else int(y) for y in years], dtype=np.int64)
    if year is None:
        return np.ones(len(values), dtype=bool)
    result: np.ndarray = (values == 0) | (values <= int(year))
    return result


def _geod(crs: CRS) -> Geod:
    ellipsoid = crs.ellipsoid
    if ellipsoid is None:
        return Geod(ellps="WGS84")
    return Geod(a=ellipsoid.semi_major_metre, b=ellipsoid.semi_minor_metre)


def geodesic_circles(
    points: gpd.GeoSeries,
    area_km2: Sequence[float] | np.ndarray,
    *,
    vertices: int = CIRCLE_VERTICES,
) -> gpd.GeoSeries:
    """Polygons of the given areas around points: geodesic circles on the CRS's ellipsoid.

    Each polygon's vertices lie at one geodesic distance from the point; the distance is
    solved so that the polygon's geodesic area equals the area asked for (to about 1e-12).
    A MultiPoint of n points gets n circles of 1/n of the area each. A circle across the
    antimeridian keeps its longitudes continuous (beyond ±180°) rather than wrapping.

    Parameters
    ----------
    points
        Points (or MultiPoints) with a CRS.
    area_km2
        Area of each circle, km² (> 0), aligned to ``points``.
    vertices
        Vertices per circle, at least (more for large circles, see :data:`CIRCLE_EDGE_M`).

    Returns
    -------
    GeoSeries
        Polygons in the points' CRS, aligned to ``points``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from leopardrange.measure import area_km2
    >>> points = gpd.GeoSeries([shapely.Point(131.2, 43.1)], crs=4326)
    >>> circle = geodesic_circles(points, [100.0])
    >>> round(float(area_km2(circle, method="geodesic").iloc[0]), 6)
    100.0
    """
    crs = require_crs(points, name="the points")
    wanted_m2 = np.asarray(area_km2, dtype=float) * 1e6
    if len(wanted_m2) != len(points):
        raise ValueError("area_km2 must have one value per point")
    if (wanted_m2 <= 0).any() or not np.isfinite(wanted_m2).all():
        raise ValueError("every circle area must be a finite number > 0")
    parts, owner = shapely.get_parts(points.values, return_index=True)
    counts = np.bincount(owner, minlength=len(points))
    part_m2 = wanted_m2[owner] / counts[owner]
    geographic = (crs.geodetic_crs if not crs.is_geographic else crs) or CRS.from_epsg(4326)
    xy = shapely.get_coordinates(parts)
    to_lonlat = Transformer.from_crs(crs, geographic, always_xy=True)
    lon, lat = (
        to_lonlat.transform(xy[:, 0], xy[:, 1]) if crs != geographic else (xy[:, 0], xy[:, 1])
    )
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    geod = _geod(geographic)
    back = Transformer.from_crs(geographic, crs, always_xy=True) if crs != geographic else None
    # edges no longer than CIRCLE_EDGE_M (shorter toward the poles, so that no edge spans
    # more than 0.01°): the circle keeps its shape, and its area, in any CRS
    first_radius = np.sqrt(part_m2 / math.pi)
    edge_m = CIRCLE_EDGE_M * np.maximum(np.cos(np.radians(np.asarray(lat))), 0.05)
    need = 2.0 * math.pi * first_radius / edge_m
    doublings = np.clip(np.ceil(np.log2(np.maximum(need / vertices, 1.0))), 0, 6).astype(int)
    circles = np.empty(len(parts), dtype=object)
    for k in np.unique(doublings):
        idx = doublings == k
        lons, lats = _rings(geod, lon[idx], lat[idx], part_m2[idx], vertices * 2 ** int(k))
        # continuous around the centre: a circle across ±180° keeps going (to 180.5°, say)
        centre = lon[idx][:, None]
        lons = centre + (lons - centre + 180.0) % 360.0 - 180.0
        if back is not None:
            xs, ys = back.transform(lons.ravel(), lats.ravel())
            lons, lats = np.asarray(xs).reshape(lons.shape), np.asarray(ys).reshape(lats.shape)
        coords = np.stack([lons[:, ::-1], lats[:, ::-1]], axis=-1)  # counter-clockwise
        circles[idx] = shapely.polygons(np.concatenate([coords, coords[:, :1]], axis=1))
    merged = np.full(len(points), None, dtype=object)
    single = counts[owner] == 1
    merged[owner[single]] = circles[single]
    for i in np.flatnonzero(counts > 1):
        merged[i] = shapely.union_all(circles[owner == i])
    return gpd.GeoSeries(list(merged), index=points.index, crs=points.crs)


def _rings(
    geod: Geod, lon: np.ndarray, lat: np.ndarray, area_m2: np.ndarray, vertices: int
) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (lon, lat; n × vertices) of polygons of ``area_m2`` equidistant from centres."""
    n = len(lon)
    azimuths = np.linspace(0.0, 360.0, vertices, endpoint=False)
    # a planar regular polygon of the area, then corrected for the ellipsoid's curvature
    radius = np.sqrt(2.0 * area_m2 / (vertices * math.sin(2.0 * math.pi / vertices)))

    def ring(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lons, lats, _ = geod.fwd(
            np.repeat(lon, vertices),
            np.repeat(lat, vertices),
            np.tile(azimuths, n),
            np.repeat(r, vertices),
        )
        return np.asarray(lons).reshape(n, vertices), np.asarray(lats).reshape(n, vertices)

    for _ in range(2):
        lons, lats = ring(radius)
        got = np.array([abs(geod.polygon_area_perimeter(lons[i], lats[i])[0]) for i in range(n)])
        radius = radius * np.sqrt(area_m2 / got)
    return ring(radius)


def _active(frame: gpd.GeoDataFrame, options: WDPAOptions) -> bool:
    if options.conventions not in ("auto", "wdpa", "none"):
        raise StudyError(
            f"conventions must be one of auto, wdpa, none, not {options.conventions!r}"
        )
    return options.conventions == "wdpa" or (options.conventions == "auto" and is_wdpa(frame))


def _reported_areas(
    frame: gpd.GeoDataFrame, col: str, points: np.ndarray, labels: list[Any]
) -> np.ndarray:
    """REP_AREA of the points: km² > 0, or 0 when not reported (0 or empty text).

    A missing value (NaN, None — how a NULL is read) is not "not reported": the WDPA writes 0
    for that, so a NaN is refused like a negative area or text that is no number.
    """
    out = np.zeros(len(frame), dtype=float)
    bad: list[int] = []
    for i in np.flatnonzero(points):
        value = frame[col].iloc[i]
        if isinstance(value, str) and not value.strip():
            continue  # empty: not reported
        try:
            number = float(value)
        except (TypeError, ValueError):
            bad.append(int(i))
            continue
        if not math.isfinite(number) or number < 0:
            bad.append(int(i))
            continue
        out[i] = number
    if bad:
        raise AttributeValueError(
            f"{_describe_layer(frame)} has {len(bad)} point{'s' if len(bad) > 1 else ''} whose "
            f"{col} is negative, NaN or not a number "
            f"({_ids_text([labels[i] for i in bad], [frame[col].iloc[i] for i in bad])}); "
            f"{col} is the reported area in km²: give it, write 0 where it is not reported "
            "(the point is then dropped), or leave the points out with where"
        )
    return out


def _check_fields(frame: gpd.GeoDataFrame, options: WDPAOptions, active: bool) -> None:
    layer = _describe_layer(frame)
    needs = [
        Need(layer, key, value)
        for key, value in (
            ("id_field", options.id_field),
            ("name_field", options.name_field),
            (
                "established_field",
                options.established_field if options.establishment_by_epoch else None,
            ),
        )
        if value is not None
    ]
    if active and options.status_filter and options.status_keep is not None:
        needs.append(Need(layer, "status_keep", "STATUS"))
    check_needs([(frame, need) for need in needs])


def clean(frame: gpd.GeoDataFrame, *, options: WDPAOptions | None = None) -> CleanedAreas:
    """Apply the WDPA conventions to a protected-area layer (when it has them).

    Parameters
    ----------
    frame
        Protected areas: polygons, and points under WDPA conventions; any CRS. Not modified.
    options
        Which steps to run (:class:`WDPAOptions`; default: every step, when the layer has a
        ``WDPAID`` field).

    Returns
    -------
    CleanedAreas
        The kept areas (polygons, points turned into circles; features sharing an id merged),
        every dropped area with its reason, and the steps that ran.

    Raises
    ------
    GeometryTypeError
        If the layer has points or lines and WDPA conventions do not apply.
    AttributeValueError
        A point's ``REP_AREA`` is negative or not a number; a year of establishment is
        neither 0 nor a plausible year.
    MissingFieldError
        A field named in ``options`` is not in the layer (all such fields named at once).
    EmptyLayerError
        If every area is dropped (the message counts the reasons).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"name": ["a", "b"]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(5, 0, 15, 10)])
    >>> cleaned = clean(parks)
    >>> cleaned.conventions, len(cleaned.areas), cleaned.dropped
    ('none', 2, ())
    """
    options = options or WDPAOptions()
    require_crs(frame, name=_describe_layer(frame))
    active = _active(frame, options)
    _check_fields(frame, options, active)
    fields = wdpa_fields(frame) if active else {}
    id_col = find_field(frame, options.id_field) if options.id_field else fields.get("WDPAID")
    name_col = find_field(frame, options.name_field) if options.name_field else fields.get("NAME")
    names = feature_names(frame, name_field=name_col)
    ids = (
        [plain_id(v) for v in frame[id_col]]
        if id_col
        else [int(i) if isinstance(i, (int, np.integer)) else str(i) for i in frame.index]
    )
    labels = [f"{id_col} {i}" if id_col else f"feature {i}" for i in ids]
    types = frame.geometry.geom_type.fillna("")
    is_point = types.isin(["Point", "MultiPoint"]).to_numpy()
    other = ~types.isin(["Polygon", "MultiPolygon", "Point", "MultiPoint", ""]).to_numpy()
    if other.any() or (is_point.any() and not active):
        bad = other | (is_point if not active else False)
        found = ", ".join(sorted(set(types[bad])))
        hint = (
            "; points of a WDPA layer become circles of their reported area (REP_AREA) when the "
            'layer has a WDPAID field or conventions = "wdpa"'
            if is_point.any() and not active
            else ""
        )
        raise GeometryTypeError(
            f"{_describe_layer(frame)} has {int(bad.sum())} {found} feature(s) "
            f"({', '.join(labels[i] for i in np.flatnonzero(bad)[:5])}) but polygons are "
            f"required{hint}"
        )
    keep = np.ones(len(frame), dtype=bool)
    reasons: dict[int, str] = {}
    steps: list[CleanStep] = []

    def drop(mask: np.ndarray, reason: Any, step: str, detail: str) -> None:
        hit = np.flatnonzero(mask & keep)
        for i in hit:
            reasons[int(i)] = reason(i) if callable(reason) else reason
        keep[hit] = False
        steps.append(CleanStep(step, True, detail, len(hit)))

    rep_col = fields.get("REP_AREA")
    reported = (
        _reported_areas(frame, rep_col, is_point, labels)
        if active and rep_col and options.point_areas and is_point.any()
        else np.zeros(len(frame))
    )
    years: np.ndarray | None = None
    year_col = None
    if options.establishment_by_epoch:
        year_col = (
            find_field(frame, options.established_field)
            if options.established_field
            else fields.get("STATUS_YR")
        )
        if year_col is not None:
            years = establishment_years(frame[year_col], name=_describe_layer(frame), labels=labels)

    empty = shapely.is_missing(frame.geometry.values) | shapely.is_empty(frame.geometry.values)
    if empty.any():
        drop(empty, "no geometry", "empty", "features without a geometry are left out")
    if active:
        status_col = fields.get("STATUS")
        if options.status_filter and status_col:
            kept = options.status_keep or KEEP_STATUS
            wanted = {s.casefold().strip() for s in kept}
            status = [text_or_none(v) for v in frame[status_col]]
            off = np.array([s is None or s.casefold() not in wanted for s in status])
            drop(
                off,
                lambda i: (
                    f"{status_col} {status[i]!r} is not kept (kept: {', '.join(kept)})"
                    if status[i] is not None
                    else f"no {status_col} (kept: {', '.join(kept)})"
                ),
                "status",
                f"kept {status_col} in {', '.join(kept)}",
            )
        else:
            steps.append(
                CleanStep(
                    "status", False, "off" if not options.status_filter else "no STATUS field"
                )
            )
        desig_col = fields.get("DESIG_ENG")
        if options.drop_biosphere_reserves and desig_col:
            desig = [(text_or_none(v) or "").casefold() for v in frame[desig_col]]
            mab = np.array([d == BIOSPHERE_RESERVE.casefold() for d in desig])
            drop(
                mab,
                BIOSPHERE_RESERVE,
                "biosphere_reserves",
                f"dropped {desig_col} = {BIOSPHERE_RESERVE}",
            )
        else:
            steps.append(
                CleanStep(
                    "biosphere_reserves",
                    False,
                    "off" if not options.drop_biosphere_reserves else "no DESIG_ENG field",
                )
            )
        if not options.point_areas:
            drop(is_point, "a point (point_areas = false)", "points", "points dropped")
        elif rep_col is None:
            drop(
                is_point,
                "a point and the layer has no REP_AREA field",
                "points",
                "no REP_AREA field: points dropped",
            )
        else:
            drop(
                is_point & (reported <= 0),
                f"a point without a reported area ({rep_col} 0 or empty)",
                "points",
                f"points with {rep_col} > 0 became geodesic circles of that area",
            )
    kept_geoms = frame.geometry[keep]
    geoms = np.array(kept_geoms.values, dtype=object)
    circles = is_point[keep]
    if circles.any():
        geoms[circles] = geodesic_circles(kept_geoms[circles], reported[keep][circles]).values
    rows = pd.DataFrame(
        {
            "id": [ids[i] for i in np.flatnonzero(keep)],
            "name": [names[i] for i in np.flatnonzero(keep)],
            "established_year": years[keep] if years is not None else None,
            "from_point": circles,
        }
    )
    areas = gpd.GeoDataFrame(rows, geometry=list(geoms), crs=frame.crs)
    if id_col is not None:
        areas = _merge_by_id(areas)
    dropped = tuple(DroppedArea(names[i], ids[i], reasons[i]) for i in sorted(reasons))
    if not len(areas):
        counts: dict[str, int] = {}
        for d in dropped:
            counts[d.reason] = counts.get(d.reason, 0) + 1
        raise EmptyLayerError(
            f"{_describe_layer(frame)}: every protected area was dropped "
            f"({'; '.join(f'{n} × {r}' for r, n in counts.items())}); check the layer, "
            "or switch steps off in [layers.park] (status_filter, drop_biosphere_reserves)"
        )
    return CleanedAreas(
        areas=areas,
        dropped=dropped,
        steps=tuple(steps),
        conventions="wdpa" if active else "none",
        established_field=year_col,
        fields=fields,
    )


def _merge_by_id(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per id (the WDPA's parcels of one site); rows without an id stay apart."""
    missing = areas["id"].isna().to_numpy()
    if not missing.any() and areas["id"].is_unique:
        return areas.reset_index(drop=True)
    key = pd.Series(
        [
            f"row {i}" if m else f"id {v!r}"
            for i, (v, m) in enumerate(zip(areas["id"], missing, strict=True))
        ],
        index=areas.index,
    )
    rows = []
    for _, part in areas.groupby(key, sort=False):
        years = [int(y) for y in part["established_year"] if y is not None and y == y and int(y)]
        year = part["established_year"].iloc[0]
        geoms = part.geometry.values
        rows.append(
            {
                "id": part["id"].iloc[0],
                "name": next((n for n in part["name"] if n), None),
                "established_year": (min(years) if years else 0) if year is not None else None,
                "from_point": bool(part["from_point"].all()),
                "geometry": geoms[0] if len(part) == 1 else shapely.union_all(geoms),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=areas.crs)
