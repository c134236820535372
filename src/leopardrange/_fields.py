"""Private helpers for attribute fields: case-insensitive lookup, names, missing fields at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from leopardrange.errors import MissingFieldError

#: Fields tried, in order, for a feature's name when no name field is given.
NAME_CANDIDATES = ("name", "label", "id")


def fields_of(frame: gpd.GeoDataFrame | pd.DataFrame) -> list[str]:
    """The attribute fields of a frame (its geometry column left out)."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [str(c) for c in frame.columns if c != geometry]


def find_field(frame: gpd.GeoDataFrame | pd.DataFrame, name: str) -> str | None:
    """The field called ``name``: exactly, else the one field that matches it ignoring case."""
    fields = fields_of(frame)
    if name in fields:
        return name
    folded = [f for f in fields if f.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


@dataclass(frozen=True)
class Need:
    """A field a study or an analysis needs: which layer, which key names it, which field."""

    layer: str
    key: str
    field: str
    table: str = ""

    def found(self, frame: gpd.GeoDataFrame | pd.DataFrame) -> str | None:
        """The field's name in ``frame`` (case-insensitive), or ``None``."""
        return find_field(frame, self.field)


def raise_missing(missing: Sequence[tuple[Need, Sequence[str]]]) -> None:
    """Raise one :class:`MissingFieldError` naming every missing field, if any are missing.

    ``missing`` pairs each unmet :class:`Need` with the fields its layer does have.
    """
    if not missing:
        return
    by_layer: dict[str, list[Need]] = {}
    fields: dict[str, Sequence[str]] = {}
    for need, have in missing:
        by_layer.setdefault(need.layer, []).append(need)
        fields[need.layer] = have
    parts = []
    for layer, needs in by_layer.items():
        named = " or ".join(f"{n.field!r} ({n.key})" for n in needs)
        tables = sorted({n.table for n in needs if n.table})
        where = f" in {' and '.join(tables)}" if tables else ""
        keys = " and ".join(dict.fromkeys(n.key for n in needs))
        parts.append(
            f"{layer} has no field {named}; available fields: "
            f"{', '.join(fields[layer]) or 'none'}; set {keys}{where} to one of them"
        )
    raise MissingFieldError("; ".join(parts))


def check_needs(frames: Iterable[tuple[gpd.GeoDataFrame | pd.DataFrame, Need]]) -> None:
    """Raise one error naming every :class:`Need` whose field its frame lacks.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Epoch": ["a"], "yr": [2000]})
    >>> check_needs([(frame, Need("the range layer", "epoch_field", "epoch"))])
    >>> check_needs([(frame, Need("the range layer", "epoch_field", "period")),
    ...              (frame, Need("the range layer", "year_field", "year"))])
    Traceback (most recent call last):
    ...
    leopardrange.errors.MissingFieldError: the range layer has no field 'period' (epoch_field) \
or 'year' (year_field); available fields: Epoch, yr; set epoch_field and year_field to one of them
    """
    missing = [(need, fields_of(frame)) for frame, need in frames if need.found(frame) is None]
    raise_missing(missing)


def text_or_none(value: Any) -> str | None:
    """A value as text; ``None`` for missing values (None, NaN, empty text)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def shown_value(value: Any) -> str:
    """A cell value as a message shows it: ``7`` (not ``np.float64(7.0)``), ``'abc'``, ``empty``."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and value != value):
        return "empty"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def plain_id(value: Any) -> int | str | None:
    """An identifier as JSON wants it: whole numbers as ``int`` (WDPAID 12345.0 → 12345)."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    return str(value)


def feature_names(
    frame: gpd.GeoDataFrame | pd.DataFrame, *, name_field: str | None = None
) -> list[str]:
    """A name per feature: ``name_field``, else a name-like field, else ``feature <index>``.

    Parameters
    ----------
    frame
        Any frame.
    name_field
        The field holding names (found ignoring case); when ``None``, the first of ``name``,
        ``label`` and ``id`` the frame has (ignoring case).

    Raises
    ------
    MissingFieldError
        If ``name_field`` is given and the frame does not have it.
    """
    if name_field is not None:
        check_needs([(frame, Need("the layer", "name_field", name_field))])
        found = find_field(frame, name_field)
    else:
        found = next((f for f in map(lambda c: find_field(frame, c), NAME_CANDIDATES) if f), None)
    if found is None:
        return [f"feature {i}" for i in frame.index]
    return [
        text_or_none(v) or f"feature {i}" for i, v in zip(frame.index, frame[found], strict=True)
    ]
