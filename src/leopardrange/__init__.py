"""leopardrange — habitat and range analysis of endangered species.

Measure how a species' range shrank, how much of it a protected area covers, where it
overlaps a competitor's range, its IUCN range metrics (EOO, AOO), and corridors between
habitat patches — with areas always measured in an equal-area CRS or geodesically.

Every public module is an attribute of the package, loaded on first use (so
``import leopardrange`` stays cheap):

==================  ==========================================================================
``overlap``         coverage and overlap of ranges and protected areas
``rangeloss``       range contraction by epoch
``redlist``         IUCN EOO, AOO and criterion B
``wdpa``            WDPA conventions: status, biosphere reserves, points with a reported area
``iucn``            IUCN range-map conventions: presence, origin and seasonal codes
``fragmentation``   patches and effective mesh size
``report``          the range-loss and coverage report (compute, run, write)
``metrics``         the metric registry: names, units, meanings
``study``           study files (TOML): layers by role, claims
``corridors``       resistance, cost distance, least-cost corridors, linkage networks
``export``          GeoPackage, Shapefile and QGIS project export
``io``              reading and checking vector layers
``output``          atomic outputs, never replaced without ``overwrite``
``documents``       TOML in, JSON out
``schema``          checks of study and recipe files
``palette``         every colour of the maps and the QGIS styles
``measure``         areas in km²
``crs``             CRS policy
``datasets``        the embedded Amur leopard landscape
``errors``          the exception tree
``units``           unit constants and conversions
==================  ==========================================================================

>>> import leopardrange as lr
>>> park = lr.datasets.load("park", where="name = 'Land of the Leopard'")
>>> round(float(lr.measure.area_km2(park).iloc[0]))
2596
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from leopardrange._version import __version__

if TYPE_CHECKING:
    from leopardrange import (
        corridors,
        crs,
        datasets,
        documents,
        errors,
        export,
        fragmentation,
        io,
        iucn,
        measure,
        metrics,
        output,
        overlap,
        palette,
        rangeloss,
        redlist,
        report,
        schema,
        study,
        units,
        wdpa,
    )

__all__ = [
    "MODULES",
    "__version__",
    "corridors",
    "crs",
    "datasets",
    "documents",
    "errors",
    "export",
    "fragmentation",
    "io",
    "iucn",
    "measure",
    "metrics",
    "output",
    "overlap",
    "palette",
    "rangeloss",
    "redlist",
    "report",
    "schema",
    "study",
    "units",
    "wdpa",
]
#: The public modules, each reachable as ``leopardrange.<name>``.
MODULES: tuple[str, ...] = tuple(n for n in __all__ if n not in ("MODULES", "__version__"))


def __getattr__(name: str) -> Any:
    if name in MODULES:
        return importlib.import_module(f"leopardrange.{name}")
    raise AttributeError(f"module 'leopardrange' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
