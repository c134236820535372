"""The files a run reads, so that no output of the same run can be, hold or sit inside one.

Readers (:mod:`leopardrange.io`, :mod:`leopardrange.documents`, the raster readers) call
:func:`note_input` with every path they open; :mod:`leopardrange.output` checks each output
against :func:`noted_inputs`. Inputs are recorded only inside :func:`tracking_inputs` (the
command line opens one per command), so a long Python session does not accumulate them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_LOCK = threading.Lock()
_SCOPES: list[set[InputPath]] = []


@dataclass(frozen=True)
class InputPath:
    """An input as given, its real path (symlinks resolved) and its file identity."""

    given: str
    real: Path
    identity: tuple[int, int] | None  # (st_dev, st_ino) when the file exists


def real_path(path: str | os.PathLike[str]) -> Path:
    """The absolute path with symlinks resolved as far as they exist (never raises)."""
    try:
        return Path(os.path.realpath(os.fspath(path)))
    except (OSError, ValueError):
        return Path(os.path.abspath(os.fspath(path)))


def identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of an existing file (hard links share it), else ``None``."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def describe(path: str | os.PathLike[str]) -> InputPath:
    """An :class:`InputPath` for ``path``."""
    return InputPath(given=os.fspath(path), real=real_path(path), identity=identity(path))


def note_input(path: str | os.PathLike[str]) -> None:
    """Record ``path`` as an input of every run tracking inputs now (no-op outside one)."""
    if not _SCOPES:
        return
    entry = describe(path)
    with _LOCK:
        for scope in _SCOPES:
            scope.add(entry)


def noted_inputs() -> frozenset[InputPath]:
    """Every input recorded by the runs tracking inputs now."""
    with _LOCK:
        return frozenset().union(*_SCOPES) if _SCOPES else frozenset()


@contextmanager
def tracking_inputs() -> Iterator[set[InputPath]]:
    """Record the inputs read inside the block (nested blocks record into each)."""
    scope: set[InputPath] = set()
    with _LOCK:
        _SCOPES.append(scope)
    try:
        yield scope
    finally:
        with _LOCK:
            _SCOPES[:] = [s for s in _SCOPES if s is not scope]
