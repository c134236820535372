"""Render a computed report to disk: Markdown, self-contained HTML, JSON, CSV and PNG.

The report is built once as a list of blocks (headings, paragraphs, tables, figures) and each
block is rendered to both Markdown and HTML, so the two never disagree. The HTML inlines its
images (base64) and styles, so it opens offline and can be mailed as one file.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leopardrange.documents import to_json
from leopardrange.metrics import ClaimResult, EpochMetrics
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


def _verdict(ok: bool) -> str:
    return "✅ holds" if ok else "❌ does not hold"


def _claim_rows(claims: Sequence[ClaimResult]) -> list[list[Any]]:
    rows = []
    for c in claims:
        op = {"about": "≈", "at_least": "≥", "at_most": "≤"}[c.comparison]
        rows.append(
            [
                c.id,
                c.statement or c.metric,
                f"{op} {fmt(c.expected)} ± {fmt(c.tolerance)}",
                fmt(c.measured),
                fmt(c.difference),
                c.source or "—",
                _verdict(c.passed),
            ]
        )
    return rows


def _findings(result: ReportResult) -> list[str]:
    cov, nat, brd, comp, red = (
        result.coverage,
        result.national,
        result.breeding,
        result.competitor,
        result.redlist,
    )
    first, cur = result.epochs[0], result.current
    findings = [
        f"The range measured {fmt(first.area_km2, 0)} km² in {first.epoch} and "
        f"{fmt(cur.area_km2, 0)} km² in {cur.epoch}: {fmt(cur.area_pct_of_first, 2)} % "
        f"of the first epoch, a loss of {fmt(cur.loss_vs_first_pct)} %.",
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
        findings.append(
            f"Known breeding areas inside the park: **{fmt(brd.breeding_in_park_pct)} %** "
            f"({brd.breeding_basis}); {brd.breeding_features_in_park} of "
            f"{brd.breeding_features} features lie inside."
        )
    if comp.competitor_overlap_km2 is not None:
        findings.append(
            f"The current range overlaps the competitor's range over "
            f"{fmt(comp.competitor_overlap_km2, 0)} km²: "
            f"{fmt(comp.competitor_overlap_pct_of_range)} % of the range, "
            f"{fmt(comp.competitor_overlap_pct_of_competitor)} % of the competitor's range."
        )
    findings.append(
        f"IUCN range metrics of the current range: EOO {fmt(red.eoo_km2, 0)} km², "
        f"AOO {fmt(red.aoo_km2, 0)} km² (minimum over grid shifts {fmt(red.aoo_min_km2, 0)} km²)."
    )
    return findings


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


def _breeding_blocks(bt: Any) -> list[Block]:
    if "area_km2" not in bt:
        return [
            Heading("Breeding areas", 3),
            Table(["feature", "inside"], [[r.feature, fmt(r.in_park)] for r in bt.itertuples()]),
        ]
    return [
        Heading("Breeding areas", 3),
        Table(
            ["feature", "area (km²)", "in park (km²)", "in park (%)", "inside"],
            [
                [
                    r.feature,
                    fmt(r.area_km2, 2),
                    fmt(r.in_park_km2, 2),
                    fmt(r.in_park_pct),
                    fmt(r.in_park),
                ]
                for r in bt.itertuples()
            ],
        ),
    ]


def _method_blocks(result: ReportResult) -> list[Block]:
    run = result.run_info
    grid = result.redlist.aoo_grid
    method = run.area_method.replace("_", "-")
    return [
        Heading("Method"),
        Paragraph(
            f"All layers were projected to one equal-area analysis CRS "
            f"(`{run.analysis_crs_proj4}`) before any overlay; areas were measured by the "
            f"**{method}** method. The park's features were dissolved before intersection, so "
            f"overlaps count once. AOO: {fmt(grid.cell_km2, 0)} km² cells with a corner at the "
            f"analysis CRS origin ({grid.cells:,} cells); the minimum over "
            f"{len(grid.shifts_m)} grid shifts (0–1.5 km in x and y) gave {grid.cells_min:,} "
            "cells. EOO is the convex hull of the current range, raised to the AOO where smaller "
            "(IUCN rule). Annual loss is the compound yearly rate from the first epoch."
        ),
        Table(
            ["role", "file", "layer", "features", "CRS", "sha256"],
            [
                [
                    role,
                    Path(i["path"]).name if i.get("path") else (i.get("source") or "—"),
                    i.get("layer") or "—",
                    fmt(i["features"]),
                    i["crs"],
                    i["sha256"][:12] if i.get("sha256") else "—",
                ]
                for role, i in run.inputs.items()
            ],
        ),
        Paragraph(f"Generated by leopardrange {run.leopardrange_version}.", note=True),
    ]


def _epoch_table(epochs: Sequence[EpochMetrics]) -> Table:
    rows = [
        [
            e.epoch,
            str(e.year),
            fmt(e.area_km2, 0),
            fmt(e.area_published_km2, 0),
            fmt(e.diff_vs_published_pct),
            fmt(e.loss_vs_first_pct),
            fmt(e.annual_loss_pct, 2),
            fmt(e.park_share_pct),
        ]
        for e in epochs
    ]
    return Table(
        [
            "epoch",
            "year",
            "area (km²)",
            "published (km²)",
            "vs published (%)",
            "loss vs first (%)",
            "annual loss (%/yr)",
            "park share (%)",
        ],
        rows,
    )


# ---------------------------------------------------------------------------- Markdown
def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown (figures link to their PNG files)."""
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
"""


def _inline(text: str) -> str:
    """Escape, then render **bold**, *italic* and `code` spans."""
    import re

    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\*(.+?)\*", r"<em>\1</em>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def to_html(blocks: list[Block], *, title: str) -> str:
    """Render blocks as one self-contained HTML page (images inline, no network)."""
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
            rows = "".join(
                "<tr>" + "".join(f"<td>{_inline(str(v))}</td>" for v in row) + "</tr>"
                for row in block.rows
            )
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
    """Draw the overview map, contraction panels, area and coverage charts as PNG bytes."""
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
    figs: list[Figure] = []

    def add(name: str, caption: str, fig: Any) -> None:
        if progress is not None:
            progress(f"drawing {name}")
        figs.append(Figure(f"maps/{name}.png", caption, maps.figure_to_png(fig)))

    add(
        "overview",
        f"Overview: range by epoch, park, competitor and breeding areas "
        f"({result.coverage.current_epoch} extent).",
        maps.overview_map(
            epochs=epochs,
            park=layers["park"],
            borders=borders,
            competitor=layers.get("competitor"),
            breeding=layers.get("breeding"),
            labels=labels,
            title=info.name,
        ),
    )
    add(
        "contraction",
        "Range contraction by epoch (earlier ranges as outlines).",
        maps.contraction_map(
            epochs=epochs, park=layers["park"], borders=borders, title="Range by epoch"
        ),
    )
    add(
        "area_by_epoch",
        "Range area by epoch, measured (bars) and published (markers).",
        maps.area_by_epoch_chart(table, title="Range area by epoch"),
    )
    reference = next(
        (c.expected for c in result.claims if c.metric == "park_share_of_current_range_pct"),
        None,
    )
    add(
        "coverage",
        "Share of each epoch's range inside the park.",
        maps.coverage_chart(table, title="Park coverage by epoch", reference_pct=reference),
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
