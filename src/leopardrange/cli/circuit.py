"""Circuit-theory commands: ``circuit``, ``pinchpoints`` and ``omniscape``.

Thin wrappers over :mod:`leopardrange.corridors.circuit`, :mod:`~leopardrange.corridors.
pinchpoints` and :mod:`~leopardrange.corridors.omniscape`; heavy imports happen inside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from leopardrange.cli import options

_raster = click.Path(dir_okay=False, path_type=Path)


def _quiet(ctx: click.Context) -> bool:
    return options.verbosity(ctx) < 0


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
    from leopardrange.corridors.circuit import run_circuit as run

    inputs = (
        habitat,
        kw["focal"],
        kw["short_circuit"],
        kw["include_pairs"],
        kw["mask"],
        kw["source_strengths"],
        kw["sources"],
        kw["grounds"],
    )
    options.reserve_output(ctx, out_dir, overwrite=kw["overwrite"], kind="folder", inputs=inputs)
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
    names = m.get("focal_names") or {}

    def label(k: Any) -> str:
        return f"{k} ({names[k]})" if k in names else str(k)

    for a, b, r in result.pairs[:12]:
        text = "not connected" if r != r else f"{r:,.4g} ohm"
        if m["mode"] == "all-to-one":
            text = "not solved" if b in m["unsolved"] else "solved"
        click.echo(f"  {label(a)} – {label(b)}: {text}")
    if len(result.pairs) > 12:
        click.echo(f"  … {len(result.pairs) - 12} more in resistances.csv")


OMNISCAPE_EPILOG = """\b
Examples:
  leopardrange omniscape R.tif --radius 30 --block-size 5 --out out/omniscape
  leopardrange omniscape R.tif --radius 50 --source S.tif --source-threshold 0.2 --out out/o
  leopardrange omniscape R.tif --radius 50 --scheduler tcp://10.0.0.5:8786 --out out/o

\b
Every block of --block-size cells is a target; the sources within --radius cells send it
the block's total source strength through the habitat within radius + --buffer cells.
Output (DIR): cumulative_current.tif, flow_potential.tif (the same on uniform habitat),
normalized_current.tif (their ratio: > 1 channelled, < 1 impeded) and metrics.json.
Source strength: --source, or the conductance of every cell with resistance <= --r-cutoff.
Runs on Dask: a local cluster of --workers processes (default: one per CPU), or an
existing cluster at --scheduler (or DASK_SCHEDULER_ADDRESS); results are the same.
"""


@click.command(epilog=OMNISCAPE_EPILOG, short_help="Omniscape moving-window connectivity (Dask).")
@click.argument("habitat", type=_raster)
@click.option("--radius", type=click.IntRange(min=1), required=True, help="Window radius, cells.")
@options.out_dir_opt
@click.option(
    "--block-size",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Target block side, cells (odd; even sizes are raised by one).",
)
@click.option(
    "--buffer",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Habitat beyond the radius that carries current, cells.",
)
@click.option("--source", type=_raster, help="Source-strength raster on the habitat grid.")
@click.option(
    "--source-threshold",
    type=float,
    default=0.0,
    show_default=True,
    help="Source strengths below this count as 0.",
)
@click.option(
    "--r-cutoff",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Without --source: cells with resistance above this are no source.",
)
@click.option("--conductance", is_flag=True, help="HABITAT values are conductances.")
@click.option(
    "--four-neighbours",
    "--four-neighbors",
    "four",
    is_flag=True,
    help="Join 4 neighbours (default 8).",
)
@click.option("--no-flow-potential", is_flag=True, help="Skip flow potential and normalisation.")
@click.option("--no-correct-artifacts", is_flag=True, help="Skip the block artefact correction.")
@click.option(
    "--omniscape-edges",
    is_flag=True,
    help="Near raster edges, zero sources as Omniscape.jl does (see the README).",
)
@click.option("--workers", type=click.IntRange(min=1), help="Local cluster size (default: CPUs).")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on an existing Dask cluster (default: $DASK_SCHEDULER_ADDRESS).",
)
@click.option("--rows-per-task", type=click.IntRange(min=1), help="Rows of targets per task.")
@options.assume_crs_opt
@options.overwrite_opt
@click.pass_context
def omniscape(ctx: click.Context, /, habitat: Path, out_dir: Path, **kw: Any) -> None:
    """Omnidirectional current flow over HABITAT (the Omniscape algorithm) on Dask."""
    import math

    from leopardrange.corridors.omniscape import run_omniscape as run

    inputs = (habitat, kw["source"])
    options.reserve_output(ctx, out_dir, overwrite=kw["overwrite"], kind="folder", inputs=inputs)
    if kw["source"] is not None and kw["r_cutoff"] is not None:
        raise click.UsageError("--r-cutoff applies only without --source")
    with _TaskProgress(quiet=_quiet(ctx)) as progress:
        result = run(
            habitat,
            radius=kw["radius"],
            block_size=kw["block_size"],
            buffer=kw["buffer"],
            source=kw["source"],
            source_threshold=kw["source_threshold"],
            r_cutoff=math.inf if kw["r_cutoff"] is None else kw["r_cutoff"],
            conductance=kw["conductance"],
            neighbors=4 if kw["four"] else 8,
            flow_potential=not kw["no_flow_potential"],
            correct_artifacts=not kw["no_correct_artifacts"],
            omniscape_edges=kw["omniscape_edges"],
            rows_per_task=kw["rows_per_task"],
            scheduler=kw["scheduler"],
            workers=kw["workers"],
            assume_crs=kw["assume_crs"],
            progress=progress,
        )
        result.write(out_dir, overwrite=kw["overwrite"])
    if _quiet(ctx):
        return
    m = result.metrics
    click.echo(f"Omniscape written to {out_dir}")
    click.echo(
        f"  {m['targets']:,} targets (radius {m['radius_cells']}, block {m['block_size_cells']}) "
        f"in {m['tasks']} tasks on {m['workers']} worker(s)"
    )


class _TaskProgress:
    """A rich progress bar on stderr (terminal only, silent with -q); yields a callback."""

    def __init__(self, *, quiet: bool):
        self.quiet = quiet
        self.bar: Any = None

    def __enter__(self) -> Any:
        from rich.console import Console

        console = Console(stderr=True)
        if self.quiet or not console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress(
            "windows",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("tasks", total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


PINCH_EPILOG = """\b
Examples:
  leopardrange resistance --out R.tif
  leopardrange pinchpoints geodata/amur_leopard.gpkg:park \\
      geodata/amur_leopard.gpkg:corridor_targets -r R.tif --out out/pinch --all-to-one

\b
For every least-cost link between cores (as `leopardrange linkages` finds them): the
corridor within --cwd-cutoff cost units (default --corridor-pct % of the link's cost) of
the least-cost route, Circuitscape's pairwise current between the two cores on it, and the
link's effective resistance. Output (DIR): pinchpoints.tif (largest link current per
cell, 1 A per link), all_to_one_current.tif (with --all-to-one), links.csv, cores.csv
(current-flow centrality, as Linkage Mapper's Centrality Mapper), network.graphml,
map.png and metrics.json.
"""


@click.command(epilog=PINCH_EPILOG, short_help="Pinch points and centrality of a core network.")
@click.argument("cores", nargs=-1, required=True, metavar="CORES[:LAYER]...")
@click.option(
    "--resistance",
    "-r",
    "resistance_path",
    required=True,
    type=_raster,
    help="Resistance GeoTIFF in a projected CRS.",
)
@options.out_dir_opt
@options.name_field_opt
@click.option("--where", metavar="SQL", help="OGR SQL filter on every CORES layer.")
@click.option(
    "--cwd-cutoff",
    type=click.FloatRange(min=0, min_open=True),
    metavar="COST",
    help="Corridor: cells within this many cost units of the least-cost route.",
)
@click.option(
    "--corridor-pct",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Without --cwd-cutoff: the cut-off as % of each link's cost.",
)
@click.option(
    "--neighbors",
    type=click.Choice(["8", "16"]),
    default="8",
    show_default=True,
    help="Cost-distance moves.",
)
@click.option("--all-to-one", is_flag=True, help="Also run all-to-one on the union of corridors.")
@options.assume_crs_opt
@options.overwrite_opt
@click.pass_context
def pinchpoints(
    ctx: click.Context, /, cores: tuple[str, ...], resistance_path: Path, out_dir: Path, **kw: Any
) -> None:
    """Pinch points, effective resistances and centrality of the links among CORES."""
    from leopardrange.cli.corridors import _read_cores, input_credits
    from leopardrange.corridors.pinchpoints import pinch_points

    inputs = (resistance_path, *cores)
    options.reserve_output(ctx, out_dir, overwrite=kw["overwrite"], kind="folder", inputs=inputs)
    merged = _read_cores(cores, kw["name_field"], kw["where"], kw["assume_crs"])
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        result = pinch_points(
            resistance_path,
            merged,
            name_field="name",
            cwd_cutoff=kw["cwd_cutoff"],
            corridor_pct=kw["corridor_pct"],
            neighbors=int(kw["neighbors"]),
            all_to_one=kw["all_to_one"],
            progress=progress,
        )
        result.credits = input_credits(resistance_path, *cores)
        result.write(out_dir, overwrite=kw["overwrite"])
    if _quiet(ctx):
        return
    click.echo(f"Pinch points written to {out_dir}: {len(result.links)} links")
    for _, row in result.links.iterrows():
        r = row["effective_resistance"]
        click.echo(
            f"  {row['from_core']} — {row['to_core']}: effective resistance "
            f"{'not connected' if r != r else f'{r:,.4g}'}, centrality "
            f"{row['current_flow_centrality']:.3g}"
        )
