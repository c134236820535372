"""Corridor analysis: resistance surfaces, cost distance, least-cost paths, corridors, networks.

* :mod:`.resistance` -- resistance surfaces from a recipe (TOML or API) on one equal-area grid;
* :mod:`.costdistance` -- cost-weighted distance and least-cost paths (numpy and GeoTIFF);
* :mod:`.corridor` -- least-cost path, corridor and metrics between two areas;
* :mod:`.linkages` -- pairwise links among N core areas as a networkx graph.
"""

from __future__ import annotations

from .corridor import (
    IGBP_FOREST_CLASSES,
    CorridorResult,
    ResistanceGrid,
    least_cost_corridor,
    min_width_m,
    read_resistance,
)
from .costdistance import (
    CWD_NODATA,
    CostDistanceResult,
    cost_distance,
    cost_distance_raster,
    least_cost_path,
    path_length_m,
    path_to_xy,
)
from .linkages import LinkageResult, linkage_network
from .resistance import (
    RESISTANCE_NODATA,
    ResistanceRecipe,
    ResistanceSurface,
    build_resistance,
    read_recipe,
    warp_raster,
)

__all__ = [
    "CWD_NODATA",
    "IGBP_FOREST_CLASSES",
    "RESISTANCE_NODATA",
    "CorridorResult",
    "CostDistanceResult",
    "LinkageResult",
    "ResistanceGrid",
    "ResistanceRecipe",
    "ResistanceSurface",
    "build_resistance",
    "cost_distance",
    "cost_distance_raster",
    "least_cost_corridor",
    "least_cost_path",
    "linkage_network",
    "min_width_m",
    "path_length_m",
    "path_to_xy",
    "read_recipe",
    "read_resistance",
    "warp_raster",
]
