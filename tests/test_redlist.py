from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.errors import CRSError
from leopardrange.fragmentation import patch_metrics
from leopardrange.redlist import aoo_cells, aoo_km2, criterion_b, eoo_km2
from tests.conftest import LAEA, square


def pts(*xy: tuple[float, float]) -> gpd.GeoSeries:
    return gpd.GeoSeries([shapely.Point(x, y) for x, y in xy], crs=LAEA)


def test_aligned_square_is_one_cell_and_shifted_square_four() -> None:
    aligned = gpd.GeoSeries([square(2_000, 2_000, 2_000)], crs=LAEA)
    assert aoo_km2(aligned)["aoo_km2"] == pytest.approx(4.0)
    shifted = gpd.GeoSeries([square(1_000, 1_000, 2_000)], crs=LAEA)
    result = aoo_km2(shifted)
    assert result["aoo_km2"] == pytest.approx(16.0)  # fixed grid: straddles 4 cells
    assert result["aoo_min_km2"] == pytest.approx(4.0)  # the 1 km shift fits it in one
    assert result["best_shift_m"] == [1_000.0, 1_000.0]
    assert result["origin_m"] == [0.0, 0.0]
    assert len(result["shifts_m"]) == 16


def test_touching_a_cell_edge_does_not_occupy_it() -> None:
    # a square exactly on cell (0..2 km); its edges touch 8 neighbours but their interiors no
    assert len(aoo_cells(gpd.GeoSeries([square(0, 0, 2_000)], crs=LAEA))) == 1


def test_points_count_the_cells_that_hold_them() -> None:
    assert aoo_km2(pts((100, 100), (1_900, 1_900)))["aoo_km2"] == pytest.approx(4.0)
    assert aoo_km2(pts((100, 100), (2_100, 100)))["aoo_km2"] == pytest.approx(8.0)


def test_eoo_of_a_single_point_is_raised_to_aoo() -> None:
    one = pts((500, 500))
    aoo = aoo_km2(one)["aoo_km2"]
    assert eoo_km2(one) == 0.0
    assert eoo_km2(one, aoo=aoo) == pytest.approx(4.0)


def test_eoo_of_collinear_points_is_raised_to_aoo() -> None:
    line = pts((1_000, 1_000), (5_000, 1_000), (9_000, 1_000))
    aoo = aoo_km2(line)["aoo_km2"]
    assert aoo == pytest.approx(12.0)
    assert eoo_km2(line) == 0.0
    assert eoo_km2(line, aoo=aoo) == pytest.approx(12.0)


def test_eoo_is_the_hull_area() -> None:
    triangle = pts((0, 0), (10_000, 0), (0, 10_000))
    assert eoo_km2(triangle) == pytest.approx(50.0)
    two_squares = gpd.GeoSeries([square(0, 0, 10_000), square(20_000, 0, 10_000)], crs=LAEA)
    assert eoo_km2(two_squares) == pytest.approx(300.0)


def test_eoo_and_aoo_need_a_projected_crs() -> None:
    lonlat = gpd.GeoSeries([shapely.box(131, 43, 132, 44)], crs=4326)
    message = (
        r"EOO and AOO need a projected equal-area CRS, but the range is in EPSG:4326 \(WGS 84\); "
        r"project it first, e.g. data.to_crs\(leopardrange.crs.equal_area_crs\(data\)\)"
    )
    for measure in (eoo_km2, aoo_km2, aoo_cells):
        with pytest.raises(CRSError, match=message):
            measure(lonlat)
    with pytest.raises(CRSError, match="the range has no CRS"):
        aoo_km2(gpd.GeoSeries([square(0, 0, 2_000)]))


@pytest.mark.parametrize(
    ("eoo", "aoo", "b1", "b2"),
    [
        (99.9, 9.9, "CR", "CR"),
        (100.0, 10.0, "EN", "EN"),
        (4_999.0, 499.0, "EN", "EN"),
        (5_000.0, 500.0, "VU", "VU"),
        (19_999.0, 1_999.0, "VU", "VU"),
        (20_000.0, 2_000.0, None, None),
    ],
)
def test_criterion_b_thresholds_are_strict(eoo: float, aoo: float, b1: str, b2: str) -> None:
    result = criterion_b(eoo=eoo, aoo=aoo)
    assert result["B1"]["meets"] == b1
    assert result["B2"]["meets"] == b2
    assert "at least two" in result["note"]


def test_fragmentation_of_two_patches() -> None:
    two = gpd.GeoSeries([square(0, 0, 10_000), shapely.box(50_000, 0, 80_000, 10_000)], crs=LAEA)
    m = patch_metrics(two)
    assert m["n_patches"] == 2
    assert m["largest_patch_pct"] == pytest.approx(75.0)
    assert m["mean_patch_km2"] == pytest.approx(200.0)
    assert m["effective_mesh_size_km2"] == pytest.approx((100**2 + 300**2) / 400)


def test_touching_patches_merge() -> None:
    touching = gpd.GeoSeries([square(0, 0, 10_000), square(10_000, 0, 10_000)], crs=LAEA)
    assert patch_metrics(touching)["n_patches"] == 1
