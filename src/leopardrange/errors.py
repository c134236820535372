"""Exception tree of leopardrange.

Every exception raised on purpose by the toolkit derives from
:class:`LeopardRangeError`, and each class also subclasses the builtin it
refines, so ``except ValueError`` keeps working for callers who do not know
this package (the rasterio convention).

Messages name the offending value (file, layer, field, feature id) and say
how to fix it. The CLI prints them as one line and exits with status 1.
"""

from __future__ import annotations

__all__ = [
    "AttributeValueError",
    "CRSError",
    "CircuitError",
    "ClusterError",
    "DataSourceError",
    "EmptyLayerError",
    "ExportError",
    "GeometryError",
    "GeometryTypeError",
    "InvalidGeometryError",
    "LayerNotFoundError",
    "LegendError",
    "LeopardRangeError",
    "MemoryLimitError",
    "MissingFieldError",
    "OutputBusyError",
    "OutputExistsError",
    "ResistanceError",
    "SchemaError",
    "SourceError",
    "StudyError",
    "UnreachableError",
    "UnsafeOutputError",
]


class LeopardRangeError(Exception):
    """Root of every error the toolkit raises on purpose."""


class DataSourceError(LeopardRangeError, OSError):
    """A path does not exist, is a directory, or is not a readable GIS file."""


class LayerNotFoundError(LeopardRangeError, LookupError):
    """A named layer is not in the data source (the message lists the layers)."""


class CRSError(LeopardRangeError, ValueError):
    """A layer or raster has no CRS, or one unfit for the operation."""


class GeometryError(LeopardRangeError, ValueError):
    """Geometries unfit for the operation (empty, wrong type or invalid)."""


class EmptyLayerError(GeometryError):
    """A layer, filter result or derived geometry has no features."""


class GeometryTypeError(GeometryError, TypeError):
    """Geometries of the wrong type, e.g. points where polygons are required."""


class InvalidGeometryError(GeometryError):
    """Invalid geometries (self-intersections, bow-ties) and no repair asked for."""


class SchemaError(LeopardRangeError, KeyError):
    """A required attribute field is missing from a layer."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class AttributeValueError(LeopardRangeError, ValueError):
    """An attribute value is unfit: a negative area, a year that is no year, an unknown code."""


class StudyError(LeopardRangeError, ValueError):
    """A study file is malformed: unknown keys, missing roles, bad values."""


class ResistanceError(LeopardRangeError, ValueError):
    """A resistance surface or recipe is unfit for cost-distance analysis."""


class LegendError(LeopardRangeError, ValueError):
    """A land-cover legend is malformed, or does not fit the raster it is used with."""


class SourceError(LeopardRangeError, ValueError):
    """A source or target for cost distance is outside the grid or on nodata."""


class UnreachableError(LeopardRangeError, RuntimeError):
    """A target cannot be reached from the sources through passable cells."""


class ExportError(LeopardRangeError, OSError):
    """An export cannot be written, or would lose data the format cannot hold."""


class OutputExistsError(ExportError, FileExistsError):
    """An output exists and ``overwrite`` was not given."""


class CircuitError(LeopardRangeError, ValueError):
    """Focal nodes, pairs, sources or grounds unfit for a circuit-theory run."""


class MemoryLimitError(LeopardRangeError, MemoryError):
    """A job would need more memory than allowed or available (the message gives both)."""


class ClusterError(LeopardRangeError, ConnectionError):
    """A Dask scheduler cannot be reached or a cluster cannot be started."""


class OutputBusyError(ExportError):
    """Another run is writing the same output (it holds the output's lock)."""


class UnsafeOutputError(ExportError):
    """An output would be, hold or lie inside an input, or replace a folder in use."""


class MissingFieldError(SchemaError, StudyError):
    """Fields a study or an analysis names are missing from its layers (all named at once)."""
