"""Reading vector layers with checks: CRS, emptiness, geometry type and validity.

Formats: GeoPackage, Shapefile (``.shp`` or a zipped ``.zip``), GeoJSON, FlatGeobuf, a FileGDB
folder (through pyogrio/GDAL) and GeoParquet (through pyarrow, the ``parquet`` extra).

A layer is named either with the ``layer`` argument or, on the command line, as
``PATH:LAYER`` (see :func:`parse_layer_spec`).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
from pyproj import CRS

from leopardrange._validate import (
    GeometryKind,
    check_geometry_kind,
    check_not_empty,
    check_valid,
)
from leopardrange.crs import crs_label, require_crs
from leopardrange.errors import CRSError, DataSourceError, LayerNotFoundError

__all__ = [
    "LayerSpec",
    "describe",
    "list_layers",
    "parse_layer_spec",
    "read_layer",
    "sha256_file",
]

log = logging.getLogger(__name__)

_PARQUET_SUFFIXES = {".parquet", ".geoparquet"}
_DIRECTORY_FORMATS = {".gdb"}
_SUPPORTED = "GeoPackage, Shapefile (.shp or .zip), GeoJSON, FlatGeobuf, GeoParquet"


@dataclass(frozen=True)
class LayerSpec:
    """A data source and an optional layer name, as parsed from ``PATH[:LAYER]``."""

    path: Path
    layer: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.layer}" if self.layer else str(self.path)


def parse_layer_spec(spec: str | Path) -> LayerSpec:
    r"""Split ``PATH[:LAYER]`` into a path and a layer name.

    The text after the last colon is a layer name only when the text before it names an
    existing file and the whole text does not, so ``C:\\data\\a.gpkg`` and paths containing
    colons keep working.

    Examples
    --------
    >>> parse_layer_spec("does/not/exist.gpkg")
    LayerSpec(path=PosixPath('does/not/exist.gpkg'), layer=None)
    """
    text = str(spec)
    if Path(text).exists() or ":" not in text:
        return LayerSpec(Path(text))
    head, _, tail = text.rpartition(":")
    if head and tail and Path(head).exists() and "/" not in tail and "\\" not in tail:
        return LayerSpec(Path(head), tail)
    return LayerSpec(Path(text))


def _check_path(path: Path) -> None:
    if not path.exists():
        hint = ""
        if ":" in str(path):
            head = str(path).rpartition(":")[0]
            hint = f" (and {head!r} does not exist either)" if head else ""
        raise DataSourceError(f"{str(path)!r} does not exist{hint}; check the path")
    if path.is_dir() and path.suffix.lower() not in _DIRECTORY_FORMATS:
        raise DataSourceError(
            f"{str(path)!r} is a directory; give a file such as park.gpkg or range.shp"
        )
    _check_shapefile(path)


def _check_shapefile(path: Path) -> None:
    """Refuse a truncated .shp: GDAL would read the missing records as empty geometries."""
    if path.suffix.lower() != ".shp" or not path.is_file():
        return
    with path.open("rb") as f:
        header = f.read(100)
    size = path.stat().st_size
    declared = int.from_bytes(header[24:28], "big") * 2 if len(header) >= 28 else -1
    if len(header) < 100 or int.from_bytes(header[:4], "big") != 9994 or declared != size:
        raise DataSourceError(
            f"{str(path)!r} is truncated or damaged (its header says {declared:,} bytes, the "
            f"file has {size:,}); copy or re-export it from its source"
        )


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in _PARQUET_SUFFIXES


def list_layers(path: str | Path) -> list[tuple[str, str | None]]:
    """List the layers of a vector data source as ``(name, geometry type)`` pairs.

    Raises
    ------
    DataSourceError
        If the path does not exist, is a directory, or is not a GIS file.
    """
    path = Path(path)
    _check_path(path)
    if _is_parquet(path):
        return [(path.stem, None)]
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        reason = "not recognized" if "not recognized" in str(exc) else _short(exc)
        raise DataSourceError(
            f"{str(path)!r} is not a GIS file that can be read ({reason}); supported: {_SUPPORTED}"
        ) from exc
    return [(str(name), None if gtype is None else str(gtype)) for name, gtype in layers]


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "…"


def _resolve_layer(path: Path, layer: str | None) -> str | None:
    if _is_parquet(path):
        return None
    names = [name for name, _ in list_layers(path)]
    if layer is None:
        if len(names) > 1:
            raise LayerNotFoundError(
                f"{str(path)!r} has {len(names)} layers; name one as PATH:LAYER "
                f"(or layer=...): {', '.join(names)}"
            )
        return names[0] if names else None
    if layer not in names:
        raise LayerNotFoundError(
            f"layer {layer!r} not found in {str(path)!r}; available layers: {', '.join(names)}"
        )
    return layer


def _read_frame(path: Path, layer: str | None, where: str | None) -> gpd.GeoDataFrame:
    if _is_parquet(path):
        try:
            frame = gpd.read_parquet(path)
        except ImportError as exc:
            raise DataSourceError(
                f"reading GeoParquet {str(path)!r} needs pyarrow; "
                "pip install 'leopardrange[parquet]'"
            ) from exc
        except Exception as exc:
            raise DataSourceError(
                f"{str(path)!r} is not a readable GeoParquet file ({_short(exc)})"
            ) from exc
        return frame.query(where) if where else frame
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(path, layer=layer, where=where)
    except Exception as exc:
        what = f"layer {layer!r} of {str(path)!r}" if layer else repr(str(path))
        detail = _short(exc)
        if where and any(key in detail.lower() for key in ("sql", "where", "attribute")):
            raise DataSourceError(
                f"the filter where={where!r} failed on {what} ({detail}); check field names "
                "and quoting, e.g. \"name = 'Land of the Leopard'\""
            ) from exc
        raise DataSourceError(
            f"cannot read {what}: it looks damaged or truncated ({detail}); "
            "re-export it from its source"
        ) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        raise DataSourceError(f"{str(path)!r} has no geometry column; it is a plain table")
    return frame


def read_layer(
    path: str | Path,
    layer: str | None = None,
    *,
    where: str | None = None,
    geometry: GeometryKind | None = None,
    repair: bool = False,
    assume_crs: Any = None,
    allow_empty: bool = False,
) -> gpd.GeoDataFrame:
    """Read one vector layer and check it.

    Parameters
    ----------
    path
        GeoPackage, Shapefile (``.shp`` or zipped), GeoJSON, FlatGeobuf or GeoParquet file.
        ``PATH:LAYER`` is accepted when ``layer`` is not given.
    layer
        Layer name; required when the file holds several layers.
    where
        Attribute filter in OGR SQL, e.g. ``"name = 'Land of the Leopard'"`` (pandas
        query syntax for GeoParquet).
    geometry
        Required geometry kind: ``"polygon"``, ``"point"``, ``"line"`` or
        ``"polygon_or_point"``; ``None`` accepts any.
    repair
        Repair invalid geometries with ``make_valid`` instead of raising; the repair is logged
        (how many, which ids) and stored in ``frame.attrs["repair"]``.
    assume_crs
        CRS to assign when the file has none (anything :class:`pyproj.CRS` accepts). It never
        overrides a CRS the file has.
    allow_empty
        Return an empty layer instead of raising.

    Returns
    -------
    GeoDataFrame
        The layer, index as read (0…n−1), with ``attrs`` ``source`` (``PATH:LAYER``) and
        ``repair`` (a :class:`RepairReport`).

    Raises
    ------
    DataSourceError
        Missing path, a directory, not a GIS file, damaged file, failing filter.
    LayerNotFoundError
        The layer does not exist (the message lists the layers).
    EmptyLayerError, CRSError, GeometryTypeError, InvalidGeometryError
        An empty layer; no CRS and no ``assume_crs``; wrong geometry type; invalid
        geometries without ``repair``.
    """
    if layer is None:
        spec = parse_layer_spec(path)
        path, layer = spec.path, spec.layer
    path = Path(path)
    _check_path(path)
    layer = _resolve_layer(path, layer)
    frame = _read_frame(path, layer, where)
    source = str(LayerSpec(path, layer))
    name = f"layer {layer!r} of {str(path)!r}" if layer else repr(str(path))
    if where:
        name += f" (where {where})"
    if frame.crs is None and assume_crs is not None:
        try:
            frame = frame.set_crs(CRS.from_user_input(assume_crs))
        except Exception as exc:
            raise CRSError(f"--assume-crs {assume_crs!r} is not a CRS ({_short(exc)})") from exc
    if not (allow_empty and len(frame) == 0):
        check_not_empty(frame, name=name)
    require_crs(frame, name=name)
    if geometry is not None:
        check_geometry_kind(frame, kind=geometry, name=name)
    frame, report = check_valid(frame, name=name, repair=repair)
    if report.n_repaired:
        log.info("%s: %s", name, report)
    frame.attrs["source"] = source
    frame.attrs["repair"] = report
    return frame


def describe(
    spec: str | Path,
    *,
    area_method: str = "equal_area",
    assume_crs: Any = None,
    repair: bool = False,
    allow_empty: bool | None = None,
) -> list[dict[str, Any]]:
    """Describe every layer of a data source, or the one named in ``PATH:LAYER``.

    Empty layers are listed (0 features, no bounds) when describing a whole file, and are an
    error when the one layer named is empty, unless ``allow_empty`` says otherwise.

    Returns
    -------
    list of dict
        Per layer: ``layer``, ``geometry_type``, ``crs``, ``features``, ``bounds``
        (minx, miny, maxx, maxy in the layer CRS) and ``area_km2`` (total of polygon areas,
        ``None`` for other geometry types), ``union_area_km2`` (area of their union, where
        overlaps count once; ``None`` unless features overlap), ``repaired`` (count) and
        ``repair_note``.
    """
    from leopardrange.measure import area_km2

    parsed = parse_layer_spec(spec)
    _check_path(parsed.path)
    names = [parsed.layer] if parsed.layer else [n for n, _ in list_layers(parsed.path)]
    if _is_parquet(parsed.path):
        names = [None]  # type: ignore[list-item]
    rows: list[dict[str, Any]] = []
    for name in names:
        frame = read_layer(
            parsed.path,
            name,
            assume_crs=assume_crs,
            repair=repair,
            allow_empty=parsed.layer is None if allow_empty is None else allow_empty,
        )
        kinds = sorted(set(frame.geometry.geom_type.dropna()))
        polygonal = bool(kinds) and all(k in ("Polygon", "MultiPolygon") for k in kinds)
        rows.append(
            {
                "layer": name if name is not None else parsed.path.stem,
                "geometry_type": "/".join(kinds) or "none",
                "crs": crs_label(frame.crs),
                "features": len(frame),
                "bounds": [float(v) for v in frame.total_bounds] if len(frame) else None,
                "area_km2": float(area_km2(frame, method=area_method).sum()) if polygonal else None,
                "union_area_km2": _union_km2(frame, area_method) if polygonal else None,
                "repaired": frame.attrs["repair"].n_repaired,
                "repair_note": str(frame.attrs["repair"]),
            }
        )
    return rows


def _union_km2(frame: gpd.GeoDataFrame, method: str) -> float | None:
    """Area of the union of the features when some of them overlap, else ``None``."""
    import shapely

    from leopardrange.measure import total_area_km2

    geoms = frame.geometry.values
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    pairs = i < j
    if not pairs.any() or shapely.touches(geoms[i[pairs]], geoms[j[pairs]]).all():
        return None
    return total_area_km2(frame, method=method)


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex), for recording exactly which inputs a run used."""
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
