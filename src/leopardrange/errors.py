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
    "DataSourceError",
    "EmptyLayerError",
    "ExportError",
    "GeometryError",
    "GeometryTypeError",
    "InvalidGeometryError",
    "LayerNotFoundError",
    "LeopardRangeError",
    "MissingFieldError",
    "OutputExistsError",
    "ResistanceError",
    "SchemaError",
    "SourceError",
    "StudyError",
    "UnreachableError",
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


class SourceError(LeopardRangeError, ValueError):
    """A source or target for cost distance is outside the grid or on nodata."""


class UnreachableError(LeopardRangeError, RuntimeError):
    """A target cannot be reached from the sources through passable cells."""


class ExportError(LeopardRangeError, OSError):
    """An export cannot be written, or would lose data the format cannot hold."""


class OutputExistsError(ExportError, FileExistsError):
    """An output exists and ``overwrite`` was not given."""


class MissingFieldError(SchemaError, StudyError):
    """Fields a study or an analysis names are missing from its layers (all named at once)."""
