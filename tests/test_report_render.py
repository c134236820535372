"""Tests of leopardrange.report.render: Markdown and HTML from blocks, numbers formatted."""

from __future__ import annotations

import pytest

from leopardrange.report.render import Heading, Paragraph, Table, Verdict, fmt, to_html, to_markdown


def test_markdown_of_each_block() -> None:
    text = to_markdown(
        [
            Heading("Range", 1),
            Paragraph("Lost *most*."),
            Table(["epoch", "area_km2"], [["1970", 2000.0]], caption="Areas"),
        ]
    )
    assert text.splitlines()[:3] == ["# Range", "", "Lost *most*."]
    assert "| epoch | area_km2 |" in text and "| 1970 | 2000.0 |" in text


def test_html_is_self_contained_and_escaped() -> None:
    page = to_html([Heading("A & B", 1), Paragraph("x < y")], title="Range <loss>")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Range &lt;loss&gt;</title>" in page
    assert "A &amp; B" in page and "x &lt; y" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_verdict_text() -> None:
    assert (str(Verdict(True)), str(Verdict(False))) == ("holds", "does not hold")


def test_fmt_numbers() -> None:
    assert fmt(1234.56) == "1,234.6"
    assert fmt(2.961) == "2.96"  # small numbers keep two decimals
    assert fmt(1234) == "1,234" and fmt(True) == "yes"
    assert fmt(None) == fmt(float("nan")) == "—"


def test_long_tables_of_areas_show_the_largest_and_say_where_the_rest_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import geopandas as gpd
    import shapely

    from leopardrange.report import render
    from leopardrange.report.compute import compute
    from tests.conftest import LAEA

    # a 100 × 10 km range; five parks of 1, 2, ... 5 km width, all inside it
    parks = [shapely.box(i * 20_000, 0, i * 20_000 + (i + 1) * 1_000, 10_000) for i in range(5)]
    layers = {
        "range": gpd.GeoDataFrame(
            {"epoch": ["now"], "year": [2020]},
            geometry=[shapely.box(0, 0, 100_000, 10_000)],
            crs=LAEA,
        ),
        "park": gpd.GeoDataFrame({"name": list("ABCDE")}, geometry=parks, crs=LAEA),
    }
    result = compute(layers)
    monkeypatch.setattr(render, "MAX_AREA_ROWS", 2)
    blocks = render.build_blocks(result, [])
    table = next(b for b in blocks if isinstance(b, Table) and "only this area (km²)" in b.columns)
    assert [row[0] for row in table.rows] == ["E", "D"]  # the two covering most
    text = to_markdown(blocks)
    assert "Shown: 2 of 5" in text and "tables/protected_areas.csv" in text
    assert (
        len(result.tables["protected_areas"]) == 5
        and len(result.protected_areas.protected_areas) == 5
    )
