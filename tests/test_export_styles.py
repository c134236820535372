"""Tests of leopardrange.export.styles: each layer's style, from the one palette."""

from __future__ import annotations

from leopardrange import palette
from leopardrange.export.styles import (
    Label,
    LayerStyle,
    Symbol,
    analysis_style,
    corridor_style,
    fallback_style,
    study_style,
)


def test_epoch_layers_are_categorised_by_epoch_in_order() -> None:
    style = study_style(
        "range", "polygon", fields=["epoch"], epoch_field="epoch", epochs=["1970s", "2015"]
    )
    assert style.renderer == "categorizedSymbol" and style.field == "epoch"
    assert [c.value for c in style.categories] == ["1970s", "2015"]
    assert len({c.symbol.colour for c in style.categories}) == 2


def test_park_is_an_outline_and_settlements_are_labelled() -> None:
    park = study_style("park", "polygon", fields=["name"])
    assert park.symbol is not None and park.symbol.fill == "no"
    towns = study_style("settlements", "point", fields=["name", "population"])
    assert towns.symbol is not None and towns.symbol.kind == "marker"
    assert towns.label is not None and towns.label.field == "name"


def test_analysis_colours_come_from_the_palette() -> None:
    assert analysis_style("range_lost", "polygon").colours == [palette.RANGE_LOST.rgba(150)]


def test_fallback_styles_are_stable_and_follow_the_kind() -> None:
    assert fallback_style("roads", "line") == fallback_style("roads", "line")
    assert fallback_style("roads", "line").symbol.kind == "line"
    assert fallback_style("towns", "point", label_field="name").label.field == "name"


def test_renamed_and_for_kind() -> None:
    style = LayerStyle(symbol=Symbol("fill", (215, 25, 28, 150)), label=Label("name"))
    assert style.renamed({"name": "NAME"}).label.field == "NAME"
    assert style.for_kind("line").symbol.kind == "line"
    assert corridor_style("least_cost_path").renderer == "singleSymbol"
