"""Land-cover legends: what the class values of a land-cover raster mean, and which are habitat.

A land-cover raster holds class codes, and the same code means different things in different
products: 1 is "Evergreen needleleaf forests" in IGBP (MODIS MCD12), "Continuous urban fabric"
in CORINE's grid codes and absent from ESA WorldCover. So a legend is never assumed: it is
named, or given as a file, and the raster's values are checked against it.

Built-in legends (data files shipped with the package, see :data:`BUILTIN_LEGENDS`):

``igbp``
    IGBP classes of MODIS MCD12 (LC_Type1), 0–17; habitat: the five forest classes 1–5.
``worldcover``
    ESA WorldCover 10 m classes 10–100; habitat: tree cover (10) and mangroves (95).
``corine``
    CORINE Land Cover level 3, as grid codes 1–44 and as CLC codes 111–523; habitat: the
    forest classes (311–313, grid codes 23–25).

A user legend is a CSV file (columns ``value``, ``name``, optional ``habitat`` — true/false,
yes/no, 1/0 — and ``colour`` as ``#rrggbb``) or a TOML file shaped like the built-in ones::

    [legend]
    name = "my classes"
    habitat = "forest"          # what the habitat classes are, for messages and titles
    nodata = [0]                # values that mean "no data" (optional)

    [[classes]]
    value = 1
    name = "Forest"
    habitat = true
    colour = "#rrggbb"          # optional: the class's colour on maps and in QGIS

Examples
--------
>>> legend = read_legend("igbp")
>>> legend.habitat_classes
(1, 2, 3, 4, 5)
>>> legend.class_name(12)
'Croplands'
>>> legend.with_habitat([1, 5]).habitat_classes
(1, 5)
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import DataSourceError, LegendError
from leopardrange.palette import Colour

__all__ = [
    "BUILTIN_LEGENDS",
    "LandCoverClass",
    "Legend",
    "habitat_selection",
    "parse_class_list",
    "read_legend",
]

#: Names of the built-in legends (data files ``legends/<name>.toml`` of this package).
BUILTIN_LEGENDS: tuple[str, ...] = ("igbp", "worldcover", "corine")
_TRUE = {"true", "yes", "y", "1", "x", "habitat"}
_FALSE = {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class LandCoverClass:
    """One class of a legend.

    Attributes
    ----------
    value : int
        The code stored in the raster.
    name : str
        What the class is.
    habitat : bool
        Whether the class counts as habitat (e.g. forest).
    colour : Colour or None
        Its colour on maps and in QGIS; None lets the map pick one.

    Examples
    --------
    >>> tree = read_legend("worldcover").classes[0]
    >>> tree.value, tree.name, tree.habitat
    (10, 'Tree cover', True)
    """

    value: int
    name: str
    habitat: bool = False
    colour: Colour | None = None


@dataclass(frozen=True)
class Legend:
    """A land-cover legend: class values, their names, which are habitat.

    Attributes
    ----------
    name : str
        Short name (``"igbp"``, or the file's name for a user legend).
    title : str
        Long name, for metrics and map legends.
    classes : tuple of LandCoverClass
        In file order; values are unique.
    nodata : tuple of int
        Values that mean "no data" (neither habitat nor not).
    habitat_label : str
        What the habitat classes are ("forest", "tree cover", …).
    source : str
        Where the legend comes from: ``"built-in"`` or the file path.
    complete : bool
        Whether the legend lists every class the raster may hold (then other values are an
        error); False for a bare list of habitat classes.

    Examples
    --------
    >>> legend = Legend("two", "Two classes", (LandCoverClass(1, "Forest", True),
    ...                                       LandCoverClass(2, "Field")))
    >>> legend.values, legend.habitat_classes
    ((1, 2), (1,))
    """

    name: str
    title: str
    classes: tuple[LandCoverClass, ...]
    nodata: tuple[int, ...] = ()
    habitat_label: str = "habitat"
    source: str = "built-in"
    complete: bool = True

    @property
    def values(self) -> tuple[int, ...]:
        """The class values, in file order."""
        return tuple(c.value for c in self.classes)

    @property
    def habitat_classes(self) -> tuple[int, ...]:
        """The values of the habitat classes, ascending."""
        return tuple(sorted(c.value for c in self.classes if c.habitat))

    def class_name(self, value: int) -> str:
        """The name of class ``value`` ("class 7" when the legend does not know it).

        Examples
        --------
        >>> read_legend("worldcover").class_name(10), read_legend("worldcover").class_name(7)
        ('Tree cover', 'class 7')
        """
        for c in self.classes:
            if c.value == int(value):
                return c.name
        return f"class {int(value)}"

    def with_habitat(self, values: Iterable[int]) -> Legend:
        """The legend with ``values`` as its habitat classes (every other class is not).

        Raises
        ------
        LegendError
            A value the legend does not have (the message lists the legend's values).

        Examples
        --------
        >>> read_legend("igbp").with_habitat([8, 9]).habitat_classes
        (8, 9)
        """
        wanted = sorted({int(v) for v in values})
        missing = [v for v in wanted if v not in self.values]
        if missing:
            raise LegendError(
                f"habitat class{'es' if len(missing) > 1 else ''} "
                f"{', '.join(map(str, missing))} {'are' if len(missing) > 1 else 'is'} not in "
                f"the {self.title} legend ({self.source}); its classes are "
                f"{_value_list(self.values)}"
            )
        classes = tuple(replace(c, habitat=c.value in wanted) for c in self.classes)
        return replace(self, classes=classes)

    def check_values(self, values: Iterable[Any], *, what: str) -> None:
        """Raise unless every value is a class (or a nodata value) of the legend.

        Parameters
        ----------
        values : iterable of numbers
            Values found in a raster (NaN is ignored). An incomplete legend (a bare list of
            habitat classes) accepts any value.
        what : str
            How to name the raster in the message, e.g. ``"land cover 'lc.tif'"``.

        Raises
        ------
        LegendError
            Values the legend does not know, all named.

        Examples
        --------
        >>> read_legend("igbp").check_values([1, 5, 255], what="land cover")
        >>> read_legend("igbp").check_values([1, 30, 40], what="land cover 'lc.tif'")
        Traceback (most recent call last):
        ...
        leopardrange.errors.LegendError: land cover 'lc.tif' has values the IGBP ...
        """
        if not self.complete:
            return
        raw = values if isinstance(values, np.ndarray) else list(values)
        arr = np.unique(np.asarray(raw, dtype=np.float64))
        arr = arr[np.isfinite(arr)]
        known = set(self.values) | set(self.nodata)
        unknown = [v for v in arr.tolist() if v != int(v) or int(v) not in known]
        if unknown:
            shown = ", ".join(_fmt(v) for v in unknown[:20]) + (" …" if len(unknown) > 20 else "")
            raise LegendError(
                f"{what} has values the {self.title} legend does not know: {shown}; its "
                f"classes are {_value_list(self.values)} — is it the right legend "
                "(--legend igbp|worldcover|corine|FILE)?"
            )

    def to_json_dict(self) -> dict[str, Any]:
        """The legend as plain data, for metrics.json.

        Examples
        --------
        >>> read_legend("igbp").to_json_dict()["habitat_classes"]
        [1, 2, 3, 4, 5]
        """
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "habitat": self.habitat_label,
            "habitat_classes": list(self.habitat_classes),
            "habitat_class_names": [self.class_name(v) for v in self.habitat_classes],
        }


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _value_list(values: Sequence[int]) -> str:
    ordered = sorted(values)
    if len(ordered) > 12:
        return f"{', '.join(map(str, ordered[:12]))} … ({len(ordered)} classes)"
    return ", ".join(map(str, ordered))


# ------------------------------------------------------------------------------ reading


def _integer(value: Any, *, where: str) -> int:
    if isinstance(value, bool):
        raise LegendError(f"{where}: class value {value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
    raise LegendError(f"{where}: class value {value!r} is not an integer")


def _flag(value: Any, *, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise LegendError(f"{where}: habitat {value!r} is not true or false (yes/no, 1/0)")


def _colour(value: Any, *, where: str) -> Colour | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Colour.from_hex(str(value).strip())
    except ValueError as exc:
        raise LegendError(f"{where}: {exc}") from None


def _build(
    rows: Iterable[tuple[Mapping[str, Any], str]],
    *,
    name: str,
    title: str,
    nodata: Sequence[Any],
    habitat_label: str,
    source: str,
) -> Legend:
    classes: list[LandCoverClass] = []
    seen: dict[int, str] = {}
    for row, where in rows:
        if "value" not in row or row["value"] is None:
            raise LegendError(f"{where}: no class value")
        value = _integer(row["value"], where=where)
        if value in seen:
            raise LegendError(
                f"{where}: class {value} appears twice in legend {source!r} (also {seen[value]}); "
                "every class value must be unique"
            )
        label = str(row.get("name") or "").strip() or f"class {value}"
        seen[value] = where
        classes.append(
            LandCoverClass(
                value=value,
                name=label,
                habitat=_flag(row.get("habitat", False), where=where),
                colour=_colour(row.get("colour", row.get("color")), where=where),
            )
        )
    if not classes:
        raise LegendError(f"legend {source!r} has no classes")
    return Legend(
        name=name,
        title=title,
        classes=tuple(classes),
        nodata=tuple(_integer(v, where=f"nodata of legend {source!r}") for v in nodata),
        habitat_label=habitat_label,
        source=source,
    )


def _from_toml(data: Mapping[str, Any], *, source: str, default_name: str) -> Legend:
    head = data.get("legend", {})
    if not isinstance(head, Mapping):
        raise LegendError(f"[legend] of {source!r} must be a table")
    raw = data.get("classes")
    if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
        raise LegendError(
            f"legend {source!r} needs its classes as [[classes]] tables (value, name, habitat)"
        )
    nodata = head.get("nodata", [])
    if not isinstance(nodata, list):
        raise LegendError(f"nodata of legend {source!r} must be a list of class values")
    name = str(head.get("name") or default_name)
    return _build(
        ((r, f"class {i + 1} of legend {source!r}") for i, r in enumerate(raw)),
        name=name,
        title=str(head.get("title") or name),
        nodata=nodata,
        habitat_label=str(head.get("habitat") or "habitat"),
        source=source,
    )


def _from_csv(text: str, *, source: str, name: str) -> Legend:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "value" not in fields:
        raise LegendError(
            f"legend {source!r} needs a header row with a 'value' column (and 'name', "
            f"'habitat', 'colour'); found: {', '.join(fields) or 'no header'}"
        )
    rows = (
        ({(k or "").strip().lower(): v for k, v in row.items()}, f"line {i + 2} of {source!r}")
        for i, row in enumerate(reader)
    )
    return _build(rows, name=name, title=name, nodata=(), habitat_label="habitat", source=source)


def read_legend(spec: str | os.PathLike[str]) -> Legend:
    """A built-in legend by name, or a legend file (CSV or TOML).

    Parameters
    ----------
    spec : str or path
        ``"igbp"``, ``"worldcover"``, ``"corine"`` (any case), or a ``.csv`` / ``.toml`` file.

    Returns
    -------
    Legend

    Raises
    ------
    DataSourceError
        No such built-in legend and no such file.
    LegendError
        A file with duplicate or non-integer class values, no classes, a bad colour or
        habitat flag.

    Examples
    --------
    >>> read_legend("WorldCover").title
    'ESA WorldCover'
    >>> read_legend("corine").class_name(311), read_legend("corine").class_name(23)
    ('Broad-leaved forest', 'Broad-leaved forest (CLC 311)')
    """
    import tomllib

    text = str(spec).strip()
    if text.lower() in BUILTIN_LEGENDS and not Path(text).is_file():
        shipped = resources.files(__package__).joinpath("legends", f"{text.lower()}.toml")
        return _from_toml(
            tomllib.loads(shipped.read_text(encoding="utf-8")),
            source="built-in",
            default_name=text,
        )
    path = Path(spec)
    if not path.is_file():
        raise DataSourceError(
            f"legend {text!r} is neither a built-in legend ({', '.join(BUILTIN_LEGENDS)}) nor "
            "a file (.csv or .toml)"
        )
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataSourceError(f"cannot read legend file '{path}': {exc}") from exc
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(content)
        except tomllib.TOMLDecodeError as exc:
            raise LegendError(f"legend file '{path}' is not valid TOML: {exc}") from None
        return _from_toml(data, source=str(path), default_name=path.stem)
    return _from_csv(content, source=str(path), name=path.stem)


def parse_class_list(text: str) -> tuple[int, ...]:
    """Class values from a comma-separated list, e.g. ``"1,2, 5"`` (ranges ``"1-5"`` too).

    Raises
    ------
    LegendError
        An item that is not an integer or a range of integers.

    Examples
    --------
    >>> parse_class_list("1-2, 5")
    (1, 2, 5)
    """
    values: list[int] = []
    for item in (part.strip() for part in str(text).split(",")):
        if not item:
            continue
        lo, sep, hi = item.partition("-")
        try:
            if sep and lo.strip():
                start, stop = int(lo), int(hi)
                if stop < start:
                    raise ValueError
                values.extend(range(start, stop + 1))
            else:
                values.append(int(item))
        except ValueError:
            raise LegendError(
                f"habitat classes {text!r}: {item!r} is not a class value (give integers "
                "separated by commas, e.g. 1,2,5 or 1-5)"
            ) from None
    if not values:
        raise LegendError("no habitat class given (e.g. --habitat-classes 1,2,5)")
    return tuple(sorted(set(values)))


def habitat_selection(
    legend: Legend | str | os.PathLike[str] | None = None,
    habitat_classes: Iterable[int] | str | None = None,
) -> Legend:
    """The legend and habitat classes a land-cover raster is read with.

    Parameters
    ----------
    legend : Legend, str or path, optional
        A legend, a built-in legend's name or a legend file.
    habitat_classes : iterable of int or str, optional
        The habitat classes, overriding the legend's (each must be in it); a string is
        parsed by :func:`parse_class_list`. Without a legend they define a bare legend of
        just those classes (then other raster values are simply "not habitat").

    Returns
    -------
    Legend

    Raises
    ------
    LegendError
        Neither given (a land cover is never assumed to be IGBP or anything else), or a
        habitat class the legend does not have.

    Examples
    --------
    >>> habitat_selection("igbp").habitat_classes
    (1, 2, 3, 4, 5)
    >>> habitat_selection(habitat_classes="1,2").title
    'habitat classes 1, 2'
    """
    if legend is None and habitat_classes is None:
        raise LegendError(
            "a land-cover raster needs its legend: name it (legend='igbp', 'worldcover', "
            "'corine' or a CSV/TOML file; --legend) or list the habitat classes "
            "(habitat_classes=[1, 2]; --habitat-classes 1,2); it is never assumed to be IGBP"
        )
    classes = parse_class_list(habitat_classes) if isinstance(habitat_classes, str) else None
    if classes is None and habitat_classes is not None:
        classes = tuple(sorted({int(v) for v in habitat_classes}))  # type: ignore[union-attr]
    if legend is None:
        assert classes is not None
        if not classes:
            raise LegendError("no habitat class given")
        text = ", ".join(map(str, classes))
        return Legend(
            name="classes",
            title=f"habitat classes {text}",
            classes=tuple(LandCoverClass(v, f"class {v}", True) for v in classes),
            source="habitat classes",
            complete=False,
        )
    chosen = legend if isinstance(legend, Legend) else read_legend(legend)
    return chosen if classes is None else chosen.with_habitat(classes)
