"""Tests of leopardrange.export.outputs: the QGIS projects beside corridor and linkage outputs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from rasterio.transform import from_origin

from leopardrange.corridors import least_cost_corridor, linkage_network, write_resistance
from leopardrange.export.outputs import (
    CORRIDOR_PROJECT,
    LINKAGES_PROJECT,
    corridor_project,
    linkage_project,
)

UTM = "EPSG:32645"


def resistance(folder: Path) -> Path:
    write_resistance(
        np.ones((3, 6)),
        folder / "R.tif",
        crs=UTM,
        transform=from_origin(500_000, 3_000_300, 100, 100),
    )
    return folder / "R.tif"


def project_root(qgz: Path) -> ET.Element:
    with zipfile.ZipFile(qgz) as archive:
        [name] = archive.namelist()
        text = archive.read(name).decode()
    return ET.fromstring(text.split("\n", 1)[1])


def datasources(qgz: Path) -> list[str]:
    return [str(layer.findtext("datasource")) for layer in project_root(qgz).iter("maplayer")]


def test_corridor_project_points_at_its_files_and_the_resistance(tmp_path: Path) -> None:
    r = resistance(tmp_path)
    result = least_cost_corridor(
        r, shapely.Point(500_050, 3_000_150), shapely.Point(500_550, 3_000_150)
    )
    out = result.write(
        tmp_path / "c",
        extra=lambda tmp: corridor_project(
            tmp, out_dir=tmp_path / "c", metrics=result.metrics, resistance=r
        ),
    )
    sources = datasources(out / CORRIDOR_PROJECT)
    assert "../R.tif" in sources  # relative to the output folder, so both can move together
    assert all(not s.startswith("/") for s in sources)
    assert len(sources) >= 2


def test_linkage_project_holds_the_network(tmp_path: Path) -> None:
    r = resistance(tmp_path)
    cores = gpd.GeoDataFrame(
        {"name": ["A", "B"]},
        crs=UTM,
        geometry=[
            shapely.box(500_000, 3_000_000, 500_200, 3_000_300),
            shapely.box(500_400, 3_000_000, 500_600, 3_000_300),
        ],
    )
    net = linkage_network(r, cores)
    out = net.write(
        tmp_path / "n",
        extra=lambda tmp: linkage_project(
            tmp, out_dir=tmp_path / "n", summary=net.summary, resistance=r
        ),
    )
    sources = datasources(out / LINKAGES_PROJECT)
    assert "../R.tif" in sources
    assert all(not s.startswith("/") for s in sources)
