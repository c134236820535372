"""Small synthetic grids in LAEA (100 m cells) with known least-cost answers.

Uniform cost, a wall with one gap, a channel of known width, cores in a row; the ``uniform``
and ``wall`` fixtures (conftest.py) write the first two.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.transform import from_origin

from tests.conftest import LAEA

RES = 100.0
ROWS, COLS = 30, 50
NODATA = -9999.0


def write_grid(path: Path, data: np.ndarray, *, crs=LAEA, transform=None) -> Path:
    t = transform if transform is not None else from_origin(0.0, data.shape[0] * RES, RES, RES)
    profile = {
        "driver": "GTiff",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": t,
        "nodata": NODATA,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype(np.float32), 1)
    return path


def centre(row: int, col: int) -> shapely.Point:
    return shapely.Point((col + 0.5) * RES, (ROWS - row - 0.5) * RES)


def cell_box(r0: int, c0: int, r1: int, c1: int) -> shapely.Polygon:
    """Polygon covering rows r0..r1-1 and cols c0..c1-1 exactly."""
    return shapely.box(c0 * RES, (ROWS - r1) * RES, c1 * RES, (ROWS - r0) * RES)


def frame(*geoms, names=None) -> gpd.GeoDataFrame:
    data = {"name": names} if names else {}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=LAEA)


def row_of_cores() -> gpd.GeoDataFrame:
    return frame(
        cell_box(12, 2, 18, 8),
        cell_box(12, 22, 18, 28),
        cell_box(12, 42, 18, 48),
        names=["west", "middle", "east"],
    )
