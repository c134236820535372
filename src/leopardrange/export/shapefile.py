"""Shapefiles that lose nothing silently: checked, mapped field names, verified after writing.

A Shapefile is a set of files (``.shp`` geometry, ``.shx`` index, ``.dbf`` attributes,
``.prj`` CRS, ``.cpg`` encoding). It cannot hold everything a GeoPackage can; this module
refuses, naming the layer, the field and a feature, whatever it would otherwise truncate:

- date-times (a ``.dbf`` stores dates, not times) and durations, bytes, nested values;
- text over 254 bytes in UTF-8, or with leading or trailing spaces (the ``.dbf`` pads text
  with spaces, so readers strip them);
- integers over 64 bits, and integers of 19 or more characters (GDAL, hence QGIS, reads
  those back as floating point);
- more than 255 fields, or a component (``.shp``, ``.shx``, ``.dbf``) over 2 GB;
- geometry collections (a Shapefile holds one geometry type; polygons, lines and points of
  one layer are written to one file set each instead).

Field names longer than 10 characters, or not plain ASCII, are renamed through a
deterministic, collision-free mapping (:func:`field_names`) written beside the layer as
``<name>.fields.csv``; :func:`read_shapefile` applies it backwards. Every file set is read
back after writing and compared with what was meant to be written: a difference (a number
the ``.dbf``'s 24-character numeric field cannot hold to 1e-9, say) is an error too.

Empty text and missing text are the same in a ``.dbf`` (both read back as missing), and an
empty geometry reads back as a missing one: the only conflations a Shapefile forces.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio import raw

from leopardrange.errors import ExportError
from leopardrange.export.styles import GeometryKind, LayerStyle

__all__ = [
    "SHAPEFILE_COMPONENT_MAX_BYTES",
    "SHAPEFILE_FIELD_NAME_MAX_CHARS",
    "SHAPEFILE_MAX_FIELDS",
    "SHAPEFILE_STRING_MAX_BYTES",
    "FieldSpec",
    "check_shapefile",
    "estimate_sizes",
    "field_names",
    "read_shapefile",
    "write_shapefile",
]

SHAPEFILE_FIELD_NAME_MAX_CHARS = 10
SHAPEFILE_STRING_MAX_BYTES = 254
#: Largest size of one component file (.shp, .shx, .dbf): 2 GB.
SHAPEFILE_COMPONENT_MAX_BYTES = 2**31 - 1
SHAPEFILE_MAX_FIELDS = 255
#: Integers of this many characters or more are read back as floating point by GDAL.
_INTEGER_MAX_CHARS = 18
_DBF_RECORD_MAX_BYTES = 65_535
_FLOAT_RTOL = 1e-9
_GEOMETRY_ATOL = 1e-9
_FITS = re.compile(r"[A-Za-z0-9_]{1,10}")
_KIND_OF_TYPE: dict[str, GeometryKind] = {
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Point": "point",
    "MultiPoint": "point",
}
_KIND_ORDER: tuple[GeometryKind, ...] = ("polygon", "line", "point")
_KIND_SUFFIX = {"polygon": "polygons", "line": "lines", "point": "points"}
#: .dbf widths GDAL uses per field type; text: 80, or the longest value when longer.
_DBF_WIDTH = {"integer": 18, "real": 24, "boolean": 1, "date": 8}
_DBF_TEXT_WIDTH = 80


@dataclass(frozen=True)
class FieldSpec:
    """How one attribute field is written: its name in the ``.dbf`` and its type.

    ``kind`` is one of ``string``, ``integer``, ``real``, ``boolean``, ``date``.

    Examples
    --------
    >>> spec = FieldSpec("area_published_km2", "area_publi", "real")
    >>> field_names([spec.field])[spec.field] == spec.shapefile_field
    True
    """

    field: str
    shapefile_field: str
    kind: str


def _ascii_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_")
    return text or "field"


def field_names(names: Sequence[str]) -> dict[str, str]:
    """Map field names to unique ``.dbf`` names of at most 10 ASCII characters.

    Names that already fit (1–10 of ``A–Z a–z 0–9 _``) keep themselves; the others are
    transliterated to ASCII, cut to 10 characters and, where that collides with a name
    already taken (compared case-insensitively, as ``.dbf`` readers do), end in ``_1``,
    ``_2``, …. The result depends only on ``names`` and their order.

    Raises
    ------
    ExportError
        If ``names`` holds the same name twice.

    Examples
    --------
    >>> field_names(["epoch", "remaining_range_share", "remaining_range_pct", "Название"])
    {'epoch': 'epoch', 'remaining_range_share': 'remaining_', 'remaining_range_pct': 'remainin_1', 'Название': 'field'}
    """  # noqa: E501
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ExportError(f"field {name!r} appears twice; rename one of them")
        seen.add(name)
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        if _FITS.fullmatch(name) and name.upper() not in taken:
            out[name] = name
            taken.add(name.upper())
    for name in names:
        if name in out:
            continue
        base = _ascii_name(name)[:SHAPEFILE_FIELD_NAME_MAX_CHARS]
        candidate, n = base, 0
        while candidate.upper() in taken:
            n += 1
            suffix = f"_{n}"
            candidate = base[: SHAPEFILE_FIELD_NAME_MAX_CHARS - len(suffix)] + suffix
        out[name] = candidate
        taken.add(candidate.upper())
    return {name: out[name] for name in names}


def _where(layer: str, field: str, index: Any) -> str:
    return f"layer {layer!r}, field {field!r} (feature {index!r})"


_FIX = "export to GeoPackage (--format gpkg) to keep it as it is"


def _object_kind(values: pd.Series, layer: str, field: str) -> str:
    kinds: set[str] = set()
    for index, value in values.items():
        if isinstance(value, dt.datetime):
            raise ExportError(
                f"{_where(layer, field, index)} holds a date-time ({value}); a Shapefile stores "
                f"dates without times: convert the field to dates or ISO text, or {_FIX}"
            )
        if isinstance(value, str):
            kinds.add("string")
        elif isinstance(value, dt.date):
            kinds.add("date")
        elif isinstance(value, bool | np.bool_):
            kinds.add("boolean")
        elif isinstance(value, int | np.integer):
            kinds.add("integer")
        elif isinstance(value, float | np.floating):
            kinds.add("real")
        else:
            raise ExportError(
                f"{_where(layer, field, index)} holds a {type(value).__name__} value, which a "
                f"Shapefile cannot store; convert it to text or numbers, or {_FIX}"
            )
    if kinds <= {"integer", "real"} and kinds:
        return "real" if "real" in kinds else "integer"
    if len(kinds) > 1:
        raise ExportError(
            f"layer {layer!r}, field {field!r} mixes {' and '.join(sorted(kinds))} values; a "
            f"Shapefile field has one type: convert them to one, or {_FIX}"
        )
    return kinds.pop() if kinds else "string"


def _kind(series: pd.Series, layer: str, field: str) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _object_kind(series.dropna().astype(object), layer, field)
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "real"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        first = series.dropna()
        sample = f" ({first.iloc[0]})" if len(first) else ""
        raise ExportError(
            f"layer {layer!r}, field {field!r} holds date-times{sample}; a Shapefile stores "
            f"dates without times: convert it (frame[{field!r}].dt.date, or ISO text), or {_FIX}"
        )
    if pd.api.types.is_timedelta64_dtype(dtype):
        raise ExportError(
            f"layer {layer!r}, field {field!r} holds durations, which a Shapefile cannot store; "
            f"convert them to a number with its unit in the name (e.g. days), or {_FIX}"
        )
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "string"
    return _object_kind(series.dropna(), layer, field)


def _check_values(series: pd.Series, kind: str, layer: str, field: str) -> None:
    values = series.dropna()
    if kind == "string":
        for index, value in values.items():
            text = str(value)
            size = len(text.encode("utf-8"))
            if size > SHAPEFILE_STRING_MAX_BYTES:
                raise ExportError(
                    f"{_where(layer, field, index)} is {size} bytes of UTF-8 text; a Shapefile "
                    f"holds at most {SHAPEFILE_STRING_MAX_BYTES}: shorten it, or {_FIX}"
                )
            if text != text.strip(" "):
                raise ExportError(
                    f"{_where(layer, field, index)} has leading or trailing spaces ({text!r}), "
                    f"which Shapefile readers strip: strip them first, or {_FIX}"
                )
    elif kind == "integer":
        for index, value in values.items():
            number = int(value)
            if not -(2**63) <= number < 2**63:
                raise ExportError(
                    f"{_where(layer, field, index)} is an integer over 64 bits ({number}); a "
                    f"Shapefile cannot hold it: store it as text, or {_FIX}"
                )
            if len(str(number)) > _INTEGER_MAX_CHARS:
                raise ExportError(
                    f"{_where(layer, field, index)} is the integer {number}, "
                    f"{len(str(number))} characters long; GDAL and QGIS read Shapefile integers "
                    f"over {_INTEGER_MAX_CHARS} characters as floating point, which loses digits: "
                    f"store it as text, or {_FIX}"
                )


def _field_specs(frame: gpd.GeoDataFrame, layer: str) -> list[FieldSpec]:
    geometry = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry]
    for column in columns:
        if not isinstance(column, str):
            raise ExportError(f"layer {layer!r} has a field named {column!r}; names must be text")
        if isinstance(frame[column].dtype, gpd.array.GeometryDtype):
            raise ExportError(
                f"layer {layer!r}, field {column!r} is a second geometry column; a Shapefile "
                "holds one geometry: drop it or convert it to WKT text"
            )
    if len(columns) > SHAPEFILE_MAX_FIELDS:
        raise ExportError(
            f"layer {layer!r} has {len(columns)} fields; a Shapefile holds at most "
            f"{SHAPEFILE_MAX_FIELDS}: drop some, or {_FIX}"
        )
    names = field_names(columns)
    specs = []
    for column in columns:
        kind = _kind(frame[column], layer, column)
        _check_values(frame[column], kind, layer, column)
        specs.append(FieldSpec(column, names[column], kind))
    return specs


def _geometry_kind(frame: gpd.GeoDataFrame, layer: str) -> pd.Series:
    types = frame.geometry.geom_type
    empty = frame.geometry.isna() | frame.geometry.is_empty
    kinds = types.map(_KIND_OF_TYPE)
    bad = ~empty & kinds.isna()
    if bad.any():
        index = bad[bad].index[0]
        raise ExportError(
            f"layer {layer!r}, feature {index!r} is a {types[index]}; a Shapefile holds "
            "polygons, lines or points: explode the collection first, or " + _FIX
        )
    out: pd.Series = kinds.where(~empty, None)
    return out


def _dbf_width(series: pd.Series, kind: str) -> int:
    if kind != "string":
        return _DBF_WIDTH[kind]
    values = series.dropna()
    longest = max((len(str(v).encode("utf-8")) for v in values), default=0)
    return max(_DBF_TEXT_WIDTH, longest)


def _shape_bytes(present: np.ndarray) -> int:
    """Bytes of the shape records (without their 8-byte headers) of non-empty geometries."""
    if not len(present):
        return 0
    ids = shapely.get_type_id(present)
    z = bool(np.any(shapely.has_z(present)))
    per_coord = 24 if z else 16  # x, y (+ z); GDAL writes no m values
    ranges = 16 if z else 0  # the z range of multi-part shapes
    coords = int(np.sum(shapely.get_num_coordinates(present)))
    n = len(present)
    if np.all(ids == shapely.GeometryType.POINT):
        return n * (4 + per_coord)
    if np.all(np.isin(ids, (shapely.GeometryType.POINT, shapely.GeometryType.MULTIPOINT))):
        return n * (4 + 32 + 4 + ranges) + coords * per_coord
    parts = shapely.get_parts(present)
    polygons = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    n_parts = len(parts) + int(np.sum(shapely.get_num_interior_rings(polygons)))
    return n * (4 + 32 + 4 + 4 + ranges) + 4 * n_parts + coords * per_coord


def estimate_sizes(frame: gpd.GeoDataFrame, specs: Sequence[FieldSpec]) -> dict[str, int]:
    """Bytes of the ``.shp``, ``.shx`` and ``.dbf`` that would hold ``frame``.

    From the Shapefile specification: a 100-byte header, then per record an 8-byte header and
    the shape (type, bounding box, part offsets, coordinates; a missing geometry takes 4
    bytes); the ``.dbf`` holds fixed-width records with the widths GDAL gives each type (text:
    80 bytes, or the longest value). Exact for what GDAL writes (2-D, or 3-D without m).

    Examples
    --------
    One square (five 2-D points) with a text, a date and a real field:

    >>> import datetime as dt
    >>> park = gpd.GeoDataFrame(
    ...     {"name": ["Kedrovaya Pad"], "established": [dt.date(1916, 1, 1)],
    ...      "area_published_km2": [179.0]},
    ...     geometry=[shapely.box(131.0, 43.0, 131.2, 43.2)], crs="EPSG:4326")
    >>> estimate_sizes(park, check_shapefile(park, layer="park"))
    {'.shp': 236, '.shx': 108, '.dbf': 243}
    """
    geoms = frame.geometry.values
    n = len(frame)
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    shp = 100 + 8 * n + 4 * (n - len(present)) + _shape_bytes(np.asarray(present))
    record = 1 + sum(_dbf_width(frame[s.field], s.kind) for s in specs)
    dbf = 32 + 32 * len(specs) + 1 + n * record + 1
    return {".shp": shp, ".shx": 100 + 8 * n, ".dbf": dbf}


def _check_sizes(
    frame: gpd.GeoDataFrame, specs: Sequence[FieldSpec], layer: str, limit_bytes: int
) -> None:
    sizes = estimate_sizes(frame, specs)
    record = 1 + sum(_dbf_width(frame[s.field], s.kind) for s in specs)
    if record > _DBF_RECORD_MAX_BYTES:
        raise ExportError(
            f"layer {layer!r}: one .dbf record would be {record:,} bytes, over the "
            f"{_DBF_RECORD_MAX_BYTES:,} a .dbf allows; drop or shorten the widest fields, or {_FIX}"
        )
    for component, size in sizes.items():
        if size <= limit_bytes:
            continue
        if component == ".dbf":
            widths = sorted(
                ((_dbf_width(frame[s.field], s.kind), s.field) for s in specs), reverse=True
            )
            what = "its widest fields: " + ", ".join(f"{f!r} ({w} bytes)" for w, f in widths[:3])
        else:
            what = f"the geometry column {frame.geometry.name!r}; simplify it or split the layer"
        raise ExportError(
            f"layer {layer!r}: the {component} would be about {size:,} bytes, over the "
            f"{limit_bytes:,}-byte limit of a Shapefile component; {what}; or {_FIX}"
        )


def check_shapefile(
    frame: gpd.GeoDataFrame,
    *,
    layer: str,
    limit_bytes: int = SHAPEFILE_COMPONENT_MAX_BYTES,
) -> list[FieldSpec]:
    """Check that a Shapefile can hold ``frame``; return how each field will be written.

    Parameters
    ----------
    frame
        The layer.
    layer
        Its name, for messages.
    limit_bytes
        Largest allowed size of one component file, bytes (2 GB; smaller in tests).

    Returns
    -------
    list of FieldSpec
        One per attribute field, in order.

    Raises
    ------
    ExportError
        Naming the field (and a feature) the Shapefile cannot hold: see the module docstring.

    Examples
    --------
    >>> import datetime as dt
    >>> park = gpd.GeoDataFrame(
    ...     {"name": ["Kedrovaya Pad"], "established": [dt.date(1916, 1, 1)],
    ...      "area_published_km2": [179.0]},
    ...     geometry=[shapely.box(131.0, 43.0, 131.2, 43.2)], crs="EPSG:4326")
    >>> [(s.shapefile_field, s.kind) for s in check_shapefile(park, layer="park")]
    [('name', 'string'), ('establishe', 'date'), ('area_publi', 'real')]
    >>> check_shapefile(park.assign(seen=[dt.datetime(2020, 1, 1, 12)]), layer="park")
    Traceback (most recent call last):
    ...
    leopardrange.errors.ExportError: layer 'park', field 'seen' holds date-times ...
    """
    specs = _field_specs(frame, layer)
    kinds = _geometry_kind(frame, layer)
    for kind in _KIND_ORDER:
        part = frame[kinds == kind]
        if len(part):
            _check_sizes(part, specs, layer, limit_bytes)
    return specs


def _field_arrays(
    frame: gpd.GeoDataFrame, specs: Sequence[FieldSpec]
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    data: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    for spec in specs:
        series = frame[spec.field]
        missing = series.isna().to_numpy(dtype=bool)
        pairs = list(zip(series, missing, strict=True))
        mask: np.ndarray | None = None
        if spec.kind == "string":
            values = np.array([None if m else str(v) for v, m in pairs], dtype=object)
        elif spec.kind == "date":
            values = np.array(
                [np.datetime64("NaT") if m else np.datetime64(v, "D") for v, m in pairs],
                dtype="datetime64[D]",
            )
        elif spec.kind == "real":
            values = np.array([np.nan if m else float(v) for v, m in pairs], dtype=float)
        elif spec.kind == "boolean":
            values = np.array([False if m else bool(v) for v, m in pairs], dtype=bool)
            mask = missing if missing.any() else None
        else:
            values = np.array([0 if m else int(v) for v, m in pairs], dtype=np.int64)
            mask = missing if missing.any() else None
        data.append(values)
        masks.append(mask)
    return data, masks


def _geometry_type(geoms: gpd.GeoSeries, kind: GeometryKind) -> tuple[str, bool]:
    types = set(geoms.dropna().geom_type) - {"LinearRing"}
    base = {"polygon": "Polygon", "line": "LineString", "point": "Point"}[kind]
    multi = f"Multi{base}" in types
    z = " Z" if bool(geoms.dropna().has_z.any()) else ""
    return (f"Multi{base}" if multi else base) + z, multi and base in types


def _write_fields_csv(path: Path, specs: Sequence[FieldSpec]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["field", "shapefile_field", "type"])
        for spec in specs:
            writer.writerow([spec.field, spec.shapefile_field, spec.kind])


def _read_fields_csv(path: Path) -> list[FieldSpec]:
    with path.open(encoding="utf-8", newline="") as f:
        return [FieldSpec(r["field"], r["shapefile_field"], r["type"]) for r in csv.DictReader(f)]


def read_shapefile(path: str | Path) -> gpd.GeoDataFrame:
    """Read a Shapefile written by :func:`write_shapefile`, undoing its field-name mapping.

    Field names and types come back from ``<name>.fields.csv``: integers as ``int64`` (or
    ``Int64`` with missing values), dates as :class:`datetime.date`, booleans, text.

    Examples
    --------
    >>> import tempfile
    >>> import datetime as dt
    >>> park = gpd.GeoDataFrame(
    ...     {"name": ["Kedrovaya Pad"], "established": [dt.date(1916, 1, 1)],
    ...      "area_published_km2": [179.0]},
    ...     geometry=[shapely.box(131.0, 43.0, 131.2, 43.2)], crs="EPSG:4326")
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_shapefile(park, folder, name="park")
    >>> back = read_shapefile(folder / "park.shp")
    >>> back.columns.tolist(), back["established"][0]
    (['name', 'established', 'area_published_km2', 'geometry'], datetime.date(1916, 1, 1))
    """
    path = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = pyogrio.read_dataframe(path)
    mapping = path.with_suffix(".fields.csv")
    if not mapping.exists():
        return frame
    specs = _read_fields_csv(mapping)
    out = gpd.GeoDataFrame(geometry=frame.geometry, crs=frame.crs)
    for spec in specs:
        column = frame[spec.shapefile_field]
        if spec.kind == "integer":
            column = column.astype("Int64") if column.isna().any() else column.astype("int64")
        elif spec.kind == "date":
            column = pd.Series(
                [None if pd.isna(v) else pd.Timestamp(v).date() for v in column],
                index=column.index,
                dtype=object,
            )
        elif spec.kind == "boolean" and not column.isna().any():
            column = column.astype(bool)
        elif spec.kind == "string":
            column = column.astype(object).where(column.notna(), None)
        out[spec.field] = column
    return out.set_geometry(frame.geometry.name)[[s.field for s in specs] + [frame.geometry.name]]


def _same_value(a: Any, b: Any, kind: str) -> bool:
    a_missing = a is None or (not isinstance(a, str) and pd.isna(a))
    b_missing = b is None or (not isinstance(b, str) and pd.isna(b))
    if kind == "string":
        a_missing = a_missing or a == ""
        b_missing = b_missing or b == ""
    if a_missing or b_missing:
        return a_missing and b_missing
    if kind == "real":
        return math.isclose(float(a), float(b), rel_tol=_FLOAT_RTOL, abs_tol=0.0)
    if kind == "integer":
        return bool(int(a) == b)
    if kind == "date":
        return bool(a == b)
    return bool(a == b)


def _same_geometry(a: Any, b: Any) -> bool:
    a_missing = a is None or a.is_empty
    b_missing = b is None or b.is_empty
    if a_missing or b_missing:
        return a_missing and b_missing
    pa = shapely.get_parts(shapely.normalize(a))
    pb = shapely.get_parts(shapely.normalize(b))
    if len(pa) != len(pb):
        return False
    return bool(np.all(shapely.equals_exact(pa, pb, tolerance=_GEOMETRY_ATOL)))


def _verify(path: Path, frame: gpd.GeoDataFrame, specs: Sequence[FieldSpec], layer: str) -> None:
    back = read_shapefile(path)
    if len(back) != len(frame):
        raise ExportError(
            f"layer {layer!r}: {path.name} holds {len(back)} features after writing, not "
            f"{len(frame)}; the disk may be full"
        )
    for spec in specs:
        for (index, a), b in zip(frame[spec.field].items(), back[spec.field], strict=True):
            if not _same_value(a, b, spec.kind):
                raise ExportError(
                    f"{_where(layer, spec.field, index)}: {a!r} reads back from the Shapefile as "
                    f"{b!r} (a .dbf stores numbers as text of 24 characters, 15 decimals); round "
                    f"or rescale the field (e.g. another unit), or {_FIX}"
                )
    for (index, a), b in zip(frame.geometry.items(), back.geometry, strict=True):
        if not _same_geometry(a, b):
            raise ExportError(
                f"layer {layer!r}, feature {index!r}: the geometry does not read back the same "
                f"from {path.name}; {_FIX}"
            )


def _check_written(paths: Sequence[Path], layer: str, limit_bytes: int) -> None:
    for path in paths:
        size = path.stat().st_size
        if path.suffix in (".shp", ".shx", ".dbf") and size > limit_bytes:
            raise ExportError(
                f"layer {layer!r}: {path.name} is {size:,} bytes, over the {limit_bytes:,}-byte "
                f"limit of a Shapefile component; split the layer, or {_FIX}"
            )


def write_shapefile(
    frame: gpd.GeoDataFrame,
    folder: str | Path,
    *,
    name: str,
    style: LayerStyle | None = None,
    qml: Callable[[LayerStyle], str] | None = None,
    limit_bytes: int = SHAPEFILE_COMPONENT_MAX_BYTES,
) -> list[Path]:
    """Write ``frame`` as one Shapefile set per geometry kind, with its field map and style.

    Writes ``<name>.shp/.shx/.dbf/.prj/.cpg`` (UTF-8), ``<name>.fields.csv`` (field map) and,
    with ``style``, ``<name>.qml`` (QGIS applies it when the Shapefile is opened). A layer
    mixing polygons, lines and points is written as ``<name>_polygons``, ``<name>_lines``
    and ``<name>_points``; features without geometry go with the first of them.

    Parameters
    ----------
    frame
        The layer; it must have a CRS.
    folder
        An existing folder.
    name
        Base name of the files (ASCII letters, digits, ``_``).
    style
        The layer's style, written as QML with the Shapefile's field names.
    qml
        Function turning a :class:`LayerStyle` into QML text (default
        :func:`leopardrange.export.qgis.qml`).
    limit_bytes
        Largest allowed size of one component file, bytes.

    Returns
    -------
    list of Path
        Every file written.

    Raises
    ------
    ExportError
        When the Shapefile cannot hold the layer (naming the field), or when what was
        written does not read back the same.

    Examples
    --------
    >>> import tempfile
    >>> import datetime as dt
    >>> park = gpd.GeoDataFrame(
    ...     {"name": ["Kedrovaya Pad"], "established": [dt.date(1916, 1, 1)],
    ...      "area_published_km2": [179.0]},
    ...     geometry=[shapely.box(131.0, 43.0, 131.2, 43.2)], crs="EPSG:4326")
    >>> folder = Path(tempfile.mkdtemp())
    >>> sorted(p.name for p in write_shapefile(park, folder, name="park"))
    ['park.cpg', 'park.dbf', 'park.fields.csv', 'park.prj', 'park.shp', 'park.shx']

    A layer of polygons and points becomes one file set per kind:

    >>> mixed = gpd.GeoDataFrame({"name": ["park", "village"]}, crs="EPSG:4326",
    ...     geometry=[shapely.box(131.0, 43.0, 131.2, 43.2), shapely.Point(131.3, 43.1)])
    >>> sorted(p.name for p in write_shapefile(mixed, folder, name="mixed") if p.suffix == ".shp")
    ['mixed_points.shp', 'mixed_polygons.shp']
    """
    if qml is None:
        from leopardrange.export.qgis import qml as qml_text

        qml = qml_text
    folder = Path(folder)
    if frame.crs is None:
        raise ExportError(f"layer {name!r} has no CRS; a Shapefile needs one for its .prj")
    specs = check_shapefile(frame, layer=name, limit_bytes=limit_bytes)
    kinds = _geometry_kind(frame, name)
    present = [k for k in _KIND_ORDER if (kinds == k).any()] or ["polygon"]
    if len(present) > 1:
        kinds = kinds.fillna(present[0])
    written: list[Path] = []
    for kind in present:
        part = frame[kinds == kind] if len(present) > 1 else frame
        stem = f"{name}_{_KIND_SUFFIX[kind]}" if len(present) > 1 else name
        written += _write_one(part, folder, stem, specs, kind, name, style, qml)
        _check_written(written, name, limit_bytes)
    return written


def _write_one(
    frame: gpd.GeoDataFrame,
    folder: Path,
    stem: str,
    specs: Sequence[FieldSpec],
    kind: GeometryKind,
    layer: str,
    style: LayerStyle | None,
    qml: Callable[[LayerStyle], str],
) -> list[Path]:
    path = folder / f"{stem}.shp"
    geoms = frame.geometry
    missing = geoms.isna() | geoms.is_empty
    wkb = np.array(
        [None if m else shapely.to_wkb(g) for g, m in zip(geoms.values, missing, strict=True)],
        dtype=object,
    )
    geometry_type, promote = _geometry_type(geoms[~missing], kind)
    data, masks = _field_arrays(frame, specs)
    try:
        raw.write(
            path,
            wkb,
            field_data=data,
            fields=[s.shapefile_field for s in specs],
            field_mask=masks if any(m is not None for m in masks) else None,
            driver="ESRI Shapefile",
            geometry_type=geometry_type,
            crs=frame.crs.to_wkt(),
            encoding="UTF-8",
            promote_to_multi=promote or None,
        )
    except Exception as exc:
        raise ExportError(f"layer {layer!r}: writing {path.name} failed ({exc})") from exc
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg.write_text("UTF-8", encoding="ascii")
    fields_csv = path.with_suffix(".fields.csv")
    _write_fields_csv(fields_csv, specs)
    files = [path.with_suffix(s) for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")]
    if style is not None:
        names = {s.field: s.shapefile_field for s in specs}
        qml_path = path.with_suffix(".qml")
        qml_path.write_text(qml(style.for_kind(kind).renamed(names)), encoding="utf-8")
        files.append(qml_path)
    files.append(fields_csv)
    missing_files = [f.name for f in files if not f.exists()]
    if missing_files:
        raise ExportError(f"layer {layer!r}: GDAL did not write {', '.join(missing_files)}")
    _verify(path, frame, specs, layer)
    return files
