"""Tests of leopardrange.export.gpkg: tables round trip, styles stored as QGIS reads them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from leopardrange.export.gpkg import (
    GEOMETRY_COLUMN,
    read_layer_styles,
    write_gpkg,
    write_layer_styles,
)
from tests.conftest import LAEA


def frames() -> list[tuple[str, gpd.GeoDataFrame]]:
    park = gpd.GeoDataFrame(
        {"name": ["Земля леопарда"], "area_km2": [100.0]},
        geometry=[shapely.box(0, 0, 10_000, 10_000)],
        crs=LAEA,
    )
    towns = gpd.GeoDataFrame(
        {"name": ["Barabash"]}, geometry=[shapely.Point(131.4889, 43.1917)], crs=4326
    )
    return [("park", park), ("towns", towns)]


def test_tables_round_trip_in_their_own_crs(tmp_path: Path) -> None:
    gpkg = write_gpkg(frames(), tmp_path / "s.gpkg")
    assert pyogrio.list_layers(gpkg)[:, 0].tolist() == ["park", "towns"]
    park = gpd.read_file(gpkg, layer="park")
    assert pyogrio.read_info(gpkg, layer="park")["geometry_name"] == GEOMETRY_COLUMN
    assert park["name"].tolist() == ["Земля леопарда"]
    assert park.crs.equals(frames()[0][1].crs)
    assert park.geometry.iloc[0].equals(shapely.box(0, 0, 10_000, 10_000))
    assert gpd.read_file(gpkg, layer="towns").crs.to_epsg() == 4326


def test_styles_are_stored_per_table_as_default(tmp_path: Path) -> None:
    gpkg = write_gpkg(frames(), tmp_path / "s.gpkg")
    write_layer_styles(gpkg, {"park": "<qgis>park</qgis>", "towns": "<qgis>towns</qgis>"})
    styles = read_layer_styles(gpkg).set_index("f_table_name")
    assert styles.loc["park", "styleQML"] == "<qgis>park</qgis>"
    assert styles.loc["towns", "f_geometry_column"] == GEOMETRY_COLUMN
    assert styles["useAsDefault"].astype(bool).all()


def test_each_table_records_the_credits_of_its_data(tmp_path: Path) -> None:
    """What a licence asks to be shown travels with the table (read back by datasets)."""
    from leopardrange.datasets import attribution, credits_of

    credits = {"park": ("© OpenStreetMap contributors", "© GeoNames")}
    gpkg = write_gpkg(frames(), tmp_path / "s.gpkg", credits=credits)
    assert credits_of([(gpkg, "park"), (gpkg, "towns")]) == credits["park"]
    assert attribution("towns", path=gpkg) is None  # no credits given: none recorded
