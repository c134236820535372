"""Tests of leopardrange.report.compute: the report's numbers on layers with known answers."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.report.compute import compute
from leopardrange.study import Claim
from tests.conftest import LAEA


def layers() -> dict[str, gpd.GeoDataFrame]:
    # range 1950: 20×10 km (200 km²); 2000: the western 10×10 km (100 km²);
    # park: 10×10 km straddling the 2000 range's eastern edge (50 km² inside it)
    return {
        "range": gpd.GeoDataFrame(
            {"epoch": ["then", "now"], "year": [1950, 2000]},
            geometry=[shapely.box(0, 0, 20_000, 10_000), shapely.box(0, 0, 10_000, 10_000)],
            crs=LAEA,
        ),
        "park": gpd.GeoDataFrame(
            {"name": ["P"]}, geometry=[shapely.box(5_000, 0, 15_000, 10_000)], crs=LAEA
        ),
    }


def test_known_areas_and_shares() -> None:
    result = compute(layers())
    assert result.current.epoch == "now"
    assert result.epoch("then").area_km2 == pytest.approx(200.0, rel=1e-6)
    assert result.epoch("now").area_pct_of_first == pytest.approx(50.0, rel=1e-6)
    assert result.coverage.park_share_of_current_range_pct == pytest.approx(50.0, rel=1e-6)
    [park] = result.protected_areas.protected_areas
    assert (park.name, park.in_current_range_km2) == ("P", pytest.approx(50.0, rel=1e-6))


def test_geodesic_agrees_with_equal_area() -> None:
    a = compute(layers()).coverage.park_share_of_current_range_pct
    b = compute(layers(), area_method="geodesic").coverage.park_share_of_current_range_pct
    assert b == pytest.approx(a, rel=1e-3)


def test_claims_are_checked() -> None:
    claims = [
        Claim("half", "park_share_of_current_range_pct", expected=50.0, tolerance=0.5),
        Claim("most", "park_share_of_current_range_pct", expected=60.0, comparison="at_least"),
    ]
    result = compute(layers(), claims=claims)
    assert [(c.id, c.passed) for c in result.claims] == [("half", True), ("most", False)]


def test_current_epoch_can_be_chosen() -> None:
    result = compute(layers(), current_epoch="then")
    assert result.current.epoch == "then"
    assert result.coverage.park_share_of_current_range_pct == pytest.approx(50.0, rel=1e-6)


def test_analysis_layers_have_known_areas_whenever_they_are_read() -> None:
    """The derived layers are computed on first use; their keys and areas do not change."""
    result = compute(layers())
    keys = list(result.layers)
    assert keys[:2] == ["range_epochs", "park"]
    assert {"range_lost", "range_retained", "aoo_cells"} <= set(keys)

    def km2(key: str) -> float:
        return float(result.layers[key].area.sum() / 1e6)

    # then: 20×10 km; now: its western half; park: 10×10 km from x = 5 km
    assert km2("range_lost") == pytest.approx(100.0)
    assert km2("range_retained") == pytest.approx(100.0)
    assert km2("park_in_current_range") == pytest.approx(50.0)
    assert km2("current_range_outside_park") == pytest.approx(50.0)
    assert result.layers["range_lost"] is result.layers["range_lost"]  # computed once
    assert list(result.layers) == keys and len(result.layers) == len(keys)
    assert "range_lost" in repr(result.layers)
