"""Tests of leopardrange.report.result: what a report found, looked up by epoch and metric."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.report.compute import compute
from leopardrange.report.result import ReportInfo, ReportResult
from tests.conftest import LAEA


@pytest.fixture(scope="module")
def result() -> ReportResult:
    layers = {
        "range": gpd.GeoDataFrame(
            {"epoch": ["then", "now"], "year": [1950, 2000]},
            geometry=[shapely.box(0, 0, 40_000, 10_000), shapely.box(0, 0, 10_000, 10_000)],
            crs=LAEA,
        ),
        "park": gpd.GeoDataFrame(
            {"name": ["P"]}, geometry=[shapely.box(0, 0, 2_000, 10_000)], crs=LAEA
        ),
    }
    return compute(layers, info=ReportInfo(name="Test range", species="Panthera pardus"))


def test_epochs_by_name(result: ReportResult) -> None:
    assert [e.epoch for e in result.epochs] == ["then", "now"]
    assert result.current is result.epoch("now")
    assert result.epoch("now").area_pct_of_first == pytest.approx(25.0, rel=1e-6)
    with pytest.raises(KeyError, match="no epoch 'nope'; epochs: then, now"):
        result.epoch("nope")


def test_metrics_and_info(result: ReportResult) -> None:
    assert result.metrics["current_epoch"] == "now"
    assert result.info.name == "Test range" and result.info.species == "Panthera pardus"
    assert result.claims_passed  # no claims: none failed
    assert result.coverage.park_share_of_current_range_pct == pytest.approx(20.0, rel=1e-6)


def test_info_labels_default_to_empty() -> None:
    assert ReportInfo(name="x").labels == {}
