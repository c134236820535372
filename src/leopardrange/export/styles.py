"""What each exported layer looks like: renderer, colours, hatching, labels.

Styles are plain data (:class:`LayerStyle`), written out as QGIS QML by
:mod:`leopardrange.export.qgis` — into the GeoPackage's ``layer_styles`` table, beside each
Shapefile as ``<name>.qml`` and inside the ``.qgz`` project.

Cartography
-----------
Colours come from :mod:`leopardrange.palette`, the same definitions the report's PNG maps use,
so a layer looks alike in the report and in QGIS.

- Range epochs: one colour per epoch on the sequential YlOrBr ramp, pale (oldest) to strong
  (newest), translucent, outlined in a darker shade.
- Park: a bold outline only, so what lies inside it stays visible.
- Competitor's range: dark-grey hatching; leopard ∩ competitor overlap: red hatching.
- Breeding areas: translucent blue.
- Countries and settlements: labelled with their name field.
- Analysis layers: lost in red, retained in green, park ∩ range in dark green, range outside
  the park in orange, AOO cells as a thin grey grid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Literal

from leopardrange import palette
from leopardrange.palette import RGBA, Colour

__all__ = [
    "Category",
    "GeometryKind",
    "Label",
    "LayerStyle",
    "Symbol",
    "analysis_style",
    "corridor_style",
    "fallback_style",
    "study_style",
]

GeometryKind = Literal["polygon", "line", "point"]

_INK: RGBA = palette.INK.rgba()
_WHITE: RGBA = palette.WHITE.rgba()
#: Opacity (0–255) of translucent fills: epochs, breeding areas (as on the PNG maps), others.
_EPOCH_ALPHA = 140
_BREEDING_ALPHA = 107
_FILL_ALPHA = 150


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

    Examples
    --------
    An outline-only park boundary, 0.8 mm wide, outlined in the default ink:

    >>> park = Symbol("fill", (0, 100, 0, 255), fill="no", width_mm=0.8)
    >>> park.outline == palette.INK.rgba(), park.fill, park.width_mm
    (True, 'no', 0.8)
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
    """One class of a categorized renderer: features whose field equals ``value``.

    Examples
    --------
    >>> lost = Category("lost", "Range lost", Symbol("fill", (215, 25, 28, 150)))
    >>> style = LayerStyle(field="status", categories=(lost,))
    >>> style.renderer, style.field, [c.label for c in style.categories]
    ('categorizedSymbol', 'status', ['Range lost'])
    """

    value: str
    label: str
    symbol: Symbol


@dataclass(frozen=True)
class Label:
    """Labels drawn from one attribute field.

    Examples
    --------
    >>> label = Label("name", size_pt=11.0, italic=True)
    >>> LayerStyle(label=label).renamed({"name": "NAME"}).label.field
    'NAME'
    """

    field: str
    size_pt: float = 9.0
    colour: RGBA = _INK
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style: a single symbol, or categories on a field; optional labels.

    ``opacity`` (0–1) applies to the whole layer.

    Examples
    --------
    A translucent fill drawn on a line layer becomes an opaque line of the fill's colour:

    >>> style = LayerStyle(symbol=Symbol("fill", (215, 25, 28, 150)), opacity=0.8)
    >>> line = style.for_kind("line").symbol
    >>> style.renderer, line.kind, line.colour[:3] == style.symbol.colour[:3], line.colour[3]
    ('singleSymbol', 'line', True, 255)
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


def _translucent(colour: RGBA, alpha: int = _FILL_ALPHA) -> RGBA:
    return (colour[0], colour[1], colour[2], alpha)


def _fill(
    colour: Colour, line: Colour, *, alpha: int = _FILL_ALPHA, width_mm: float = 0.26
) -> Symbol:
    """A translucent fill of ``colour`` outlined in ``line``."""
    return Symbol("fill", colour.rgba(alpha), outline=line.rgba(), width_mm=width_mm)


def _outline(colour: Colour, *, width_mm: float, dashed: bool = False) -> Symbol:
    """An outline only (no fill) in ``colour``."""
    rgba = colour.rgba()
    return Symbol("fill", rgba, outline=rgba, width_mm=width_mm, fill="no", dashed=dashed)


def epoch_symbol(colour: Colour) -> Symbol:
    """Fill of one epoch's range: translucent fill, outline in a darker shade (as on the maps)."""
    return _fill(colour, palette.outline_of(colour), alpha=_EPOCH_ALPHA, width_mm=0.3)


def epoch_categories(field: str, epochs: list[str]) -> LayerStyle:
    """Categorized style on ``field``, one colour per epoch (oldest first)."""
    cats = tuple(
        Category(value=e, label=e, symbol=epoch_symbol(c))
        for e, c in zip(epochs, palette.epoch_colours(len(epochs)), strict=True)
    )
    return LayerStyle(field=field, categories=cats)


def fallback_style(name: str, kind: GeometryKind, *, label_field: str | None = None) -> LayerStyle:
    """A plain style for a layer without a dedicated one; the colour depends on ``name`` only.

    Examples
    --------
    >>> roads = fallback_style("roads", "line")
    >>> roads.symbol.kind, roads == fallback_style("roads", "line")
    ('line', True)
    >>> fallback_style("towns", "point", label_field="name").label.field
    'name'
    """
    index = int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % len(palette.FALLBACK)
    colour = palette.FALLBACK[index]
    line = colour.darker(0.15).rgba()
    symbol = {
        "polygon": _fill(colour, palette.outline_of(colour)),
        "line": Symbol("line", line, width_mm=0.6),
        "point": Symbol("marker", line, outline=_WHITE, width_mm=0.2),
    }[kind]
    label = Label(label_field, size_pt=8.0) if label_field else None
    return LayerStyle(symbol=symbol, label=label)


#: Park boundary: a bold outline only, so the range underneath stays visible.
PARK = _outline(palette.PARK, width_mm=0.8)
#: The competitor's range: thin dark-grey hatching at 75 % opacity, as on the maps.
COMPETITOR = Symbol(
    "fill", palette.COMPETITOR.rgba(191), outline=palette.COMPETITOR.rgba(), width_mm=0.25,
    fill="hatch",
)  # fmt: skip
OVERLAP = Symbol(
    "fill", palette.COMPETITOR_OVERLAP.rgba(), outline=palette.COMPETITOR_OVERLAP.rgba(),
    width_mm=0.4, fill="hatch",
)  # fmt: skip
BREEDING = _fill(palette.BREEDING, palette.BREEDING, alpha=_BREEDING_ALPHA, width_mm=0.4)
BORDERS = _outline(palette.BORDER, width_mm=0.5, dashed=True)
SETTLEMENT = Symbol("marker", palette.SETTLEMENT.rgba(), outline=_WHITE, width_mm=0.2, size_mm=1.6)

_ANALYSIS: dict[str, Symbol] = {
    "range_lost": _fill(palette.RANGE_LOST, palette.RANGE_LOST_LINE),
    "range_retained": _fill(palette.RANGE_RETAINED, palette.RANGE_RETAINED_LINE),
    "park_in_current_range": _fill(palette.PARK_IN_RANGE, palette.PARK_IN_RANGE_LINE, alpha=170),
    "current_range_outside_park": _fill(
        palette.RANGE_OUTSIDE_PARK, palette.RANGE_OUTSIDE_PARK_LINE, alpha=170
    ),
    "competitor_overlap": OVERLAP,
    "aoo_cells": _outline(palette.AOO_CELLS, width_mm=0.15),
}


_LINE_MM = 0.6
#: Layers of the corridor commands' outputs, as their maps draw them.
_CORRIDOR: dict[str, LayerStyle] = {
    "least_cost_path": LayerStyle(
        symbol=Symbol("line", palette.LEAST_COST_PATH.rgba(), width_mm=_LINE_MM)
    ),
    "links": LayerStyle(symbol=Symbol("line", palette.LEAST_COST_PATH.rgba(), width_mm=_LINE_MM)),
    "dropped_links": LayerStyle(
        symbol=Symbol("line", palette.DROPPED_LINK.rgba(), width_mm=0.5, dashed=True)
    ),
    "source": LayerStyle(symbol=_outline(palette.SOURCE, width_mm=_LINE_MM), label=Label("name")),
    "target": LayerStyle(symbol=_outline(palette.TARGET, width_mm=_LINE_MM), label=Label("name")),
    "cores": LayerStyle(symbol=_outline(palette.CORE, width_mm=0.5), label=Label("name")),
}


def corridor_style(name: str) -> LayerStyle:
    """Style of a layer the corridor commands write (``least_cost_path``, ``cores``, …).

    Examples
    --------
    >>> corridor_style("least_cost_path").renderer, corridor_style("cores").label.field
    ('singleSymbol', 'name')
    """
    return _CORRIDOR[name]


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

    Examples
    --------
    >>> park = study_style("park", "polygon", fields=["name"])
    >>> park.symbol.fill, park.symbol.width_mm
    ('no', 0.8)
    >>> towns = study_style("settlements", "point", fields=["name", "population"])
    >>> towns.symbol.kind, towns.label.field
    ('marker', 'name')
    >>> study_style("range", "polygon", fields=["epoch"], epoch_field="epoch",
    ...             epochs=["1970s", "2015"]).renderer
    'categorizedSymbol'
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
        grey = palette.COUNTRY_LABEL.rgba()
        country = (
            Label(label_field, size_pt=11.0, colour=grey, italic=True) if label_field else None
        )
        return LayerStyle(symbol=BORDERS, label=country).for_kind(kind)
    if role in ("settlements", "towns", "places"):
        place = Label(label_field, size_pt=8.0) if label_field else None
        return LayerStyle(symbol=SETTLEMENT, label=place).for_kind(kind)
    return fallback_style(role, kind, label_field=label_field)


def analysis_style(
    key: str, kind: GeometryKind, *, epochs: list[str] | None = None, current: str | None = None
) -> LayerStyle:
    """Style of an analysis layer (``range_lost``, ``aoo_cells``, ``range_epochs`` …).

    Examples
    --------
    >>> analysis_style("range_lost", "polygon").colours == [palette.RANGE_LOST.rgba(150)]
    True
    >>> epochs = analysis_style("range_epochs", "polygon", epochs=["1970s", "2000s", "2015"])
    >>> epochs.field, [c.value for c in epochs.categories]
    ('epoch', ['1970s', '2000s', '2015'])
    """
    if key == "range_epochs" and epochs:
        return epoch_categories("epoch", epochs).for_kind(kind)
    if key == "current_range":
        colours = palette.epoch_colours(len(epochs or [])) or palette.epoch_colours(1)
        index = (epochs or []).index(current) if epochs and current in epochs else -1
        return LayerStyle(symbol=_outline(colours[index].darker(0.2), width_mm=0.9))
    if key in _ANALYSIS:
        return LayerStyle(symbol=_ANALYSIS[key]).for_kind(kind)
    return fallback_style(key, kind)
