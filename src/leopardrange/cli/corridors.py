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


max_scale_error_opt = click.option(
    "--max-scale-error",
    "max_scale_error_pct",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    metavar="PCT",
    help="Refuse a grid whose projection's scale strays more than PCT % from 1 (then cell "
    "steps are not ground metres); the message suggests a local CRS.",
)

qgz_opt = click.option(
    "--qgz",
    is_flag=True,
    default=False,
    help="Also write a QGIS project of the outputs (rasters styled, inputs linked) into DIR.",
)


def landcover_opts(func: _F) -> _F:
    """``--landcover``, ``--legend`` and ``--habitat-classes`` (checked by :func:`_legend`).

    Examples
    --------
    >>> @click.command()
    ... @landcover_opts
    ... def run(landcover, legend, habitat_classes):
    ...     click.echo(f"{landcover} {legend} {habitat_classes}")
    >>> [p.opts[0] for p in run.params]
    ['--landcover', '--legend', '--habitat-classes']
    >>> from click.testing import CliRunner
    >>> result = CliRunner().invoke(run, ["--landcover", "lc.tif", "--habitat-classes", "1-5"])
    >>> result.output.strip()
    'lc.tif None 1-5'
    """
    for option in reversed(
        (
            click.option(
                "--landcover",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Land-cover raster, for the share of each path on habitat "
                "(path_habitat_pct); needs --legend or --habitat-classes.",
            ),
            click.option(
                "--legend",
                metavar="NAME|FILE",
                help="Legend of --landcover: igbp, worldcover, corine, or a CSV/TOML file "
                "(value,name,habitat[,colour]); its habitat classes count.",
            ),
            click.option(
                "--habitat-classes",
                metavar="1,2,…",
                help="Classes of --landcover that count as habitat (overrides the legend's; "
                "ranges like 1-5 work).",
            ),
        )
    ):
        func = option(func)
    return func


def _legend(
    landcover: Path | None, legend: str | None, habitat_classes: str | None
) -> tuple[str | None, tuple[int, ...] | None]:
    """Check the land-cover options together; usage errors exit 2."""
    from leopardrange.corridors.legend import parse_class_list
    from leopardrange.errors import LegendError

    if landcover is None:
        if legend is not None or habitat_classes is not None:
            raise click.UsageError("--legend and --habitat-classes describe --landcover: give it")
        return None, None
    if legend is None and habitat_classes is None:
        raise click.UsageError(
            f"--landcover {landcover.name} needs its legend: --legend igbp|worldcover|corine|FILE "
            "or --habitat-classes 1,2,… (a land cover is never assumed to be IGBP)"
        )
    try:
        classes = parse_class_list(habitat_classes) if habitat_classes is not None else None
    except LegendError as exc:
        raise click.BadParameter(str(exc), param_hint="--habitat-classes") from None
    return legend, classes


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


def input_credits(*specs: str | Path | None) -> tuple[str, ...]:
    """The credits recorded in the inputs' metadata (``PATH[:LAYER]`` or a raster), each once.

    The embedded park is OpenStreetMap data (ODbL): a map showing it must say so.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> input_credits(f"{datasets.path()}:park", None)[0]
    '© OpenStreetMap contributors'
    """
    from leopardrange.datasets import credits_of
    from leopardrange.io import parse_layer_spec

    sources = [parse_layer_spec(spec) for spec in specs if spec is not None]
    return credits_of((source.path, source.layer) for source in sources)


def _scale_line(pct: float | None) -> str:
    return "unknown" if pct is None else f"{pct:.2g} % (largest over the grid)"


def _quiet(ctx: click.Context) -> bool:
    return options.verbosity(ctx) < 0


# ------------------------------------------------------------------------ resistance

RESISTANCE_EPILOG = """\b
Examples:
  leopardrange resistance --out R.tif                  the embedded Amur leopard recipe
  leopardrange resistance my_recipe.toml --out R.tif --resolution 250
  leopardrange resistance --out R.tif --resolution 5000 --overwrite   a quick coarse draft

\b
The recipe (TOML) names a grid — a projected CRS in metres ("auto": a LAEA centred on the
data; or the UTM zone, a national grid) over bounds (bounds_crs: their CRS), the extent
of a layer (extent = "parks.gpkg:wdpa") or the cells of a projected raster (snap_to =
"landcover.tif": no resampling) — and factors: land-cover classes → cost table (with
their legend), elevation or slope bands, distance to settlements or roads, barriers with a
set cost or "impassable", a land mask — combined by sum, max or product. The grid's scale
error must stay under --max-scale-error. See the README and
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
@click.option(
    "--max-scale-error",
    "max_scale_error_pct",
    type=click.FloatRange(min=0, min_open=True),
    metavar="PCT",
    help="Refuse a grid CRS whose scale strays more than PCT % from 1 over the grid "
    "(default: the recipe's max_scale_error_pct, else 1).",
)
@options.overwrite_opt
@click.pass_context
def resistance(
    ctx: click.Context,
    recipe: Path | None,
    out: Path,
    resolution_m: float | None,
    max_scale_error_pct: float | None,
    overwrite: bool,
) -> None:
    """Build the resistance surface of RECIPE and write it as a GeoTIFF.

    Each factor is read onto one grid in a projected CRS in metres and turned into a cost
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
        surface = build_resistance(
            recipe, resolution_m=resolution_m, max_scale_error_pct=max_scale_error_pct,
            progress=progress,
        )  # fmt: skip
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
    click.echo(f"  scale error {_scale_line(s['max_scale_error_pct'])}")
    if s["snapped_to"]:
        warped = ", ".join(s["resampled_factors"]) or "none"
        click.echo(f"  snapped to  {s['snapped_to']} (its cells; resampled factors: {warped})")
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
and beyond --max-cost cells — never inf. A raster in degrees (or without a CRS), or in a
projection whose scale strays more than --max-scale-error from 1 over the grid (Web
Mercator away from the equator), is an error naming a local CRS: --warp-to "auto" (LAEA
centred on the raster) or that CRS (e.g. the UTM zone) warps it first.
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
    help='Warp the resistance to this projected CRS in metres first ("auto": LAEA on the data).',
)
@click.option(
    "--resolution",
    "resolution_m",
    type=options.FiniteFloat(min=0, min_open=True),
    metavar="M",
    help="Cell size in metres for --warp-to (default: estimated).",
)
@max_scale_error_opt
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
    max_scale_error_pct: float,
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
            overwrite=overwrite, max_scale_error_pct=max_scale_error_pct,
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
    click.echo(f"  scale error {_scale_line(result.max_scale_error_pct)}")


# -------------------------------------------------------------------------- corridor

CORRIDOR_EPILOG = """\b
Examples:
  leopardrange resistance --out R.tif
  leopardrange corridor -r R.tif \\
      --source geodata/amur_leopard.gpkg:park --source-where "name = 'Land of the Leopard'" \\
      --target geodata/amur_leopard.gpkg:corridor_targets \\
      --target-where "name = 'Ussuriysky Nature Reserve'" \\
      --landcover geodata/landcover.tif --legend igbp --out out/corridor --qgz
  leopardrange corridor -r R_utm.tif -s wdpa.gpkg:a -t wdpa.gpkg:b --name-field NAME \\
      --landcover lc.tif --legend my_legend.csv --overlap subtract --out out/ab

\b
Output (DIR): cwd_source.tif, cwd_target.tif (cost units), corridor.tif (how much dearer
than the least-cost route the best route through each cell is, in %, kept up to
--corridor-pct), path.gpkg (layers least_cost_path, source, target), map.png,
metrics.json — cost_distance, path_length_m, euclidean_m, cwd_to_path_length_ratio,
min_width_m (the narrowest corridor width along the path), corridor_area_km2, and with
--landcover path_habitat_pct (the share of the path on the legend's habitat classes) —
and with --qgz corridor.qgz, a QGIS project of all of it.

\b
--landcover needs its legend (--legend igbp|worldcover|corine|FILE, or
--habitat-classes 1,2,…): class 1 is forest in IGBP and urban in CORINE. Areas that
share cells are an error unless --overlap subtract (the target minus the source) or
dissolve (one area: connected at no cost).
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
@landcover_opts
@click.option(
    "--overlap",
    type=click.Choice(["refuse", "dissolve", "subtract"]),
    default="refuse",
    show_default=True,
    help="Source and target sharing cells: an error, one area (no corridor), or the target "
    "minus the source (and the source minus the target for the target's cost distance).",
)
@options.name_field_opt
@max_scale_error_opt
@qgz_opt
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
    legend: str | None,
    habitat_classes: str | None,
    overlap: str,
    name_field: str | None,
    max_scale_error_pct: float,
    qgz: bool,
    assume_crs: str | None,
    encoding: str | None,
    overwrite: bool,
) -> None:
    """Least-cost path, cost distance and corridor from a source area to a target area.

    Corridor = CWD_source + CWD_target − least-cost distance, as a percentage of the least
    cost, cut at --corridor-pct (Linkage Mapper's least-cost corridor).
    """
    from leopardrange.corridors.corridor import least_cost_corridor

    legend_spec, classes = _legend(landcover, legend, habitat_classes)
    inputs = (resistance_path, source, target, landcover)
    options.reserve_output(ctx, out, overwrite=overwrite, kind="folder", inputs=inputs)
    a = _read_areas(source, source_where, assume_crs, "source", encoding)
    b = _read_areas(target, target_where, assume_crs, "target", encoding)
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        result = least_cost_corridor(
            resistance_path, a, b, neighbors=int(neighbors), corridor_pct=corridor_pct,
            landcover=landcover, legend=legend_spec, habitat_classes=classes, overlap=overlap,
            name_field=name_field, max_scale_error_pct=max_scale_error_pct, progress=progress,
        )  # fmt: skip
        result.credits = input_credits(resistance_path, source, target, landcover)
        extra = None
        if qgz:
            from leopardrange.export.outputs import corridor_project

            def extra(tmp: Path) -> None:
                if progress:
                    progress("QGIS project")
                corridor_project(
                    tmp, out_dir=out, metrics=result.metrics, resistance=resistance_path,
                    landcover=landcover, legend=result.landcover and result.landcover.legend,
                )  # fmt: skip

        result.write(out, overwrite=overwrite, extra=extra)
    if _quiet(ctx):
        return
    _corridor_summary(result.metrics, out, corridor_pct)


def _corridor_summary(m: dict[str, Any], out: Path, corridor_pct: float) -> None:
    click.echo(f"Corridor {m['source']} → {m['target']} written to {out}")
    if m["overlap"]["shared_cells"]:
        click.echo(f"  overlap              {m['overlap']['note']}")
    click.echo(f"  cost distance        {m['cost_distance']:,.0f} cost units")
    click.echo(f"  least-cost path      {m['path_length_m'] / 1000:,.1f} km")
    click.echo(f"  straight distance    {m['euclidean_m'] / 1000:,.1f} km (edge to edge)")
    ratio = m["cwd_to_path_length_ratio"]
    if ratio is not None:
        click.echo(f"  cost / path length   {ratio:.2f} (mean resistance on the path)")
    if m["min_width_m"] is not None:
        width = m["min_width_m"] / 1000
        click.echo(f"  narrowest width      {width:,.1f} km at ≤ {corridor_pct:g} %")
    if m["path_habitat_pct"] is not None:
        legend = m["legend"]
        classes = ", ".join(map(str, m["habitat_classes"]))
        click.echo(
            f"  path on {legend['habitat']:<12} {m['path_habitat_pct']:.0f} % "
            f"({legend['title']}, classes {classes})"
        )
    click.echo(f"  grid scale error     {_scale_line(m['max_scale_error_pct'])}")


# -------------------------------------------------------------------------- linkages

LINKAGES_EPILOG = """\b
Examples:
  leopardrange linkages geodata/amur_leopard.gpkg:park \\
      geodata/amur_leopard.gpkg:corridor_targets geodata/amur_leopard.gpkg:china_np \\
      --where "name <> 'Hunchun National Nature Reserve'" -r R.tif --out out/linkages
  leopardrange linkages wdpa.gpkg:wdpa_polygons -r R_utm.tif --name-field NAME \\
      --landcover lc.tif --legend worldcover --out out/net --qgz

\b
Every pair of cores gets its least-cost distance, path and corridor; a link whose path
crosses a third core is dropped (Linkage Mapper's rule), pairs cut off by impassable cells
get none. Each link carries the corridor metrics (cost_distance, path_length_m,
euclidean_m, cwd_to_path_length_ratio, min_width_m, corridor_area_km2, and with
--landcover path_habitat_pct). Cores that share cells are dissolved into one core ("A + B",
listed in metrics.json as merged_cores) unless --overlap refuse. Output (DIR):
linkages.gpkg (layers cores, links, dropped_links), network.graphml and network.json
(networkx), map.png, metrics.json, and with --qgz linkages.qgz.
"""


@click.command(epilog=LINKAGES_EPILOG, short_help="Least-cost linkage network among core areas.")
@click.argument("cores", nargs=-1, required=True, metavar="CORES[:LAYER]...")
@resistance_opt
@_out_opt("folder")
@options.name_field_opt
@click.option("--where", metavar="SQL", help="OGR SQL filter applied to every CORES layer.")
@neighbors_opt
@click.option(
    "--corridor-pct",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="PCT",
    help="Corridor cut-off of each link (for min_width_m and corridor_area_km2).",
)
@click.option(
    "--overlap",
    type=click.Choice(["dissolve", "refuse"]),
    default="dissolve",
    show_default=True,
    help="Cores sharing cells: merged into one core, or an error.",
)
@landcover_opts
@max_scale_error_opt
@qgz_opt
@options.assume_crs_opt
@options.encoding_opt
@options.overwrite_opt
@click.pass_context
def linkages(
    ctx: click.Context,
    cores: tuple[str, ...],
    resistance_path: Path,
    out: Path,
    name_field: str | None,
    where: str | None,
    neighbors: str,
    corridor_pct: float,
    overlap: str,
    landcover: Path | None,
    legend: str | None,
    habitat_classes: str | None,
    max_scale_error_pct: float,
    qgz: bool,
    assume_crs: str | None,
    encoding: str | None,
    overwrite: bool,
) -> None:
    """Pairwise least-cost links among the core areas of one or more CORES layers."""
    from leopardrange.corridors.linkages import linkage_network

    legend_spec, classes = _legend(landcover, legend, habitat_classes)
    inputs = (resistance_path, *cores, landcover)
    options.reserve_output(ctx, out, overwrite=overwrite, kind="folder", inputs=inputs)
    merged = _read_cores(cores, name_field, where, assume_crs, encoding)
    with options.progress_reporter(quiet=_quiet(ctx)) as progress:
        result = linkage_network(
            resistance_path, merged, name_field="name", neighbors=int(neighbors),
            corridor_pct=corridor_pct, overlap=overlap, landcover=landcover,
            legend=legend_spec, habitat_classes=classes,
            max_scale_error_pct=max_scale_error_pct, progress=progress,
        )  # fmt: skip
        result.credits = input_credits(resistance_path, *cores, landcover)
        extra = None
        if qgz:
            from leopardrange.export.outputs import linkage_project

            def extra(tmp: Path) -> None:
                linkage_project(
                    tmp, out_dir=out, summary=result.summary, resistance=resistance_path,
                    landcover=landcover, legend=legend_spec,
                )  # fmt: skip

        result.write(out, overwrite=overwrite, extra=extra)
    if _quiet(ctx):
        return
    click.echo(
        f"Linkage network written to {out}: {len(result.cores)} cores, {len(result.links)} "
        f"links kept, {len(result.dropped)} dropped (through another core), "
        f"{len(result.unreachable)} pairs unreachable"
    )
    for group in result.summary["merged_cores"]:
        click.echo(f"  merged (overlapping): {group['core']}")
    for _, row in result.links.iterrows():
        click.echo(
            f"  {row['from_core']} — {row['to_core']}: {row['path_length_m'] / 1000:,.1f} km, "
            f"cost {row['cost_distance']:,.0f}, narrowest {row['min_width_m'] / 1000:,.1f} km"
        )


def _read_cores(
    cores: tuple[str, ...],
    name_field: str | None,
    where: str | None,
    assume_crs: str | None,
    encoding: str | None = None,
) -> Any:
    """Read every CORES layer and merge them into one frame of names (``name``) and geometries."""
    import geopandas as gpd
    import pandas as pd

    from leopardrange.corridors.areas import area_names
    from leopardrange.io import read_layer

    frames: list[Any] = []
    for spec in cores:
        frame = read_layer(spec, where=where, assume_crs=assume_crs, encoding=encoding)
        names = area_names(
            frame, name_field, what=str(frame.attrs.get("source", spec)), default="core"
        )
        if frames:
            frame = frame.to_crs(frames[0].crs)
        frames.append(
            gpd.GeoDataFrame({"name": names}, geometry=list(frame.geometry), crs=frame.crs)
        )
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    return merged
