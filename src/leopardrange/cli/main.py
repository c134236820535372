"""The ``leopardrange`` command group.

Built like rasterio's ``rio``: a click group whose subcommands are entry points in the group
``leopardrange.commands`` (so other packages can add commands), loaded only when used, so
``leopardrange --help`` stays fast. Errors the library raises on purpose
(:class:`~leopardrange.errors.LeopardRangeError`) become one line on stderr and exit status 1;
usage errors exit 2; a traceback is shown only with ``-v``.
"""

from __future__ import annotations

import logging
import sys
import warnings
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import click

from leopardrange import __version__
from leopardrange.cli import options

ENTRY_POINT_GROUP = "leopardrange.commands"

EPILOG = """\b
Examples:
  leopardrange info geodata/amur_leopard.gpkg          every layer, with area_km2
  leopardrange info geodata/amur_leopard.gpkg:park     one layer
  leopardrange report --out out/report                 the main job, on the embedded study
  leopardrange export --format qgz --out out/qgis      a styled QGIS project
  leopardrange resistance --out R.tif                  then corridor / linkages on R.tif
  leopardrange COMMAND --help                          help on one command

Areas are computed in an equal-area CRS centred on the data (or geodesically with
--area-method geodesic), never in degrees. A layer without a CRS is an error:
pass --assume-crs EPSG:4326 if you know what it is.
"""


class LazyGroup(click.Group):
    """A click group that lists entry-point commands and imports one only when it runs.

    Examples
    --------
    >>> ctx = click.Context(main_group)
    >>> names = main_group.list_commands(ctx)
    >>> "corridor" in names, "report" in names
    (True, True)
    >>> main_group.get_command(ctx, "corridor").name, main_group.get_command(ctx, "nope")
    ('corridor', None)
    """

    def _entry_points(self) -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Names of the built-in and entry-point commands, sorted."""
        return sorted(set(super().list_commands(ctx)) | set(self._entry_points()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Load the named command (importing its module only now)."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        ep = self._entry_points().get(cmd_name)
        if ep is None:
            return None
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must not break the whole CLI
            return _broken_command(cmd_name, exc)
        return loaded if isinstance(loaded, click.Command) else None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; library errors become one line and exit status 1.

        Every file the command reads is recorded as an input, which no output of the command
        may be, hold or lie inside (:func:`leopardrange.output.tracking_inputs`).
        """
        from leopardrange.output import tracking_inputs

        try:
            with tracking_inputs():
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted: outputs are as they were before this run.", err=True)
            ctx.exit(130)
        except Exception as exc:
            _report_error(ctx, exc)


def _broken_command(name: str, exc: Exception) -> click.Command:
    @click.command(name, help=f"(broken: {exc})")
    def broken() -> None:
        raise click.ClickException(f"command {name!r} could not be loaded: {exc}")

    return broken


def _report_error(ctx: click.Context, exc: Exception) -> None:
    verbosity = (ctx.obj or {}).get("verbosity", 0)
    if verbosity > 0:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    click.echo(f"Error: {error_line(exc)}", err=True)
    ctx.exit(1)


def error_line(exc: BaseException) -> str:
    """The one line the command line prints for an error (after ``Error:``).

    Errors raised on purpose (:class:`~leopardrange.errors.LeopardRangeError`) say what is
    wrong and how to fix it; failures of the file system (missing, permission, no space,
    read-only) and of memory are named as such; anything else is a bug.

    Examples
    --------
    >>> import errno
    >>> error_line(PermissionError(errno.EACCES, "Permission denied", "/root/x.gpkg"))
    "cannot use '/root/x.gpkg': permission denied; check the permissions"
    >>> error_line(ZeroDivisionError("division by zero"))
    'unexpected ZeroDivisionError: division by zero (this is a bug; rerun with -v and report ...'
    """
    from leopardrange.errors import LeopardRangeError
    from leopardrange.output import os_error_message

    text = " ".join(str(exc).split())
    if isinstance(exc, LeopardRangeError):
        return text
    if isinstance(exc, OSError) or _names_os_failure(text):
        return os_error_message(exc, writing=None)
    if isinstance(exc, MemoryError):
        return (
            f"not enough memory{': ' + text if text else ''}; the data are too large for this "
            "machine: use a smaller extent or a coarser resolution"
        )
    return (
        f"unexpected {type(exc).__name__}: {text} (this is a bug; rerun with -v and report "
        "the traceback)"
    )


def _names_os_failure(text: str) -> bool:
    lowered = text.lower()
    return any(
        key in lowered
        for key in ("no space left", "read-only file system", "permission denied", "disk quota")
    )


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Library warnings as one ``Note:`` line, without their source paths (``-v`` adds them)."""
    text = " ".join(str(message).split())
    where = f" ({category.__name__} at {filename}:{lineno})" if _VERBOSE[0] > 0 else ""
    click.echo(f"Note: {text}{where}", err=True)


_VERBOSE = [0]


@click.group(
    cls=LazyGroup,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@options.verbose_opt
@options.quiet_opt
@click.version_option(__version__, "--version", prog_name="leopardrange")
@click.pass_context
def main_group(ctx: click.Context, verbose: int, quiet: int) -> None:
    """Habitat and range analysis of endangered species.

    Measure range loss, protected-area coverage, overlap with a competitor's range, IUCN
    range metrics and corridors, and export QGIS-ready layers. Runs on the embedded Amur
    leopard landscape by default; point it at any park boundary or range map.
    """
    verbosity = verbose - quiet
    ctx.ensure_object(dict)
    ctx.obj["verbosity"] = verbosity
    _VERBOSE[0] = verbosity
    warnings.showwarning = _show_warning
    level = logging.WARNING - 10 * verbosity
    logging.basicConfig(
        level=max(logging.DEBUG, min(logging.CRITICAL, level)),
        stream=sys.stderr,
        format="%(levelname)s: %(message)s",
    )


def main() -> None:
    """Console-script entry point.

    SIGTERM is handled like Ctrl-C, so a terminated run removes its partial outputs too.

    Examples
    --------
    It reads the command line from :data:`sys.argv` and exits with the command's status:
    0 on success, 1 for an error (one line on stderr), 2 for a usage error.

    >>> import signal
    >>> from unittest import mock
    >>> sigterm = signal.getsignal(signal.SIGTERM)
    >>> def run(*args):
    ...     with mock.patch.object(sys, "argv", ["leopardrange", *args]):
    ...         try:
    ...             main()
    ...         except SystemExit as done:
    ...             return done.code
    >>> run("--version")
    leopardrange, version ...
    0
    >>> run("info", "no_such_file.gpkg"), run("info", "--no-such-option")
    (1, 2)
    >>> _ = signal.signal(signal.SIGTERM, sigterm)
    """
    import signal

    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    main_group(prog_name="leopardrange")
