"""``leopardrange report``: range loss, park coverage, competitor overlap, IUCN metrics, claims."""

from __future__ import annotations

from pathlib import Path

import click

from leopardrange.cli import options

EPILOG = """\b
Examples:
  leopardrange report --out out/report                 the embedded Amur leopard study
  leopardrange report my_study.toml --out out/lynx --area-method geodesic
  leopardrange report --out out/report --overwrite --strict   exit 3 if a claim fails

\b
The study file (TOML) names the layers by role — park and range (required),
competitor, breeding, borders (optional) — and lists published claims to check;
see the README for its schema, and geodata/amur_leopard.toml for an example.

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
@options.overwrite_opt
@click.pass_context
def report(
    ctx: click.Context,
    study: Path | None,
    out_dir: Path,
    area_method: str,
    strict: bool,
    overwrite: bool,
) -> None:
    """Measure how the range in STUDY shrank and how much of it the park covers.

    Computes, from the layers: range area and loss by epoch (by country when borders are
    given), the park's share of each epoch's range and of the current range, breeding areas
    inside the park, overlap with a competitor's range, IUCN EOO/AOO and criterion B
    thresholds, fragmentation — and checks the study's published claims against them.
    STUDY defaults to the embedded Amur leopard study.
    """
    from leopardrange.output import check_output
    from leopardrange.report import run

    check_output(out_dir, overwrite=overwrite)
    quiet = options.verbosity(ctx) < 0
    with options.progress_reporter(quiet=quiet) as progress:
        result = run(study, area_method=area_method, progress=progress)
        path = result.write(out_dir, overwrite=overwrite, progress=progress)
    if not quiet:
        _summary(result)
        click.echo(
            f"Report written to {path / 'report.html'} (and report.md, metrics.json, "
            "tables/, maps/)"
        )
    if strict and not result.claims_passed:
        failed = [c["id"] for c in result.metrics["claims"] if not c["pass"]]
        click.echo(f"Claims that do not hold: {', '.join(failed)}", err=True)
        ctx.exit(3)


def _summary(result: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from leopardrange.report.render import fmt

    m = result.metrics  # type: ignore[attr-defined]
    console = Console()
    table = Table(title=m["study"], title_justify="left", show_header=True, header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("current range", f"{m['current_range_km2']:,.0f} km² ({m['current_epoch']})"),
        ("park area", f"{m['park_area_km2']:,.0f} km²"),
        ("park share of current range", f"{m['park_share_of_current_range_pct']:.1f} %"),
    ]
    if m.get("park_share_of_national_range_pct") is not None:
        rows.append(
            (
                f"park share of the range in {', '.join(m['park_countries'])}",
                f"{m['park_share_of_national_range_pct']:.1f} %",
            )
        )
    if m.get("breeding_in_park_pct") is not None:
        rows.append(("breeding areas in park", f"{m['breeding_in_park_pct']:.1f} %"))
    if m.get("competitor_overlap_km2") is not None:
        rows.append(("overlap with competitor", f"{m['competitor_overlap_km2']:,.0f} km²"))
    rows += [("EOO / AOO", f"{m['eoo_km2']:,.0f} / {m['aoo_km2']:,.0f} km²")]
    for name, value in rows:
        table.add_row(name, value)
    for claim in m["claims"]:
        verdict = "[green]holds[/]" if claim["pass"] else "[red]does not hold[/]"
        table.add_row(
            f"claim {claim['id']}",
            f"{fmt(claim['measured'])} vs {fmt(claim['expected'])} {verdict}",
        )
    console.print(table)
