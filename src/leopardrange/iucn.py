"""IUCN Red List range-map conventions: presence, origin and seasonal codes.

An IUCN range map holds polygons coded by ``presence`` (1 Extant, 2 Probably Extant, 3 Possibly
Extant, 4 Possibly Extinct, 5 Extinct, 6 Presence Uncertain), ``origin`` (1 Native,
2 Reintroduced, 3 Introduced, 4 Vagrant, 5 Origin Uncertain, 6 Assisted Colonisation) and
``seasonal`` (1 Resident, 2 Breeding Season, 3 Non-breeding Season, 4 Passage, 5 Seasonal
Occurrence Uncertain). Field names are matched ignoring case.

The current range is, by default, the polygons with presence 1–2, origin 1, 2 or 6 and
seasonal 1–3 (the Red List's mapping standards for range metrics); each set can be changed
(:class:`IUCNOptions`). A map without epochs yields two: ``historical`` (presence 1–5, same
origin and seasonal sets) and ``current`` (:func:`code_epochs`). What a filter leaves out is
recorded (:class:`RangeFilter`).

>>> import geopandas as gpd, shapely
>>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
>>> layer = gpd.GeoDataFrame({"presence": [1, 3, 5], "origin": [1, 1, 1],
...     "seasonal": [1, 1, 1]}, crs=laea, geometry=[shapely.box(0, 0, 10_000, 10_000),
...     shapely.box(10_000, 0, 20_000, 10_000), shapely.box(20_000, 0, 40_000, 10_000)])
>>> epochs, record = code_epochs(layer)
>>> epochs[["epoch"]].value_counts().sort_index().to_dict()
{('current',): 1, ('historical',): 3}
>>> [(r.presence, r.features, r.area_km2) for r in record.left_out]
[(3, 1, 100.0), (5, 1, 200.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from leopardrange._fields import Need, check_needs, find_field, shown_value, text_or_none
from leopardrange.errors import AttributeValueError, EmptyLayerError, StudyError
from leopardrange.measure import total_area_km2

__all__ = [
    "CODES",
    "CURRENT_EPOCH",
    "DEFAULTS",
    "HISTORICAL_EPOCH",
    "HISTORICAL_PRESENCE",
    "IUCNOptions",
    "LeftOut",
    "RangeFilter",
    "code_epochs",
    "describe_codes",
    "filter_range",
    "is_iucn",
    "iucn_fields",
]

#: Valid codes of each field, with their meaning.
CODES: Mapping[str, Mapping[int, str]] = {
    "presence": {
        1: "Extant",
        2: "Probably Extant",
        3: "Possibly Extant",
        4: "Possibly Extinct",
        5: "Extinct",
        6: "Presence Uncertain",
    },
    "origin": {
        1: "Native",
        2: "Reintroduced",
        3: "Introduced",
        4: "Vagrant",
        5: "Origin Uncertain",
        6: "Assisted Colonisation",
    },
    "seasonal": {
        1: "Resident",
        2: "Breeding Season",
        3: "Non-breeding Season",
        4: "Passage",
        5: "Seasonal Occurrence Uncertain",
    },
}
#: Codes of the current range by default.
DEFAULTS: Mapping[str, tuple[int, ...]] = {
    "presence": (1, 2),
    "origin": (1, 2, 6),
    "seasonal": (1, 2, 3),
}
#: Presence codes of the historical range by default (everything but "uncertain").
HISTORICAL_PRESENCE: tuple[int, ...] = (1, 2, 3, 4, 5)
HISTORICAL_EPOCH = "historical"
CURRENT_EPOCH = "current"
_FIELDS = ("presence", "origin", "seasonal")


@dataclass(frozen=True)
class IUCNOptions:
    """Which codes make the current (and historical) range.

    Attributes
    ----------
    conventions
        ``"auto"`` (default): IUCN conventions when the layer has a ``presence`` field;
        ``"iucn"``: always (the field is then required); ``"none"``: never.
    presence, origin, seasonal
        Codes of the current range; ``None``: :data:`DEFAULTS` when the layer has the field,
        no filter on that field when it has not. Codes given explicitly need the field.
    historical_presence
        Presence codes of the ``historical`` epoch built when the layer has no epochs;
        ``None``: :data:`HISTORICAL_PRESENCE`.
    historical_year, current_year
        Years of the two epochs built from the codes, when known (e.g. the year the map
        was compiled); without them the epochs have no year and no annual rate.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"presence": [1, 2]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 2_000, 1_000)])
    >>> len(filter_range(layer)[0]), len(filter_range(layer, options=IUCNOptions(presence=(1,)))[0])
    (2, 1)
    """

    conventions: Literal["auto", "iucn", "none"] = "auto"
    presence: tuple[int, ...] | None = None
    origin: tuple[int, ...] | None = None
    seasonal: tuple[int, ...] | None = None
    historical_presence: tuple[int, ...] | None = None
    historical_year: int | None = None
    current_year: int | None = None


@dataclass(frozen=True)
class LeftOut:
    """Features with one combination of codes that the current-range filter left out.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"presence": [1, 4]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 3_000, 1_000)])
    >>> filter_range(layer)[1].left_out
    (LeftOut(presence=4, origin=None, seasonal=None, features=1, area_km2=3.0),)
    """

    presence: int | None
    origin: int | None
    seasonal: int | None
    features: int
    area_km2: float


@dataclass(frozen=True)
class RangeFilter:
    """The filter that made the current range, and what it left out.

    Attributes
    ----------
    fields
        The code fields used: ``presence``/``origin``/``seasonal`` → the layer's spelling.
    presence, origin, seasonal
        Codes kept in the current range (``None``: that field is not filtered).
    historical_presence
        Presence codes of the ``historical`` epoch, when epochs were built from the codes.
    codes_present
        The codes found in the layer, per field.
    features_kept, features_left_out
        Features in and out of the current range.
    left_out
        Per combination of codes left out: the features and the area of their union, km².
    left_out_outside_current_km2
        Area the left-out features cover outside the current range, km².
    epochs_from_codes
        True when the epochs were built from the codes (the layer has no epoch field).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"presence": [1, 4]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 3_000, 1_000)])
    >>> record = filter_range(layer)[1]
    >>> record.features_kept, record.features_left_out, record.left_out_outside_current_km2
    (1, 1, 2.0)
    """

    fields: Mapping[str, str]
    presence: tuple[int, ...] | None
    origin: tuple[int, ...] | None
    seasonal: tuple[int, ...] | None
    historical_presence: tuple[int, ...] | None
    codes_present: Mapping[str, tuple[int, ...]]
    features_kept: int
    features_left_out: int
    left_out: tuple[LeftOut, ...]
    left_out_outside_current_km2: float
    epochs_from_codes: bool = False

    def describe(self, *, meanings: bool = False) -> str:
        """The filter in words, e.g. ``presence 1, 2; origin 1, 2, 6; seasonal 1, 2, 3``.

        Parameters
        ----------
        meanings
            Write each code with its meaning (``presence 1 Extant, 2 Probably Extant``).

        Examples
        --------
        >>> f = RangeFilter({}, (1, 2), None, (1,), None, {}, 1, 0, (), 0.0)
        >>> f.describe()
        'presence 1, 2; seasonal 1'
        >>> f.describe(meanings=True)
        'presence 1 Extant, 2 Probably Extant; seasonal 1 Resident'
        """
        return "; ".join(
            f"{name} {describe_codes(codes, name) if meanings else ', '.join(map(str, codes))}"
            for name, codes in (
                ("presence", self.presence),
                ("origin", self.origin),
                ("seasonal", self.seasonal),
            )
            if codes is not None
        )


def iucn_fields(frame: gpd.GeoDataFrame | pd.DataFrame) -> dict[str, str]:
    """The IUCN code fields a layer has: ``presence``/``origin``/``seasonal`` → its spelling.

    Examples
    --------
    >>> import pandas as pd
    >>> iucn_fields(pd.DataFrame(columns=["PRESENCE", "Origin", "binomial"]))
    {'presence': 'PRESENCE', 'origin': 'Origin'}
    """
    found = {name: find_field(frame, name) for name in _FIELDS}
    return {name: col for name, col in found.items() if col is not None}


def is_iucn(frame: gpd.GeoDataFrame | pd.DataFrame) -> bool:
    """Tell whether a range layer is IUCN-shaped: it has a ``presence`` field (any case).

    Examples
    --------
    >>> import pandas as pd
    >>> is_iucn(pd.DataFrame(columns=["Presence"])), is_iucn(pd.DataFrame(columns=["epoch"]))
    (True, False)
    """
    return "presence" in iucn_fields(frame)


def _name(frame: gpd.GeoDataFrame) -> str:
    source = frame.attrs.get("source")
    return f"range layer {source!r}" if source else "the range layer"


def _check_options(options: IUCNOptions) -> None:
    if options.conventions not in ("auto", "iucn", "none"):
        raise StudyError(
            f"conventions must be one of auto, iucn, none, not {options.conventions!r}"
        )
    for name in (*_FIELDS, "historical_presence"):
        codes = getattr(options, name)
        valid = CODES["presence" if name == "historical_presence" else name]
        if codes is not None and (not codes or any(c not in valid for c in codes)):
            raise StudyError(
                f"{name} must be a non-empty list of codes {min(valid)}–{max(valid)}, not "
                f"{list(codes)}"
            )
    old, new = options.historical_year, options.current_year
    if old is not None and new is not None and old >= new:
        raise StudyError(
            f"historical_year ({old}) must come before current_year ({new}); check the two years"
        )


def _codes(frame: gpd.GeoDataFrame, field: str, col: str) -> np.ndarray:
    """The codes of one field as integers; raise on values outside the field's codes."""
    valid = CODES[field]
    out = np.zeros(len(frame), dtype=np.int64)
    bad: list[int] = []
    for i, value in enumerate(frame[col]):
        try:
            number = float(value) if text_or_none(value) is not None else float("nan")
        except (TypeError, ValueError):
            number = float("nan")
        if not number.is_integer() or int(number) not in valid:
            bad.append(i)
            continue
        out[i] = int(number)
    if bad:
        shown = ", ".join(f"{frame.index[i]}: {shown_value(frame[col].iloc[i])}" for i in bad[:3])
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise AttributeValueError(
            f"{_name(frame)} has {len(bad)} feature{'s' if len(bad) > 1 else ''} with a {col} "
            f"code outside {min(valid)}–{max(valid)} (feature {shown}{more}); IUCN {field} codes "
            f"are {', '.join(f'{k} {v}' for k, v in valid.items())}"
        )
    return out


def _filter_sets(
    frame: gpd.GeoDataFrame, options: IUCNOptions, fields: Mapping[str, str]
) -> dict[str, tuple[int, ...] | None]:
    """Codes kept per field: given ones, else the defaults where the layer has the field."""
    sets: dict[str, tuple[int, ...] | None] = {}
    for name in _FIELDS:
        given = getattr(options, name)
        sets[name] = given if given is not None else (DEFAULTS[name] if name in fields else None)
    return sets


def _prepare(
    frame: gpd.GeoDataFrame, options: IUCNOptions
) -> tuple[dict[str, str], dict[str, np.ndarray], dict[str, tuple[int, ...] | None]]:
    _check_options(options)
    explicit = [n for n in _FIELDS if getattr(options, n) is not None]
    if options.conventions == "iucn" and "presence" not in explicit:
        explicit.insert(0, "presence")
    check_needs([(frame, Need(_name(frame), name, name)) for name in explicit])
    fields = iucn_fields(frame)
    codes = {name: _codes(frame, name, col) for name, col in fields.items()}
    return fields, codes, _filter_sets(frame, options, fields)


def _mask(
    codes: Mapping[str, np.ndarray], sets: Mapping[str, tuple[int, ...] | None], n: int
) -> np.ndarray:
    keep = np.ones(n, dtype=bool)
    for name, kept in sets.items():
        if kept is not None and name in codes:
            keep &= np.isin(codes[name], kept)
    return keep


def _record(
    frame: gpd.GeoDataFrame,
    fields: Mapping[str, str],
    codes: Mapping[str, np.ndarray],
    sets: Mapping[str, tuple[int, ...] | None],
    keep: np.ndarray,
    *,
    historical: tuple[int, ...] | None,
    method: str,
) -> RangeFilter:
    present = {name: tuple(sorted({int(c) for c in values})) for name, values in codes.items()}
    if not keep.any():
        raise EmptyLayerError(
            f"the IUCN filter ({_describe_sets(sets)}) leaves the current range of "
            f"{_name(frame)} empty; the layer has "
            f"{'; '.join(f'{k} ' + ', '.join(map(str, v)) for k, v in present.items())}: set "
            "presence, origin or seasonal in [layers.range] to codes it has"
        )
    combos: dict[tuple[int | None, ...], list[int]] = {}
    for i in np.flatnonzero(~keep):
        key = tuple(int(codes[n][i]) if n in codes else None for n in _FIELDS)
        combos.setdefault(key, []).append(int(i))
    geoms = frame.geometry
    left_out = tuple(
        LeftOut(
            presence=key[0],
            origin=key[1],
            seasonal=key[2],
            features=len(rows),
            area_km2=total_area_km2(geoms.iloc[rows], method=method),
        )
        for key, rows in sorted(combos.items(), key=lambda kv: tuple(c or 0 for c in kv[0]))
    )
    outside = 0.0
    if (~keep).any():
        whole = total_area_km2(geoms, method=method)
        outside = max(0.0, whole - total_area_km2(geoms[keep], method=method))
    return RangeFilter(
        fields=dict(fields),
        presence=sets["presence"],
        origin=sets["origin"],
        seasonal=sets["seasonal"],
        historical_presence=historical,
        codes_present=present,
        features_kept=int(keep.sum()),
        features_left_out=int((~keep).sum()),
        left_out=left_out,
        left_out_outside_current_km2=outside,
        epochs_from_codes=historical is not None,
    )


def _describe_sets(sets: Mapping[str, tuple[int, ...] | None]) -> str:
    return "; ".join(f"{k} {', '.join(map(str, v))}" for k, v in sets.items() if v is not None)


def filter_range(
    frame: gpd.GeoDataFrame, *, options: IUCNOptions | None = None, method: str = "equal_area"
) -> tuple[gpd.GeoDataFrame, RangeFilter]:
    """Keep the features of an IUCN range map that belong to the current range.

    Parameters
    ----------
    frame
        Range polygons with ``presence`` (and ``origin``, ``seasonal``) codes, any CRS.
    options
        The code sets (:class:`IUCNOptions`; default: the Red List's current range).
    method
        How the left-out areas are measured (see :func:`leopardrange.measure.area_km2`).

    Returns
    -------
    (GeoDataFrame, RangeFilter)
        The features kept (index as in ``frame``) and what the filter did.

    Raises
    ------
    AttributeValueError
        A code outside its field's codes (presence 1–6, origin 1–6, seasonal 1–5).
    EmptyLayerError
        If the filter leaves nothing (the message lists the codes the layer has).
    MissingFieldError
        If codes are given for a field the layer does not have.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"PRESENCE": [1, 3]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 2_000, 1_000)])
    >>> kept, record = filter_range(layer)
    >>> len(kept), record.describe(), record.left_out_outside_current_km2
    (1, 'presence 1, 2', 1.0)
    """
    fields, codes, sets = _prepare(frame, options or IUCNOptions())
    keep = _mask(codes, sets, len(frame))
    record = _record(frame, fields, codes, sets, keep, historical=None, method=method)
    return frame.loc[keep], record


def code_epochs(
    frame: gpd.GeoDataFrame,
    *,
    options: IUCNOptions | None = None,
    epoch_field: str = "epoch",
    method: str = "equal_area",
) -> tuple[gpd.GeoDataFrame, RangeFilter]:
    """Two epochs from the codes of a range map without epochs: historical and current.

    ``historical`` holds the features with presence in ``historical_presence`` (1–5 by
    default) and ``current`` those that pass the current-range filter; origin and seasonal
    sets apply to both. A feature in both epochs appears twice. There are no years, so no
    annual rate of loss can be computed.

    Parameters
    ----------
    frame
        Range polygons with a ``presence`` field (any case), any CRS.
    options
        The code sets (:class:`IUCNOptions`).
    epoch_field
        Name of the epoch column added (``historical`` or ``current``).
    method
        How the left-out areas are measured.

    Returns
    -------
    (GeoDataFrame, RangeFilter)
        Historical features first, then current ones, with ``epoch_field`` set; and what the
        current-range filter did.

    Raises
    ------
    AttributeValueError, EmptyLayerError, MissingFieldError
        As for :func:`filter_range`.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"presence": [1, 5]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1_000, 1_000), shapely.box(0, 0, 3_000, 1_000)])
    >>> epochs, record = code_epochs(layer)
    >>> epochs["epoch"].tolist(), record.epochs_from_codes
    (['historical', 'historical', 'current'], True)
    """
    options = options or IUCNOptions()
    fields, codes, sets = _prepare(frame, options)
    if "presence" not in codes:
        raise StudyError(f"{_name(frame)} has no presence field to build epochs from")
    keep = _mask(codes, sets, len(frame))
    historical_codes = options.historical_presence or HISTORICAL_PRESENCE
    old = _mask(codes, {**sets, "presence": historical_codes}, len(frame))
    record = _record(frame, fields, codes, sets, keep, historical=historical_codes, method=method)
    parts: list[Any] = []
    for label, mask in ((HISTORICAL_EPOCH, old), (CURRENT_EPOCH, keep)):
        part = frame.loc[mask].copy()
        part[epoch_field] = label
        parts.append(part)
    out = gpd.GeoDataFrame(pd.concat(parts), geometry=frame.geometry.name, crs=frame.crs)
    out.attrs = dict(frame.attrs)
    return out, record


def describe_codes(codes: Sequence[int], field: str) -> str:
    """Codes with their meaning, e.g. ``1 Extant, 2 Probably Extant``.

    Examples
    --------
    >>> describe_codes([1, 3], "presence")
    '1 Extant, 3 Possibly Extant'
    """
    return ", ".join(f"{c} {CODES[field][c]}" for c in codes)
