"""Overlaps: areas measured by measure.total_area_km2, CRS problems as CRSError."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.errors import CRSError
from leopardrange.measure import total_area_km2
from leopardrange.overlap import intersection, overlap, split_by_zone
from tests.conftest import LAEA, square


def series(*geoms: shapely.Geometry, crs: object = LAEA) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=crs)


def test_overlap_known_answer() -> None:
    # a: two 10×10 km squares that overlap by half (union 15×10 km = 150 km²);
    # b: 10×10 km shifted north by 5 km, so a ∩ b is 10×5 km = 50 km²
    a = series(square(0, 0, 10_000), square(5_000, 0, 10_000))
    b = series(square(0, 5_000, 10_000))
    result = overlap(a, b)
    assert result["a_km2"] == pytest.approx(150.0)
    assert result["b_km2"] == pytest.approx(100.0)
    assert result["overlap_km2"] == pytest.approx(50.0)
    assert result["overlap_pct_of_a"] == pytest.approx(100 / 3)
    assert result["overlap_pct_of_b"] == pytest.approx(50.0)
    # the areas are the dissolved areas measure.total_area_km2 gives, to the last digit
    assert result["a_km2"] == total_area_km2(a)
    assert result["overlap_km2"] == total_area_km2(intersection(a, b))


def test_overlap_of_disjoint_and_empty_layers() -> None:
    a = series(square(0, 0, 10_000))
    assert overlap(a, series(square(50_000, 0, 10_000)))["overlap_km2"] == 0.0
    empty = overlap(a, series(crs=LAEA))
    assert (empty["b_km2"], empty["overlap_km2"], empty["overlap_pct_of_b"]) == (0.0, 0.0, 0.0)


def test_layers_in_different_crss_are_a_crs_error() -> None:
    a = series(square(0, 0, 10_000))
    b = a.to_crs(4326)
    message = (
        r"^the layers are in different CRSs \(LAEA 43°N 131°E and EPSG:4326 \(WGS 84\)\); "
        r"project both into one analysis CRS first, e.g. b.to_crs\(a.crs\)"
    )
    with pytest.raises(CRSError, match=message):
        overlap(a, b)
    with pytest.raises(CRSError, match=message):
        intersection(a, b)
    zones = gpd.GeoDataFrame({"name": ["x"]}, geometry=b)
    with pytest.raises(CRSError, match=message):
        split_by_zone(a, zones, name_field="name")


def test_a_layer_without_crs_is_a_crs_error() -> None:
    a = series(square(0, 0, 10_000))
    with pytest.raises(CRSError, match=r"^the second layer has no CRS; pass --assume-crs"):
        overlap(a, series(square(0, 0, 10_000), crs=None))
    with pytest.raises(ValueError, match="the first layer has no CRS"):  # CRSError is a ValueError
        intersection(series(square(0, 0, 10_000), crs=None), a)
