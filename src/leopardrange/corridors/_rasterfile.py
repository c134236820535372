"""Opening a raster file with one-line errors (lean: imports rasterio only when called)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leopardrange.errors import DataSourceError


def open_raster(path: Path, *, label: str) -> Any:
    """Open ``path`` with rasterio, or raise :class:`DataSourceError` naming it.

    Parameters
    ----------
    path
        The raster file.
    label
        How to name the file in messages, e.g. ``"resistance raster 'R.tif'"``.

    Returns
    -------
    rasterio.io.DatasetReader
        The open dataset; the caller closes it (``with open_raster(...) as src``).
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    if not Path(path).is_file():
        raise DataSourceError(f"{label} does not exist")
    try:
        return rasterio.open(path)
    except RasterioIOError as exc:
        raise DataSourceError(f"cannot read {label}: {exc}") from exc
