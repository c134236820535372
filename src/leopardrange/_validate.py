"""Private checks on layers: emptiness, geometry type, validity (with optional repair)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely

from leopardrange.errors import (
    CRSError,
    EmptyLayerError,
    GeometryTypeError,
    InvalidGeometryError,
)

GeometryKind = Literal["polygon", "point", "line", "polygon_or_point"]

_KINDS: dict[str, frozenset[str]] = {
    "polygon": frozenset({"Polygon", "MultiPolygon"}),
    "point": frozenset({"Point", "MultiPoint"}),
    "line": frozenset({"LineString", "MultiLineString", "LinearRing"}),
    "polygon_or_point": frozenset({"Polygon", "MultiPolygon", "Point", "MultiPoint"}),
}
_POLYGON_TYPE_IDS = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_KIND_WORDS = {
    "polygon": "polygons",
    "point": "points",
    "line": "lines",
    "polygon_or_point": "polygons or points",
}


@dataclass(frozen=True)
class RepairReport:
    """What a geometry repair changed: how many features and which ids (index labels)."""

    n_repaired: int = 0
    ids: list[object] = field(default_factory=list)
    emptied: list[object] = field(default_factory=list)  # repaired into nothing of the kind

    def __str__(self) -> str:
        if not self.n_repaired:
            return "no geometry needed repair"
        shown = ", ".join(map(str, self.ids[:10])) + (" …" if len(self.ids) > 10 else "")
        noun = "geometry" if self.n_repaired == 1 else "geometries"
        return f"repaired {self.n_repaired} invalid {noun} (ids {shown})"


def _ids(gdf: gpd.GeoDataFrame, mask: object, limit: int = 5) -> str:
    ids = list(gdf.index[mask])
    text = ", ".join(map(str, ids[:limit]))
    return text + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _present(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean mask of features with a geometry that is neither missing nor empty."""
    values = gdf.geometry.values
    present: np.ndarray = ~(shapely.is_missing(values) | shapely.is_empty(values))
    return present


def check_not_empty(gdf: gpd.GeoDataFrame, *, name: str) -> None:
    """Raise :class:`EmptyLayerError` if ``gdf`` has no feature with a non-empty geometry."""
    if len(gdf) == 0 or not _present(gdf).any():
        raise EmptyLayerError(
            f"{name} is empty (no features with geometry); check the layer name and any "
            "--where filter"
        )


#: Coordinates beyond these are not longitudes and latitudes (±540° leaves room for data
#: written in 0…360° or unwrapped across the antimeridian).
_MAX_LAT_DEG = 90.0 + 1e-6
_MAX_LON_DEG = 540.0


def check_coordinates(gdf: gpd.GeoDataFrame, *, name: str, crs_name: str) -> None:
    """Raise on coordinates that are not numbers or not where the layer's CRS says they are.

    NaN or infinite coordinates are an :class:`InvalidGeometryError`; in a geographic CRS,
    latitudes beyond ±90° (often a layer in latitude, longitude order) or longitudes beyond
    ±540° are a :class:`CRSError`, as are coordinates of a projected layer that have no
    longitude and latitude in its CRS. The message names the first offending feature and the
    CRS (as ``crs_name``).

    Examples
    --------
    >>> swapped = gpd.GeoDataFrame(geometry=[shapely.Point(43.1, 131.9)], crs=4326)
    >>> check_coordinates(swapped, name="layer 'sites'", crs_name="EPSG:4326 (WGS 84)")
    Traceback (most recent call last):
    ...
    leopardrange.errors.CRSError: layer 'sites' has a latitude of 131.9, beyond ±90° ...
    """
    from pyproj import CRS

    values = gdf.geometry.values
    coords, index = shapely.get_coordinates(values, return_index=True)
    if not len(coords):
        return
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        where = np.unique(index[~finite])
        raise InvalidGeometryError(
            f"{name} has coordinates that are not numbers (NaN or infinite) in "
            f"{len(where)} feature(s) (ids {', '.join(map(str, gdf.index[where[:5]]))}); "
            "fix them in a GIS"
        )
    crs = CRS.from_user_input(gdf.crs)
    label = crs_name
    if crs.is_geographic:
        lat_bad = np.abs(coords[:, 1]) > _MAX_LAT_DEG
        lon_bad = np.abs(coords[:, 0]) > _MAX_LON_DEG
        for bad, axis, limit in ((lat_bad, 1, "±90°"), (lon_bad, 0, "±540°")):
            if bad.any():
                i = int(np.argmax(bad))
                what = "latitude" if axis == 1 else "longitude"
                raise CRSError(
                    f"{name} has a {what} of {coords[i, axis]:g}, beyond {limit} (feature "
                    f"{gdf.index[index[i]]}), but its CRS is {label}, in degrees: are x and y "
                    "swapped (latitude, longitude order) or is the layer in another CRS? Fix the "
                    "file's CRS, or state it with --assume-crs when the file has none"
                )
        return
    geodetic = crs.geodetic_crs if crs.geodetic_crs is not None else CRS.from_epsg(4326)
    bad = _outside_domain(crs, geodetic, coords)
    if bad.any():
        i = int(np.argmax(bad))
        raise CRSError(
            f"{name} has coordinates outside where its CRS ({label}) is defined (feature "
            f"{gdf.index[index[i]]}: x = {coords[i, 0]:g}, y = {coords[i, 1]:g}); the layer is "
            "probably in another CRS: fix the file's CRS"
        )


#: Coordinates per task of the round trip in :func:`_outside_domain` (PROJ releases the GIL).
_ROUND_TRIP_CHUNK = 500_000


def _outside_domain(crs: Any, geodetic: Any, coords: np.ndarray) -> np.ndarray:
    """True where a coordinate has no longitude and latitude in ``crs``.

    Each point goes to longitude and latitude and back: a point outside the projection's
    domain comes back elsewhere (PROJ wraps longitudes and clamps latitudes on the way out).
    Chunks run in threads, each with its own transformers.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    from pyproj import Transformer

    def chunk(xy: np.ndarray) -> np.ndarray:
        to_lonlat = Transformer.from_crs(crs, geodetic, always_xy=True)
        back = Transformer.from_crs(geodetic, crs, always_xy=True)
        with np.errstate(all="ignore"):
            lon, lat = to_lonlat.transform(xy[:, 0], xy[:, 1], errcheck=False)
            back_x, back_y = back.transform(lon, lat, errcheck=False)
            same_y = np.isclose(back_y, xy[:, 1], rtol=1e-6, atol=1e-3)
            same_x = np.isclose(back_x, xy[:, 0], rtol=1e-6, atol=1e-3) | (np.abs(lon) > 179.999)
        ok: np.ndarray = np.isfinite(lon) & np.isfinite(lat) & same_x & same_y
        return ~ok

    parts = np.array_split(coords, max(1, -(-len(coords) // _ROUND_TRIP_CHUNK)))
    workers = min(len(parts), len(os.sched_getaffinity(0)), 8)
    if workers <= 1:
        return chunk(coords)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return np.concatenate(list(pool.map(chunk, parts)))


def check_geometry_kind(gdf: gpd.GeoDataFrame, *, kind: GeometryKind, name: str) -> None:
    """Raise :class:`GeometryTypeError` unless every non-empty geometry is of ``kind``."""
    types = gdf.geometry.geom_type
    bad = _present(gdf) & ~types.isin(list(_KINDS[kind])).to_numpy()
    if bad.any():
        found = ", ".join(sorted(set(types[bad])))
        raise GeometryTypeError(
            f"{name} has {int(bad.sum())} {found} feature(s) (ids {_ids(gdf, bad)}) but "
            f"{_KIND_WORDS[kind]} are required; choose a layer of {_KIND_WORDS[kind]}"
        )


def check_valid(
    gdf: gpd.GeoDataFrame, *, name: str, repair: bool = False
) -> tuple[gpd.GeoDataFrame, RepairReport]:
    """Check geometry validity; repair with ``shapely.make_valid`` only when asked.

    Parameters
    ----------
    gdf
        Layer to check (not modified).
    name
        How to name the layer in messages.
    repair
        Repair invalid geometries instead of raising. Polygonal input keeps only polygonal
        parts of the repaired geometry (a bow-tie becomes a two-part MultiPolygon).

    Returns
    -------
    (GeoDataFrame, RepairReport)
        The layer (a repaired copy when anything changed) and what was repaired.

    Raises
    ------
    InvalidGeometryError
        If a geometry is invalid and ``repair`` is false.
    """
    geoms = gdf.geometry.values
    invalid = _present(gdf) & ~_is_valid(np.asarray(geoms, dtype=object))
    if not invalid.any():
        return gdf, RepairReport()
    if not repair:
        first = gdf.index[invalid][0]
        reason = shapely.is_valid_reason(geoms[invalid][0])
        raise InvalidGeometryError(
            f"{name} has {int(invalid.sum())} invalid geometr"
            f"{'y' if invalid.sum() == 1 else 'ies'} (ids {_ids(gdf, invalid)}; id {first}: "
            f"{reason}); fix it in a GIS or pass --repair (repair=True) to repair with make_valid"
        )
    fixed = gdf.copy()
    repaired = shapely.make_valid(geoms[invalid])
    polygonal = np.isin(shapely.get_type_id(geoms[invalid]), _POLYGON_TYPE_IDS)
    repaired = [
        polygonal_part(g) if keep else g for g, keep in zip(repaired, polygonal, strict=True)
    ]
    fixed.loc[invalid, fixed.geometry.name] = gpd.GeoSeries(
        repaired, index=gdf.index[invalid], crs=gdf.crs
    )
    emptied = [i for i, g in zip(gdf.index[invalid], repaired, strict=True) if g.is_empty]
    return fixed, RepairReport(int(invalid.sum()), list(gdf.index[invalid]), emptied)


#: Valid polygons of at least this many vertices are remembered (:func:`_is_valid`).
_REMEMBER_VERTICES = 10_000


def _is_valid(values: np.ndarray) -> np.ndarray:
    """``shapely.is_valid``, skipping large polygons already found valid.

    New valid ones are remembered: a run checks the same range of a million vertices when it
    is read, when it is computed on and when each epoch is measured.
    """
    large = np.flatnonzero(shapely.get_num_coordinates(values) >= _REMEMBER_VERTICES)
    known = np.zeros(len(values), dtype=bool)
    known[large] = [_KNOWN_DISSOLVED.get(id(values[i])) is values[i] for i in large]
    valid = known.copy()
    valid[~known] = shapely.is_valid(values[~known])
    for i in large[valid[large] & ~known[large]]:
        mark_dissolved(values[i])  # recorded when polygonal and not empty
    return valid


def is_dissolved(geom: object) -> bool:
    """A valid, non-empty polygon or multipolygon: its union with itself is itself.

    Checking validity costs a fraction of a union, so callers skip the union of a shape that
    is already dissolved.

    Examples
    --------
    >>> is_dissolved(shapely.box(0, 0, 1, 1)), is_dissolved(shapely.Point(0, 0))
    (True, False)
    """
    if _KNOWN_DISSOLVED.get(id(geom)) is geom:
        return True
    if not (_is_polygonal(geom) and shapely.is_valid(geom)):
        return False
    mark_dissolved(geom)
    return True


def _is_polygonal(geom: object) -> bool:
    return isinstance(geom, shapely.Polygon | shapely.MultiPolygon) and not geom.is_empty


def mark_dissolved(geom: shapely.Geometry) -> shapely.Geometry:
    """Record that a polygonal overlay result is dissolved, and return it.

    GEOS's overlays (union, intersection, difference) return valid geometries; recording
    theirs spares a validity check of a shape of a million vertices each time it is
    measured.

    Examples
    --------
    >>> a, b = shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2)
    >>> both = mark_dissolved(shapely.intersection(a, b))
    >>> is_dissolved(both)
    True
    """
    if _is_polygonal(geom):
        _KNOWN_DISSOLVED[id(geom)] = geom
    return geom


#: Shapes already found dissolved, by identity (geometries are immutable; an entry goes when
#: its shape is garbage-collected, so a reused id never matches a different shape). A run
#: checks the same large dissolved shapes many times; each check is a full validity test.
_KNOWN_DISSOLVED: weakref.WeakValueDictionary[int, shapely.Geometry] = weakref.WeakValueDictionary()


def polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep the polygonal parts of a geometry; an empty polygon when there are none.

    Drops the lines and points that a repair, or an overlay of shapes that only touch, leaves.
    """
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)
