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
    """Verbosity set on the group: negative with -q, positive with -v.

    Examples
    --------
    >>> import click
    >>> verbosity(click.Context(click.Command("info"), obj={"verbosity": 2}))
    2
    >>> verbosity(click.Context(click.Command("info")))
    0
    """
    root = ctx.find_root()
    return int((root.obj or {}).get("verbosity", 0))


@contextmanager
def progress_reporter(*, quiet: bool = False) -> Iterator[Callable[[str], None] | None]:
    """Yield a callback that shows the current step with a rich progress line on stderr.

    On a terminal: a spinner, the step, a pulsing bar and the step's elapsed time, cleared
    when the work ends. Elsewhere (pipes, CI) nothing is drawn; steps are also logged at
    INFO level (``-v``). Yields ``None`` with ``quiet`` (so the library does no progress
    work at all).

    Examples
    --------
    >>> with progress_reporter(quiet=True) as progress:
    ...     progress is None
    True
    >>> with progress_reporter() as progress:
    ...     progress("reading layers")  # a progress line on a terminal, else a log record
    ...     callable(progress)
    True
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


name_field_opt = click.option(
    "--name-field",
    metavar="FIELD",
    help="Field naming the areas in titles and metrics (default: the first of name, NAME, "
    "Name, NAME_ENG, ORIG_NAME present, else the layer's name).",
)


class FiniteFloat(click.ParamType):  # type: ignore[type-arg]
    """A finite number (never ``nan`` or ``inf``) within bounds, for every numeric option.

    Examples
    --------
    >>> FiniteFloat(min=0, min_open=True).convert("250", None, None)
    250.0
    >>> FiniteFloat(min=0, min_open=True).convert("nan", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'nan' is not a finite number; give a number > 0
    """

    name = "number"

    def __init__(
        self,
        *,
        min: float | None = None,
        max: float | None = None,
        min_open: bool = False,
        max_open: bool = False,
    ) -> None:
        self.min, self.max, self.min_open, self.max_open = min, max, min_open, max_open

    def _bounds(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"{'>' if self.min_open else '>='} {self.min:g}")
        if self.max is not None:
            parts.append(f"{'<' if self.max_open else '<='} {self.max:g}")
        return "a number " + " and ".join(parts) if parts else "a finite number"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """The value as a float, or a usage error saying what is expected."""
        import math

        expected = self._bounds()
        try:
            number = float(str(value).strip())
        except ValueError:
            self.fail(f"{str(value)!r} is not a number; give {expected}", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{str(value)!r} is not a finite number; give {expected}", param, ctx)
        low_ok = self.min is None or (number > self.min if self.min_open else number >= self.min)
        high_ok = self.max is None or (number < self.max if self.max_open else number <= self.max)
        if not (low_ok and high_ok):
            self.fail(f"{str(value)!r} is out of range; give {expected}", param, ctx)
        return number


encoding_opt = click.option(
    "--encoding",
    metavar="NAME",
    default=None,
    help="Text encoding of the layers' attributes (e.g. cp1251, latin-1) when a Shapefile has "
    "no .cpg or a wrong one.",
)


def reserve_output(
    ctx: click.Context,
    out: Path,
    *,
    overwrite: bool,
    kind: str,
    inputs: tuple[object, ...] = (),
) -> Path:
    """Check ``out`` and hold its lock until the command ends (see ``output.reserve_output``).

    ``inputs`` are the command's file arguments (paths or ``PATH:LAYER``; ``None`` skipped):
    recorded as inputs first, so an ``--out`` that is, holds or lies inside one is refused
    before any work.

    Examples
    --------
    >>> import tempfile
    >>> from leopardrange.output import tracking_inputs
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "R.tif").write_bytes(b"")
    >>> with tracking_inputs(), click.Context(click.Command("cost-distance")) as ctx:
    ...     reserve_output(ctx, folder / "R.tif", overwrite=True, kind="file",
    ...                    inputs=(folder / "R.tif",))
    Traceback (most recent call last):
    ...
    leopardrange.errors.UnsafeOutputError: the output '.../R.tif' is an input of this run ...
    """
    from leopardrange.io import parse_layer_spec
    from leopardrange.output import note_input
    from leopardrange.output import reserve_output as reserve

    for item in inputs:
        if item is not None:
            note_input(parse_layer_spec(str(item)).path)
    return ctx.with_resource(reserve(out, overwrite=overwrite, kind=kind))  # type: ignore[arg-type]
