"""The metric registry: the new parts are declared once and generate every output."""

from __future__ import annotations

import pytest

from leopardrange.metrics import (
    ClaimResult,
    check_metric_name,
    claimable,
    comparison_text,
    metric_unit,
    registry,
    shown_in,
)


def test_new_metrics_are_registered_with_units() -> None:
    reg = registry()
    for name, unit in (
        ("protected_areas_kept", "count"),
        ("protected_areas_dropped_count", "count"),
        ("breeding_outside_current_range", "count"),
        ("park_share_by_country_pct", "%"),
        ("protected_areas", ""),
        ("protected_areas_dropped", ""),
        ("range_filter", ""),
        ("repairs", ""),
    ):
        assert reg[name].unit == unit, name
    assert {"protected_areas_kept", "breeding_outside_current_range"} <= set(claimable())
    assert "protected_areas" not in claimable() and "range_filter" not in claimable()
    check_metric_name("breeding_outside_current_range", "claim #1")
    assert "breeding_outside_current_range" in [m.name for m in shown_in("summary")]


def claim(comparison: str, expected: float, tolerance: float, metric: str) -> ClaimResult:
    return ClaimResult("c", metric, None, None, comparison, expected, tolerance, 0.0, 0.0, False)


@pytest.mark.parametrize(
    ("comparison", "expected", "tolerance", "metric", "text"),
    [
        ("about", 60.0, 5.0, "park_share_of_current_range_pct", "60 % ± 5"),
        ("about", 2.96, 0.444, "range_epochs.2015.area_pct_of_first", "2.96 % ± 0.444"),
        ("about", 100.0, 0.0, "breeding_in_park_pct", "= 100 %"),
        ("at_least", 70.0, 0.0, "park_share_of_current_range_pct", "≥ 70 %"),
        ("at_least", 70.0, 5.0, "park_share_of_current_range_pct", "≥ 65 % (70 − 5)"),
        ("at_most", 10_709.0, 0.0, "range_epochs.2015.area_km2", "≤ 10,709 km²"),
        ("at_most", 3.0, 0.0, "fragmentation.n_patches", "≤ 3"),
        ("about", 12.0, 1.0, "protected_areas_kept", "12 ± 1"),
    ],
)
def test_claims_are_written_as_what_they_are(
    comparison: str, expected: float, tolerance: float, metric: str, text: str
) -> None:
    assert comparison_text(claim(comparison, expected, tolerance, metric)) == text


def test_metric_units() -> None:
    assert metric_unit("fragmentation.n_patches") == "count"
    assert metric_unit("no_such_metric") == ""
