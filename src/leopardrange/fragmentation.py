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

import geopandas as gpd
import shapely

from leopardrange.measure import area_km2
from leopardrange.overlap import dissolve

__all__ = ["patch_metrics", "patches"]


def patches(data: gpd.GeoSeries) -> gpd.GeoSeries:
    """The patches (connected polygon parts) of the dissolved geometries."""
    union = dissolve(data).iloc[0]
    parts = [p for p in shapely.get_parts(union) if not p.is_empty]
    return gpd.GeoSeries(parts, crs=data.crs)


def patch_metrics(data: gpd.GeoSeries, *, method: str = "equal_area") -> dict[str, float | int]:
    """Patch count, largest patch share, mean patch area and effective mesh size.

    Returns
    -------
    dict
        ``n_patches``, ``largest_patch_pct`` (0–100), ``mean_patch_km2``,
        ``effective_mesh_size_km2`` and ``total_km2``; zeros for an empty range.
    """
    parts = patches(data)
    if len(parts) == 0:
        return {
            "n_patches": 0,
            "largest_patch_pct": 0.0,
            "mean_patch_km2": 0.0,
            "effective_mesh_size_km2": 0.0,
            "total_km2": 0.0,
        }
    sizes = area_km2(parts, method=method).to_numpy()
    total = float(sizes.sum())
    return {
        "n_patches": len(parts),
        "largest_patch_pct": 100.0 * float(sizes.max()) / total if total else 0.0,
        "mean_patch_km2": total / len(parts),
        "effective_mesh_size_km2": float((sizes**2).sum()) / total if total else 0.0,
        "total_km2": total,
    }
