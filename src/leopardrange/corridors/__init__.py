"""Corridor analysis: resistance surfaces, cost distance, least-cost paths, corridors, networks.

* :mod:`.resistance` -- resistance surfaces from a recipe (TOML or API) on one projected grid;
* :mod:`.recipe` -- the recipe: grid (bounds, extent, snap_to), factors, combination;
* :mod:`.grid` -- grids for distances: cell size in ground metres, the scale error of the
  projection over the grid (refused above a threshold), a recipe's grid;
* :mod:`.legend` -- land-cover legends (IGBP, ESA WorldCover, CORINE, CSV/TOML files);
* :mod:`.landcover` -- a land cover on the grid with its legend; the path's habitat share;
* :mod:`.costdistance` -- cost-weighted distance and least-cost paths (numpy and GeoTIFF);
* :mod:`.areas` -- sources, targets and cores: names, cells, overlaps;
* :mod:`.corridor` -- least-cost path, corridor and metrics between two areas;
* :mod:`.linkages` -- pairwise links among N core areas as a networkx graph;
* :mod:`.circuit` -- circuit-theory current maps and effective resistances (Circuitscape);
* :mod:`.pinchpoints` -- pinch points and current-flow centrality of a linkage network;
* :mod:`.omniscape` -- omnidirectional connectivity in moving windows, on Dask;
* :mod:`.maps` -- corridor and network maps with the report's cartography.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Submodules load on first use, so that `from leopardrange.corridors import cost_distance`
# does not import scipy, networkx, matplotlib and geopandas: the cost-distance benchmark's
# peak memory depends on it (benchmarks/README.md).
_WHERE = {
    "CircuitResult": "circuit",
    "run_circuit": "circuit",
    "OmniscapeResult": "omniscape",
    "run_omniscape": "omniscape",
    "PinchPointResult": "pinchpoints",
    "pinch_points": "pinchpoints",
    "DEFAULT_MAX_SCALE_ERROR_PCT": "grid",
    "GridCheck": "grid",
    "ScaleError": "grid",
    "check_grid": "grid",
    "grid_scale_error": "grid",
    "LandCover": "landcover",
    "read_landcover": "landcover",
    "Legend": "legend",
    "read_legend": "legend",
    "LINK_METRICS": "corridor",
    "IGBP_FOREST_CLASSES": "corridor",
    "CorridorResult": "corridor",
    "ResistanceGrid": "corridor",
    "least_cost_corridor": "corridor",
    "min_width_m": "corridor",
    "read_resistance": "corridor",
    "CWD_NODATA": "costdistance",
    "CostDistanceResult": "costdistance",
    "cost_distance": "costdistance",
    "cost_distance_raster": "costdistance",
    "least_cost_path": "costdistance",
    "path_length_m": "costdistance",
    "path_to_xy": "costdistance",
    "LinkageResult": "linkages",
    "linkage_network": "linkages",
    "RESISTANCE_NODATA": "resistance",
    "ResistanceRecipe": "resistance",
    "ResistanceSurface": "resistance",
    "build_resistance": "resistance",
    "read_recipe": "resistance",
    "warp_raster": "resistance",
    "write_resistance": "resistance",
}

if TYPE_CHECKING:
    from .circuit import CircuitResult, run_circuit
    from .corridor import (
        IGBP_FOREST_CLASSES,
        LINK_METRICS,
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
    from .grid import (
        DEFAULT_MAX_SCALE_ERROR_PCT,
        GridCheck,
        ScaleError,
        check_grid,
        grid_scale_error,
    )
    from .landcover import LandCover, read_landcover
    from .legend import Legend, read_legend
    from .linkages import (
        LinkageResult,
        linkage_network,
    )
    from .omniscape import OmniscapeResult, run_omniscape
    from .pinchpoints import PinchPointResult, pinch_points
    from .resistance import (
        RESISTANCE_NODATA,
        ResistanceRecipe,
        ResistanceSurface,
        build_resistance,
        read_recipe,
        warp_raster,
        write_resistance,
    )


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CWD_NODATA",
    "DEFAULT_MAX_SCALE_ERROR_PCT",
    "IGBP_FOREST_CLASSES",
    "LINK_METRICS",
    "RESISTANCE_NODATA",
    "CircuitResult",
    "CorridorResult",
    "CostDistanceResult",
    "GridCheck",
    "LandCover",
    "Legend",
    "LinkageResult",
    "OmniscapeResult",
    "PinchPointResult",
    "ResistanceGrid",
    "ResistanceRecipe",
    "ResistanceSurface",
    "ScaleError",
    "build_resistance",
    "check_grid",
    "cost_distance",
    "cost_distance_raster",
    "grid_scale_error",
    "least_cost_corridor",
    "least_cost_path",
    "linkage_network",
    "min_width_m",
    "path_length_m",
    "path_to_xy",
    "pinch_points",
    "read_landcover",
    "read_legend",
    "read_recipe",
    "read_resistance",
    "run_circuit",
    "run_omniscape",
    "warp_raster",
    "write_resistance",
]
