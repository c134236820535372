"""``leopardrange info``: what is in a GIS file — layers, types, CRS, counts, bounds, areas."""

from __future__ import annotations

import json

import click

from leopardrange.cli import options

EPILOG = """\b
Examples:
  leopardrange info geodata/amur_leopard.gpkg
  leopardrange info geodata/amur_leopard.gpkg:park --area-method geodesic
  leopardrange info ranges.zip --assume-crs EPSG:4326
  leopardrange info geodata/amur_leopard.gpkg --json > layers.json
"""


@click.command(epilog=EPILOG, short_help="Describe the layers of a GIS file, with areas in km².")
@click.argument("spec", metavar="PATH[:LAYER]")
@options.area_method_opt
@options.assume_crs_opt
@options.repair_opt
@options.encoding_opt
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def info(
    ctx: click.Context,
    spec: str,
    area_method: str,
    assume_crs: str | None,
    repair: bool,
    encoding: str | None,
    as_json: bool,
) -> None:
    """Describe every layer of PATH (or only LAYER).

    For each layer: geometry type, CRS, feature count, bounds and, for polygons, the total
    area_km2 measured in an equal-area CRS (LAEA centred on the layer) or geodesically.
    When features overlap (e.g. protected areas of several designations) the area of their
    union, where overlaps count once, is shown beside the sum.

    PATH is a GeoPackage, Shapefile (.shp or zipped), GeoJSON, FlatGeobuf or GeoParquet file.
    """
    from leopardrange.io import describe

    rows = describe(
        spec, area_method=area_method, assume_crs=assume_crs, repair=repair, encoding=encoding
    )
    for row in rows:
        if row["repaired"]:
            click.echo(f"Note: layer {row['layer']!r}: {row['repair_note']}", err=True)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    _print_table(spec, rows, area_method)


def _print_table(spec: str, rows: list[dict[str, object]], area_method: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{spec}", title_justify="left", header_style="bold")
    table.add_column("layer")
    table.add_column("geometry")
    table.add_column("CRS")
    table.add_column("features", justify="right")
    table.add_column("bounds (minx, miny, maxx, maxy)")
    table.add_column("area_km2", justify="right")
    overlapping = []
    for row in rows:
        area, union = row["area_km2"], row.get("union_area_km2")
        text = "—" if area is None else f"{area:,.2f}"
        if union is not None:
            text += f" (union {union:,.2f})"
            overlapping.append(str(row["layer"]))
        table.add_row(
            str(row["layer"]),
            str(row["geometry_type"]),
            str(row["crs"]),
            f"{row['features']:,}",
            _bounds_text(row["bounds"]),  # type: ignore[arg-type]
            text,
        )
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 140)
    console.print(table)
    console.print(
        f"areas: {area_method}, measured in an equal-area CRS per layer"
        if area_method == "equal-area"
        else "areas: geodesic (pyproj.Geod, WGS 84)",
        style="dim",
    )
    if overlapping:
        console.print(
            f"features of {', '.join(overlapping)} overlap: area_km2 is the sum of the features, "
            "the union counts each overlap once (as the report does after dissolving)",
            style="dim",
        )


def _bounds_text(bounds: list[float] | None) -> str:
    """Bounds with 4 decimals for degrees, whole units for metres."""
    if not bounds:
        return "—"
    digits = 4 if max(abs(v) for v in bounds) <= 360 else 0
    return ", ".join(f"{v:.{digits}f}" for v in bounds)
