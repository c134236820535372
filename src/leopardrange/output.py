"""Writing outputs safely: refuse to overwrite unless asked, and swap files and folders in whole.

An output is written beside its target under a temporary name and renamed into place only
when complete, so a failed run leaves an earlier output exactly as it was and never a partial
one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leopardrange.errors import ExportError, OutputExistsError

__all__ = ["atomic_output_dir", "atomic_output_file", "check_output"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output(target: str | Path, *, overwrite: bool) -> Path:
    """Refuse an existing output unless ``overwrite``; call before any long work.

    Returns
    -------
    Path
        ``target`` as a :class:`~pathlib.Path`.

    Raises
    ------
    OutputExistsError
        If ``target`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> check_output("no/such/folder/report", overwrite=False).name
    'report'
    >>> check_output(".", overwrite=False)
    Traceback (most recent call last):
    ...
    leopardrange.errors.OutputExistsError: '.' already exists; pass --overwrite ...
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise OutputExistsError(
            f"{str(target)!r} already exists; pass --overwrite (overwrite=True) to replace it, "
            "or choose another output"
        )
    return target


@contextmanager
def atomic_output_dir(target: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Write a folder atomically: yield a temporary folder beside ``target``, then swap it in.

    A failure inside the block removes the temporary folder and leaves an existing
    ``target`` untouched; on success the old folder (if ``overwrite``) is replaced whole.

    Raises
    ------
    OutputExistsError
        If ``target`` exists and ``overwrite`` is false.
    ExportError
        If ``target`` exists and is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_output_dir(target) as tmp:
    ...     _ = (tmp / "a.txt").write_text("done", encoding="utf-8")
    >>> sorted(p.name for p in target.iterdir())
    ['a.txt']
    """
    target = check_output(target, overwrite=overwrite)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{str(target)!r} is a file, not a folder; choose another output")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        if target.exists():
            backup = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.replace(target, backup / "old")
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(backup / "old", target)
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def atomic_output_file(target: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Write a file atomically: yield a temporary path beside ``target``, then rename it.

    The temporary path keeps ``target``'s suffix, so format drivers picked by extension work.

    Raises
    ------
    OutputExistsError
        If ``target`` exists and ``overwrite`` is false; nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_output_file(target) as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> target.read_text(encoding="utf-8")
    'done'
    """
    target = check_output(target, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # let the writer create it (GDAL refuses some existing files)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
