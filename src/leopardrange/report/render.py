"""Render a computed report to disk: Markdown, self-contained HTML, JSON, CSV and PNG.

The report is built once as a list of blocks (headings, paragraphs, tables, figures) and each
block is rendered to both Markdown and HTML, so the two never disagree. The HTML inlines its
images (base64) and styles, so it opens offline and can be mailed as one file.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leopardrange import palette
from leopardrange.crs import crs_label
from leopardrange.documents import to_json
from leopardrange.metrics import ClaimResult, EpochMetrics, comparison_text, metric_unit
from leopardrange.output import atomic_output_dir
from leopardrange.report.result import ReportResult

__all__ = ["write"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    path: str  # relative to the report folder, e.g. "maps/overview.png"
    caption: str
    png: bytes


@dataclass(frozen=True)
class Verdict:
    """Whether a claim holds: text in Markdown, text and colour in HTML (no emoji glyphs)."""

    ok: bool

    def __str__(self) -> str:
        return "holds" if self.ok else "does not hold"


Block = Heading | Paragraph | Table | Figure


def fmt(value: Any, digits: int = 1) -> str:
    """Format a number for people: thousands separators, fixed decimals, '—' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and abs(value) < 10 and digits < 2:
            digits = 2  # keep small numbers (2.96 %) readable
        return f"{value:,.{digits}f}"
    return str(value)


def _with_unit(value: float, metric: str) -> str:
    unit = {"%": " %", "km²": " km²"}.get(metric_unit(metric), "")
    return f"{fmt(value)}{unit}"


def _claim_rows(claims: Sequence[ClaimResult]) -> list[list[Any]]:
    return [
        [
            c.id,
            c.statement or c.metric,
            comparison_text(c),
            _with_unit(c.measured, c.metric),
            fmt(c.difference),
            c.source or "—",
            Verdict(c.passed),
        ]
        for c in claims
    ]


def _findings(result: ReportResult) -> list[str]:
    cov, nat, brd, comp, red = (
        result.coverage,
        result.national,
        result.breeding,
        result.competitor,
        result.redlist,
    )
    findings = [
        _range_finding(result),
        f"The park ({fmt(cov.park_area_km2, 0)} km²) covers "
        f"**{fmt(cov.park_share_of_current_range_pct)} %** of the current range "
        f"({fmt(cov.park_in_current_range_km2, 0)} of {fmt(cov.current_range_km2, 0)} km²); "
        f"{fmt(cov.park_outside_current_range_km2, 0)} km² of the park lie outside it.",
    ]
    if nat.park_share_of_national_range_pct is not None:
        findings.append(
            f"Counting only the current range in {', '.join(nat.park_countries or ())} "
            f"({fmt(nat.national_current_range_km2, 0)} km²), the park covers "
            f"**{fmt(nat.park_share_of_national_range_pct)} %** of it."
        )
    if brd.breeding_features is not None:
        outside = brd.breeding_outside_current_range
        findings.append(
            f"Known breeding areas inside the park: **{fmt(brd.breeding_in_park_pct)} %** "
            f"({brd.breeding_basis}); {brd.breeding_features_in_park} of "
            f"{brd.breeding_features} features lie inside"
            + (
                f"; **{outside} of {brd.breeding_features} lie outside the current range**."
                if outside
                else "."
            )
        )
    if comp.competitor_overlap_km2 is not None:
        findings.append(
            f"The current range overlaps the competitor's range over "
            f"{fmt(comp.competitor_overlap_km2, 0)} km²: "
            f"{fmt(comp.competitor_overlap_pct_of_range)} % of the range, "
            f"{fmt(comp.competitor_overlap_pct_of_competitor)} % of the competitor's range."
        )
    findings += _area_findings(result)
    findings.append(
        f"IUCN range metrics of the current range: EOO {fmt(red.eoo_km2, 0)} km², "
        f"AOO {fmt(red.aoo_km2, 0)} km² (minimum over grid shifts {fmt(red.aoo_min_km2, 0)} km²)."
    )
    return findings


def _range_finding(result: ReportResult) -> str:
    first, cur = result.epochs[0], result.current
    if len(result.epochs) == 1:
        return (
            f"The range ({cur.epoch}) measured {fmt(cur.area_km2, 0)} km²; with a single epoch "
            "there is no loss to report."
        )
    rf = result.range_filter.range_filter
    if rf is not None and rf.epochs_from_codes:

        def named(e: EpochMetrics) -> str:
            return f"{e.epoch} range" + (f" ({e.year})" if e.year is not None else "")

        no_rate = " (no years, so no annual rate)" if cur.annual_loss_pct is None else ""
        return (
            f"The {named(first)} measured {fmt(first.area_km2, 0)} km² and the {named(cur)} "
            f"{fmt(cur.area_km2, 0)} km²: {fmt(cur.area_pct_of_first, 2)} % of it, a loss "
            f"of {fmt(cur.loss_vs_first_pct)} %{no_rate}."
        )
    return (
        f"The range measured {fmt(first.area_km2, 0)} km² in {first.epoch} and "
        f"{fmt(cur.area_km2, 0)} km² in {cur.epoch}: {fmt(cur.area_pct_of_first, 2)} % "
        f"of the first epoch, a loss of {fmt(cur.loss_vs_first_pct)} %."
    )


def _area_findings(result: ReportResult) -> list[str]:
    part = result.protected_areas
    out = []
    if part.protected_areas_conventions == "wdpa" or part.protected_areas_kept > 1:
        text = (
            f"{part.protected_areas_kept} protected areas count"
            + (
                f" ({part.protected_areas_from_points} made from points of reported area)"
                if part.protected_areas_from_points
                else ""
            )
            + (
                f"; {part.protected_areas_dropped_count} were dropped (listed below)"
                if part.protected_areas_dropped_count
                else ""
            )
            + "; overlaps were dissolved so that they count once."
        )
        out.append(text)
    if part.protected_areas_by_epoch:
        late = {
            e: len(a.not_yet_established)
            for e, a in part.protected_areas_by_epoch.items()
            if a.not_yet_established
        }
        if late:
            out.append(
                "Each epoch counts only the areas established by its year ("
                + ", ".join(f"{e}: {n} not yet" for e, n in late.items())
                + f"; {len(part.protected_areas_year_unknown)} of unknown year count in all)."
            )
    rf = result.range_filter.range_filter
    if rf is not None:
        out.append(
            f"The current range is the IUCN range map's {rf.describe()} "
            f"({rf.features_kept} features); the filter left out {rf.features_left_out} "
            f"features, {fmt(rf.left_out_outside_current_km2, 0)} km² outside the current range."
        )
    shares = result.national.park_share_by_country_pct
    if shares and len(shares) > 1:
        out.append(
            "The park's share of the current range by country: "
            + ", ".join(f"{c} **{fmt(v)} %**" for c, v in shares.items())
            + "."
        )
    return out


def build_blocks(result: ReportResult, figures: list[Figure]) -> list[Block]:
    """Lay out the report: what it found first, then the tables, maps and methods.

    Examples
    --------
    >>> from leopardrange import report
    >>> blocks = build_blocks(report.run(), [])
    >>> blocks[0]
    Heading(text='Amur leopard in Land of the Leopard NP', level=1)
    """
    info = result.info
    blocks: list[Block] = [Heading(info.name, 1)]
    if info.species:
        blocks.append(Paragraph(f"Species: *{info.species}*. {info.description or ''}".strip()))
    blocks += [Heading("Findings"), Paragraph("\n".join(f"- {f}" for f in _findings(result)))]

    if result.claims:
        n_ok = sum(c.passed for c in result.claims)
        blocks += [
            Heading("Published claims checked against the data"),
            Paragraph(
                f"{n_ok} of {len(result.claims)} claims hold. Each row shows the published "
                "figure and the one computed from the layers; where they differ, both stand."
            ),
            Table(
                ["claim", "statement", "published", "measured", "difference", "source", "verdict"],
                _claim_rows(result.claims),
            ),
        ]

    blocks += [Heading("Range by epoch"), _epoch_table(result.epochs)]
    blocks += _range_filter_blocks(result)
    blocks += _protected_area_blocks(result)
    blocks += _country_blocks(result)
    by_country = result.tables.get("range_by_country")
    if by_country is not None and len(by_country):
        blocks += [
            Heading("Range by country", 3),
            Table(
                ["epoch", "country", "area (km²)", "share (%)"],
                [
                    [r.epoch, r.country, fmt(r.area_km2, 0), fmt(r.share_pct)]
                    for r in by_country.itertuples()
                ],
            ),
        ]
    if "breeding" in result.tables:
        blocks += _breeding_blocks(result.tables["breeding"])
    blocks += _repair_blocks(result)

    b = result.redlist.iucn_b
    frag = result.fragmentation
    blocks += [
        Heading("IUCN criterion B and fragmentation"),
        Table(
            ["criterion", "value (km²)", "CR below", "EN below", "VU below", "meets threshold of"],
            [
                [
                    f"{crit} ({what})",
                    fmt(grade.value_km2, 0),
                    *(fmt(grade.thresholds_km2[c], 0) for c in ("CR", "EN", "VU")),
                    grade.meets or "none",
                ]
                for crit, what, grade in (("B1", "EOO", b.b1), ("B2", "AOO", b.b2))
            ],
        ),
        Paragraph(b.note, note=True),
        Table(
            ["patches", "largest patch (% of range)", "mean patch (km²)", "effective mesh (km²)"],
            [
                [
                    fmt(frag.n_patches),
                    fmt(frag.largest_patch_pct),
                    fmt(frag.mean_patch_km2, 0),
                    fmt(frag.effective_mesh_size_km2, 0),
                ]
            ],
        ),
    ]
    if figures:
        blocks.append(Heading("Maps and charts"))
        blocks += figures
    blocks += _method_blocks(result)
    return blocks


def _where(row: Any) -> str:
    """The site's status, flagged when it lies outside the current range."""
    status = str(getattr(row, "status", ""))
    flag = "" if getattr(row, "in_current_range", True) else " — **outside the current range**"
    return status.replace(", outside current range", "") + flag if status else "—"


def _breeding_blocks(bt: Any) -> list[Block]:
    if "area_km2" not in bt:
        return [
            Heading("Breeding areas", 3),
            Table(
                ["feature", "in park", "where"],
                [[r.feature, fmt(r.in_park), _where(r)] for r in bt.itertuples()],
            ),
        ]
    return [
        Heading("Breeding areas", 3),
        Table(
            ["feature", "area (km²)", "in park (km²)", "in park (%)", "inside", "where"],
            [
                [
                    r.feature,
                    fmt(r.area_km2, 2),
                    fmt(r.in_park_km2, 2),
                    fmt(r.in_park_pct),
                    fmt(r.in_park),
                    _where(r),
                ]
                for r in bt.itertuples()
            ],
        ),
    ]


#: The report's tables of protected areas show at most this many rows (the largest first);
#: every area is in tables/*.csv and metrics.json. A page of 100,000 rows helps nobody.
MAX_AREA_ROWS = 200


def _capped_note(shown: int, total: int, csv: str, which: str) -> str:
    """What a capped table of areas leaves out, and where to find all of it."""
    if shown >= total:
        return ""
    where = f"`tables/{csv}` and `metrics.json`"
    return f" Shown: {shown:,} of {total:,} ({which}); all are in {where}."


def _protected_area_blocks(result: ReportResult) -> list[Block]:
    part = result.protected_areas
    kept = list(part.protected_areas)
    if len(kept) > MAX_AREA_ROWS:
        kept = sorted(kept, key=lambda a: -a.in_current_range_km2)[:MAX_AREA_ROWS]
    blocks: list[Block] = [
        Heading("Protected areas", 3),
        Table(
            [
                "area",
                "id",
                "area (km²)",
                "in current range (km²)",
                "share of current range (%)",
                "only this area (km²)",
            ],
            [
                [
                    a.name or "—",
                    "—" if a.id is None else str(a.id),
                    fmt(a.area_km2, 2),
                    fmt(a.in_current_range_km2, 2),
                    fmt(a.share_of_current_range_pct),
                    fmt(a.unique_in_current_range_km2, 2),
                ]
                for a in kept
            ],
        ),
        Paragraph(
            "Each area's own overlap with the current range; the last column is the part no "
            "other kept area covers."
            + _capped_note(
                len(kept),
                len(part.protected_areas),
                "protected_areas.csv",
                "those covering most of the current range",
            ),
            note=True,
        ),
    ]
    steps = [s for s in part.protected_areas_cleaning if s.applied]
    if part.protected_areas_conventions == "wdpa":
        blocks.append(
            Paragraph(
                "WDPA conventions: "
                + "; ".join(f"{s.detail} ({s.dropped} dropped)" for s in steps)
                + ".",
                note=True,
            )
        )
    if part.protected_areas_dropped:
        dropped = part.protected_areas_dropped[:MAX_AREA_ROWS]
        blocks += [
            Heading("Protected areas left out", 4),
            Table(
                ["area", "id", "reason"],
                [[d.name or "—", "—" if d.id is None else str(d.id), d.reason] for d in dropped],
            ),
        ]
        note = _capped_note(
            len(dropped),
            len(part.protected_areas_dropped),
            "protected_areas_dropped.csv",
            "the first in the layer's order",
        )
        if note:
            blocks.append(Paragraph(note.strip(), note=True))
    if part.protected_areas_by_epoch:
        rows = [
            [
                epoch,
                "—" if a.year is None else str(a.year),
                fmt(a.counted),
                ", ".join(f"{r.name or r.id} ({r.established_year})" for r in a.not_yet_established)
                or "—",
            ]
            for epoch, a in part.protected_areas_by_epoch.items()
        ]
        unknown = ", ".join(str(r.name or r.id) for r in part.protected_areas_year_unknown)
        blocks += [
            Heading("Protected areas by epoch", 4),
            Paragraph(
                f"Years of establishment from {part.establishment_field}: each epoch counts the "
                "areas established by its year; an area of unknown year (0) counts in every "
                f"epoch{f' ({unknown})' if unknown else ''}."
            ),
            Table(["epoch", "year", "areas counted", "not yet established (year)"], rows),
        ]
    return blocks


def _range_filter_blocks(result: ReportResult) -> list[Block]:
    rf = result.range_filter.range_filter
    if rf is None:
        return []
    kept = rf.describe(meanings=True)
    text = f"Current range: IUCN codes {kept}."
    if rf.epochs_from_codes and rf.historical_presence is not None:
        text += (
            " The layer has no epochs: the historical range is presence "
            f"{', '.join(map(str, rf.historical_presence))} (same origin and seasonal codes)."
        )
    blocks: list[Block] = [Heading("Range filter (IUCN codes)", 3), Paragraph(text)]
    if rf.left_out:
        blocks.append(
            Table(
                ["presence", "origin", "seasonal", "features left out", "area (km²)"],
                [
                    [
                        "—" if x.presence is None else str(x.presence),
                        "—" if x.origin is None else str(x.origin),
                        "—" if x.seasonal is None else str(x.seasonal),
                        fmt(x.features),
                        fmt(x.area_km2, 0),
                    ]
                    for x in rf.left_out
                ],
            )
        )
    return blocks


def _country_blocks(result: ReportResult) -> list[Block]:
    table = result.tables.get("park_share_by_country")
    if table is None or not len(table):
        return []
    return [
        Heading("Park share by country", 3),
        Table(
            ["country", "current range (km²)", "park ∩ current range (km²)", "park share (%)"],
            [
                [
                    r.country,
                    fmt(r.current_range_km2, 0),
                    fmt(r.park_in_current_range_km2, 0),
                    fmt(r.park_share_pct),
                ]
                for r in table.itertuples()
            ],
        ),
    ]


def _repair_blocks(result: ReportResult) -> list[Block]:
    repairs = result.repairs.repairs
    if not repairs:
        return []
    return [
        Heading("Geometry repairs", 3),
        Table(
            ["role", "layer", "features repaired", "feature ids"],
            [
                [r.role, r.source or "—", fmt(r.features), ", ".join(map(str, r.ids))]
                for r in repairs
            ],
        ),
    ]


def _method_blocks(result: ReportResult) -> list[Block]:
    run = result.run_info
    grid = result.redlist.aoo_grid
    method = run.area_method.replace("_", "-")
    grid_crs = crs_label(grid.crs) if grid.crs else "the analysis CRS"
    return [
        Heading("Method"),
        Paragraph(
            f"All layers were projected to one equal-area analysis CRS "
            f"(`{run.analysis_crs_proj4}`) before any overlay; areas were measured by the "
            f"**{method}** method. The park's features were dissolved before intersection, so "
            f"overlaps count once. AOO: {fmt(grid.cell_km2, 0)} km² cells with a corner at the "
            f"origin of {grid_crs}, a CRS that depends on the current range alone "
            f"({grid.cells:,} cells); the minimum over "
            f"{len(grid.shifts_m)} grid shifts (0–1.5 km in x and y) gave {grid.cells_min:,} "
            "cells. EOO is the convex hull of the current range, raised to the AOO where smaller "
            "(IUCN rule). Annual loss is the compound yearly rate from the first epoch."
        ),
        Table(
            ["role", "file", "layer", "features", "CRS", "sha256"],
            [
                [
                    role,
                    _names(i.get("path"), lambda p: Path(p).name) or (i.get("source") or "—"),
                    _names(i.get("layer")) or "—",
                    fmt(i["features"]),
                    crs_label(i["crs"]) if i.get("crs") else "—",
                    _names(i.get("sha256"), lambda h: h[:12]) or "—",
                ]
                for role, i in run.inputs.items()
            ],
        ),
        *_credit_blocks(result),
        Paragraph(f"Generated by leopardrange {run.leopardrange_version}.", note=True),
    ]


def _credit_blocks(result: ReportResult) -> list[Block]:
    """The credits the data's licences ask for (maps and tables are derived from the data)."""
    if not result.info.credits:
        return []
    return [Paragraph("Data: " + "; ".join(result.info.credits) + ".", note=True)]


def _names(value: Any, each: Callable[[str], Any] = str) -> str:
    """One value, or several joined with "; " (a role read from several layers)."""
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    return "; ".join(str(each(v)) for v in values if v)


def _epoch_table(epochs: Sequence[EpochMetrics]) -> Table:
    """Area, published area, loss and park share per epoch; no loss columns for one epoch."""
    columns: list[tuple[str, Callable[[EpochMetrics], str]]] = [
        ("epoch", lambda e: e.epoch),
        ("year", lambda e: "—" if e.year is None else str(e.year)),
        ("area (km²)", lambda e: fmt(e.area_km2, 0)),
        ("published (km²)", lambda e: fmt(e.area_published_km2, 0)),
        ("vs published (%)", lambda e: fmt(e.diff_vs_published_pct)),
    ]
    if len(epochs) > 1:
        columns.append(("loss vs first (%)", lambda e: fmt(e.loss_vs_first_pct)))
        if any(e.year is not None for e in epochs):
            columns.append(("annual loss (%/yr)", lambda e: fmt(e.annual_loss_pct, 2)))
    columns.append(("park share (%)", lambda e: fmt(e.park_share_pct)))
    return Table([c for c, _ in columns], [[f(e) for _, f in columns] for e in epochs])


# ---------------------------------------------------------------------------- Markdown
def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown (figures link to their PNG files).

    Examples
    --------
    >>> blocks = [Heading("Range", 1), Paragraph("Lost since 1970."),
    ...     Table(["epoch", "area_km2"], [["1970", 2000.0], ["2015", 400.0]])]
    >>> print(to_markdown(blocks))
    # Range
    <BLANKLINE>
    Lost since 1970.
    <BLANKLINE>
    | epoch | area_km2 |
    |---|---|
    | 1970 | 2000.0 |
    | 2015 | 400.0 |
    <BLANKLINE>
    """
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            out.append(f"> {block.text}" if block.note else block.text)
        elif isinstance(block, Table):
            out.append("| " + " | ".join(map(_md_cell, block.columns)) + " |")
            out.append("|" + "|".join("---" for _ in block.columns) + "|")
            out += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
        else:
            out.append(f"![{block.caption}]({block.path})\n\n*{block.caption}*")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;max-width:70rem;
margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{border-bottom:2px solid #2f6f4f;padding-bottom:.3rem}h2{margin-top:2rem;color:#2f6f4f}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}th{background:#f0f4f1}
td:not(:first-child){font-variant-numeric:tabular-nums}
blockquote{color:#57606a;border-left:4px solid #d0d7de;margin:1rem 0;padding:0 1rem}
figure{margin:1.5rem 0}figure img{max-width:100%;border:1px solid #d0d7de}
figcaption{color:#57606a;font-style:italic}code{background:#f6f8fa;padding:.1rem .3rem}
""" + (
    f"td.holds{{color:{palette.RANGE_RETAINED_LINE.hex};font-weight:600}}"
    f"td.fails{{color:{palette.RANGE_LOST_LINE.hex};font-weight:600}}\n"
)


def _inline(text: str) -> str:
    """Escape, then render **bold**, *italic* and `code` spans."""
    out = html.escape(text)
    if "*" not in out and "`" not in out:  # most cells: numbers and names
        return out
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\*(.+?)\*", r"<em>\1</em>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def _html_cell(value: Any) -> str:
    if isinstance(value, Verdict):
        return f'<td class="{"holds" if value.ok else "fails"}">{value}</td>'
    return f"<td>{_inline(str(value))}</td>"


def to_html(blocks: list[Block], *, title: str) -> str:
    """Render blocks as one self-contained HTML page (images inline, no network).

    Examples
    --------
    >>> page = to_html([Heading("Range", 1), Paragraph("Lost since 1970.")], title="Range")
    >>> page.startswith("<!DOCTYPE html>"), "<h1>Range</h1>" in page, "http" in page
    (True, True, False)
    """
    body: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            lines = block.text.split("\n")
            if all(line.startswith("- ") for line in lines):
                items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
                body.append(f"<ul>{items}</ul>")
            elif block.note:
                body.append(f"<blockquote>{_inline(block.text)}</blockquote>")
            else:
                body.append(f"<p>{_inline(block.text)}</p>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{_inline(str(c))}</th>" for c in block.columns)
            rows = "".join("<tr>" + "".join(map(_html_cell, row)) + "</tr>" for row in block.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        else:
            data = base64.b64encode(block.png).decode("ascii")
            body.append(
                f'<figure><img alt="{html.escape(block.caption)}" '
                f'src="data:image/png;base64,{data}"><figcaption>{_inline(block.caption)}'
                "</figcaption></figure>"
            )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


# ---------------------------------------------------------------------------- figures
def build_figures(result: ReportResult, progress: Progress | None = None) -> list[Figure]:
    """Draw the overview map, contraction panels, area and coverage charts as PNG bytes.

    Examples
    --------
    >>> from leopardrange import report
    >>> [figure.path for figure in build_figures(report.run())]
    ['maps/overview.png', 'maps/contraction.png', 'maps/area_by_epoch.png', 'maps/coverage.png']
    """
    from leopardrange.report import maps

    layers = result.layers
    info = result.info
    labels = {
        "park": info.labels.get("park") or "Park",
        "range": info.labels.get("range") or (info.species or "Range"),
    }
    for role in ("competitor", "breeding", "borders"):
        if role in layers:
            labels[role] = info.labels.get(role) or role.capitalize()
    epochs = layers["range_epochs"].copy()
    epochs["area_km2"] = [e.area_km2 for e in result.epochs]
    borders = layers.get("borders")
    if borders is not None and info.borders_name_field != "name":
        borders = borders.rename(columns={info.borders_name_field: "name"})
    table = result.tables["range_epochs"]
    if table["year"].isna().any():  # epochs built from codes: keep their order
        table = table.assign(year=range(len(table)))
    figs: list[Figure] = []

    def add(name: str, caption: str, draw: Callable[[], Any]) -> None:
        if progress is not None:  # before drawing: the step shown is the one under way
            progress(f"drawing {name}")
        figs.append(Figure(f"maps/{name}.png", caption, maps.figure_to_png(draw())))

    add(
        "overview",
        f"Overview: range by epoch, park, competitor and breeding areas "
        f"({result.coverage.current_epoch} extent).",
        lambda: maps.overview_map(
            epochs=epochs,
            park=layers["park"],
            borders=borders,
            competitor=layers.get("competitor"),
            breeding=layers.get("breeding"),
            labels=labels,
            title=info.name,
            credits=info.credits,
        ),
    )
    add(
        "contraction",
        "Range contraction by epoch (earlier ranges as outlines).",
        lambda: maps.contraction_map(
            epochs=epochs,
            park=layers["park"],
            borders=borders,
            title="Range by epoch",
            credits=info.credits,
        ),
    )
    add(
        "area_by_epoch",
        "Range area by epoch, measured (bars) and published (markers).",
        lambda: maps.area_by_epoch_chart(table, title="Range area by epoch"),
    )
    reference = next(
        (c.expected for c in result.claims if c.metric == "park_share_of_current_range_pct"),
        None,
    )
    add(
        "coverage",
        "Share of each epoch's range inside the park.",
        lambda: maps.coverage_chart(table, title="Park coverage by epoch", reference_pct=reference),
    )
    return figs


# ---------------------------------------------------------------------------- writing
def write(
    result: ReportResult,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Write a report into ``out_dir`` atomically and return its path.

    Writes ``report.html`` (self-contained), ``report.md``, ``metrics.json``,
    ``tables/*.csv`` and ``maps/*.png``.

    Parameters
    ----------
    result
        What :func:`leopardrange.report.run` or :func:`leopardrange.report.compute` returned.
    out_dir
        Folder to write (created; replaced whole only with ``overwrite``).
    overwrite
        Replace an existing ``out_dir``.
    progress
        Called with the name of each step as it starts.

    Raises
    ------
    OutputExistsError
        If ``out_dir`` exists and ``overwrite`` is false (checked before any work).

    Examples
    --------
    >>> import tempfile
    >>> from leopardrange import report
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write(report.run(), f"{tmp}/report")
    ...     sorted(p.name for p in out.iterdir())
    ['maps', 'metrics.json', 'report.html', 'report.md', 'tables']
    """
    with atomic_output_dir(out_dir, overwrite=overwrite) as tmp:
        figures = build_figures(result, progress)
        if progress is not None:
            progress("writing tables, metrics and the report")
        (tmp / "maps").mkdir()
        for fig in figures:
            (tmp / fig.path).write_bytes(fig.png)
        (tmp / "tables").mkdir()
        for name, frame in result.tables.items():
            frame.to_csv(tmp / "tables" / f"{name}.csv", index=False, encoding="utf-8")
        (tmp / "metrics.json").write_text(to_json(result.metrics) + "\n", encoding="utf-8")
        blocks = build_blocks(result, figures)
        (tmp / "report.md").write_text(to_markdown(blocks), encoding="utf-8")
        (tmp / "report.html").write_text(to_html(blocks, title=result.info.name), encoding="utf-8")
    return Path(out_dir)


__all__ += ["build_blocks", "build_figures", "to_html", "to_markdown"]
