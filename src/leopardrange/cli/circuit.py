"""Circuit-theory commands: ``circuit``, ``pinchpoints`` and ``omniscape``.

Thin wrappers over :mod:`leopardrange.corridors.circuit`, :mod:`~leopardrange.corridors.
pinchpoints` and :mod:`~leopardrange.corridors.omniscape`; heavy imports happen inside.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from leopardrange.cli import options

_raster = click.Path(dir_okay=False, path_type=Path)


def _quiet(ctx: click.Context) -> bool:
    return options.verbosity(ctx) < 0


def check_not_input(out: Path, inputs: list[Any]) -> None:
    """Refuse an output that is, contains or sits inside an input.

    Raises
    ------
    click.UsageError
        Naming the input.
    """
    target = out.resolve()
    for item in inputs:
        if item is None:
            continue
        text = str(item)
        path = Path(text.rsplit(":", 1)[0] if not Path(text).exists() and ":" in text else text)
        src = path.resolve()
        if src == target or target in src.parents or src in target.parents:
            raise click.UsageError(
                f"the output {str(out)!r} would overwrite or sit inside the input {text!r}; "
                "choose another --out"
            )


CIRCUIT_EPILOG = """\b
Examples:
  leopardrange resistance --out R.tif
  leopardrange circuit R.tif --focal geodata/amur_leopard.gpkg:park --out out/circuit
  leopardrange circuit R.tif --focal cores.tif --mode one-to-all --pair-maps --out out/o2a
  leopardrange circuit H.tif --mode advanced --sources S.tif --grounds G.tif \\
      --remove rmvsrc --out out/adv

\b
HABITAT holds a resistance per cell (--conductance: a conductance); nodata cells are no
habitat. FOCAL is a raster of integer ids (0/nodata: none; all the cells of one id form a
focal region) or a vector layer PATH[:LAYER] (polygons: focal regions; points: their cell)
with integer ids in --focal-field (default: features numbered 1..N).

\b
Output (DIR): resistances.csv (from,to,resistance; empty when the two are not
connected), cumulative_current.tif, max_current.tif, with --pair-maps
current_<from>_<to>.tif and voltage_<from>_<to>.tif (one-to-all / all-to-one:
current_<id>.tif, voltage_<id>.tif; advanced: current.tif, voltage.tif) and metrics.json.
Networks, currents and voltages follow Circuitscape's definitions; its raster test suite
passes in leopardrange's tests.
"""


@click.command(epilog=CIRCUIT_EPILOG, short_help="Circuit-theory current maps (Circuitscape).")
@click.argument("habitat", type=_raster)
@click.option("--focal", "-f", metavar="FOCAL", help="Focal nodes: id raster or PATH[:LAYER].")
@options.out_dir_opt
@click.option(
    "--mode",
    type=click.Choice(["pairwise", "one-to-all", "all-to-one", "advanced"]),
    default="pairwise",
    show_default=True,
    help="Circuitscape's raster mode.",
)
@click.option("--conductance", is_flag=True, help="HABITAT values are conductances.")
@click.option(
    "--four-neighbours",
    "--four-neighbors",
    "four",
    is_flag=True,
    help="Join 4 neighbours (default 8, diagonals weighted 1/sqrt(2)).",
)
@click.option(
    "--connect",
    type=click.Choice(["avg-conductance", "avg-resistance"]),
    default="avg-conductance",
    show_default=True,
    help="Edge conductance: mean of the cells' conductances, or 1 / mean resistance.",
)
@click.option("--focal-field", metavar="FIELD", help="Field of integer ids in a vector FOCAL.")
@click.option("--short-circuit", type=_raster, help="Raster of region ids joined at 0 ohm.")
@click.option("--include-pairs", type=_raster, help="Pairs to solve: a list or a matrix.")
@click.option("--mask", type=_raster, help="Raster; cells not > 0 are removed.")
@click.option("--source-strengths", type=_raster, help="File of 'id strength' (amperes).")
@click.option("--sources", type=_raster, help="Advanced: current sources per cell (A).")
@click.option("--grounds", type=_raster, help="Advanced: ground resistance per cell (ohm).")
@click.option("--grounds-are-conductances", is_flag=True, help="Advanced: grounds in siemens.")
@click.option(
    "--remove",
    type=click.Choice(["keepall", "rmvsrc", "rmvgnd", "rmvall"]),
    help="Advanced: where a node has a source and a ground, keep both or remove one or both.",
)
@click.option("--unit-currents", is_flag=True, help="Advanced: every source injects 1 A.")
@click.option("--direct-grounds", is_flag=True, help="Advanced: every ground is 0 ohm.")
@click.option("--pair-maps", is_flag=True, help="Write a current and voltage map per pair.")
@click.option(
    "--solver",
    type=click.Choice(["auto", "direct", "amg"]),
    default="auto",
    show_default=True,
    help="Sparse LU, or multigrid-preconditioned CG (auto: LU up to 1.5 M nodes).",
)
@click.option(
    "--max-memory",
    "max_memory_gb",
    type=click.FloatRange(min=0, min_open=True),
    metavar="GB",
    help="Refuse a run estimated to need more (default: the memory available).",
)
@options.assume_crs_opt
@options.overwrite_opt
@click.pass_context
def circuit(ctx: click.Context, /, habitat: Path, out_dir: Path, **kw: Any) -> None:
    """Effective resistances and current maps of HABITAT between focal nodes."""
    from leopardrange.corridors.circuit import circuit as run
    from leopardrange.io import check_output

    check_output(out_dir, overwrite=kw["overwrite"])
    inputs = [
        habitat,
        kw["focal"],
        kw["short_circuit"],
        kw["include_pairs"],
        kw["mask"],
        kw["source_strengths"],
        kw["sources"],
        kw["grounds"],
    ]
    check_not_input(out_dir, inputs)
    if kw["mode"] != "advanced" and kw["focal"] is None:
        raise click.UsageError(f"--mode {kw['mode']} needs --focal")
    if kw["mode"] == "advanced" and (kw["sources"] is None or kw["grounds"] is None):
        raise click.UsageError("--mode advanced needs --sources and --grounds")
    advanced_only = ("sources", "grounds", "remove")
    if kw["mode"] != "advanced" and any(kw[k] is not None for k in advanced_only):
        raise click.UsageError("--sources, --grounds and --remove apply to --mode advanced only")
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        result = run(
            habitat,
            kw["focal"],
            mode=kw["mode"],
            conductance=kw["conductance"],
            neighbors=4 if kw["four"] else 8,
            connect=kw["connect"],
            focal_field=kw["focal_field"],
            short_circuit=kw["short_circuit"],
            include_pairs=kw["include_pairs"],
            mask=kw["mask"],
            source_strengths=kw["source_strengths"],
            sources=kw["sources"],
            grounds=kw["grounds"],
            grounds_are_conductances=kw["grounds_are_conductances"],
            remove=kw["remove"],
            unit_currents=kw["unit_currents"],
            direct_grounds=kw["direct_grounds"],
            pair_maps=kw["pair_maps"],
            solver=kw["solver"],
            max_memory_gb=kw["max_memory_gb"],
            assume_crs=kw["assume_crs"],
            progress=progress,
        )
        result.write(out_dir, overwrite=kw["overwrite"])
    if _quiet(ctx):
        return
    m = result.metrics
    click.echo(f"Circuit ({m['mode']}) written to {out_dir}")
    click.echo(
        f"  network   {m['habitat_nodes_max']:,} nodes, {m['connected_components']} connected "
        f"component(s), {m['neighbors']} neighbours, {m['connect']}"
    )
    click.echo(
        f"  solver    {', '.join(m['solver'] or ['none'])}: {m['systems_factorised']} system(s), "
        f"{m['solves']} solve(s)"
    )
    for a, b, r in result.pairs[:12]:
        text = "not connected" if r != r else f"{r:,.4g} ohm"
        if m["mode"] == "all-to-one":
            text = "not solved" if b in m["unsolved"] else "solved"
        click.echo(f"  {a} – {b}: {text}")
    if len(result.pairs) > 12:
        click.echo(f"  … {len(result.pairs) - 12} more in resistances.csv")


def _env_scheduler() -> str | None:
    return os.environ.get("DASK_SCHEDULER_ADDRESS") or None
