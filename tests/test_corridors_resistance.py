"""Tests of leopardrange.corridors.resistance on a user's UTM land cover: snapping to its
grid (no resampling), its legend, the scale error recorded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio

from leopardrange.corridors import build_resistance
from leopardrange.corridors.recipe import ClassFactor, GridSpec, ResistanceRecipe
from leopardrange.errors import CRSError, LegendError
from tests.corridor_scenario import COSTS, build

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build(tmp_path_factory.mktemp("utm"))


def test_snapped_to_the_utm_land_cover_nothing_is_resampled(scenario, tmp_path: Path) -> None:
    surface = build_resistance(scenario.recipe)
    with rasterio.open(scenario.landcover) as src:
        lc, transform, crs = src.read(1), src.transform, src.crs
    assert surface.transform == transform and surface.shape == lc.shape
    assert surface.crs.to_epsg() == crs.to_epsg() == 32645
    assert surface.summary["snapped_to"] == scenario.landcover.name
    assert surface.summary["resampled_factors"] == []
    assert surface.summary["max_scale_error_pct"] == pytest.approx(0.04, abs=0.02)
    expected = np.vectorize(lambda c: COSTS.get(int(c), np.nan), otypes=[float])(lc)
    np.testing.assert_array_equal(surface.values, expected.astype(np.float32))  # cell by cell
    out = surface.write(tmp_path / "R.tif")
    with rasterio.open(out) as src:
        assert src.tags()["snapped_to"] == scenario.landcover.name
        assert float(src.tags()["max_scale_error_pct"]) == pytest.approx(0.04, abs=0.02)


def test_a_warped_factor_is_reported(scenario) -> None:
    spec = GridSpec(bounds=(86.9, 28.0, 87.2, 28.15), resolution_m=250, crs="auto")
    rec = ResistanceRecipe(
        spec,
        (ClassFactor("lc", scenario.landcover, {k: v for k, v in COSTS.items()}, default=1.0),),
    )
    surface = build_resistance(rec)
    assert surface.summary["resampled_factors"] == ["lc"]
    assert surface.summary["snapped_to"] is None


def test_the_legend_checks_costs_and_raster_values(scenario) -> None:
    spec = GridSpec(snap_to=scenario.landcover)
    wrong = ResistanceRecipe(
        spec, (ClassFactor("lc", scenario.landcover, COSTS, legend="worldcover"),)
    )
    with pytest.raises(
        LegendError, match=r"classes that are not in the ESA WorldCover legend: 1, 2"
    ):
        build_resistance(wrong)
    costs = {10: 1, 20: 2, 30: 3, 40: 4, 50: 5, 60: 6, 70: 7, 80: 8, 90: 9, 95: 10, 100: 11}
    unknown = ResistanceRecipe(
        spec, (ClassFactor("lc", scenario.landcover, costs, legend="worldcover"),)
    )
    with pytest.raises(
        LegendError,
        match=r"'lc_utm45n.tif' has values the ESA WorldCover legend does not know: 1, 2, 3, 4, 5",
    ):
        build_resistance(unknown)
    missing = ResistanceRecipe(
        spec, (ClassFactor("lc", scenario.landcover, {1: 1, 2: 2}, legend=str(scenario.legend)),)
    )
    with pytest.raises(Exception, match=r"class 3 \(Rock\) of lc_utm45n.tif has no cost"):
        build_resistance(missing)


def test_a_grid_crs_with_a_large_scale_error_is_refused(scenario) -> None:
    spec = GridSpec(bounds=(86.9, 28.0, 87.2, 28.15), resolution_m=250, crs="EPSG:32643")
    rec = ResistanceRecipe(spec, (ClassFactor("lc", scenario.landcover, COSTS, default=1.0),))
    with pytest.raises(
        CRSError,
        match=r'grid of the recipe is in EPSG:32643 .* local CRS, crs = "EPSG:32645" in \[grid\]',
    ):
        build_resistance(rec)
    assert build_resistance(rec, max_scale_error_pct=5).summary["max_scale_error_pct"] > 1
