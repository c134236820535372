"""Geometry helpers for the geodata build: projection, cleaning, buffers and calibration.

All construction happens in two CRSs:

* EPSG:4326 for clipping against Natural Earth (so borders and coastlines stay exactly the
  Natural Earth lines) and for the output;
* a Lambert azimuthal equal-area projection centred on the landscape (:data:`LAEA`) for
  distances (buffers, discs, ellipses) and for every area.

Edges are densified before any reprojection (0.01° in EPSG:4326, 1 km in LAEA), so straight
edges keep their shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod, Transformer

#: Equal-area CRS of every area and distance in the build (and in tests/test_geodata.py).
LAEA = "+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
#: Output coordinates are snapped to this grid (degrees, about 0.1 m).
GRID_DEG = 1e-6
#: Longest edge kept before reprojecting from EPSG:4326 (degrees) and from LAEA (metres).
SEGMENT_DEG = 0.01
SEGMENT_M = 1_000.0
#: Vertices per quarter circle of buffers and discs.
QUAD_SEGS = 32
#: Bands wider than BAND_CORE_M grow from the line's BAND_CORE_M buffer simplified to
#: BAND_SIMPLIFY_M (see :class:`Bands`).
BAND_CORE_M = 1_000.0
BAND_SIMPLIFY_M = 50.0
M2_PER_KM2 = 1e6

_FWD = Transformer.from_crs("EPSG:4326", LAEA, always_xy=True)
_INV = Transformer.from_crs(LAEA, "EPSG:4326", always_xy=True)
GEOD = Geod(ellps="WGS84")


def _apply(transformer: Transformer) -> Callable[[np.ndarray], np.ndarray]:
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return fn


def to_laea(geom: shapely.Geometry) -> shapely.Geometry:
    """Project a lon/lat geometry to :data:`LAEA` (edges densified to 0.01° first)."""
    return shapely.transform(shapely.segmentize(geom, SEGMENT_DEG), _apply(_FWD))


def to_lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    """Project a :data:`LAEA` geometry to lon/lat (edges densified to 1 km first)."""
    return shapely.transform(shapely.segmentize(geom, SEGMENT_M), _apply(_INV))


def point_laea(lat: float, lon: float) -> shapely.Point:
    """The LAEA point of a latitude/longitude pair (degrees)."""
    x, y = _FWD.transform(lon, lat)
    return shapely.Point(x, y)


def area_km2(geom: shapely.Geometry) -> float:
    """Area of a lon/lat geometry in km², measured in :data:`LAEA`."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(to_laea(geom).area / M2_PER_KM2)


def polygonal(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """Keep the polygonal parts of a geometry, as one MultiPolygon (possibly empty)."""
    out: list[shapely.Polygon] = []

    def collect(g: shapely.Geometry) -> None:
        if g is None or g.is_empty:
            return
        if isinstance(g, shapely.Polygon):
            out.append(g)
        elif isinstance(g, shapely.MultiPolygon | shapely.GeometryCollection):
            for part in shapely.get_parts(g):
                collect(part)

    collect(geom)
    return shapely.MultiPolygon(out) if out else shapely.MultiPolygon()


def clean(geom: shapely.Geometry, *, min_part_km2: float = 0.01) -> shapely.MultiPolygon:
    """Repair, snap to :data:`GRID_DEG`, drop slivers and normalise a lon/lat geometry.

    Parameters
    ----------
    geom
        Any lon/lat geometry; non-polygonal parts are dropped.
    min_part_km2
        Parts smaller than this (km²) are dropped (slivers from reprojection round trips).

    Returns
    -------
    MultiPolygon
        Valid, snapped, normalised (deterministic vertex and part order).
    """
    geom = polygonal(shapely.make_valid(geom))
    geom = polygonal(shapely.make_valid(shapely.set_precision(geom, GRID_DEG)))
    parts = [p for p in geom.geoms if area_km2(p) >= min_part_km2]
    out = shapely.normalize(shapely.MultiPolygon(parts)) if parts else shapely.MultiPolygon()
    if not out.is_valid:  # pragma: no cover - set_precision returns valid output
        raise ValueError(f"geometry still invalid after cleaning: {shapely.is_valid_reason(out)}")
    return polygonal(out)


def lonlat_box(west: float, south: float, east: float, north: float) -> shapely.Polygon:
    """A lon/lat box with edges densified to 0.01° (so it reprojects faithfully)."""
    return shapely.segmentize(shapely.box(west, south, east, north), SEGMENT_DEG)


def lonlat_polygon(vertices: Iterable[tuple[float, float]]) -> shapely.Polygon:
    """A lon/lat polygon from ``(lon, lat)`` vertices, edges densified to 0.01°."""
    return shapely.segmentize(shapely.Polygon(list(vertices)), SEGMENT_DEG)


class Bands:
    """Lon/lat bands of any width along one LAEA line (e.g. a national border).

    The OpenStreetMap border has ~8,500 vertices in the landscape; buffering it whole by tens
    of km takes ~1 s, and a solved width needs ~20 bands. So the line is buffered once by
    :data:`BAND_CORE_M` and that core simplified by :data:`BAND_SIMPLIFY_M`; a wider band is the
    core buffered by the rest of the width (line ⊕ disc(a) ⊕ disc(b) = line ⊕ disc(a + b)),
    ~0.05–0.1 s. The band's far edge is within ~70 m of the exact offset; where a band is cut
    by a country polygon, its border side is the exact border.
    """

    def __init__(self, line_laea: shapely.Geometry) -> None:
        self.line = line_laea
        core = line_laea.buffer(BAND_CORE_M, quad_segs=8)
        self.core = shapely.simplify(core, BAND_SIMPLIFY_M)

    def __call__(self, width_km: float) -> shapely.Geometry:
        """Lon/lat polygon of every point within ``width_km`` of the line."""
        width_m = width_km * 1_000.0
        if width_m <= BAND_CORE_M:
            return to_lonlat(self.line.buffer(width_m, quad_segs=QUAD_SEGS))
        return to_lonlat(self.core.buffer(width_m - BAND_CORE_M, quad_segs=QUAD_SEGS))


def disc(lat: float, lon: float, radius_km: float) -> shapely.Geometry:
    """Lon/lat polygon of a LAEA disc of ``radius_km`` around a point."""
    return to_lonlat(point_laea(lat, lon).buffer(radius_km * 1_000.0, quad_segs=QUAD_SEGS))


def destination(
    lat: float, lon: float, *, azimuth_deg: float, distance_km: float
) -> tuple[float, float]:
    """Geodesic destination point (lat, lon) from a start point, azimuth and distance."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth_deg, distance_km * 1_000.0)
    return float(lat2), float(lon2)


def outside_km2(inner: shapely.Geometry, outer: shapely.Geometry) -> float:
    """Area (km²) of ``inner`` that lies outside ``outer``."""
    return area_km2(shapely.difference(inner, outer))


@dataclass(frozen=True)
class Calibration:
    """A free parameter solved so that a built area matches a published one."""

    name: str
    value: float
    unit: str
    target_km2: float
    built_km2: float
    rule: str


def calibrate(
    build: Callable[[float], shapely.Geometry],
    *,
    target_km2: float,
    low: float,
    high: float,
    decimals: int,
    name: str,
    unit: str,
    rule: str,
    increasing: bool = True,
    iterations: int = 40,
) -> tuple[shapely.MultiPolygon, Calibration]:
    """Solve a one-parameter construction for a target area by bisection.

    ``build(p)`` must return a lon/lat geometry whose area grows with ``p`` on
    ``[low, high]`` (or shrinks, with ``increasing=False``). The solved parameter is rounded
    to ``decimals`` (so a rebuild on another machine lands on the same value) and the
    geometry rebuilt with it.

    Raises
    ------
    ValueError
        If the target area is not bracketed by ``[low, high]``.
    """
    sign = 1.0 if increasing else -1.0
    a_low, a_high = area_km2(build(low)), area_km2(build(high))
    if not min(a_low, a_high) <= target_km2 <= max(a_low, a_high):
        raise ValueError(
            f"{name}: target {target_km2} km² not within [{a_low:.1f}, {a_high:.1f}] km² "
            f"for {name} in [{low}, {high}] {unit}"
        )
    lo, hi = low, high
    step = 0.5 * 10.0 ** (-decimals)
    for _ in range(iterations):
        if hi - lo < step:
            break
        mid = 0.5 * (lo + hi)
        if sign * (area_km2(build(mid)) - target_km2) < 0:
            lo = mid
        else:
            hi = mid
    value = round(0.5 * (lo + hi), decimals)
    geom = clean(build(value))
    built = area_km2(geom)
    return geom, Calibration(name, value, unit, target_km2, built, rule)


def radius_for_area_km(area_km2_value: float) -> float:
    """Radius (km) of a circle of the given area (km²)."""
    return math.sqrt(area_km2_value / math.pi)
