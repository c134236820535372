"""``leopardrange export``: study and analysis layers as GeoPackage, Shapefiles or a .qgz."""

from __future__ import annotations

from pathlib import Path

import click

from leopardrange.cli import options

EPILOG = """\b
Examples:
  leopardrange export --format qgz --out out/qgis        open out/qgis/leopardrange.qgz in QGIS
  leopardrange export --format gpkg --out out/gpkg       one styled GeoPackage
  leopardrange export my_study.toml --format shp --out out/shp --overwrite
  leopardrange export my_study.toml --format qgz --out out/qgis \\
      --add towns.gpkg:towns                             add a labelled context layer
  leopardrange export --format qgz --out out/qgis --add R.tif --add cwd.tif \\
      --add geodata/landcover.tif --legend igbp          rasters, styled

\b
What is exported: every layer of the study (park, range, competitor, breeding,
borders …) as read, in its own CRS, and the analysis layers behind the report,
in the study's equal-area CRS: the range of each epoch, the current range,
range lost and retained since the first epoch, park ∩ current range, current
range outside the park, current range ∩ competitor, and the AOO grid cells.

\b
Formats (written into DIR, with manifest.json listing every layer):
  gpkg  leopardrange.gpkg; each layer opens in QGIS with its default style
        (stored in the layer_styles table)
  shp   one Shapefile set per layer (per geometry type where mixed), with .prj,
        .cpg (UTF-8), a .qml style, and <layer>.fields.csv mapping field names
        to the 10 characters a .dbf allows. What a Shapefile cannot hold
        (date-times, text over 254 bytes, integers over 64 bits, a file over
        2 GB) is an error naming the field, never a silent truncation.
  qgz   leopardrange.gpkg + leopardrange.qgz, a QGIS project (3.22+) with
        relative paths, groups Base / Analysis / Range by epoch, the study's
        equal-area CRS, opening on the current range.

\b
Rasters given to --add (GeoTIFFs) are copied into DIR/rasters with a .qml style
QGIS opens them with: resistance (grey ramp), cost distance (YlGnBu), corridor
(YlGn, 0 % = the least-cost route) from their tags, and land cover with one
colour and name per class from --legend (igbp, worldcover, corine or a CSV/TOML
legend file). In a .qgz they form the group Rasters.

\b
DIR is written atomically: built in a temporary folder beside it, then
renamed; a failed export leaves an existing DIR untouched, and an existing
DIR is replaced only with --overwrite.
"""


@click.command(epilog=EPILOG, short_help="QGIS-ready GeoPackage, Shapefiles or .qgz project.")
@options.study_arg
@options.out_dir_opt
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["gpkg", "shp", "qgz"], case_sensitive=False),
    default="gpkg",
    show_default=True,
    help="GeoPackage, Shapefiles, or GeoPackage + QGIS project.",
)
@click.option(
    "--add",
    "extra_layers",
    multiple=True,
    metavar="PATH:LAYER",
    help="Add a context layer (PATH:LAYER) to the Base group, or a raster (a GeoTIFF) to the "
    "Rasters group (repeatable). Without it, the embedded study gets its settlements.",
)
@click.option(
    "--legend",
    metavar="NAME|FILE",
    help="Legend of added land-cover rasters: igbp, worldcover, corine or a CSV/TOML file.",
)
@options.area_method_opt
@options.repair_opt
@options.overwrite_opt
@click.pass_context
def export(
    ctx: click.Context,
    study: Path | None,
    out_dir: Path,
    fmt: str,
    extra_layers: tuple[str, ...],
    legend: str | None,
    area_method: str,
    repair: bool,
    overwrite: bool,
) -> None:
    """Export the layers of STUDY and of its analysis for QGIS.

    STUDY is a study file (TOML); it defaults to the embedded Amur leopard study. The
    analysis is the report's (see `leopardrange report --help`), so the exported
    layers are exactly the geometries behind the report's numbers.
    """
    from leopardrange import datasets
    from leopardrange import export as exporter
    from leopardrange.export.rasters import is_raster
    from leopardrange.study import read_study

    if legend is not None and not any(is_raster(spec) for spec in extra_layers):
        raise click.UsageError("--legend names the legend of a land-cover raster given with --add")
    parsed = read_study(study or datasets.path("study"))  # its files become inputs
    options.reserve_output(ctx, out_dir, overwrite=overwrite, kind="folder", inputs=extra_layers)
    quiet = options.verbosity(ctx) < 0
    with options.progress_reporter(quiet=quiet) as progress:
        paths = exporter.run(
            parsed if study is not None else None,
            out_dir,
            format=fmt.lower(),
            overwrite=overwrite,
            area_method=area_method,
            extra_layers=extra_layers or None,
            legend=legend,
            repair=repair or None,
            progress=progress,
        )
    if not quiet:
        main = {
            "qgz": out_dir / exporter.PROJECT_NAME,
            "gpkg": out_dir / exporter.GPKG_NAME,
        }.get(fmt.lower(), out_dir)
        click.echo(f"Exported {len(paths)} files to {out_dir}; open {main} in QGIS")
