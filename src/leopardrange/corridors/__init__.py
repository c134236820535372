"""Corridor analysis: cost-weighted distance, least-cost paths (issue 5).

Functions take numpy arrays or raster paths; see :mod:`.costdistance`.
"""

from __future__ import annotations

from .costdistance import (
    CWD_NODATA,
    CostDistanceResult,
    cost_distance,
    cost_distance_raster,
    least_cost_path,
    path_length_m,
    path_to_xy,
)

__all__ = [
    "CWD_NODATA",
    "CostDistanceResult",
    "cost_distance",
    "cost_distance_raster",
    "least_cost_path",
    "path_length_m",
    "path_to_xy",
]
