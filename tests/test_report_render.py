"""Tests of leopardrange.report.render: Markdown and HTML from blocks, numbers formatted."""

from __future__ import annotations

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
