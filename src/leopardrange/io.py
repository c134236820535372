"""Reading vector layers with checks: CRS, emptiness, geometry type and validity.

Formats: GeoPackage, Shapefile (``.shp`` or a zipped ``.zip``), GeoJSON, FlatGeobuf, a FileGDB
folder (through pyogrio/GDAL) and GeoParquet (through pyarrow, the ``parquet`` extra).

A layer is named either with the ``layer`` argument or, on the command line, as
``PATH:LAYER`` (see :func:`parse_layer_spec`).
"""

from __future__ import annotations

import glob
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
from pyproj import CRS

from leopardrange._validate import (
    GeometryKind,
    check_coordinates,
    check_geometry_kind,
    check_not_empty,
    check_valid,
)
from leopardrange.crs import crs_label, require_crs
from leopardrange.errors import (
    CRSError,
    DataSourceError,
    EmptyLayerError,
    InvalidGeometryError,
    LayerNotFoundError,
)
from leopardrange.output import note_input

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
    """A data source and an optional layer name, as parsed from ``PATH[:LAYER]``.

    Examples
    --------
    >>> from pathlib import Path
    >>> str(LayerSpec(Path("data.gpkg"), "park")), str(LayerSpec(Path("data.gpkg")))
    ('data.gpkg:park', 'data.gpkg')
    """

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
    if _exists(Path(text)) or ":" not in text:
        return LayerSpec(Path(text))
    head, _, tail = text.rpartition(":")
    if head and tail and _exists(Path(head)) and "/" not in tail and "\\" not in tail:
        return LayerSpec(Path(head), tail)
    return LayerSpec(Path(text))


def _exists(path: Path) -> bool:
    """``path.exists()`` that says ``False`` for names no file can have (NUL, too long)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _check_path(path: Path) -> None:
    note_input(path)
    text = str(path)
    if "\x00" in text:
        raise DataSourceError(f"{text!r} is not a usable path (it holds a NUL character)")
    try:
        path.stat()
    except FileNotFoundError:
        hint = ""
        if ":" in text:
            head = text.rpartition(":")[0]
            hint = f" (and {head!r} does not exist either)" if head else ""
        raise DataSourceError(f"{text!r} does not exist{hint}; check the path") from None
    except OSError as exc:
        from leopardrange.output import os_error_message

        raise DataSourceError(os_error_message(exc, path, writing=False)) from exc
    if path.is_dir() and path.suffix.lower() not in _DIRECTORY_FORMATS:
        raise DataSourceError(
            f"{text!r} is a directory; give a file such as park.gpkg or range.shp"
        )
    if not path.is_dir() and not path.is_file():
        raise DataSourceError(
            f"{text!r} is not a regular file (a device, pipe or socket); give a GIS file"
        )
    if not os.access(path, os.R_OK):
        raise DataSourceError(f"cannot read {text!r}: permission denied; check the permissions")
    _check_shapefile(path)


#: Characters GDAL's path parsing (through pyogrio) takes for URL or archive syntax.
_GDAL_SYNTAX = re.compile(r"[;!?#]|^[A-Za-z][A-Za-z0-9+.-]+:")


@contextmanager
def _gdal_path(path: Path) -> Iterator[Path]:
    """``path``, or a link to it under a plain name when GDAL would misread its name.

    pyogrio reads ``x;y.gpkg`` as ``x`` and ``a!b.gpkg`` as an archive member; a symbolic
    link with a plain name (beside every part of a Shapefile) reads the same file.
    """
    if not _GDAL_SYNTAX.search(str(path)):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="leopardrange-") as tmp:
        real = path.resolve()
        parts = [real]
        if real.suffix.lower() == ".shp":
            parts = [p for p in real.parent.iterdir() if p.stem == real.stem]
        try:
            for part in parts:
                os.symlink(part, Path(tmp) / ("layer" + part.suffix))
        except OSError as exc:
            raise DataSourceError(
                f"{str(path)!r}: GDAL cannot open a file whose name holds ';', '!', '?' or '#' "
                f"and no link to it could be made ({exc.strerror}); rename the file"
            ) from exc
        yield Path(tmp) / ("layer" + real.suffix)


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
    parts = {p.suffix.lower() for p in path.parent.glob(glob.escape(path.stem) + ".*")}
    if ".shx" not in parts:
        raise DataSourceError(
            f"{str(path)!r} has no .shx beside it: a Shapefile is several files (.shp, .shx, "
            ".dbf, .prj, .cpg) and all of them are needed; copy them all, or zip them together"
        )
    if ".dbf" not in parts:
        log.warning("%r has no .dbf beside it: its features have no attributes", str(path))


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in _PARQUET_SUFFIXES


def list_layers(path: str | Path) -> list[tuple[str, str | None]]:
    """List the layers of a vector data source as ``(name, geometry type)`` pairs.

    Raises
    ------
    DataSourceError
        If the path does not exist, is a directory, or is not a GIS file.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> "park" in [name for name, geometry_type in list_layers(datasets.path())]
    True
    """
    path = Path(path)
    _check_path(path)
    if _is_parquet(path):
        return [(path.stem, None)]
    try:
        with _gdal_path(path) as gdal_path, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layers = pyogrio.list_layers(gdal_path)
    except DataSourceError:
        raise
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        reason = "not recognized" if "not recognized" in str(exc) else _short(exc)
        raise DataSourceError(
            f"{str(path)!r} is not a GIS file that can be read ({reason}); supported: {_SUPPORTED}"
        ) from exc
    _notes(caught, repr(str(path)))
    return [(str(name), None if gtype is None else str(gtype)) for name, gtype in layers]


#: Library warnings on reading that change nothing we compute, said once as a note.
_HARMLESS = (
    re.compile(r"Measured \(M\) geometry types are not supported"),
    re.compile(r"non conformant file extension|should be '\w+' instead of"),
)


def _notes(caught: list[warnings.WarningMessage], what: str) -> None:
    """Turn the warnings of a read into one log line each (notes, not library warnings)."""
    seen: set[str] = set()
    for item in caught:
        text = " ".join(str(item.message).split())
        if text in seen:
            continue
        seen.add(text)
        if _HARMLESS[0].search(text):
            log.info("%s: its M (measure) values are ignored; areas use x and y", what)
        elif _HARMLESS[1].search(text):
            log.info("%s: %s", what, text)
        elif "could not be converted" in text.lower() or "couldn't be converted" in text.lower():
            log.warning(
                "%s: some text is not in the encoding the file declares; give the right one "
                "with --encoding (encoding = ... in a study), e.g. cp1251 or latin-1",
                what,
            )
        else:
            log.warning("%s: %s", what, text)


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


def _read_frame(
    path: Path, layer: str | None, where: str | None, encoding: str | None = None
) -> gpd.GeoDataFrame:
    what = f"layer {layer!r} of {str(path)!r}" if layer else repr(str(path))
    if _is_parquet(path):
        return _read_parquet(path, where)
    try:
        with _gdal_path(path) as gdal_path, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(gdal_path, layer=layer, where=where, encoding=encoding)
    except DataSourceError:
        raise
    except UnicodeDecodeError as exc:
        raise DataSourceError(_encoding_message(path, what, encoding, exc)) from exc
    except LookupError as exc:  # an unknown encoding name
        raise DataSourceError(
            f"cannot read {what}: unknown encoding {encoding!r}; give one Python knows, e.g. "
            "utf-8, cp1251, latin-1, gbk"
        ) from exc
    except Exception as exc:
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
    _notes(caught, what)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        raise DataSourceError(f"{str(path)!r} has no geometry column; it is a plain table")
    return frame


def _read_parquet(path: Path, where: str | None) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_parquet(path)
    except ImportError as exc:
        raise DataSourceError(
            f"reading GeoParquet {str(path)!r} needs pyarrow; pip install 'leopardrange[parquet]'"
        ) from exc
    except Exception as exc:
        raise DataSourceError(
            f"{str(path)!r} is not a readable GeoParquet file ({_short(exc)})"
        ) from exc
    if not where:
        return frame
    try:
        return frame.query(where)
    except Exception as exc:
        raise DataSourceError(
            f"the filter where={where!r} failed on {str(path)!r} ({_short(exc)}); a GeoParquet "
            "filter is a pandas query, e.g. \"name == 'Land of the Leopard'\""
        ) from exc


def _encoding_message(path: Path, what: str, encoding: str | None, exc: UnicodeDecodeError) -> str:
    cpg = path.with_suffix(".cpg")
    declared = ""
    if cpg.is_file():
        declared = f" (its .cpg says {cpg.read_text(errors='replace').strip()!r})"
    given = f"encoding {encoding!r}" if encoding else "the encoding it declares" + declared
    return (
        f"cannot read {what}: its text is not in {given} (byte {exc.object[exc.start : exc.end]!r} "
        "cannot be decoded); give its real encoding with --encoding (encoding = ... in a study), "
        "e.g. cp1251 for Cyrillic or latin-1 for Western European text"
    )


def _empty_hint(path: Path, where: str | None) -> str:
    """Why a filter found nothing: a Shapefile without .cpg read in the wrong encoding."""
    if not where or where.isascii():
        return ""
    if path.suffix.lower() in (".shp", ".dbf") and not path.with_suffix(".cpg").exists():
        return (
            f"; {str(path)!r} has no .cpg, so its text was read as ISO-8859-1: if the filter "
            "names text in another script, give the file's encoding with --encoding "
            "(encoding = ... in a study), e.g. cp1251"
        )
    return "; if the filter names non-ASCII text, check the file's encoding (--encoding)"


def _assumed_crs(assume_crs: Any) -> CRS | None:
    """``assume_crs`` as a CRS (checked even when the file has one of its own)."""
    if assume_crs is None:
        return None
    try:
        return CRS.from_user_input(assume_crs)
    except Exception as exc:
        raise CRSError(
            f"--assume-crs {assume_crs!r} is not a CRS ({_short(exc)}); give e.g. EPSG:4326"
        ) from exc


def _check_encoding(encoding: str | None) -> None:
    import codecs

    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataSourceError(
            f"unknown encoding {encoding!r}; give one such as utf-8, cp1251, latin-1, gbk"
        ) from None


_GEOJSON_SUFFIXES = {".geojson", ".json"}
_GEOJSON_MAX_BYTES = 256 * 2**20


def _check_unreadable(
    path: Path, layer: str | None, where: str | None, frame: gpd.GeoDataFrame, name: str
) -> None:
    """Refuse a feature whose stored geometry GDAL could not read: it would become null.

    A null geometry is legitimate; one that is null only because it is damaged or holds
    unreadable coordinates is not, and would drop out of every area without a word.
    """
    missing = frame.geometry.isna().to_numpy()
    if not missing.any():
        return
    suffix = path.suffix.lower()
    if suffix in _GEOJSON_SUFFIXES:
        _check_geojson(path, name)
        return
    if suffix not in (".gpkg", ".shp"):
        return
    with _gdal_path(path) as gdal_path:
        fids = pyogrio.read_dataframe(
            gdal_path, layer=layer, where=where, read_geometry=False, columns=[], fid_as_index=True
        ).index
    stored = _stored_geometry_gpkg if suffix == ".gpkg" else _stored_geometry_shp
    for fid, is_missing in zip(fids, missing, strict=True):
        if is_missing and stored(path, layer, int(fid)):
            raise InvalidGeometryError(
                f"{name}: feature {fid} has a stored geometry that cannot be read (it is damaged "
                "or holds impossible coordinates); fix the feature or re-export the file"
            )


def _stored_geometry_gpkg(path: Path, layer: str | None, fid: int) -> bool:
    """Whether the GeoPackage stores a geometry (not NULL) for feature ``fid``."""
    import sqlite3

    info = pyogrio.read_info(path, layer=layer)
    table = layer or str(info.get("layer_name") or "")
    try:
        con = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        column = con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
        ).fetchone()
        fid_column = info.get("fid_column") or "fid"
        if column is None:
            return False
        row = con.execute(
            f'SELECT "{column[0]}" IS NOT NULL FROM "{table}" WHERE "{fid_column}" = ?', (fid,)
        ).fetchone()
        return bool(row and row[0])
    except sqlite3.Error:
        return False
    finally:
        con.close()


def _stored_geometry_shp(path: Path, layer: str | None, fid: int) -> bool:
    """Whether the Shapefile's record ``fid`` holds a shape (its type is not 0, the null shape)."""
    try:
        with path.with_suffix(".shx").open("rb") as shx:
            shx.seek(100 + 8 * fid)
            entry = shx.read(8)
        if len(entry) < 8:
            return False
        offset = int.from_bytes(entry[:4], "big") * 2
        with path.open("rb") as shp:
            shp.seek(offset + 8)
            shape_type = int.from_bytes(shp.read(4), "little")
    except OSError:
        return False
    return shape_type != 0


def _check_geojson(path: Path, name: str) -> None:
    """Name the first GeoJSON feature whose coordinates cannot be read."""
    if path.stat().st_size > _GEOJSON_MAX_BYTES:
        return
    import json

    import shapely.geometry

    try:
        features = json.loads(path.read_text(encoding="utf-8", errors="replace"))["features"]
    except (ValueError, KeyError, TypeError):
        return
    for i, feature in enumerate(features if isinstance(features, list) else []):
        raw = feature.get("geometry") if isinstance(feature, dict) else None
        if raw is None:
            continue
        try:
            geom = shapely.geometry.shape(raw)
            ok = bool(np.isfinite(shapely.get_coordinates(geom)).all())
        except Exception:
            ok = False
        if not ok:
            label = feature.get("id", (feature.get("properties") or {}).get("id", i))
            shown = json.dumps(raw.get("coordinates") if isinstance(raw, dict) else raw)
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            raise InvalidGeometryError(
                f"{name}: feature {i} (id {label}) has a geometry that cannot be read "
                f"(coordinates {shown}); every coordinate must be a pair of numbers — fix the "
                "file"
            )


def read_layer(
    path: str | Path,
    layer: str | None = None,
    *,
    where: str | None = None,
    geometry: GeometryKind | None = None,
    repair: bool = False,
    assume_crs: Any = None,
    allow_empty: bool = False,
    encoding: str | None = None,
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
    encoding
        Text encoding of the attributes, e.g. ``"cp1251"``, for a Shapefile without a
        ``.cpg`` (read as ISO-8859-1 otherwise) or with a wrong one.

    Returns
    -------
    GeoDataFrame
        The layer, index as read (0…n−1), with ``attrs`` ``source`` (``PATH:LAYER``) and
        ``repair`` (a :class:`RepairReport`).

    Raises
    ------
    DataSourceError
        Missing or unreadable path, a directory, not a GIS file, damaged file, failing filter,
        text in another encoding than the one declared or given.
    LayerNotFoundError
        The layer does not exist (the message lists the layers).
    EmptyLayerError
        An empty layer, or one that a repair left without any geometry of the kind asked.
    CRSError
        No CRS and no ``assume_crs``; latitudes beyond ±90° in degrees (swapped axes?);
        coordinates outside the domain of the layer's CRS.
    GeometryTypeError, InvalidGeometryError
        Wrong geometry type; invalid geometries without ``repair``; coordinates that are not
        numbers (NaN, infinite, unreadable in a GeoJSON file).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> park = read_layer(datasets.path(), "park", where="name = 'Land of the Leopard'",
    ...                   geometry="polygon")
    >>> len(park), park.attrs["source"].endswith("amur_leopard.gpkg:park")
    (1, True)
    """
    if layer is None:
        spec = parse_layer_spec(path)
        path, layer = spec.path, spec.layer
    path = Path(path)
    assumed = _assumed_crs(assume_crs)
    _check_encoding(encoding)
    _check_path(path)
    layer = _resolve_layer(path, layer)
    frame = _read_frame(path, layer, where, encoding)
    source = str(LayerSpec(path, layer))
    name = f"layer {layer!r} of {str(path)!r}" if layer else repr(str(path))
    if where:
        name += f" (where {where})"
    _check_unreadable(path, layer, where, frame, name)
    if frame.crs is None and assumed is not None:
        frame = frame.set_crs(assumed)
    if not (allow_empty and len(frame) == 0):
        try:
            check_not_empty(frame, name=name)
        except EmptyLayerError as exc:
            raise EmptyLayerError(f"{exc}{_empty_hint(path, where)}") from None
    require_crs(frame, name=name)
    check_coordinates(frame, name=name, crs_name=crs_label(frame.crs))
    if geometry is not None:
        check_geometry_kind(frame, kind=geometry, name=name)
    frame, report = check_valid(frame, name=name, repair=repair)
    if report.n_repaired:
        log.info("%s: %s", name, report)
        if len(frame) and not (allow_empty and len(frame) == 0):
            try:
                check_not_empty(frame, name=name)
            except EmptyLayerError:
                wanted = str(geometry or "geometry").replace("_", " ")
                raise EmptyLayerError(
                    f"{name}: the repair left no {wanted} (its invalid "
                    f"features, ids {', '.join(map(str, report.ids[:5]))}, have no area once "
                    "repaired: lines or points); fix the layer in a GIS"
                ) from None
        if report.emptied:
            log.warning(
                "%s: the repair left %d feature(s) with no area (ids %s); they are ignored",
                name, len(report.emptied), ", ".join(map(str, report.emptied[:10])),
            )  # fmt: skip
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
    encoding: str | None = None,
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

    Examples
    --------
    >>> from leopardrange import datasets
    >>> [row] = describe(f"{datasets.path()}:park")
    >>> row["layer"], row["features"] > 0, row["area_km2"] > 0
    ('park', True, True)
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
            encoding=encoding,
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
    """SHA-256 of a file's bytes (hex), for recording exactly which inputs a run used.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "abc.txt").write_bytes(b"abc")
    ...     sha256_file(Path(tmp, "abc.txt"))
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    """
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
