"""JSON and TOML documents: reading study and recipe files, writing results as JSON.

One place for the text formats the toolkit reads and writes, so every JSON output treats
missing and infinite values alike: NaN is written as ``null`` and ``inf`` is refused (a result
is finite or missing, never infinite).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

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
        If the file does not exist or is a directory.
    error
        If it is not valid TOML (the message has the line and column) or not UTF-8.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "study.toml").write_text('[study]\nname = "Lynx"\n', encoding="utf-8")
    >>> read_toml(folder / "study.toml", kind="study file", error=ValueError)
    {'study': {'name': 'Lynx'}}
    """
    import tomllib

    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise DataSourceError(f"{kind} {str(path)!r} {what}; give a .toml {kind}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{kind} {str(path)!r} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{kind} {str(path)!r} is not UTF-8 text ({exc.reason})") from exc


def _json_ready(value: Any) -> Any:
    """NaN → None, numpy scalars → Python numbers, tuples → lists; inf is an error."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError("refusing to write inf to JSON: a result must be finite or missing")
        return value
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


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
    return json.dumps(_json_ready(data), indent=2, ensure_ascii=False, allow_nan=False)


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
