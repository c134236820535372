"""Corridor commands: ``resistance``, ``cost-distance``, ``corridor`` and ``linkages``.

Thin wrappers over :mod:`leopardrange.corridors`: read the inputs, call one function, print a
short summary. Heavy imports happen inside the commands, so ``leopardrange --help`` stays fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from leopardrange.cli import options

_F = TypeVar("_F", bound=Callable[..., Any])

neighbors_opt = click.option(
    "--neighbors",
    type=click.Choice(["8", "16"]),
    default="8",
    show_default=True,
    help="Moves: 8 neighbours, or 16 (adds knight's moves as GRASS r.cost -k; less stretch).",
)

resistance_opt = click.option(
    "--resistance",
    "-r",
    "resistance_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Resistance GeoTIFF (e.g. from `leopardrange resistance`) in a projected CRS.",
)


def _out_opt(kind: str) -> Callable[[_F], _F]:
    folder = kind == "folder"
    return click.option(
        "--out",
        "-o",
        "out",
        required=True,
        type=click.Path(file_okay=not folder, dir_okay=folder, path_type=Path),
        help=(
            "Folder to write (created; replaced only with --overwrite)."
            if folder
            else "GeoTIFF to write (replaced only with --overwrite)."
        ),
    )


def _read_areas(
    spec: str, where: str | None, assume_crs: str | None, role: str, encoding: str | None = None
) -> Any:
    from leopardrange.io import read_layer

    frame = read_layer(spec, where=where, assume_crs=assume_crs, encoding=encoding)
    frame.attrs["role"] = role
    return frame


def _quiet(ctx: click.Context) -> bool:
    return options.verbosity(ctx) < 0


# ------------------------------------------------------------------------ resistance

RESISTANCE_EPILOG = """\b
Examples:
  leopardrange resistance --out R.tif                  the embedded Amur leopard recipe
  leopardrange resistance my_recipe.toml --out R.tif --resolution 250
  leopardrange resistance --out R.tif --resolution 5000 --overwrite   a quick coarse draft

\b
The recipe (TOML) names a grid (an equal-area CRS or "auto", bounds, resolution_m) and
factors — land-cover classes → cost table, elevation or slope bands, distance to
settlements or roads (cost decaying with distance), barriers with a set cost or
"impassable", a land mask — combined by sum, max or product. See the README and
geodata/resistance_amur_leopard.toml, which says where every weight comes from.
Sea, cells outside the data and impassable barriers become nodata.
"""


@click.command(epilog=RESISTANCE_EPILOG, short_help="Build a resistance surface from a recipe.")
@click.argument("recipe", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_out_opt("file")
@click.option(
    "--resolution",
    "resolution_m",
    type=options.FiniteFloat(min=0, min_open=True),
    metavar="M",
    help="Cell size in metres (default: the recipe's resolution_m).",
)
@options.overwrite_opt
@click.pass_context
def resistance(
    ctx: click.Context, recipe: Path | None, out: Path, resolution_m: float | None, overwrite: bool
) -> None:
    """Build the resistance surface of RECIPE and write it as a GeoTIFF.

    Each factor is warped to one grid in a projected equal-area CRS and turned into a cost
    per cell (cost units per metre, 1 = the best habitat); the factors are combined cell by
    cell. RECIPE defaults to the embedded Amur leopard recipe.
    """
    from leopardrange.corridors.resistance import build_resistance
    from leopardrange.crs import crs_label

    options.reserve_output(ctx, out, overwrite=overwrite, kind="file", inputs=(recipe,))
    if recipe is None:
        from leopardrange import datasets

        recipe = datasets.path("resistance")
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        surface = build_resistance(recipe, resolution_m=resolution_m, progress=progress)
        surface.write(out, overwrite=overwrite)
    if _quiet(ctx):
        return
    s = surface.summary
    rows, cols = s["shape"]
    click.echo(f"Resistance surface written to {out}")
    click.echo(f"  recipe      {s['recipe']} (combine: {s['combine']})")
    click.echo(
        f"  grid        {cols} x {rows} cells of {s['cell_size_m']:g} m, {crs_label(surface.crs)}"
    )
    click.echo(
        f"  resistance  {s['resistance_min']:.2f} – {s['resistance_max']:.2f} "
        f"(median {s['resistance_median']:.2f}) cost units per metre"
    )
    click.echo(f"  impassable  {s['impassable_cells']:,} cells: {surface.impassable_note()}")


# --------------------------------------------------------------------- cost-distance

COST_DISTANCE_EPILOG = """\b
Examples:
  leopardrange cost-distance R.tif --source geodata/amur_leopard.gpkg:park \\
      --source-where "name = 'Land of the Leopard'" --out cwd.tif
  leopardrange cost-distance R.tif -s towns.gpkg --out cwd.tif --neighbors 16 --max-cost 5e5
  leopardrange cost-distance R_wgs84.tif -s park.gpkg --out cwd.tif --warp-to auto

\b
Each move costs the mean resistance of the cells it joins x its length in metres (the
convention of scikit-image MCP_Geometric, GRASS r.cost and WhiteboxTools); with
--neighbors 16 a knight's move costs the mean of the four cells it crosses and cannot
jump a barrier. Output: float32 cost units; nodata (-9999) at impassable, unreachable
and beyond --max-cost cells — never inf. A raster in degrees (or without a CRS) is an
error: --warp-to "auto" (LAEA centred on the raster) or an equal-area CRS warps it first.
"""


@click.command(
    "cost-distance",
    epilog=COST_DISTANCE_EPILOG,
    short_help="Cost-weighted distance from source areas.",
)
@click.argument("resistance_path", metavar="RESISTANCE", type=click.Path(path_type=Path))
@click.option(
    "--source",
    "-s",
    "source",
    required=True,
    metavar="PATH[:LAYER]",
    help="Source areas: polygons or points (every feature is a source).",
)
@click.option("--source-where", metavar="SQL", help="OGR SQL filter on the source layer.")
@_out_opt("file")
@neighbors_opt
@click.option(
    "--max-cost",
    type=options.FiniteFloat(min=0, min_open=True),
    metavar="X",
    help="Stop at this cost distance (cost units); farther cells are nodata.",
)
@click.option(
    "--warp-to",
    metavar="CRS",
    help='Warp the resistance to this projected equal-area CRS first ("auto": LAEA).',
)
@click.option(
    "--resolution",
    "resolution_m",
    type=options.FiniteFloat(min=0, min_open=True),
    metavar="M",
    help="Cell size in metres for --warp-to (default: estimated).",
)
@options.assume_crs_opt
@options.encoding_opt
@options.overwrite_opt
@click.pass_context
def cost_distance(
    ctx: click.Context,
    resistance_path: Path,
    source: str,
    source_where: str | None,
    out: Path,
    neighbors: str,
    max_cost: float | None,
    warp_to: str | None,
    resolution_m: float | None,
    assume_crs: str | None,
    encoding: str | None,
    overwrite: bool,
) -> None:
    """Cost-weighted distance from the nearest source to every cell of RESISTANCE."""
    from leopardrange.corridors import cost_distance_raster
    from leopardrange.corridors.resistance import warp_raster
    from leopardrange.output import scratch_dir

    if resolution_m is not None and warp_to is None:
        raise click.UsageError("--resolution applies only with --warp-to")
    inputs = (resistance_path, source)
    options.reserve_output(ctx, out, overwrite=overwrite, kind="file", inputs=inputs)
    areas = _read_areas(source, source_where, assume_crs, "source", encoding)
    tmp: Path | None = None
    try:
        grid_path = resistance_path
        if warp_to is not None:
            tmp = ctx.with_resource(scratch_dir(out))
            grid_path = warp_raster(
                resistance_path, tmp / resistance_path.name, dst_crs=warp_to,
                resolution_m=resolution_m, src_crs=assume_crs,
            )  # fmt: skip
        result = cost_distance_raster(
            grid_path, areas, out, neighbors=int(neighbors), max_cost=max_cost,
            overwrite=overwrite,
        )  # fmt: skip
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if _quiet(ctx):
        return
    click.echo(f"Cost distance written to {out}")
    click.echo(
        f"  {result.source_cells:,} source cells, {result.reached_cells:,} cells reached, "
        f"{result.unreached_cells:,} unreached, {result.nodata_cells:,} impassable"
    )
    click.echo(
        f"  largest cost distance {result.max_cost_distance:,.0f} cost units "
        f"({neighbors} neighbours, cells {result.cell_size_m[0]:g} x "
        f"{result.cell_size_m[1]:g} m)"
    )


# -------------------------------------------------------------------------- corridor

CORRIDOR_EPILOG = """\b
Examples:
  leopardrange resistance --out R.tif
  leopardrange corridor -r R.tif \\
      --source geodata/amur_leopard.gpkg:park --source-where "name = 'Land of the Leopard'" \\
      --target geodata/amur_leopard.gpkg:corridor_targets \\
      --target-where "name = 'Ussuriysky Nature Reserve'" \\
      --landcover geodata/landcover.tif --out out/corridor

\b
Output (DIR): cwd_source.tif, cwd_target.tif (cost units), corridor.tif (how much dearer
than the least-cost route the best route through each cell is, in %, kept up to
--corridor-pct), path.gpkg (layer least_cost_path), map.png and metrics.json:
cost_distance, path_length_m, euclidean_m, cwd_to_path_length_ratio, min_width_m (the
narrowest corridor width along the path) and, with --landcover, path_forest_pct.
"""


@click.command(epilog=CORRIDOR_EPILOG, short_help="Least-cost path and corridor between two areas.")
@resistance_opt
@click.option(
    "--source",
    "-s",
    "source",
    required=True,
    metavar="PATH[:LAYER]",
    help="Source area (polygons or points; several features form one area).",
)
@click.option("--source-where", metavar="SQL", help="OGR SQL filter on the source layer.")
@click.option(
    "--target",
    "-t",
    "target",
    required=True,
    metavar="PATH[:LAYER]",
    help="Target area (polygons or points).",
)
@click.option("--target-where", metavar="SQL", help="OGR SQL filter on the target layer.")
@_out_opt("folder")
@neighbors_opt
@click.option(
    "--corridor-pct",
    type=options.FiniteFloat(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="PCT",
    help="Keep cells whose best route costs at most PCT % more than the least cost.",
)
@click.option(
    "--landcover",
    type=click.Path(dir_okay=False, path_type=Path),
    help="IGBP land-cover raster, for the share of the path through forest.",
)
@options.assume_crs_opt
@options.encoding_opt
@options.overwrite_opt
@click.pass_context
def corridor(
    ctx: click.Context,
    resistance_path: Path,
    source: str,
    source_where: str | None,
    target: str,
    target_where: str | None,
    out: Path,
    neighbors: str,
    corridor_pct: float,
    landcover: Path | None,
    assume_crs: str | None,
    encoding: str | None,
    overwrite: bool,
) -> None:
    """Least-cost path, cost distance and corridor from a source area to a target area.

    Corridor = CWD_source + CWD_target − least-cost distance, as a percentage of the least
    cost, cut at --corridor-pct (Linkage Mapper's least-cost corridor).
    """
    from leopardrange.corridors.corridor import least_cost_corridor

    inputs = (resistance_path, source, target, landcover)
    options.reserve_output(ctx, out, overwrite=overwrite, kind="folder", inputs=inputs)
    a = _read_areas(source, source_where, assume_crs, "source", encoding)
    b = _read_areas(target, target_where, assume_crs, "target", encoding)
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        result = least_cost_corridor(
            resistance_path, a, b, neighbors=int(neighbors), corridor_pct=corridor_pct,
            landcover=landcover, progress=progress,
        )  # fmt: skip
        result.write(out, overwrite=overwrite)
    if _quiet(ctx):
        return
    m = result.metrics
    click.echo(f"Corridor {m['source']} → {m['target']} written to {out}")
    click.echo(f"  cost distance        {m['cost_distance']:,.0f} cost units")
    click.echo(f"  least-cost path      {m['path_length_m'] / 1000:,.1f} km")
    click.echo(f"  straight distance    {m['euclidean_m'] / 1000:,.1f} km (edge to edge)")
    ratio = m["cwd_to_path_length_ratio"]
    click.echo(f"  cost / path length   {ratio:.2f} (mean resistance on the path)")
    click.echo(f"  narrowest width      {m['min_width_m'] / 1000:,.1f} km at ≤ {corridor_pct:g} %")
    if m["path_forest_pct"] is not None:
        click.echo(f"  path through forest  {m['path_forest_pct']:.0f} %")


# -------------------------------------------------------------------------- linkages

LINKAGES_EPILOG = """\b
Examples:
  leopardrange linkages geodata/amur_leopard.gpkg:park \\
      geodata/amur_leopard.gpkg:corridor_targets geodata/amur_leopard.gpkg:china_np \\
      --where "name <> 'Hunchun National Nature Reserve'" -r R.tif --out out/linkages

\b
Every pair of cores gets its least-cost distance and path; a link whose path crosses a
third core is dropped (Linkage Mapper's rule), pairs cut off by impassable cells get
none. Output (DIR): linkages.gpkg (layers cores, links, dropped_links), network.graphml
and network.json (networkx), map.png, metrics.json. Cores must not overlap.
"""


@click.command(epilog=LINKAGES_EPILOG, short_help="Least-cost linkage network among core areas.")
@click.argument("cores", nargs=-1, required=True, metavar="CORES[:LAYER]...")
@resistance_opt
@_out_opt("folder")
@click.option(
    "--name-field",
    default="name",
    show_default=True,
    help="Field with unique core names (in every CORES layer).",
)
@click.option("--where", metavar="SQL", help="OGR SQL filter applied to every CORES layer.")
@neighbors_opt
@options.assume_crs_opt
@options.encoding_opt
@options.overwrite_opt
@click.pass_context
def linkages(
    ctx: click.Context,
    cores: tuple[str, ...],
    resistance_path: Path,
    out: Path,
    name_field: str,
    where: str | None,
    neighbors: str,
    assume_crs: str | None,
    encoding: str | None,
    overwrite: bool,
) -> None:
    """Pairwise least-cost links among the core areas of one or more CORES layers."""
    import geopandas as gpd
    import pandas as pd

    from leopardrange.corridors.linkages import linkage_network
    from leopardrange.errors import SchemaError
    from leopardrange.io import read_layer

    inputs = (resistance_path, *cores)
    options.reserve_output(ctx, out, overwrite=overwrite, kind="folder", inputs=inputs)
    frames: list[Any] = []
    for spec in cores:
        frame = read_layer(spec, where=where, assume_crs=assume_crs, encoding=encoding)
        if name_field not in frame.columns:
            fields = [c for c in frame.columns if c != frame.geometry.name]
            raise SchemaError(
                f"{frame.attrs.get('source', spec)} has no field {name_field!r}; pass "
                f"--name-field with one of: {', '.join(fields) or '(no attribute fields)'}"
            )
        if frames:
            frame = frame.to_crs(frames[0].crs)
        frames.append(
            gpd.GeoDataFrame(
                {name_field: frame[name_field].tolist()},
                geometry=list(frame.geometry),
                crs=frame.crs,
            )
        )
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        result = linkage_network(
            resistance_path, merged, name_field=name_field, neighbors=int(neighbors),
            progress=progress,
        )  # fmt: skip
        result.write(out, overwrite=overwrite)
    if _quiet(ctx):
        return
    click.echo(
        f"Linkage network written to {out}: {len(result.cores)} cores, {len(result.links)} "
        f"links kept, {len(result.dropped)} dropped (through another core), "
        f"{len(result.unreachable)} pairs unreachable"
    )
    for _, row in result.links.iterrows():
        click.echo(
            f"  {row['from_core']} — {row['to_core']}: {row['path_length_m'] / 1000:,.1f} km, "
            f"cost {row['cost_distance']:,.0f}"
        )
