"""Tests of leopardrange.fragmentation: patches and effective mesh size, known answers."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.errors import CRSError
from leopardrange.fragmentation import PatchMetrics, patch_metrics, patches
from tests.conftest import LAEA


def test_touching_polygons_are_one_patch() -> None:
    parts = gpd.GeoSeries(
        [shapely.box(0, 0, 10_000, 10_000), shapely.box(10_000, 0, 20_000, 10_000)], crs=LAEA
    )
    out = patches(parts)
    assert len(out) == 1
    assert out["area_km2"].iloc[0] == pytest.approx(200.0, rel=1e-6)


def test_mesh_size_of_two_patches() -> None:
    # 100 km² and 300 km²: largest 75 %, mesh (100² + 300²) / 400 = 250 km²
    two = gpd.GeoSeries(
        [shapely.box(0, 0, 10_000, 10_000), shapely.box(20_000, 0, 50_000, 10_000)], crs=LAEA
    )
    m = patch_metrics(two)
    assert isinstance(m, PatchMetrics)
    assert m.n_patches == 2
    assert m.largest_patch_pct == pytest.approx(75.0, rel=1e-6)
    assert m.effective_mesh_size_km2 == pytest.approx(250.0, rel=1e-6)


def test_one_patch_mesh_equals_its_area() -> None:
    one = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000)], crs=LAEA)
    m = patch_metrics(one)
    assert (m.n_patches, m.largest_patch_pct) == (1, pytest.approx(100.0))
    assert m.effective_mesh_size_km2 == pytest.approx(100.0, rel=1e-6)


def test_missing_crs_is_refused() -> None:
    with pytest.raises(CRSError, match="CRS"):
        patch_metrics(gpd.GeoSeries([shapely.box(0, 0, 1, 1)]))
