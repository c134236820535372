"""JSON and TOML documents: reading study and recipe files, writing results as JSON.

One place for the text formats the toolkit reads and writes, so every JSON output treats
missing and infinite values alike: NaN is written as ``null`` and ``inf`` is refused (a result
is finite or missing, never infinite).
"""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path
from typing import Any

from leopardrange._inputs import note_input
from leopardrange.errors import DataSourceError

__all__ = ["read_toml", "to_json", "write_json"]


def read_toml(path: str | Path, *, kind: str, error: type[Exception]) -> dict[str, Any]:
    r"""Read a TOML file (a study, a recipe) with one-line errors.

    Parameters
    ----------
    path
        The file.
    kind
        What the file is, for messages: ``"study file"``, ``"resistance recipe"``.
    error
        Exception class raised when the text is not valid TOML or not UTF-8.

    Returns
    -------
    dict
        The document, as :func:`tomllib.loads` returns it.

    Raises
    ------
    DataSourceError
        If the file does not exist, is a directory or cannot be read.
    error
        If it is not valid TOML (the message has the line and column), not UTF-8 (a
        byte-order mark is fine), nested too deeply, or far too large for a document.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "study.toml").write_text('[study]\nname = "Lynx"\n', encoding="utf-8")
    >>> read_toml(folder / "study.toml", kind="study file", error=ValueError)
    {'study': {'name': 'Lynx'}}
    >>> _ = (folder / "bom.toml").write_bytes(b'\xef\xbb\xbf[study]\nname = "Lynx"\n')
    >>> read_toml(folder / "bom.toml", kind="study file", error=ValueError)  # a BOM is fine
    {'study': {'name': 'Lynx'}}
    """
    import tomllib

    path = Path(path)
    note_input(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataSourceError(f"{kind} {str(path)!r} does not exist; give a .toml {kind}") from None
    except (OSError, ValueError) as exc:
        raise DataSourceError(f"cannot read {kind} {str(path)!r}: {_reason(exc)}") from exc
    if stat.S_ISDIR(mode):
        raise DataSourceError(f"{kind} {str(path)!r} is a directory; give a .toml {kind}")
    if not stat.S_ISREG(mode):
        raise DataSourceError(
            f"{kind} {str(path)!r} is not a regular file (a device, pipe or socket); give a "
            f".toml {kind}"
        )
    size = path.stat().st_size
    if size > _MAX_TOML_BYTES:
        raise error(
            f"{kind} {str(path)!r} is {size:,} bytes; a {kind} is a few kilobytes of text — is "
            "it the right file?"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataSourceError(f"cannot read {kind} {str(path)!r}: {_reason(exc)}") from exc
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{kind} {str(path)!r} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{kind} {str(path)!r} is not UTF-8 text ({exc.reason})") from exc
    except RecursionError as exc:
        raise error(
            f"{kind} {str(path)!r} nests arrays or tables too deeply to read; flatten it"
        ) from exc


def _reason(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc)).lower()


#: A study or recipe is small; anything much larger is another file given by mistake.
_MAX_TOML_BYTES = 16 * 2**20


def _json_ready(value: Any) -> Any:
    """NaN → None, numpy scalars → Python numbers, tuples → lists; inf is an error."""
    if value is None or isinstance(value, str | bool | int):  # most values: leaves first
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError("refusing to write inf to JSON: a result must be finite or missing")
        return value
    if hasattr(value, "item") and not isinstance(value, bytes):  # numpy scalars
        return _json_ready(value.item())
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


#: A list longer than this whose items hold no list or object is written one item per line
#: (a table of 100,000 protected areas: a line each, not ten).
ONE_LINE_ITEMS = 50


def _dumps(value: Any, indent: str) -> str:
    """Indented JSON (as ``json.dumps(indent=2)``), long flat lists one item per line."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        body = ",\n".join(f"{inner}{_compact(k)}: {_dumps(v, inner)}" for k, v in value.items())
        return "{\n" + body + "\n" + indent + "}"
    if isinstance(value, list) and value:
        flat = len(value) > ONE_LINE_ITEMS and all(_is_flat(v) for v in value)
        items = (_compact(v) if flat else _dumps(v, inner) for v in value)
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + indent + "]"
    return _compact(value)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _is_flat(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(isinstance(v, dict | list) for v in value.values())
    return not isinstance(value, list)


def to_json(data: Any) -> str:
    """Indented UTF-8 JSON text; NaN is written as null and inf refused (never a result).

    Examples
    --------
    >>> print(to_json({"area_km2": float("nan"), "epochs": ("1900", "2021")}))
    {
      "area_km2": null,
      "epochs": [
        "1900",
        "2021"
      ]
    }
    """
    return _dumps(_json_ready(data), "")


def write_json(path: str | Path, data: Any) -> None:
    r"""Write :func:`to_json` text, with a final newline, to ``path``.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "metrics.json"
    >>> write_json(target, {"park_area_km2": 2619.0})
    >>> target.read_text(encoding="utf-8")
    '{\n  "park_area_km2": 2619.0\n}\n'
    """
    Path(path).write_text(to_json(data) + "\n", encoding="utf-8")
