"""leopardrange — habitat and range analysis of endangered species.

Measure how a species' range shrank, how much of it a protected area covers, where it
overlaps a competitor's range, its IUCN range metrics (EOO, AOO), and corridors between
habitat patches — with areas always measured in an equal-area CRS or geodesically.

The package imports its submodules lazily: ``import leopardrange`` is cheap, and
``leopardrange.measure`` etc. load on first use.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("leopardrange")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

_SUBMODULES = {
    "crs",
    "datasets",
    "errors",
    "io",
    "measure",
    "units",
}

__all__ = ["__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"leopardrange.{name}")
    raise AttributeError(f"module 'leopardrange' has no attribute {name!r}")
