"""Rasters read onto a grid (private): warped when they must be, read as they are when not.

A raster whose cells are the grid's cells — same CRS, same cell size, an origin a whole number
of cells away — is read through a window: no value is resampled. Any other raster is warped
with :func:`rasterio.warp.reproject`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import CRSError, ResistanceError

from ._rasterfile import open_raster

__all__ = ["aligned_window", "float_profile", "resampling_method", "warp_to_grid"]


def resampling_method(name: str, user: str) -> Any:
    """The rasterio Resampling member called ``name``; ``user`` names who asked for it."""
    from rasterio.enums import Resampling

    try:
        return Resampling[name]
    except KeyError:
        valid = ", ".join(m.name for m in Resampling if m.value < 14)
        raise ResistanceError(f"resampling {name!r} of {user} is not one of: {valid}") from None


def _same_crs(a: Any, b: Any) -> bool:
    from pyproj import CRS

    try:
        return bool(CRS.from_user_input(a.to_wkt()).equals(CRS.from_user_input(b.to_wkt())))
    except Exception:
        return False


def aligned_window(src: Any, *, shape: tuple[int, int], transform: Any, crs: Any) -> Any:
    """The window of ``src`` holding exactly the grid's cells, or None if they are not its cells.

    Parameters
    ----------
    src : rasterio dataset
    shape, transform, crs
        The grid.

    Returns
    -------
    rasterio.windows.Window or None
        Rows and columns (possibly beyond the raster's edges) covering the grid.
    """
    from rasterio.windows import Window

    s, t = src.transform, transform
    if src.crs is None or not _same_crs(src.crs, crs):
        return None
    if s.b != 0 or s.d != 0 or t.b != 0 or t.d != 0:
        return None
    if not (math.isclose(s.a, t.a, rel_tol=1e-9) and math.isclose(s.e, t.e, rel_tol=1e-9)):
        return None
    col = (t.c - s.c) / s.a
    row = (t.f - s.f) / s.e
    if abs(col - round(col)) > 1e-6 or abs(row - round(row)) > 1e-6:
        return None
    return Window(round(col), round(row), shape[1], shape[0])


def warp_to_grid(
    path: str | os.PathLike[str],
    *,
    shape: tuple[int, int],
    transform: Any,
    crs: Any,
    resampling: str = "nearest",
    what: str = "raster",
) -> tuple[np.ndarray, dict[str, str], bool]:
    """Band 1 of a raster on a grid: read as it is when its cells are the grid's, else warped.

    Parameters
    ----------
    path : path
        Single-band raster with a CRS.
    shape, transform, crs
        The target grid: ``(rows, cols)``, geotransform and CRS.
    resampling : str, default "nearest"
        rasterio resampling method name, when the raster must be warped.
    what : str
        How to name the raster in messages (e.g. ``"factor 'land cover'"``).

    Returns
    -------
    values : ndarray of float64
        The values on the grid; NaN at the raster's nodata and outside it.
    tags : dict
        The band's tags (e.g. ``class_names`` of a land-cover raster).
    resampled : bool
        False when the raster's own cells were read (no value resampled).

    Raises
    ------
    DataSourceError
        Missing or unreadable file.
    CRSError
        The raster has no CRS.
    """
    import rasterio
    from rasterio.warp import reproject

    p = Path(path)
    with open_raster(p, label=f"raster {str(p)!r} of {what}") as src:
        if src.crs is None:
            raise CRSError(
                f"raster {str(p)!r} of {what} has no CRS; assign it (e.g. "
                "gdal_edit.py -a_srs EPSG:4326) so it can be warped to the grid"
            )
        tags = dict(src.tags(1))
        window = aligned_window(src, shape=shape, transform=transform, crs=crs)
        if window is not None:
            masked = src.read(1, window=window, boundless=True, masked=True)
            out = np.ma.filled(masked.astype(np.float64), np.nan)
            if np.issubdtype(np.dtype(src.dtypes[0]), np.floating):
                out[~np.isfinite(out)] = np.nan
            return out, tags, False
        out = np.full(shape, np.nan, dtype=np.float64)
        reproject(
            source=rasterio.band(src, 1),
            destination=out,
            src_nodata=src.nodata,
            dst_transform=transform,
            dst_crs=crs,
            dst_nodata=np.nan,
            resampling=resampling_method(resampling, what),
        )
    return out, tags, True


def float_profile(
    shape: tuple[int, int], *, crs: Any, transform: Any, nodata: float
) -> dict[str, Any]:
    """GeoTIFF profile of a single-band float32 raster (tiled, deflate, predictor 3)."""
    return {
        "driver": "GTiff",
        "height": shape[0],
        "width": shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 3,
    }
