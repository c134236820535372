"""Writing outputs safely: never over an input, one writer at a time, swapped in whole.

Every output of the toolkit goes through this module, and four rules hold for each:

1. **Inputs are untouchable.** An output may never be, hold, or lie inside a file the same run
   reads (compared on real paths, symlinks resolved, and on file identity, so hard links
   count; a Shapefile's ``.dbf``/``.shx``/``.prj`` and a raster's ``.aux.xml`` count as part
   of their file). Nor may an output replace the current folder, the home folder or a
   mount point.
2. **Nothing is replaced without asking.** An existing output is an error unless
   ``overwrite=True`` (``--overwrite``).
3. **Writes are atomic.** An output is written beside its target under a hidden temporary
   name (``.NAME.XXXXXXXX.partial``) and renamed into place only when complete: a failed or
   interrupted run leaves an earlier output exactly as it was and never a partial one.
4. **One writer per output.** A writer holds an advisory lock (``.NAME.lock`` beside the
   target, released by the system even when the process is killed); a second run writing the
   same output is refused with a line naming the first. Holding the lock, a writer removes
   the partial outputs that killed runs left behind, and rolls back a folder swap that a
   killed run left half done.

Failures of the file system (no space left, a read-only folder, no permission) become one
:class:`~leopardrange.errors.ExportError` line naming the output.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import secrets
import shutil
import socket
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from leopardrange._inputs import InputPath, describe, identity, noted_inputs, real_path
from leopardrange._inputs import note_input as _note_input
from leopardrange._inputs import tracking_inputs as _tracking_inputs
from leopardrange.errors import (
    ExportError,
    LeopardRangeError,
    OutputBusyError,
    OutputExistsError,
    UnsafeOutputError,
)

__all__ = [
    "atomic_output_dir",
    "atomic_output_file",
    "check_output",
    "note_input",
    "os_error_message",
    "reserve_output",
    "scratch_dir",
    "tracking_inputs",
]

log = logging.getLogger(__name__)

Kind = Literal["file", "folder"]
PathLike = str | os.PathLike[str]

#: Shapefile parts: an input ``x.shp`` protects ``x.dbf``, ``x.shx``, ``x.prj`` … too.
_SHAPEFILE_SUFFIX = ".shp"
_ERRNO_REASONS = {
    errno.ENOSPC: ("no space left on the device", "free some space or write elsewhere"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space or write elsewhere"),
    errno.EROFS: ("the file system is read-only", "write to a writable folder"),
    errno.EACCES: ("permission denied", "write to a folder you may write to"),
    errno.EPERM: ("operation not permitted", "write to a folder you may write to"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.EISDIR: ("it is a folder", "give a file name"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
    errno.ELOOP: ("too many symbolic links", "check the path"),
    errno.EIO: ("input/output error", "check the disk"),
    errno.EXDEV: ("it is on another file system", "write beside the output"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n)"),
}
#: Messages GDAL and friends give for the same failures, without an errno.
_ERROR_TEXTS = {
    "no space left": errno.ENOSPC,
    "disk quota": errno.EDQUOT,
    "read-only file system": errno.EROFS,
    "permission denied": errno.EACCES,
}


# ------------------------------------------------------------------------------ inputs


def note_input(path: PathLike) -> None:
    """Record ``path`` as an input of the runs that are tracking inputs (see below).

    Every reader of the toolkit calls this; call it for files you read yourself and want
    protected from the outputs written inside :func:`tracking_inputs`.

    Examples
    --------
    >>> with tracking_inputs() as inputs:
    ...     note_input("study.toml")
    >>> sorted(i.real.name for i in inputs)
    ['study.toml']
    """
    _note_input(path)


@contextmanager
def tracking_inputs() -> Iterator[set[InputPath]]:
    """Inside the block, every file a reader opens is an input no output may touch.

    The command line opens one per command. Yields the set of inputs recorded so far.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "study.toml").write_text("", encoding="utf-8")
    >>> with tracking_inputs():
    ...     note_input(folder / "study.toml")
    ...     check_output(folder, overwrite=True)
    Traceback (most recent call last):
    ...
    leopardrange.errors.UnsafeOutputError: the output '...' holds an input of this run ...
    """
    with _tracking_inputs() as scope:
        yield scope


def _companions(real: Path) -> list[Path]:
    """The files that belong to an input: a Shapefile's parts, a raster's ``.aux.xml`` …."""
    folder = real.parent
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    if real.suffix.lower() == _SHAPEFILE_SUFFIX:
        stem = real.stem + "."
        return [folder / n for n in names if n.startswith(stem) and folder / n != real]
    prefixes = (real.name + ".", real.name + "-")
    return [folder / n for n in names if n.startswith(prefixes)]


def _protected(inputs: Iterable[PathLike]) -> list[InputPath]:
    return [describe(p) for p in inputs] + sorted(noted_inputs(), key=lambda i: str(i.real))


def _refuse_inputs(target: Path, inputs: Iterable[PathLike]) -> None:
    """Raise unless ``target`` is neither an input, nor holds one, nor lies inside one."""
    t_real = real_path(target)
    t_id = identity(target)
    for item in _protected(inputs):
        if not os.path.lexists(item.real):  # nothing there to destroy; its reader will say so
            continue
        given = item.given
        for path in (item.real, *_companions(item.real)):
            if path == t_real or (path == item.real and t_id and t_id == item.identity):
                raise UnsafeOutputError(
                    f"the output {str(target)!r} is an input of this run ({given!r}); writing "
                    "it would destroy the input; choose another output"
                )
            if t_real in path.parents:
                raise UnsafeOutputError(
                    f"the output {str(target)!r} holds an input of this run ({given!r}); "
                    "replacing it would delete that input; choose an output that holds no "
                    "input"
                )
            if path in t_real.parents:
                raise UnsafeOutputError(
                    f"the output {str(target)!r} lies inside an input of this run "
                    f"({given!r}); choose an output outside it"
                )


# ------------------------------------------------------------------------------ checks


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ENOENT):
            return False
        raise ExportError(os_error_message(exc, path, writing=True)) from exc
    return True


def _check_replaceable(target: Path, kind: Kind | None) -> None:
    """Raise unless ``target`` (which exists) may be replaced by an output of ``kind``."""
    mode = os.stat(target).st_mode if target.exists() else os.lstat(target).st_mode
    if stat.S_ISDIR(mode):
        if kind == "file":
            raise ExportError(f"{str(target)!r} is a folder; give the file to write")
        t_real = real_path(target)
        for place, what in ((real_path(Path.cwd()), "the current folder"),
                            (real_path(Path.home()), "your home folder")):  # fmt: skip
            if place == t_real or t_real in place.parents:
                raise UnsafeOutputError(
                    f"the output {str(target)!r} is or holds {what}; an output folder is "
                    "replaced whole, so choose a new folder for it"
                )
        if os.path.ismount(t_real):
            raise UnsafeOutputError(
                f"the output {str(target)!r} is a mount point; choose a new folder inside it"
            )
    elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        if kind == "folder":
            raise ExportError(f"{str(target)!r} is a file, not a folder; choose another output")
    else:
        raise UnsafeOutputError(
            f"{str(target)!r} is not a regular file (a device, pipe or socket); "
            "choose another output"
        )


def _check_parents(target: Path) -> None:
    """Raise when a folder the output would go into is a file."""
    for parent in target.absolute().parents:
        if _lexists(parent):
            if not parent.is_dir():
                raise ExportError(
                    f"cannot write {str(target)!r}: {str(parent)!r} is a file, not a folder; "
                    "choose another output"
                )
            return


def check_output(
    target: PathLike,
    *,
    overwrite: bool,
    inputs: Iterable[PathLike] = (),
    kind: Kind | None = None,
) -> Path:
    """Check that ``target`` may be written; call before any long work.

    Parameters
    ----------
    target
        The output file or folder.
    overwrite
        Whether an existing ``target`` may be replaced.
    inputs
        Files the output must not be, hold or lie inside, besides those recorded by
        :func:`tracking_inputs`.
    kind
        ``"file"`` or ``"folder"``: what will be written (refuses the other kind).

    Returns
    -------
    Path
        ``target`` as a :class:`~pathlib.Path`.

    Raises
    ------
    UnsafeOutputError
        If ``target`` is, holds or lies inside an input; if it is or holds the current
        folder or the home folder, a mount point, a device, pipe or socket.
    OutputExistsError
        If ``target`` exists and ``overwrite`` is false.
    ExportError
        If ``target`` is a file where a folder is written (or the reverse), or a folder on
        its path is a file.

    Examples
    --------
    >>> check_output("no/such/folder/report", overwrite=False).name
    'report'
    >>> check_output(".", overwrite=False)
    Traceback (most recent call last):
    ...
    leopardrange.errors.OutputExistsError: '.' already exists; pass --overwrite ...
    >>> import tempfile
    >>> study = Path(tempfile.mkdtemp()) / "study.toml"
    >>> _ = study.write_text("", encoding="utf-8")
    >>> check_output(study, overwrite=True, inputs=[study])
    Traceback (most recent call last):
    ...
    leopardrange.errors.UnsafeOutputError: the output '.../study.toml' is an input of this run ...
    """
    target = Path(target)
    if "\x00" in str(target) or not str(target).strip():
        raise ExportError(f"{str(target)!r} is not a usable path; choose another output")
    _refuse_inputs(target, inputs)
    if _lexists(target):
        if not overwrite:
            raise OutputExistsError(
                f"{str(target)!r} already exists; pass --overwrite (overwrite=True) to replace "
                "it, or choose another output"
            )
        _check_replaceable(target, kind)
    _check_parents(target)
    return target


# ------------------------------------------------------------------------------ errors


def _failure(exc: BaseException) -> str:
    """What failed, and what to do: "no space left on the device; free some space …"."""
    code = getattr(exc, "errno", None)
    if code not in _ERRNO_REASONS:
        text = str(exc).lower()
        code = next((c for key, c in _ERROR_TEXTS.items() if key in text), code)
    if code in _ERRNO_REASONS:
        reason, hint = _ERRNO_REASONS[code]
        return f"{reason}; {hint}"
    return getattr(exc, "strerror", None) or " ".join(str(exc).split()) or type(exc).__name__


def os_error_message(
    exc: BaseException, path: PathLike | None = None, *, writing: bool | None
) -> str:
    """One line for a failure of the file system: what, where, and what to do.

    Parameters
    ----------
    exc
        An :class:`OSError`, or another exception whose text names such a failure (GDAL's
        "No space left on device").
    path
        The file or folder concerned when the exception does not name it.
    writing
        Whether the path was being written (``False``: read; ``None``: unknown).

    Examples
    --------
    >>> import errno
    >>> os_error_message(OSError(errno.ENOSPC, "No space left on device"), "out/r.tif",
    ...                  writing=True)
    "cannot write 'out/r.tif': no space left on the device; free some space or write elsewhere"
    >>> os_error_message(PermissionError(errno.EACCES, "Permission denied", "/root/s.toml"),
    ...                  writing=False)
    "cannot read '/root/s.toml': permission denied; check the permissions"
    """
    named = getattr(exc, "filename", None) or path
    where = f" {str(named)!r}" if named is not None else ""
    reason = _failure(exc)
    if not writing:
        reason = reason.replace("write to a folder you may write to", "check the permissions")
    verb = {True: "write", False: "read", None: "use"}[writing]
    return f"cannot {verb}{where}: {reason}"


def _is_os_failure(exc: BaseException) -> bool:
    if isinstance(exc, LeopardRangeError):
        return False
    if isinstance(exc, OSError):
        return True
    text = str(exc).lower()
    return any(key in text for key in _ERROR_TEXTS)


def _is_ours(real: Path, target: Path, scratch: Path | None) -> bool:
    """Whether ``real`` is the output, in it, or one of its temporary files or lock."""
    for path in (target, scratch):
        if path is not None and (real == real_path(path) or real_path(path) in real.parents):
            return True
    folder = real_path(target.parent)
    return real == folder or (
        real.parent == folder and real.name.startswith(f".{_safe_name(target)}.")
    )


@contextmanager
def _writing(target: Path, scratch: Path | None = None) -> Iterator[None]:
    """Turn a failure of the file system while writing ``target`` into one line naming it.

    An error naming a file outside ``target`` and ``scratch`` (a failed read) is left alone.
    """
    try:
        yield
    except Exception as exc:
        if not _is_os_failure(exc):
            raise
        named = getattr(exc, "filename", None)
        if named is not None and not _is_ours(real_path(named), target, scratch):
            raise
        raise ExportError(
            f"cannot write {str(target)!r}: {_failure(exc)} (nothing was written)"
        ) from exc


# ------------------------------------------------------------------------------ locking

_HELD: dict[str, list[int]] = {}  # lock file → [descriptor, depth] held by this process
_HELD_GUARD = threading.RLock()
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _safe_name(target: Path) -> str:
    """The output's name as a plain file name (no characters GDAL would parse)."""
    return _SAFE.sub("_", target.name)[:100] or "output"


def _lock_file(target: Path) -> Path:
    return target.parent / f".{_safe_name(target)}.lock"


def _temp_name(target: Path, what: str, suffix: str = "") -> Path:
    return target.parent / f".{_safe_name(target)}.{secrets.token_hex(4)}.{what}{suffix}"


def _leftover(target: Path) -> re.Pattern[str]:
    """Names of the temporary files and folders a writer of ``target`` makes."""
    name = re.escape(_safe_name(target))
    return re.compile(rf"^\.{name}\.[0-9a-z_]{{8}}\.(partial|old)([.-].*)?$")


def _owner_record() -> bytes:
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    return json.dumps(record).encode("utf-8")


def _owner_text(fd: int) -> str:
    try:
        record = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return f"process {record['pid']} on {record['host']}, since {record['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _acquire(lock: Path, target: Path) -> int:
    import fcntl

    for _ in range(50):
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner_text(fd)
            os.close(fd)
            raise OutputBusyError(
                f"another run ({owner}) is writing {str(target)!r}; wait for it to finish or "
                "choose another output"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        st = os.fstat(fd)
        if identity(lock) == (st.st_dev, st.st_ino):  # not unlinked by the last holder
            os.ftruncate(fd, 0)
            os.pwrite(fd, _owner_record(), 0)
            return fd
        os.close(fd)
    raise OutputBusyError(f"could not lock {str(target)!r}; another run keeps rewriting it")


def _is_input(path: Path) -> bool:
    real = real_path(path)
    return any(real == i.real or real in i.real.parents for i in noted_inputs())


def _clean_leftovers(target: Path) -> None:
    """Holding the lock: roll back a half-done swap, remove what killed runs left behind."""
    pattern = _leftover(target)
    try:
        names = sorted(os.listdir(target.parent))
    except OSError:
        return
    found = [(target.parent / n, m.group(1)) for n in names if (m := pattern.match(n))]
    for path, what in found:
        if _is_input(path):
            continue
        if what == "old" and (path / "old").exists() and not _lexists(target):
            os.replace(path / "old", target)  # a killed run moved the old output aside
            log.warning("restored %s, which an interrupted run had moved aside", target)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        log.info("removed %s, left by an interrupted run", path)


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the advisory lock of ``target`` (re-entrant within a process)."""
    lock = _lock_file(target)
    key = str(real_path(lock))
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held is not None:
            held[1] += 1
        else:
            try:
                import fcntl  # noqa: F401
            except ImportError:  # pragma: no cover - no advisory locks (Windows)
                held = _HELD[key] = [-1, 1]
            else:
                with _writing(target):
                    fd = _acquire(lock, target)
                held = _HELD[key] = [fd, 1]
                _clean_leftovers(target)
    try:
        yield
    finally:
        with _HELD_GUARD:
            held[1] -= 1
            if held[1] == 0:
                del _HELD[key]
                if held[0] >= 0:
                    lock.unlink(missing_ok=True)
                    os.close(held[0])


def _make_parents(target: Path) -> list[Path]:
    """Create the missing folders above ``target``; return those created, deepest first."""
    missing = []
    for parent in target.absolute().parents:
        if _lexists(parent):
            break
        missing.append(parent)
    with _writing(target):
        for folder in reversed(missing):
            folder.mkdir(exist_ok=True)
    return missing


def _remove_if_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


@contextmanager
def reserve_output(
    target: PathLike,
    *,
    overwrite: bool,
    inputs: Iterable[PathLike] = (),
    kind: Kind | None = None,
) -> Iterator[Path]:
    """Check ``target`` and hold its lock for the whole block (a command's whole run).

    Other runs writing ``target`` meanwhile are refused; the atomic writers inside the block
    share the lock. Folders created for the lock are removed again if nothing was written.

    Raises
    ------
    OutputBusyError
        If another run is writing ``target``.
    UnsafeOutputError, OutputExistsError, ExportError
        As :func:`check_output`.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "new" / "report"
    >>> with reserve_output(target, overwrite=False) as reserved:
    ...     reserved.name
    'report'
    >>> target.parent.exists()  # nothing was written: the folder made for the lock is gone
    False
    """
    target = check_output(target, overwrite=overwrite, inputs=inputs, kind=kind)
    created = _make_parents(target)
    try:
        with _locked(target):
            check_output(target, overwrite=overwrite, inputs=inputs, kind=kind)
            yield target
    finally:
        _remove_if_empty(created)


@contextmanager
def atomic_output_dir(
    target: PathLike, *, overwrite: bool = False, inputs: Iterable[PathLike] = ()
) -> Iterator[Path]:
    """Write a folder atomically: yield a temporary folder beside ``target``, then swap it in.

    A failure inside the block removes the temporary folder and leaves an existing
    ``target`` untouched; on success the old folder (if ``overwrite``) is replaced whole.

    Parameters
    ----------
    target
        The folder to write.
    overwrite
        Replace an existing ``target``.
    inputs
        Files the output must not be, hold or lie inside (besides those tracked).

    Raises
    ------
    OutputExistsError
        If ``target`` exists and ``overwrite`` is false.
    UnsafeOutputError
        If ``target`` is, holds or lies inside an input (see :func:`check_output`).
    OutputBusyError
        If another run is writing ``target``.
    ExportError
        If ``target`` is a file, or the file system fails (no space, read-only, …).

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_output_dir(target) as tmp:
    ...     _ = (tmp / "a.txt").write_text("done", encoding="utf-8")
    >>> sorted(p.name for p in target.iterdir())
    ['a.txt']
    >>> sorted(p.name for p in target.parent.iterdir())  # no lock or temporary folder left
    ['out']
    """
    target = Path(target)
    with reserve_output(target, overwrite=overwrite, inputs=inputs, kind="folder"):
        tmp = _temp_name(target, "partial")
        try:
            with _writing(target, tmp):
                tmp.mkdir()
                yield tmp
                _refuse_inputs(target, inputs)  # the block may have read more inputs
                _swap_dir(tmp, target, overwrite=overwrite)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def _swap_dir(tmp: Path, target: Path, *, overwrite: bool) -> None:
    if not _lexists(target):
        os.replace(tmp, target)
        return
    if not overwrite:  # appeared while the block ran
        raise OutputExistsError(
            f"{str(target)!r} appeared while this run was writing it; pass --overwrite "
            "(overwrite=True) to replace it, or choose another output"
        )
    backup = _temp_name(target, "old")
    backup.mkdir()
    os.replace(target, backup / "old")
    try:
        os.replace(tmp, target)
    except BaseException:
        os.replace(backup / "old", target)
        raise
    finally:
        shutil.rmtree(backup, ignore_errors=True)


@contextmanager
def atomic_output_file(
    target: PathLike, *, overwrite: bool = False, inputs: Iterable[PathLike] = ()
) -> Iterator[Path]:
    """Write a file atomically: yield a temporary path beside ``target``, then rename it.

    The temporary path keeps ``target``'s suffix, so format drivers picked by extension work,
    and its name holds no character a driver would parse (``;``, ``!``, ``?``).

    Raises
    ------
    OutputExistsError
        If ``target`` exists and ``overwrite`` is false; nothing is written then.
    UnsafeOutputError, OutputBusyError, ExportError
        As :func:`atomic_output_dir`.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_output_file(target) as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> target.read_text(encoding="utf-8")
    'done'
    """
    target = Path(target)
    with reserve_output(target, overwrite=overwrite, inputs=inputs, kind="file"):
        tmp = _temp_name(target, "partial", target.suffix)
        try:
            with _writing(target, tmp):
                yield tmp
                _refuse_inputs(target, inputs)
                if _lexists(target) and not overwrite:
                    raise OutputExistsError(
                        f"{str(target)!r} appeared while this run was writing it; pass "
                        "--overwrite (overwrite=True) to replace it, or choose another output"
                    )
                os.chmod(tmp, 0o666 & ~_umask())
                os.replace(tmp, target)
        finally:
            for left in tmp.parent.glob(tmp.name + "*"):  # the file and any sidecar of it
                if left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    left.unlink(missing_ok=True)


@contextmanager
def scratch_dir(target: PathLike) -> Iterator[Path]:
    """A temporary folder beside ``target`` for intermediate files, removed at the end.

    It is named like a partial output of ``target``, so a run killed while it exists leaves
    nothing the next writer of ``target`` does not remove.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "cwd.tif"
    >>> with scratch_dir(target) as tmp:
    ...     _ = (tmp / "warped.tif").write_bytes(b"")
    >>> list(target.parent.iterdir())
    []
    """
    target = Path(target)
    created = _make_parents(target)
    try:
        with _locked(target):
            tmp = _temp_name(target, "partial")
            try:
                with _writing(target):
                    tmp.mkdir()
                yield tmp
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    finally:
        _remove_if_empty(created)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
