"""Tests of leopardrange.units: the constants and conversions, with known answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leopardrange import units


def test_constants() -> None:
    assert units.M_PER_KM == 1_000.0
    assert units.M2_PER_KM2 == units.M_PER_KM**2
    assert units.HA_PER_KM2 == 100.0


def test_known_conversions() -> None:
    assert units.m2_to_km2(2_500_000.0) == 2.5
    assert units.ha_to_km2(250.0) == 2.5
    assert units.km2_to_ha(2.5) == 250.0


@given(st.floats(min_value=0.0, max_value=1e12, allow_nan=False))
def test_hectares_round_trip(area_km2: float) -> None:
    assert units.ha_to_km2(units.km2_to_ha(area_km2)) == pytest.approx(area_km2, rel=1e-15)
