"""``leopardrange report``: range loss, park coverage, competitor overlap, IUCN metrics, claims."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from leopardrange.cli import options

if TYPE_CHECKING:
    from leopardrange.report import ReportResult

EPILOG = """\b
Examples:
  leopardrange report --out out/report                 the embedded Amur leopard study
  leopardrange report my_study.toml --out out/lynx --area-method geodesic
  leopardrange report --out out/report --overwrite --strict   exit 3 if a claim fails
  leopardrange report wdpa_study.toml --out out/wdpa --repair   repair invalid geometries

\b
The study file (TOML) names the layers by role — park and range (required),
competitor, breeding, borders (optional) — and lists published claims to check;
see the README for its schema, and geodata/amur_leopard.toml for an example.
A WDPA park layer (WDPAID, STATUS, REP_AREA …) is cleaned as Protected Planet
does; an IUCN range map (presence, origin, seasonal) is filtered by its codes,
and without an epoch field gives a historical and a current epoch.

\b
Output (DIR): report.html (self-contained), report.md, metrics.json,
tables/*.csv, maps/*.png. Exit status: 0 when the report was written (even if
a claim failed), 3 with --strict when a claim failed, 1 on bad input.
"""


@click.command(epilog=EPILOG, short_help="Range-loss and coverage report with claims checked.")
@options.study_arg
@options.out_dir_opt
@options.area_method_opt
@click.option("--strict", is_flag=True, help="Exit with status 3 when a claim does not hold.")
@options.repair_opt
@options.overwrite_opt
@click.pass_context
def report(
    ctx: click.Context,
    study: Path | None,
    out_dir: Path,
    area_method: str,
    strict: bool,
    repair: bool,
    overwrite: bool,
) -> None:
    """Measure how the range in STUDY shrank and how much of it the park covers.

    Computes, from the layers: range area and loss by epoch (by country when borders are
    given), the park's share of each epoch's range and of the current range, breeding areas
    inside the park, overlap with a competitor's range, IUCN EOO/AOO and criterion B
    thresholds, fragmentation — and checks the study's published claims against them.
    STUDY defaults to the embedded Amur leopard study.
    """
    from leopardrange import datasets
    from leopardrange.report import run, write
    from leopardrange.study import read_study

    parsed = read_study(study or datasets.path("study"))  # its files become inputs
    options.reserve_output(ctx, out_dir, overwrite=overwrite, kind="folder")
    quiet = options.verbosity(ctx) < 0
    with options.progress_reporter(quiet=quiet) as progress:
        result = run(parsed, area_method=area_method, repair=repair or None, progress=progress)
        path = write(result, out_dir, overwrite=overwrite, progress=progress)
    if not quiet:
        _summary(result)
        click.echo(
            f"Report written to {path / 'report.html'} (and report.md, metrics.json, "
            "tables/, maps/)"
        )
    if strict and not result.claims_passed:
        failed = [c.id for c in result.claims if not c.passed]
        click.echo(f"Claims that do not hold: {', '.join(failed)}", err=True)
        ctx.exit(3)


def _summary(result: ReportResult) -> None:
    from rich.console import Console
    from rich.table import Table

    from leopardrange.metrics import comparison_text, metric_value, shown_in
    from leopardrange.report.render import fmt

    m = result.metrics
    fields = {
        k: ", ".join(v) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v
        for k, v in m.items()
    }
    console = Console()
    table = Table(
        title=result.info.name, title_justify="left", show_header=True, header_style="bold"
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    for spec in shown_in("summary"):
        value = metric_value(result, spec.name)
        if value is None:
            continue
        if spec.unit == "km²":
            text = f"{value:,.0f} km²"
        elif spec.unit == "count":
            text = f"{value:,}"
        else:
            text = f"{value:.1f} {spec.unit}"
        table.add_row(spec.title().format(**fields), text)
    for claim in result.claims:
        verdict = "[green]holds[/]" if claim.passed else "[red]does not hold[/]"
        table.add_row(
            f"claim {claim.id}",
            f"{fmt(claim.measured)} (claim {comparison_text(claim)}) {verdict}",
        )
    console.print(table)
