"""Tests of leopardrange.rangeloss: epochs dissolved, loss against the first, lost and retained."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.errors import LeopardRangeError
from leopardrange.rangeloss import current_epoch, epoch_ranges, lost_and_retained, range_loss
from tests.conftest import LAEA


def layer() -> gpd.GeoDataFrame:
    # 1950: 20×10 km in two touching features (200 km²); 2000: 5×10 km (50 km²)
    return gpd.GeoDataFrame(
        {"epoch": ["then", "then", "now"], "year": [1950, 1950, 2000]},
        geometry=[
            shapely.box(0, 0, 10_000, 10_000),
            shapely.box(10_000, 0, 20_000, 10_000),
            shapely.box(0, 0, 5_000, 10_000),
        ],
        crs=LAEA,
    )


def test_epoch_ranges_are_dissolved_oldest_first() -> None:
    epochs = epoch_ranges(layer())
    assert epochs.index.tolist() == ["then", "now"]
    assert epochs["year"].tolist() == [1950, 2000]
    assert epochs.geometry.iloc[0].area == pytest.approx(200e6)


def test_range_loss_known_answer() -> None:
    loss = range_loss(layer())
    assert loss.loc["then", "area_km2"] == pytest.approx(200.0, rel=1e-9)
    assert loss.loc["now", "area_km2"] == pytest.approx(50.0, rel=1e-9)
    assert loss.loc["now", "loss_vs_first_pct"] == pytest.approx(75.0, rel=1e-9)


def test_current_epoch_is_the_latest_or_the_one_asked() -> None:
    epochs = epoch_ranges(layer())
    assert current_epoch(epochs) == "now"
    assert current_epoch(epochs, "then") == "then"
    with pytest.raises(LeopardRangeError, match="nope"):
        current_epoch(epochs, "nope")


def test_lost_and_retained_areas() -> None:
    first = gpd.GeoSeries([shapely.box(0, 0, 20_000, 10_000)], crs=LAEA)
    current = gpd.GeoSeries([shapely.box(15_000, 0, 25_000, 10_000)], crs=LAEA)
    parts = lost_and_retained(first, current)
    assert (parts.area / 1e6).to_dict() == {
        "lost": pytest.approx(150.0),
        "retained": pytest.approx(50.0),
        "gained": pytest.approx(50.0),
    }
