"""Opening a raster file with one-line errors (lean: imports rasterio only when called)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from leopardrange.errors import DataSourceError, MemoryLimitError
from leopardrange.output import note_input, os_error_message


def available_memory_bytes() -> int:
    """Memory this process may still use, in bytes.

    The least of what the system has free (``MemAvailable``) and what its control group (a
    container's limit) still allows.

    Examples
    --------
    >>> available_memory_bytes() > 0
    True
    """
    limits: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text(encoding="ascii").strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text(encoding="ascii").strip()
        if limit != "max":
            limits.append(max(0, int(limit) - int(used)))
    except (OSError, ValueError):
        pass
    if not limits:
        try:
            limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
        except (OSError, ValueError, AttributeError):  # pragma: no cover - not POSIX
            return 2**62
    return min(limits)


def _gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB"


def check_memory(cells: int, bytes_per_cell: float, *, label: str) -> None:
    """Raise before allocating ``cells`` × ``bytes_per_cell`` bytes that are not available.

    Raises
    ------
    MemoryLimitError
        Naming the raster, its cell count, the memory needed and the memory available.

    Examples
    --------
    >>> check_memory(1_000_000, 8, label="raster 'R.tif'")  # 8 MB
    >>> check_memory(10**12, 4, label="raster 'R.tif'")
    Traceback (most recent call last):
    ...
    leopardrange.errors.MemoryLimitError: raster 'R.tif' has 1,000,000,000,000 cells: ...
    """
    need = cells * bytes_per_cell
    have = available_memory_bytes()
    if need > have:
        raise MemoryLimitError(
            f"{label} has {cells:,} cells: processing it needs about {_gib(need)} of memory, "
            f"and {_gib(have)} is available; clip it to the study area or use coarser cells "
            "(e.g. gdalwarp -tr)"
        )


def open_raster(path: Path, *, label: str, bytes_per_cell: float | None = None) -> Any:
    """Open ``path`` with rasterio, or raise :class:`DataSourceError` naming it.

    Parameters
    ----------
    path
        The raster file.
    label
        How to name the file in messages, e.g. ``"resistance raster 'R.tif'"``.
    bytes_per_cell
        Memory the caller will use per cell when it reads the whole raster: checked against
        the memory available before anything is allocated. ``None``: no check (windowed
        readers).

    Returns
    -------
    rasterio.io.DatasetReader
        The open dataset; the caller closes it (``with open_raster(...) as src``).

    Raises
    ------
    DataSourceError
        The file is missing, unreadable or not a raster.
    MemoryLimitError
        The raster's cells × ``bytes_per_cell`` exceed the memory available.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> with open_raster(datasets.path("landcover"), label="land cover", bytes_per_cell=1) as src:
    ...     src.count
    1
    """
    import rasterio
    from rasterio.errors import RasterioError

    note_input(path)
    try:
        is_file = Path(path).is_file()
    except (OSError, ValueError):
        is_file = False
    if not is_file:
        what = "is a directory" if Path(path).is_dir() else "does not exist"
        raise DataSourceError(f"{label} {what}")
    if not os.access(path, os.R_OK):
        raise DataSourceError(f"cannot read {label}: permission denied; check the permissions")
    try:
        src = rasterio.open(path)
    except RasterioError as exc:
        raise DataSourceError(f"cannot read {label}: {' '.join(str(exc).split())}") from exc
    except OSError as exc:
        raise DataSourceError(os_error_message(exc, path, writing=False)) from exc
    if bytes_per_cell is not None:
        try:
            check_memory(src.width * src.height, bytes_per_cell * src.count, label=label)
        except BaseException:
            src.close()
            raise
    return src
