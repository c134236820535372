"""Checks of TOML documents — studies and resistance recipes — with one wording for every error.

A :class:`Checker` raises one error class (:class:`~leopardrange.errors.StudyError` for studies,
:class:`~leopardrange.errors.ResistanceError` for recipes) and says where the problem is, what
is wrong and what would be right, always in the same form:

- ``unknown key 'layr' (did you mean 'layer'?) in [layers.park] of study file 's.toml'; valid
  keys: assume_crs, label, layer, path, repair, where``
- ``[grid] of recipe 'r.toml' needs resolution_m (cell size in metres)``
- ``scale_m of factor 'towns' of recipe 'r.toml' must be a finite positive number, not -5``
- ``type of factor 1 of recipe 'r.toml' must be one of classes, bands, slope, distance,
  barrier, mask, not 'maks' (did you mean 'mask'?)``

TOML's own types are kept apart: a string ``"true"`` is not a boolean, ``"5"`` is not a number,
``nan`` and ``inf`` are not finite numbers, a table is not an array.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

__all__ = ["Checker"]

T = TypeVar("T")
_SHOWN_CHARS = 60
_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")


def _shown(value: Any) -> str:
    """A value as the person who wrote the TOML would recognise it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table" if value else "an empty table"
    if isinstance(value, list) and not value:
        return "an empty array"
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 2] + "…'"
    text = repr(value)
    if isinstance(value, list):
        text = "an array " + text
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _names(names: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _suggestion(value: object, valid: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a valid name is close to ``value``, else nothing."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Checker:
    """Checks of one kind of TOML document, raising ``error`` with one wording.

    Every check names what it checks (``key``) and where it is (``where``, e.g.
    ``"[layers.park] of study file 's.toml'"``) and returns the value, converted where TOML
    allows two spellings (an integer where a number is asked for becomes a float).

    Parameters
    ----------
    error
        The exception class to raise, e.g. :class:`~leopardrange.errors.StudyError`.

    Examples
    --------
    >>> check = Checker(ValueError)
    >>> check.positive(1000, "resolution_m", "[grid] of the recipe")
    1000.0
    >>> check.keys({"pth": "a.gpkg"}, "[layers.park]", valid={"path", "layer"})
    Traceback (most recent call last):
    ...
    ValueError: unknown key 'pth' (did you mean 'path'?) in [layers.park]; valid keys: layer, path
    >>> check.boolean("true", "repair", "[layers.park]")
    Traceback (most recent call last):
    ...
    ValueError: repair of [layers.park] must be true or false, not 'true' (text; write true ...
    """

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    # ------------------------------------------------------------------ failing
    def fail(self, message: str) -> NoReturn:
        """Raise the checker's error with ``message``."""
        raise self.error(message)

    def wrong(self, value: Any, key: str, where: str, *, expected: str, hint: str = "") -> NoReturn:
        """Raise "``key`` of ``where`` must be ``expected``, not ``value``"."""
        note = f" ({hint})" if hint else ""
        self.fail(f"{key} of {where} must be {expected}, not {_shown(value)}{note}")

    # ------------------------------------------------------------------ keys
    def require(self, table: Mapping[str, Any], where: str, required: Iterable[str]) -> None:
        """Raise unless every key in ``required`` is in ``table``.

        ``required`` may map each key to how to name it in the message, e.g.
        ``{"resolution_m": "resolution_m (cell size in metres)"}``.
        """
        names = required if isinstance(required, Mapping) else {k: k for k in required}
        missing = [names[key] for key in names if key not in table]
        if missing:
            self.fail(f"{where} needs {_names(missing)}")

    def keys(
        self,
        table: Mapping[str, Any],
        where: str,
        *,
        valid: Iterable[str],
        required: Iterable[str] = (),
        noun: str = "key",
    ) -> None:
        """Raise on keys of ``table`` that are not ``valid``, then on ``required`` ones missing.

        The message names every unknown key, suggests the closest valid one, and lists the
        valid keys (sorted when ``valid`` is a set, else in the order given).
        """
        allowed = sorted(valid) if isinstance(valid, set | frozenset) else list(valid)
        unknown = [key for key in table if key not in allowed]
        if unknown:
            named = ", ".join(f"{key!r}{_suggestion(key, allowed)}" for key in unknown)
            plural = "s" if len(unknown) > 1 else ""
            self.fail(
                f"unknown {noun}{plural} {named} in {where}; valid {noun}s: {', '.join(allowed)}"
            )
        self.require(table, where, required)

    # ------------------------------------------------------------------ structure
    def table(self, value: Any, key: str, where: str) -> dict[str, Any]:
        """A TOML table (``[name]`` or ``{...}``)."""
        if not isinstance(value, dict):
            self.wrong(value, key, where, expected="a table")
        return value

    def array(
        self, value: Any, key: str, where: str, *, of: str = "", non_empty: bool = False
    ) -> list[Any]:
        """A TOML array (``[...]`` or ``[[name]]`` tables); ``of`` says what it holds."""
        expected = ("a non-empty array" if non_empty else "an array") + (f" of {of}" if of else "")
        if not isinstance(value, list) or (non_empty and not value):
            self.wrong(value, key, where, expected=expected)
        return value

    # ------------------------------------------------------------------ scalars
    def text(self, value: Any, key: str, where: str) -> str:
        """Non-empty text."""
        if not isinstance(value, str) or not value.strip():
            self.wrong(value, key, where, expected="non-empty text")
        return value

    def boolean(self, value: Any, key: str, where: str) -> bool:
        """``true`` or ``false`` — not the text ``"true"``."""
        if not isinstance(value, bool):
            quoted = isinstance(value, str) and value.strip().lower() in ("true", "false")
            hint = f"text; write {value.strip().lower()} without quotes" if quoted else ""
            self.wrong(value, key, where, expected="true or false", hint=hint)
        return value

    def number(self, value: Any, key: str, where: str) -> float:
        """A finite number (an integer or a float; not ``nan`` or ``inf``, not text)."""
        return self._number(value, key, where, expected="a finite number", ok=math.isfinite)

    def positive(self, value: Any, key: str, where: str) -> float:
        """A finite number > 0."""
        return self._number(
            value, key, where, expected="a finite positive number", ok=lambda v: 0 < v < math.inf
        )

    def non_negative(self, value: Any, key: str, where: str) -> float:
        """A finite number ≥ 0."""
        return self._number(
            value, key, where, expected="a finite number >= 0", ok=lambda v: 0 <= v < math.inf
        )

    def _number(
        self, value: Any, key: str, where: str, *, expected: str, ok: Callable[[float], bool]
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = "text; write numbers without quotes" if _is_number_text(value) else ""
            self.wrong(value, key, where, expected=expected, hint=hint)
        if not ok(float(value)):
            self.wrong(value, key, where, expected=expected)
        return float(value)

    def integer(self, value: Any, key: str, where: str, *, from_text: bool = False) -> int:
        """An integer; with ``from_text``, also text of one (TOML table keys are text)."""
        if from_text and isinstance(value, str) and _INTEGER_TEXT.match(value.strip()):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(value, key, where, expected="an integer")
        return value

    def choice(self, value: Any, key: str, where: str, *, choices: Iterable[str]) -> str:
        """One of ``choices`` (suggesting the closest one when it is not)."""
        options = list(choices)
        if not isinstance(value, str) or value not in options:
            expected = f"one of {', '.join(options)}"
            hint = _suggestion(value, options).strip(" ()")
            self.wrong(value, key, where, expected=expected, hint=hint)
        return value

    # ------------------------------------------------------------------ helpers
    def optional(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        check: Callable[[Any, str, str], T],
    ) -> T | None:
        """``check(table[key], key, where)`` when ``key`` is given, else ``None``."""
        return check(table[key], key, where) if key in table else None

    def unique(self, names: Sequence[str], *, things: str, key: str, where: str) -> None:
        """Raise when two of ``things`` (e.g. claims) have the same ``key`` (e.g. id)."""
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.fail(f"two {things} of {where} share the {key} {name!r}; give each its own")
            seen.add(name)


def _is_number_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True
