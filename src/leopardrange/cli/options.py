"""Options shared by the commands (one definition each, like rasterio's ``rio/options.py``)."""

from __future__ import annotations

import click

verbose_opt = click.option(
    "--verbose", "-v", count=True, help="More output; -v also shows tracebacks on errors."
)
quiet_opt = click.option("--quiet", "-q", count=True, help="Less output (no progress).")

overwrite_opt = click.option(
    "--overwrite",
    is_flag=True,
    default=False,
    help="Replace existing output; without it an existing output is an error.",
)

assume_crs_opt = click.option(
    "--assume-crs",
    metavar="CRS",
    default=None,
    help="CRS for layers that have none (e.g. EPSG:4326). Never overrides a CRS the file has.",
)

area_method_opt = click.option(
    "--area-method",
    type=click.Choice(["equal-area", "geodesic"]),
    default="equal-area",
    show_default=True,
    help="How areas are measured: in a LAEA centred on the data, or on the ellipsoid.",
)

repair_opt = click.option(
    "--repair",
    is_flag=True,
    default=False,
    help="Repair invalid geometries (make_valid) instead of stopping; repairs are reported.",
)


def verbosity(ctx: click.Context) -> int:
    """Verbosity set on the group: negative with -q, positive with -v."""
    root = ctx.find_root()
    return int((root.obj or {}).get("verbosity", 0))
