"""Shared fixtures: layers built in code with known answers."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import settings

# Timing is not what these properties test, and a shared 2-core machine makes per-example
# deadlines flaky: no deadline (speed is measured in benchmarks/).
settings.register_profile("leopardrange", deadline=None)
settings.load_profile("leopardrange")

#: LAEA centred on the Amur leopard landscape; a 10×10 km box in it is exactly 100 km².
LAEA = "+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


def square(x0: float, y0: float, side_m: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x0 + side_m, y0 + side_m)


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Two squares in LAEA: 10×10 km (100 km²) and 20×10 km (200 km²), non-ASCII names."""
    return gpd.GeoDataFrame(
        {"name": ["Земля леопарда", "东北虎豹国家公园"]},
        geometry=[square(0, 0, 10_000), shapely.box(20_000, 0, 40_000, 10_000)],
        crs=LAEA,
    )


@pytest.fixture
def gis_dir(tmp_path: Path, squares: gpd.GeoDataFrame) -> Path:
    """A folder of good and bad GIS files for the I/O and CLI tests."""
    squares.to_file(tmp_path / "study.gpkg", layer="park")
    squares.to_crs(4326).to_file(tmp_path / "study.gpkg", layer="park_wgs84")
    squares.iloc[:0].to_file(tmp_path / "study.gpkg", layer="empty")
    gpd.GeoDataFrame(
        {"name": ["Barabash"]}, geometry=[shapely.Point(131.4889, 43.1917)], crs=4326
    ).to_file(tmp_path / "study.gpkg", layer="towns")
    squares.to_crs(4326).to_file(tmp_path / "park.shp", encoding="UTF-8")
    squares.to_crs(4326).to_file(tmp_path / "park.geojson")
    bow = shapely.Polygon([(131.0, 43.0), (131.1, 43.1), (131.1, 43.0), (131.0, 43.1)])
    gpd.GeoDataFrame({"name": ["bow-tie"]}, geometry=[bow], crs=4326).to_file(
        tmp_path / "bowtie.gpkg", layer="bowtie"
    )
    nocrs = gpd.GeoDataFrame({"name": ["x"]}, geometry=[square(0, 0, 10_000)])
    with warnings.catch_warnings():  # pyogrio warns that the file will have no CRS: intended
        warnings.simplefilter("ignore", UserWarning)
        nocrs.to_file(tmp_path / "nocrs.shp")
    (tmp_path / "notes.txt").write_text("not a GIS file\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


@pytest.fixture
def uniform(tmp_path: Path) -> Path:
    """A uniform-cost grid (tests/corridor_grids.py)."""
    from tests.corridor_grids import COLS, ROWS, write_grid

    return write_grid(tmp_path / "uniform.tif", np.ones((ROWS, COLS)))


@pytest.fixture
def wall(tmp_path: Path) -> Path:
    """Uniform 1 with a nodata wall at column 25, open only at row 4."""
    from tests.corridor_grids import COLS, NODATA, ROWS, write_grid

    r = np.ones((ROWS, COLS))
    r[:, 25] = NODATA
    r[4, 25] = 1.0
    return write_grid(tmp_path / "wall.tif", r)
