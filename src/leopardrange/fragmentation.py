"""Fragmentation of a range: patches and effective mesh size (FRAGSTATS-style, vector based).

A patch is a connected part of the dissolved range (parts that touch merge). Definitions:

- ``n_patches`` — number of patches (FRAGSTATS NP).
- ``largest_patch_pct`` — largest patch as a percentage of the range area (LPI with the range
  as the landscape).
- ``mean_patch_km2`` — mean patch area (AREA_MN).
- ``effective_mesh_size_km2`` — Σ aᵢ² / A with the range as the reporting unit (Jaeger's
  MESH): the area a randomly chosen point of the range can reach without leaving its patch.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from leopardrange.crs import analysis_crs, project
from leopardrange.measure import area_km2
from leopardrange.overlap import dissolve

__all__ = ["PatchMetrics", "patch_metrics", "patches"]


@dataclass(frozen=True)
class PatchMetrics:
    """Patch statistics of a range (see the module docstring for the definitions).

    Attributes
    ----------
    n_patches
        Number of patches (count).
    largest_patch_pct
        Largest patch ÷ total area × 100 (0–100).
    mean_patch_km2
        Mean patch area, km².
    effective_mesh_size_km2
        Σ aᵢ² / A, km².
    total_km2
        Total area of the patches, km².

    Examples
    --------
    >>> m = PatchMetrics(2, 75.0, 200.0, 250.0, 400.0)
    >>> m.n_patches, m.effective_mesh_size_km2
    (2, 250.0)
    """

    n_patches: int
    largest_patch_pct: float
    mean_patch_km2: float
    effective_mesh_size_km2: float
    total_km2: float


def _parts(data: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    geoms = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    geoms = project(geoms, analysis_crs(geoms))  # parts across the antimeridian meet again
    union = dissolve(geoms).iloc[0]
    return gpd.GeoSeries([p for p in shapely.get_parts(union) if not p.is_empty], crs=geoms.crs)


def patches(
    data: gpd.GeoDataFrame | gpd.GeoSeries, *, method: str = "equal_area"
) -> gpd.GeoDataFrame:
    """The patches (connected polygon parts) of the dissolved geometries, with their areas.

    Parameters
    ----------
    data
        Polygons with a CRS.
    method
        Area method (see :func:`leopardrange.measure.area_km2`).

    Returns
    -------
    GeoDataFrame
        One row per patch, largest first, with ``area_km2``; in the equal-area CRS the patches
        were found in (the input's own when it is one, see :func:`leopardrange.crs.analysis_crs`).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> two = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000),
    ...                      shapely.box(20_000, 0, 25_000, 10_000)], crs=laea)
    >>> patches(two)["area_km2"].tolist()
    [100.0, 50.0]
    """
    parts = _parts(data)
    frame = gpd.GeoDataFrame({"area_km2": area_km2(parts, method=method)}, geometry=parts)
    return frame.sort_values("area_km2", ascending=False, kind="stable").reset_index(drop=True)


def patch_metrics(
    data: gpd.GeoDataFrame | gpd.GeoSeries, *, method: str = "equal_area"
) -> PatchMetrics:
    """Patch count, largest patch share, mean patch area and effective mesh size.

    Parameters
    ----------
    data
        Polygons with a CRS.
    method
        Area method (see :func:`leopardrange.measure.area_km2`).

    Returns
    -------
    PatchMetrics
        Zeros for an empty range.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> two = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000),
    ...                      shapely.box(20_000, 0, 50_000, 10_000)], crs=laea)
    >>> m = patch_metrics(two)
    >>> m.n_patches, m.largest_patch_pct, m.effective_mesh_size_km2
    (2, 75.0, 250.0)
    """
    parts = _parts(data)
    if len(parts) == 0:
        return PatchMetrics(0, 0.0, 0.0, 0.0, 0.0)
    sizes = area_km2(parts, method=method).to_numpy()
    total = float(sizes.sum())
    return PatchMetrics(
        n_patches=len(parts),
        largest_patch_pct=100.0 * float(sizes.max()) / total if total else 0.0,
        mean_patch_km2=total / len(parts),
        effective_mesh_size_km2=float((sizes**2).sum()) / total if total else 0.0,
        total_km2=total,
    )
