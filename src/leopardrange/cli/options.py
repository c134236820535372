"""Options shared by the commands (one definition each, like rasterio's ``rio/options.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

study_arg = click.argument("study", required=False, type=click.Path(dir_okay=False, path_type=Path))

out_dir_opt = click.option(
    "--out",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created; replaced only with --overwrite).",
)

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


@contextmanager
def progress_reporter(*, quiet: bool = False) -> Iterator[Callable[[str], None] | None]:
    """Yield a callback that shows the current step with a rich progress line on stderr.

    On a terminal: a spinner, the step, a pulsing bar and the step's elapsed time, cleared
    when the work ends. Elsewhere (pipes, CI) nothing is drawn; steps are also logged at
    INFO level (``-v``). Yields ``None`` with ``quiet`` (so the library does no progress
    work at all).
    """
    if quiet:
        yield None
        return
    import logging

    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    log = logging.getLogger("leopardrange")
    console = Console(stderr=True)
    if not console.is_terminal:

        def log_step(text: str) -> None:
            log.info("%s", text)

        yield log_step
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting…", total=None)

        def step(text: str) -> None:
            bar.reset(task, description=f"{text}…", total=None)  # the clock restarts per step
            log.info("%s", text)

        yield step
