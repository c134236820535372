"""Tests of leopardrange.export.layers: what an export holds, where, in which CRS."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from leopardrange import datasets
from leopardrange.errors import CRSError
from leopardrange.export.layers import (
    ANALYSIS,
    BASE,
    EPOCHS,
    ExportPlan,
    collect,
    geometry_kind,
    read_raster_layer,
)


def test_geometry_kind_is_the_kind_most_features_have() -> None:
    def kinds(*geoms: shapely.Geometry) -> str:
        return geometry_kind(gpd.GeoDataFrame(geometry=list(geoms), crs=3035))

    assert kinds(shapely.box(0, 0, 1, 1)) == "polygon"
    assert kinds(shapely.Point(0, 0), shapely.MultiPoint([(0, 0), (1, 1)])) == "point"
    assert kinds(shapely.LineString([(0, 0), (1, 1)])) == "line"
    assert kinds() == "polygon"


@pytest.fixture(scope="module")
def plan() -> ExportPlan:
    return collect()  # the embedded Amur leopard study


def test_study_layers_keep_their_crs_and_analysis_layers_are_equal_area(plan: ExportPlan) -> None:
    groups = {layer.group for layer in plan.layers}
    assert groups == {BASE, EPOCHS, ANALYSIS}
    for layer in plan.layers:
        if layer.origin == "analysis":
            assert layer.frame.crs.equals(plan.analysis_crs)
            assert "area_km2" in layer.frame.columns
        else:
            assert layer.frame.crs.to_epsg() == 4326
    names = [layer.name for layer in plan.layers]
    assert len(names) == len(set(names))
    assert all(n.replace("_", "").isalnum() and n.isascii() and n == n.lower() for n in names)


def test_epoch_layers_follow_the_study_epochs(plan: ExportPlan) -> None:
    assert plan.current_epoch == plan.epochs[-1] == "2021"
    assert len([layer for layer in plan.layers if layer.group == EPOCHS]) >= 1


def test_a_raster_without_crs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.tif"
    transform = from_origin(0, 200, 100, 100)
    with rasterio.open(
        path, "w", driver="GTiff", height=2, width=2, count=1, dtype="float32", transform=transform
    ) as dst:
        dst.write(np.ones((1, 2, 2), dtype="float32"))
    with pytest.raises(CRSError, match="CRS"):
        read_raster_layer(path, set())
    assert read_raster_layer(datasets.path("elevation"), set()).name == "elevation"
