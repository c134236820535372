"""Coverage and overlap: how much of a range lies in protected areas or in another range.

Frames go in, in any CRS: each function projects its inputs to one equal-area CRS in metres
(:func:`leopardrange.crs.analysis_crs`, or the ``crs`` you give) before any overlay, and
measures areas with :func:`leopardrange.measure.area_km2` by the ``method`` you name.
Protected areas are **dissolved** before they are intersected with a range, so overlapping
areas are never counted twice.

>>> import geopandas as gpd, shapely
>>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
>>> ranges = gpd.GeoDataFrame({"epoch": ["1970", "2020"]}, crs=laea,
...     geometry=[shapely.box(0, 0, 40_000, 10_000), shapely.box(0, 0, 20_000, 10_000)])
>>> park = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000)], crs=laea)
>>> coverage(ranges.set_index("epoch"), park)["covered_pct"].tolist()
[25.0, 50.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from leopardrange._validate import is_dissolved, mark_dissolved, polygonal_part
from leopardrange.crs import analysis_crs, project, require_crs
from leopardrange.errors import SchemaError
from leopardrange.measure import area_km2, reproject, total_area_km2

__all__ = [
    "SLIVER_KM2",
    "WHOLE_PCT_TOLERANCE",
    "Overlap",
    "area_by_zone",
    "coverage",
    "dissolve",
    "dissolve_groups",
    "intersection",
    "overlap",
    "share_pct",
    "subdivide",
    "union_overlap",
    "zone_coverage",
]

#: Overlaps smaller than this (1,000 m²) are slivers of mismatched boundaries, not real overlap.
SLIVER_KM2 = 0.001

Frame: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries
_Box: TypeAlias = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax


@dataclass(frozen=True)
class Overlap:
    """A range, a zone (a park, another species' range) and their overlap.

    Attributes
    ----------
    range_km2, zone_km2
        Areas of the dissolved range and the dissolved zone, km².
    overlap_km2
        Area of range ∩ zone, km²; never more than either area.
    overlap_pct_of_range, overlap_pct_of_zone
        The overlap as a share of the range and of the zone, 0–100.

    Examples
    --------
    >>> o = Overlap(range_km2=200.0, zone_km2=400.0, overlap_km2=100.0,
    ...             overlap_pct_of_range=50.0, overlap_pct_of_zone=25.0)
    >>> o.overlap_pct_of_range
    50.0
    """

    range_km2: float
    zone_km2: float
    overlap_km2: float
    overlap_pct_of_range: float
    overlap_pct_of_zone: float


def _geoms(data: Frame) -> gpd.GeoSeries:
    return data.geometry if isinstance(data, gpd.GeoDataFrame) else data


def _aligned(
    a: Frame, b: Frame, crs: Any, names: tuple[str, str] = ("the first layer", "the second layer")
) -> tuple[gpd.GeoSeries, gpd.GeoSeries]:
    """Both inputs in one equal-area CRS in metres (unchanged when they already are).

    Edges are densified before reprojection, so they keep their shape.
    """
    require_crs(a, name=names[0])
    require_crs(b, name=names[1])
    target = analysis_crs(a, b, crs=crs)
    return reproject(_geoms(a), target), reproject(_geoms(b), target)  # as is when in target


def dissolve(data: Frame) -> gpd.GeoSeries:
    """Union of all geometries as a one-row GeoSeries (same CRS); empty input: empty polygon.

    Only polygonal parts are kept, so lines and points left by touching shapes disappear.
    A single valid polygon or multipolygon is already dissolved and is returned as it is
    (checking validity costs a fraction of a union), so dissolving twice costs little.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoSeries([shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2)], crs=3857)
    >>> dissolve(parks).iloc[0].area
    6.0
    >>> once = dissolve(parks)
    >>> dissolve(once).iloc[0] is once.iloc[0]
    True
    """
    geoms = _geoms(data)
    if len(geoms) == 1 and is_dissolved(geoms.iloc[0]):
        return gpd.GeoSeries([geoms.iloc[0]], crs=geoms.crs)
    if len(geoms) >= PARALLEL_DISSOLVE_MIN:
        united = _united_in_chunks(geoms)
        if united is not None:
            return gpd.GeoSeries([united], crs=geoms.crs)
    union = shapely.union_all(geoms.values) if len(geoms) else shapely.Polygon()
    return gpd.GeoSeries([mark_dissolved(polygonal_part(union))], crs=geoms.crs)


#: From this many geometries on, :func:`dissolve` unites them by groups and chunks in
#: threads (:func:`_united_in_chunks`).
PARALLEL_DISSOLVE_MIN = 256


def _united_in_chunks(geoms: gpd.GeoSeries) -> shapely.Geometry | None:
    """The union of ``geoms`` from unions of groups and chunks, in threads; None if invalid.

    Groups whose boxes meet no other group's (connected components of the graph of meeting
    boxes) are united group by group and only collected at the end: no last union of every
    vertex. A group too large for one thread is cut into chunks along a Hilbert curve
    (neighbours share a chunk), and its chunks' unions are united. GEOS releases the GIL.
    The result is checked (a fraction of the union's cost); the caller unites all at once
    when it is not valid.
    """
    values = np.asarray(geoms.values, dtype=object)
    values = values[~(shapely.is_missing(values) | shapely.is_empty(values))]
    if not len(values):
        return shapely.Polygon()
    groups, _left, _right = _touching_groups(values, predicate=None)  # boxes: 20x cheaper
    results = _unite_groups(values, groups)
    polygons = shapely.get_parts(np.asarray(results, dtype=object))
    polygons = polygons[shapely.get_type_id(polygons) == 3]
    if not len(polygons):
        return shapely.Polygon()
    out = shapely.multipolygons(polygons) if len(polygons) > 1 else polygons[0]
    return out if is_dissolved(out) else None


def _unite_groups(
    values: np.ndarray, groups: list[np.ndarray], *, threads: int | None = None
) -> list[shapely.Geometry]:
    """The union of each group of ``values`` (index arrays), in threads.

    A group too large for one thread (a quarter of the work of one) is cut into chunks along a
    Hilbert curve (neighbours share a chunk), the chunks are united in the pool, then their
    unions: one giant group no longer holds one core while the other waits. GEOS releases
    the GIL.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = _workers(threads)
    size = max(64, -(-sum(len(g) for g in groups) // (4 * workers)))
    big = [g for g in groups if len(g) > size]
    hilbert = gpd.GeoSeries(values).hilbert_distance().to_numpy() if big else None
    tasks: list[np.ndarray] = []
    spans: list[range] = []  # each group's tasks
    for group in groups:
        if len(group) <= size or hilbert is None:
            spans.append(range(len(tasks), len(tasks) + 1))
            tasks.append(group)
            continue
        chunks = np.array_split(group[np.argsort(hilbert[group])], -(-len(group) // size))
        spans.append(range(len(tasks), len(tasks) + len(chunks)))
        tasks += chunks
    with ThreadPoolExecutor(max_workers=workers) as pool:
        united = list(pool.map(lambda t: shapely.union_all(values[t]), tasks))
        several = [r for r in spans if len(r) > 1]
        merged = dict(
            zip(
                (r.start for r in several),
                pool.map(lambda r: shapely.union_all([united[i] for i in r]), several),
                strict=True,
            )
        )
    return [merged[r.start] if len(r) > 1 else united[r.start] for r in spans]


def _workers(threads: int | None) -> int:
    """Threads for GEOS work: ``threads``, else the CPUs this process may use (at most 8)."""
    import os

    return max(1, threads or min(8, len(os.sched_getaffinity(0))))


def _touching_groups(
    geoms: np.ndarray, *, predicate: str | None = "intersects"
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Indices of the geometries in each connected group of the ``predicate`` graph.

    With ``predicate=None`` two geometries are linked when their boxes meet: coarser groups
    (still apart from one another) for a fraction of the cost. Also returns the graph's
    edges (pairs of indices, each geometry with itself too).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate=predicate)
    graph = coo_matrix((np.ones(len(left), dtype=bool), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(labels[order]) != 0])
    return np.split(order, starts[1:]), left, right


def intersection(a: Frame, b: Frame, *, crs: Any = None) -> gpd.GeoSeries:
    """Polygonal intersection of the dissolved ``a`` and the dissolved ``b`` (one row).

    Parameters
    ----------
    a, b
        Polygons with a CRS (any two CRSs).
    crs
        Equal-area CRS to overlay in; default as in :func:`leopardrange.crs.analysis_crs`.

    Returns
    -------
    GeoSeries
        One row, in the overlay CRS.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> a = gpd.GeoSeries([shapely.box(0, 0, 2_000, 2_000)], crs=laea)
    >>> b = gpd.GeoSeries([shapely.box(1_000, 0, 3_000, 2_000)], crs=laea)
    >>> intersection(a, b).iloc[0].area
    2000000.0
    """
    ga, gb = _aligned(a, b, crs)
    geom = shapely.intersection(dissolve(ga).iloc[0], dissolve(gb).iloc[0])
    return gpd.GeoSeries([mark_dissolved(polygonal_part(geom))], crs=ga.crs)


#: A share this close to a whole percentage (in percentage points) is that whole percentage:
#: the rest is floating-point error of the overlay (a range wholly inside a park gives 100.0).
WHOLE_PCT_TOLERANCE = 1e-9


def share_pct(part_km2: float, whole_km2: float) -> float:
    """``part`` as a percentage of ``whole``, clipped to [0, 100]; 0 when ``whole`` is 0.

    A result within :data:`WHOLE_PCT_TOLERANCE` of a whole percentage is returned as that
    whole number, so a range wholly inside a park gives exactly 100.0.

    Examples
    --------
    >>> share_pct(25.0, 100.0), share_pct(1.0, 0.0), share_pct(101.0, 100.0)
    (25.0, 0.0, 100.0)
    >>> share_pct(6099.918554127244, 6099.9185541272445)
    100.0
    """
    if whole_km2 <= 0:
        return 0.0
    pct = 100.0 * part_km2 / whole_km2
    if abs(pct - round(pct)) <= WHOLE_PCT_TOLERANCE:
        pct = float(round(pct))
    return min(100.0, max(0.0, pct))


def overlap(range_: Frame, zone: Frame, *, method: str = "equal_area", crs: Any = None) -> Overlap:
    """Area of a range, of a zone and of their overlap, and the overlap's share of each.

    Parameters
    ----------
    range_
        The range (polygons with a CRS; dissolved first).
    zone
        A park, protected areas, another species' range (dissolved first).
    method
        Area method (see :func:`leopardrange.measure.area_km2`).
    crs
        Equal-area CRS to overlay in; default as in :func:`leopardrange.crs.analysis_crs`.

    Returns
    -------
    Overlap

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> leopard = gpd.GeoSeries([shapely.box(0, 0, 20_000, 10_000)], crs=laea)
    >>> tiger = gpd.GeoSeries([shapely.box(10_000, 0, 50_000, 10_000)], crs=laea)
    >>> o = overlap(leopard, tiger)
    >>> o.overlap_km2, o.overlap_pct_of_range, o.overlap_pct_of_zone
    (100.0, 50.0, 25.0)
    """
    ga, gb = _aligned(range_, zone, crs, ("the range", "the zone"))
    range_km2 = total_area_km2(dissolve(ga), method=method)
    zone_km2 = total_area_km2(dissolve(gb), method=method)
    both_km2 = min(total_area_km2(intersection(ga, gb), method=method), range_km2, zone_km2)
    return Overlap(
        range_km2=range_km2,
        zone_km2=zone_km2,
        overlap_km2=both_km2,
        overlap_pct_of_range=share_pct(both_km2, range_km2),
        overlap_pct_of_zone=share_pct(both_km2, zone_km2),
    )


def coverage(
    ranges: Frame, zones: Frame, *, method: str = "equal_area", crs: Any = None
) -> pd.DataFrame:
    """How much of each range (row) the dissolved zones cover.

    Parameters
    ----------
    ranges
        One range per row — e.g. the output of
        :func:`leopardrange.rangeloss.epoch_ranges`, one row per epoch.
    zones
        Protected areas (dissolved first, so overlaps count once).
    method
        Area method (see :func:`leopardrange.measure.area_km2`).
    crs
        Equal-area CRS to overlay in; default as in :func:`leopardrange.crs.analysis_crs`.

    Returns
    -------
    DataFrame
        Aligned to ``ranges``' index: ``range_km2``, ``covered_km2`` (range ∩ zones),
        ``covered_pct`` (0–100) and ``uncovered_km2``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> ranges = gpd.GeoSeries([shapely.box(0, 0, 40_000, 10_000)], index=["1970"], crs=laea)
    >>> parks = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000),
    ...                        shapely.box(5_000, 0, 15_000, 10_000)], crs=laea)
    >>> coverage(ranges, parks).loc["1970"].tolist()
    [400.0, 150.0, 37.5, 250.0]
    """
    ga, gb = _aligned(ranges, zones, crs, ("the ranges", "the zones"))
    zone = dissolve(gb)
    rows = [overlap(gpd.GeoSeries([g], crs=ga.crs), zone, method=method) for g in ga.values]
    out = pd.DataFrame(
        {
            "range_km2": [o.range_km2 for o in rows],
            "covered_km2": [o.overlap_km2 for o in rows],
            "covered_pct": [o.overlap_pct_of_range for o in rows],
        },
        index=ga.index,
    )
    out["uncovered_km2"] = (out["range_km2"] - out["covered_km2"]).clip(lower=0.0)
    return out


def area_by_zone(
    data: Frame,
    zones: gpd.GeoDataFrame,
    *,
    name_field: str = "name",
    method: str = "equal_area",
    crs: Any = None,
) -> pd.Series:
    """Area of the dissolved ``data`` inside each zone (e.g. each country), in km².

    Zones with the same name are merged; zones with no overlap (or only a sliver under
    :data:`SLIVER_KM2`) are left out.

    Parameters
    ----------
    data
        Polygons with a CRS (dissolved first).
    zones
        Polygons with a name field.
    name_field
        The zones' name field.
    method, crs
        As for :func:`overlap`.

    Returns
    -------
    Series
        ``area_km2`` indexed by zone name, largest first.

    Raises
    ------
    SchemaError
        If ``zones`` has no field ``name_field`` (the message lists the fields).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> countries = gpd.GeoDataFrame({"name": ["A", "B"]}, crs=laea,
    ...     geometry=[shapely.box(0, 0, 10_000, 10_000), shapely.box(10_000, 0, 20_000, 10_000)])
    >>> rng = gpd.GeoSeries([shapely.box(5_000, 0, 20_000, 10_000)], crs=laea)
    >>> area_by_zone(rng, countries).to_dict()
    {'B': 100.0, 'A': 50.0}
    """
    if name_field not in zones.columns:
        fields = ", ".join(c for c in zones.columns if c != zones.geometry.name)
        raise SchemaError(f"the zones have no field {name_field!r}; fields: {fields}")
    ga, _ = _aligned(data, zones, crs, ("the data", "the zones"))
    by_name = project(zones, ga.crs).dissolve(by=name_field)
    whole = dissolve(ga).iloc[0]
    clipped = gpd.GeoSeries(
        [polygonal_part(shapely.intersection(whole, g)) for g in by_name.geometry.values],
        index=by_name.index.astype(str),
        crs=ga.crs,
    )
    areas = area_km2(clipped, method=method)
    areas = areas[areas > SLIVER_KM2].sort_values(ascending=False)
    areas.index.name = name_field
    return areas.rename("area_km2")


def _polygonal(owner: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the polygonal parts (an overlay of shapes that touch leaves lines and points)."""
    other = ~np.isin(shapely.get_type_id(part), (3, 6))
    if other.any():
        part = part.copy()
        part[other] = [polygonal_part(g) for g in part[other]]
    keep = ~shapely.is_empty(part)
    return owner[keep], part[keep]


#: A tile of the planar overlay holds at most about this many boundary vertices
#: (:func:`_zone_faces_km2`): enough to keep GEOS busy, few enough to bound its memory.
OVERLAY_TILE_VERTICES = 50_000

#: Holder id of the range's pieces in the planar overlay of :func:`_zone_faces_km2`.
_RANGE = -1


def _zone_faces_km2(
    zones: np.ndarray,
    whole: shapely.Geometry,
    *,
    crs: Any,
    method: str,
    threads: int | None = None,
    tile_vertices: int = OVERLAY_TILE_VERTICES,
) -> tuple[np.ndarray, np.ndarray]:
    """Each zone's km² inside ``whole``, and the part of it inside no other zone.

    One planar overlay of the zones that meet ``whole`` and of the pieces of ``whole`` near
    them: their boundaries are noded and polygonized into faces, tile by tile (each tile's
    shapes clipped to it, so memory is bounded by a tile, not by the layer, and tiles run in
    threads). A face inside ``whole`` counts for every zone holding it, and for the zone's
    own part when no other zone holds it. The range's boundary enters the overlay once, not
    once per zone crossing it.
    """
    n = len(zones)
    inside_km2, own_km2 = np.zeros(n), np.zeros(n)
    meets = np.flatnonzero(shapely.intersects(whole, zones))
    if not len(meets):
        return inside_km2, own_km2
    pieces = np.asarray(subdivide(whole), dtype=object)
    near = np.unique(shapely.STRtree(zones[meets]).query(pieces, predicate="intersects")[0])
    geoms = np.concatenate([zones[meets], pieces[near]])
    holder = np.concatenate([meets, np.full(len(near), _RANGE)])

    def tile_faces(tile: _Box, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        bounds = shapely.bounds(geoms[idx])
        within = (bounds[:, :2] >= tile[:2]).all(1) & (bounds[:, 2:] <= tile[2:]).all(1)
        clipped = geoms[idx].copy()
        clipped[~within] = shapely.intersection(clipped[~within], shapely.box(*tile))
        held_by, clipped = _polygonal(holder[idx], clipped)
        lines = shapely.union_all(shapely.boundary(clipped))
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
        if not len(faces):
            return np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0, dtype=bool)
        face, hit = shapely.STRtree(clipped).query(_interior_points(faces), predicate="within")
        pairs = np.unique(np.column_stack([face, held_by[hit]]), axis=0)  # one per holder
        in_range = np.zeros(len(faces), dtype=bool)
        in_range[pairs[pairs[:, 1] == _RANGE, 0]] = True
        pairs = pairs[(pairs[:, 1] != _RANGE) & in_range[pairs[:, 0]]]
        holders = np.bincount(pairs[:, 0], minlength=len(faces))
        kept = np.flatnonzero(holders)
        km2 = np.zeros(len(faces))
        km2[kept] = _km2(faces[kept], crs, method)
        return pairs[:, 1], km2[pairs[:, 0]], holders[pairs[:, 0]] == 1

    from concurrent.futures import ThreadPoolExecutor

    tiles = _overlay_tiles(geoms, max_vertices=tile_vertices)
    with ThreadPoolExecutor(max_workers=_workers(threads)) as pool:
        for zone, km2, alone in pool.map(lambda t: tile_faces(*t), tiles):
            inside_km2 += np.bincount(zone, weights=km2, minlength=n)
            own_km2 += np.bincount(zone[alone], weights=km2[alone], minlength=n)
    return inside_km2, own_km2


def _interior_points(faces: np.ndarray) -> np.ndarray:
    """A point strictly inside each face.

    GEOS's point on surface lands on the boundary (or outside) of some thin faces — a face
    then seemed held by no zone, and its area was lost. Such faces get the centroid of their
    largest triangle (a constrained Delaunay triangle lies inside its polygon).
    """
    probe: np.ndarray = shapely.point_on_surface(faces)
    bad = np.flatnonzero(~shapely.within(probe, faces))
    for i in bad:
        triangles = shapely.get_parts(shapely.constrained_delaunay_triangles(faces[i]))
        if len(triangles):
            probe[i] = shapely.centroid(triangles[np.argmax(shapely.area(triangles))])
    return probe


def _overlay_tiles(
    geoms: np.ndarray, *, max_vertices: int = OVERLAY_TILE_VERTICES
) -> list[tuple[_Box, np.ndarray]]:
    """Tiles covering ``geoms`` (halving their box) with the geometries meeting each tile.

    A tile is halved while its geometries hold more than ``max_vertices`` vertices and the
    cut separates some of them; the tiles are interior-disjoint and cover every geometry.
    """
    bounds = shapely.bounds(geoms)
    vertices = shapely.get_num_coordinates(geoms)
    (x0, y0), (x1, y1) = bounds[:, :2].min(0), bounds[:, 2:].max(0)
    out: list[tuple[_Box, np.ndarray]] = []
    stack: list[tuple[_Box, np.ndarray, int]] = [
        ((float(x0), float(y0), float(x1), float(y1)), np.arange(len(geoms)), 0)
    ]
    while stack:
        tile, idx, depth = stack.pop()
        if not len(idx):
            continue
        if vertices[idx].sum() <= max_vertices or depth >= 24:
            out.append((tile, idx))
            continue
        halves = _halves(tile)
        b = bounds[idx]
        split = [
            (h, idx[(b[:, 0] < h[2]) & (b[:, 2] > h[0]) & (b[:, 1] < h[3]) & (b[:, 3] > h[1])])
            for h in halves
        ]
        if all(len(i) == len(idx) for _h, i in split):  # every geometry spans the cut
            out.append((tile, idx))
            continue
        stack += [(h, i, depth + 1) for h, i in split]
    return out


def _halves(box: _Box) -> tuple[_Box, _Box]:
    """A box cut in two across its longer side."""
    x0, y0, x1, y1 = box
    if x1 - x0 >= y1 - y0:
        mid = (x0 + x1) / 2.0
        return (x0, y0, mid, y1), (mid, y0, x1, y1)
    mid = (y0 + y1) / 2.0
    return (x0, y0, x1, mid), (x0, mid, x1, y1)


def _km2(geoms: np.ndarray, crs: Any, method: str) -> np.ndarray:
    """Areas in km² of an array of polygons in ``crs``."""
    return area_km2(gpd.GeoSeries(geoms, crs=crs), method=method).to_numpy(dtype=float)


def zone_coverage(
    range_: Frame, zones: Frame, *, method: str = "equal_area", crs: Any = None
) -> pd.DataFrame:
    """Each zone's own coverage of a range, and the part of it no other zone covers.

    What a gap analysis reports per protected area: overlapping zones each get their whole
    overlap with the range, and ``unique_in_range_km2`` says how much of it would be lost
    without that zone.

    Parameters
    ----------
    range_
        The range (polygons with a CRS; dissolved first).
    zones
        Protected areas, one per row (not dissolved).
    method, crs
        As for :func:`overlap`.

    Returns
    -------
    DataFrame
        Aligned to ``zones``: ``area_km2`` (the zone), ``in_range_km2`` (zone ∩ range),
        ``share_of_range_pct`` (of the range's area) and ``unique_in_range_km2`` (zone ∩
        range outside every other zone).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> rng = gpd.GeoSeries([shapely.box(0, 0, 40_000, 10_000)], crs=laea)
    >>> parks = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000),
    ...                        shapely.box(5_000, 0, 15_000, 10_000)], crs=laea)
    >>> zone_coverage(rng, parks)
       area_km2  in_range_km2  share_of_range_pct  unique_in_range_km2
    0     100.0         100.0                25.0                 50.0
    1     100.0         100.0                25.0                 50.0
    """
    ga, gb = _aligned(range_, zones, crs, ("the range", "the zones"))
    whole = dissolve(ga).iloc[0]
    shapely.prepare(whole)
    range_km2 = total_area_km2(gpd.GeoSeries([whole], crs=ga.crs), method=method)
    inside, unique = _zone_faces_km2(
        np.asarray(gb.values, dtype=object), whole, crs=gb.crs, method=method
    )
    return pd.DataFrame(
        {
            "area_km2": area_km2(gb, method=method),
            "in_range_km2": inside,
            "share_of_range_pct": [share_pct(a, range_km2) for a in inside],
            "unique_in_range_km2": unique,
        },
        index=gb.index,
    )


#: Pieces of a large polygon hold at most this many vertices (:func:`subdivide`).
SUBDIVIDE_VERTICES = 1_000


def dissolve_groups(data: Frame, *, threads: int | None = None) -> gpd.GeoSeries:
    """Dissolve overlapping (or touching) geometries, one row per group: a dissolve in pieces.

    The groups are the connected components of the "intersects" graph (an STRtree finds the
    pairs); each group is merged with ``union_all``, geometries that meet no other are kept
    as they are. The rows are interior-disjoint, so their areas add up to the area of the
    union — without ever building one giant geometry, which is what makes dissolving the
    whole WDPA slow (measured in benchmarks/).

    Parameters
    ----------
    data
        Polygons with a CRS.
    threads
        Threads merging groups (GEOS releases the GIL); default: the CPUs available, at most 8.

    Returns
    -------
    GeoSeries
        One polygonal geometry per group, same CRS, in the order of each group's first member.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoSeries([shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2),
    ...                        shapely.box(5, 5, 6, 6)], crs=3035)
    >>> groups = dissolve_groups(parks)
    >>> groups.area.tolist()
    [6.0, 1.0]
    """
    geoms = _geoms(data)
    values = geoms.values[~(shapely.is_missing(geoms.values) | shapely.is_empty(geoms.values))]
    n = len(values)
    if n == 0:
        return gpd.GeoSeries([], crs=geoms.crs)
    members, left, right = _touching_groups(values)
    members.sort(key=lambda m: int(m[0]))
    out = np.empty(len(members), dtype=object)
    single = np.array([len(m) == 1 for m in members])
    out[single] = values[[int(m[0]) for m, one in zip(members, single, strict=True) if one]]
    several = [i for i, one in enumerate(single) if not one]

    # A geometry inside another one adds nothing to their union: leave it out of the merge
    # (WDPA sites are often designated several times, one boundary inside another). Only
    # pairs that meet and whose boxes nest are tested: a "contains" query over the tree
    # costs a hundred times more (measured on the WDPA-sized layer of benchmarks/).
    box = shapely.bounds(values)
    nested = (left != right) & (box[left, :2] <= box[right, :2]).all(1)
    nested &= (box[left, 2:] >= box[right, 2:]).all(1)
    outer, inner = left[nested], right[nested]
    keep = shapely.contains(values[outer], values[inner])
    outer, inner = outer[keep], inner[keep]
    inside = (outer < inner) | ~shapely.equals(values[outer], values[inner])
    covered = np.zeros(n, dtype=bool)
    covered[inner[inside]] = True

    if several:
        kept = [members[i][~covered[members[i]]] for i in several]
        for i, merged in zip(several, _unite_groups(values, kept, threads=threads), strict=True):
            out[i] = polygonal_part(merged)
    return gpd.GeoSeries(list(out), crs=geoms.crs)


def subdivide(geom: shapely.Geometry, *, max_vertices: int = SUBDIVIDE_VERTICES) -> list[Any]:
    """Cut a polygon into pieces of at most ``max_vertices`` vertices (halving its bounds).

    The pieces are interior-disjoint and cover the polygon, so areas of intersections with
    the pieces add up to the area of the intersection with the whole — and each overlay
    touches a small piece instead of a polygon of a million vertices.

    Parameters
    ----------
    geom
        A polygonal geometry.
    max_vertices
        Most vertices in a piece (at least 8: a cut piece may keep four corners of its box).

    Returns
    -------
    list
        Valid polygonal pieces (a piece that a cut through a vertex left invalid is repaired).

    Raises
    ------
    ValueError
        When ``max_vertices`` is under 8.

    Examples
    --------
    >>> import shapely
    >>> circle = shapely.Point(0, 0).buffer(10, quad_segs=256)
    >>> pieces = subdivide(circle, max_vertices=100)
    >>> len(pieces) > 8, round(sum(p.area for p in pieces) - circle.area, 9)
    (True, 0.0)
    """
    if max_vertices < 8:  # a clipped piece keeps up to four corners of its box
        raise ValueError(f"max_vertices must be at least 8, not {max_vertices}")
    out: list[Any] = []
    stack = [(geom, 0)]
    while stack:
        part, depth = stack.pop()
        if part.is_empty:
            continue
        if shapely.get_num_coordinates(part) <= max_vertices or depth >= 40:
            out.append(part)
            continue
        halves = _halves(tuple(part.bounds))
        # clip_by_rect is linear in the vertices (an overlay is not): halving costs O(n log n)
        stack += [(polygonal_part(shapely.clip_by_rect(part, *h)), depth + 1) for h in halves]
    pieces = np.array(out, dtype=object)
    broken = ~shapely.is_valid(pieces) if len(pieces) else np.zeros(0, dtype=bool)
    if broken.any():  # a cut through a vertex may leave a degenerate ring: repair that piece
        pieces[broken] = [polygonal_part(g) for g in shapely.make_valid(pieces[broken])]
    return list(pieces)


def union_overlap(
    range_: Frame,
    zones: Frame,
    *,
    method: str = "equal_area",
    crs: Any = None,
    threads: int | None = None,
) -> Overlap:
    """:func:`overlap` of a range with many zones (e.g. the WDPA), never building their union.

    Same answer as ``overlap(range_, zones)``: the zones are dissolved in groups
    (:func:`dissolve_groups`); groups wholly inside the range count whole, groups across its
    edge are intersected with the pieces of the range (:func:`subdivide`) that they meet.

    Parameters
    ----------
    range_, zones, method, crs
        As for :func:`overlap`.
    threads
        As for :func:`dissolve_groups`.

    Returns
    -------
    Overlap

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> rng = gpd.GeoSeries([shapely.box(0, 0, 20_000, 10_000)], crs=laea)
    >>> parks = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000),
    ...     shapely.box(5_000, 0, 15_000, 10_000), shapely.box(30_000, 0, 31_000, 1_000)], crs=laea)
    >>> o = union_overlap(rng, parks)
    >>> o.zone_km2, o.overlap_km2, o.overlap_pct_of_range
    (151.0, 150.0, 75.0)
    """
    ga, gb = _aligned(range_, zones, crs, ("the range", "the zones"))
    whole = dissolve(ga).iloc[0]
    groups = dissolve_groups(gb, threads=threads)
    range_km2 = total_area_km2(gpd.GeoSeries([whole], crs=ga.crs), method=method)
    zone_km2 = float(area_km2(groups, method=method).sum())
    shapely.prepare(whole)
    values = groups.values
    inside = shapely.contains_properly(whole, values)
    across = ~inside & shapely.intersects(whole, values)
    both_km2 = float(area_km2(groups[inside], method=method).sum())
    if across.any():
        pieces = np.array(subdivide(whole), dtype=object)
        edge = values[across]
        g, p = shapely.STRtree(pieces).query(edge, predicate="intersects")
        cut = [polygonal_part(x) for x in shapely.intersection(edge[g], pieces[p])]
        both_km2 += float(area_km2(gpd.GeoSeries(cut, crs=gb.crs), method=method).sum())
    both_km2 = min(both_km2, range_km2, zone_km2)
    return Overlap(
        range_km2=range_km2,
        zone_km2=zone_km2,
        overlap_km2=both_km2,
        overlap_pct_of_range=share_pct(both_km2, range_km2),
        overlap_pct_of_zone=share_pct(both_km2, zone_km2),
    )
