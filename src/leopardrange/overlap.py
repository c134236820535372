"""Overlaps between ranges and zones: dissolves, intersections and shares.

Everything here works on geometries already in one projected CRS (the analysis CRS); areas
are measured with :func:`leopardrange.measure.area_km2`, by the method the caller names.
Protected areas are **dissolved** before they are intersected with a range (wdpar's order of
work), so overlapping parks are never counted twice.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from leopardrange._validate import polygonal_part
from leopardrange.crs import crs_label, require_crs
from leopardrange.errors import CRSError
from leopardrange.measure import area_km2, total_area_km2

__all__ = ["dissolve", "intersection", "overlap", "share_pct", "split_by_zone"]


#: Overlaps smaller than this (1,000 m²) are slivers of mismatched boundaries, not real overlap.
SLIVER_KM2 = 0.001


def dissolve(data: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    """Union of all geometries as a one-row GeoSeries (same CRS); empty input: empty polygon."""
    geoms = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    union = shapely.union_all(geoms.values) if len(geoms) else shapely.Polygon()
    return gpd.GeoSeries([polygonal_part(union)], crs=geoms.crs)


def intersection(a: gpd.GeoSeries, b: gpd.GeoSeries) -> gpd.GeoSeries:
    """Polygonal intersection of the dissolved ``a`` and the dissolved ``b`` (one row)."""
    _same_crs(a, b)
    geom = shapely.intersection(dissolve(a).iloc[0], dissolve(b).iloc[0])
    return gpd.GeoSeries([polygonal_part(geom)], crs=a.crs)


def _same_crs(a: gpd.GeoSeries, b: gpd.GeoSeries) -> None:
    crs_a, crs_b = require_crs(a, name="the first layer"), require_crs(b, name="the second layer")
    if crs_a != crs_b:
        raise CRSError(
            f"the layers are in different CRSs ({crs_label(crs_a)} and {crs_label(crs_b)}); "
            "project both into one analysis CRS first, e.g. b.to_crs(a.crs) or both "
            ".to_crs(leopardrange.crs.equal_area_crs(a))"
        )


def share_pct(part_km2: float, whole_km2: float) -> float:
    """``part`` as a percentage of ``whole``, clipped to [0, 100]; 0 when ``whole`` is 0."""
    if whole_km2 <= 0:
        return 0.0
    return min(100.0, max(0.0, 100.0 * part_km2 / whole_km2))


def overlap(a: gpd.GeoSeries, b: gpd.GeoSeries, *, method: str = "equal_area") -> dict[str, float]:
    """Area of ``a``, ``b`` and their overlap, and the overlap as a share of each.

    Returns
    -------
    dict
        ``a_km2``, ``b_km2``, ``overlap_km2``, ``overlap_pct_of_a`` and ``overlap_pct_of_b``
        (0–100). The overlap never exceeds either area.
    """
    _same_crs(a, b)
    a_km2 = total_area_km2(a, method=method)
    b_km2 = total_area_km2(b, method=method)
    both_km2 = min(total_area_km2(intersection(a, b), method=method), a_km2, b_km2)
    return {
        "a_km2": a_km2,
        "b_km2": b_km2,
        "overlap_km2": both_km2,
        "overlap_pct_of_a": share_pct(both_km2, a_km2),
        "overlap_pct_of_b": share_pct(both_km2, b_km2),
    }


def split_by_zone(
    data: gpd.GeoSeries,
    zones: gpd.GeoDataFrame,
    *,
    name_field: str,
    method: str = "equal_area",
) -> dict[str, float]:
    """Area of the dissolved ``data`` inside each zone (e.g. each country), in km².

    Zones with the same name are merged; zones with no overlap (or only a sliver under
    :data:`SLIVER_KM2`) are left out. Returns an ordered mapping, largest area first.
    """
    _same_crs(data, zones.geometry)
    whole = dissolve(data).iloc[0]
    by_name = zones.dissolve(by=name_field)
    clipped = gpd.GeoSeries(
        [polygonal_part(shapely.intersection(whole, g)) for g in by_name.geometry.values],
        index=by_name.index.astype(str),
        crs=zones.crs,
    )
    areas = area_km2(clipped, method=method)
    areas = areas[areas > SLIVER_KM2].sort_values(ascending=False)
    return {str(name): float(value) for name, value in areas.items()}
