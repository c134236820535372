"""What each exported layer looks like: renderer, colours, hatching, labels.

Styles are plain data (:class:`LayerStyle`), written out as QGIS QML by
:mod:`leopardrange.export.qgis` — into the GeoPackage's ``layer_styles`` table, beside each
Shapefile as ``<name>.qml`` and inside the ``.qgz`` project.

Cartography
-----------
- Range epochs: one colour per epoch on a sequential ramp, pale (oldest) to dark (newest).
- Park: an outline only, so what lies inside it stays visible.
- Leopard ∩ competitor overlap: hatched.
- Countries and settlements: labelled with their name field.
- Analysis layers: lost in red, retained in green, park ∩ range in dark green, range outside
  the park in orange, AOO cells as a thin grey grid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Literal

__all__ = [
    "RGBA",
    "Category",
    "GeometryKind",
    "Label",
    "LayerStyle",
    "Symbol",
    "analysis_style",
    "epoch_colours",
    "fallback_style",
    "study_style",
]

#: A colour as red, green, blue, alpha, each 0–255.
RGBA = tuple[int, int, int, int]
GeometryKind = Literal["polygon", "line", "point"]

_INK: RGBA = (35, 35, 35, 255)
_WHITE: RGBA = (255, 255, 255, 255)

#: Anchors of the epoch ramp (ColorBrewer YlOrBr, light to dark), interpolated for n epochs.
_EPOCH_RAMP: tuple[RGBA, ...] = (
    (254, 227, 145, 255),
    (254, 196, 79, 255),
    (254, 153, 41, 255),
    (236, 112, 20, 255),
    (204, 76, 2, 255),
    (153, 52, 4, 255),
    (102, 37, 6, 255),
)
#: Colours for layers without a dedicated style (ColorBrewer Set2), picked by name.
_FALLBACK: tuple[RGBA, ...] = (
    (102, 194, 165, 255),
    (141, 160, 203, 255),
    (231, 138, 195, 255),
    (166, 216, 84, 255),
    (229, 196, 148, 255),
    (179, 179, 179, 255),
)


@dataclass(frozen=True)
class Symbol:
    """One map symbol.

    Parameters
    ----------
    kind
        ``"fill"`` (polygons), ``"line"`` or ``"marker"`` (points).
    colour
        Fill colour (fill), line colour (line) or marker fill (marker).
    outline
        Outline colour of fills and markers.
    width_mm
        Outline width (fill, marker) or line width (line), millimetres on the map.
    fill
        ``"solid"``, ``"no"`` (outline only) or ``"hatch"`` (45° lines in ``colour``).
    dashed
        Dashed outline or line.
    size_mm
        Marker diameter, millimetres.
    hatch_spacing_mm
        Distance between hatch lines, millimetres.
    """

    kind: Literal["fill", "line", "marker"]
    colour: RGBA
    outline: RGBA = _INK
    width_mm: float = 0.26
    fill: Literal["solid", "no", "hatch"] = "solid"
    dashed: bool = False
    size_mm: float = 2.0
    hatch_spacing_mm: float = 2.0


@dataclass(frozen=True)
class Category:
    """One class of a categorized renderer: features whose field equals ``value``."""

    value: str
    label: str
    symbol: Symbol


@dataclass(frozen=True)
class Label:
    """Labels drawn from one attribute field."""

    field: str
    size_pt: float = 9.0
    colour: RGBA = _INK
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style: a single symbol, or categories on a field; optional labels.

    ``opacity`` (0–1) applies to the whole layer.
    """

    symbol: Symbol | None = None
    field: str | None = None
    categories: tuple[Category, ...] = ()
    label: Label | None = None
    opacity: float = 1.0

    @property
    def renderer(self) -> str:
        """QGIS renderer type: ``"categorizedSymbol"`` or ``"singleSymbol"``."""
        return "categorizedSymbol" if self.field is not None else "singleSymbol"

    @property
    def colours(self) -> list[RGBA]:
        """Main colour of each symbol, in order (categories, else the single symbol)."""
        if self.field is not None:
            return [c.symbol.colour for c in self.categories]
        return [self.symbol.colour] if self.symbol else []

    def renamed(self, names: dict[str, str]) -> LayerStyle:
        """The same style with field names replaced through ``names`` (e.g. Shapefile names)."""
        label = self.label
        if label is not None and label.field in names:
            label = replace(label, field=names[label.field])
        field = names.get(self.field, self.field) if self.field is not None else None
        return replace(self, field=field, label=label)

    def for_kind(self, kind: GeometryKind) -> LayerStyle:
        """The same style with every symbol turned into one fit for ``kind`` geometries."""
        return replace(
            self,
            symbol=_as_kind(self.symbol, kind) if self.symbol else None,
            categories=tuple(replace(c, symbol=_as_kind(c.symbol, kind)) for c in self.categories),
        )


_SYMBOL_KIND = {"polygon": "fill", "line": "line", "point": "marker"}


def _as_kind(symbol: Symbol, kind: GeometryKind) -> Symbol:
    target = _SYMBOL_KIND[kind]
    if symbol.kind == target:
        return symbol
    if target == "line":
        colour = symbol.outline if symbol.fill == "no" else _opaque(symbol.colour)
        return Symbol("line", colour, width_mm=max(symbol.width_mm, 0.4), dashed=symbol.dashed)
    if target == "marker":
        colour = symbol.outline if symbol.fill == "no" else _opaque(symbol.colour)
        return Symbol("marker", colour, outline=_WHITE, width_mm=0.2, size_mm=2.4)
    return Symbol("fill", _translucent(symbol.colour), outline=symbol.colour)


def _opaque(colour: RGBA) -> RGBA:
    return (colour[0], colour[1], colour[2], 255)


def _translucent(colour: RGBA, alpha: int = 150) -> RGBA:
    return (colour[0], colour[1], colour[2], alpha)


def _darker(colour: RGBA, factor: float = 0.7) -> RGBA:
    r, g, b, _ = colour
    return (round(r * factor), round(g * factor), round(b * factor), 255)


def epoch_colours(n: int) -> list[RGBA]:
    """``n`` distinct colours on a pale-to-dark ramp, oldest epoch first.

    Examples
    --------
    >>> epoch_colours(2)
    [(254, 227, 145, 255), (102, 37, 6, 255)]
    >>> len(set(epoch_colours(12)))
    12
    """
    if n <= 0:
        return []
    if n == 1:
        return [_EPOCH_RAMP[-3]]
    out: list[RGBA] = []
    last = len(_EPOCH_RAMP) - 1
    for i in range(n):
        pos = i * last / (n - 1)
        lo = min(int(pos), last - 1)
        t = pos - lo
        a, b = _EPOCH_RAMP[lo], _EPOCH_RAMP[lo + 1]
        r, g, bl = (round(a[k] + (b[k] - a[k]) * t) for k in range(3))
        out.append((r, g, bl, 255))
    return out


def epoch_symbol(colour: RGBA) -> Symbol:
    """Fill of one epoch's range: translucent fill, outline in a darker shade."""
    return Symbol("fill", _translucent(colour, 140), outline=_darker(colour), width_mm=0.3)


def epoch_categories(field: str, epochs: list[str]) -> LayerStyle:
    """Categorized style on ``field``, one colour per epoch (oldest first)."""
    cats = tuple(
        Category(value=e, label=e, symbol=epoch_symbol(c))
        for e, c in zip(epochs, epoch_colours(len(epochs)), strict=True)
    )
    return LayerStyle(field=field, categories=cats)


def fallback_style(name: str, kind: GeometryKind, *, label_field: str | None = None) -> LayerStyle:
    """A plain style for a layer without a dedicated one; the colour depends on ``name`` only."""
    index = int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % len(_FALLBACK)
    colour = _FALLBACK[index]
    symbol = {
        "polygon": Symbol("fill", _translucent(colour), outline=_darker(colour)),
        "line": Symbol("line", _darker(colour, 0.85), width_mm=0.6),
        "point": Symbol("marker", _darker(colour, 0.85), outline=_WHITE, width_mm=0.2),
    }[kind]
    label = Label(label_field, size_pt=8.0) if label_field else None
    return LayerStyle(symbol=symbol, label=label)


#: Park boundary: outline only, so the range underneath stays visible.
PARK = Symbol("fill", (0, 104, 55, 255), outline=(0, 104, 55, 255), width_mm=0.8, fill="no")
COMPETITOR = Symbol("fill", (255, 127, 0, 50), outline=(204, 85, 0, 255), width_mm=0.5, dashed=True)
OVERLAP = Symbol("fill", (215, 48, 39, 255), outline=(215, 48, 39, 255), width_mm=0.4, fill="hatch")
BREEDING = Symbol("fill", (117, 107, 177, 170), outline=(84, 39, 143, 255), width_mm=0.4)
BORDERS = Symbol("fill", (110, 110, 110, 255), outline=(110, 110, 110, 255), width_mm=0.5)
SETTLEMENT = Symbol("marker", (50, 50, 50, 255), outline=_WHITE, width_mm=0.2, size_mm=1.6)

_ANALYSIS: dict[str, Symbol] = {
    "range_lost": Symbol("fill", (215, 25, 28, 150), outline=(165, 15, 21, 255)),
    "range_retained": Symbol("fill", (26, 150, 65, 150), outline=(0, 104, 55, 255)),
    "park_in_current_range": Symbol("fill", (0, 109, 44, 170), outline=(0, 68, 27, 255)),
    "current_range_outside_park": Symbol("fill", (253, 174, 97, 170), outline=(217, 95, 14, 255)),
    "competitor_overlap": OVERLAP,
    "aoo_cells": Symbol(
        "fill", (90, 90, 90, 255), outline=(90, 90, 90, 255), width_mm=0.15, fill="no"
    ),
}


def study_style(
    role: str,
    kind: GeometryKind,
    *,
    fields: list[str],
    epoch_field: str | None = None,
    epochs: list[str] | None = None,
    name_field: str | None = None,
) -> LayerStyle:
    """Style of a study layer, by its role (park, range, competitor, breeding, borders, …).

    Parameters
    ----------
    role
        The layer's role in the study; unknown roles get :func:`fallback_style`.
    kind
        Geometry kind of the layer.
    fields
        Attribute fields of the layer (a label field must be one of them).
    epoch_field, epochs
        For the range: the epoch field and the epochs, oldest first.
    name_field
        Field to label countries and settlements with (default ``name``).
    """
    label_field = name_field if name_field in fields else ("name" if "name" in fields else None)
    if role == "range" and epoch_field and epochs:
        return epoch_categories(epoch_field, epochs).for_kind(kind)
    if role == "park":
        return LayerStyle(symbol=PARK).for_kind(kind)
    if role == "competitor":
        return LayerStyle(symbol=COMPETITOR).for_kind(kind)
    if role == "breeding":
        return LayerStyle(symbol=BREEDING).for_kind(kind)
    if role in ("borders", "countries"):
        symbol = replace(BORDERS, fill="no", dashed=True)
        grey: RGBA = (90, 90, 90, 255)
        country = (
            Label(label_field, size_pt=11.0, colour=grey, italic=True) if label_field else None
        )
        return LayerStyle(symbol=symbol, label=country).for_kind(kind)
    if role in ("settlements", "towns", "places"):
        place = Label(label_field, size_pt=8.0) if label_field else None
        return LayerStyle(symbol=SETTLEMENT, label=place).for_kind(kind)
    return fallback_style(role, kind, label_field=label_field)


def analysis_style(
    key: str, kind: GeometryKind, *, epochs: list[str] | None = None, current: str | None = None
) -> LayerStyle:
    """Style of an analysis layer (``range_lost``, ``aoo_cells``, ``range_epochs`` …)."""
    if key == "range_epochs" and epochs:
        return epoch_categories("epoch", epochs).for_kind(kind)
    if key == "current_range":
        colours = epoch_colours(len(epochs or [])) or [_EPOCH_RAMP[-1]]
        index = (epochs or []).index(current) if epochs and current in epochs else -1
        colour = _darker(colours[index], 0.8)
        return LayerStyle(symbol=Symbol("fill", colour, outline=colour, width_mm=0.9, fill="no"))
    if key in _ANALYSIS:
        return LayerStyle(symbol=_ANALYSIS[key]).for_kind(kind)
    return fallback_style(key, kind)
