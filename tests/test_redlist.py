from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.errors import CRSError
from leopardrange.fragmentation import patch_metrics
from leopardrange.redlist import aoo, aoo_cells, criterion_b, eoo
from tests.conftest import LAEA, square


def pts(*xy: tuple[float, float]) -> gpd.GeoSeries:
    return gpd.GeoSeries([shapely.Point(x, y) for x, y in xy], crs=LAEA)


def test_aligned_square_is_one_cell_and_shifted_square_four() -> None:
    aligned = gpd.GeoSeries([square(2_000, 2_000, 2_000)], crs=LAEA)
    assert aoo(aligned).aoo_km2 == pytest.approx(4.0)
    shifted = gpd.GeoSeries([square(1_000, 1_000, 2_000)], crs=LAEA)
    result = aoo(shifted)
    assert result.aoo_km2 == pytest.approx(16.0)  # fixed grid: straddles 4 cells
    assert result.aoo_min_km2 == pytest.approx(4.0)  # the 1 km shift fits it in one
    assert result.grid.best_shift_m == (1_000.0, 1_000.0)
    assert result.grid.origin_m == (0.0, 0.0)
    assert len(result.grid.shifts_m) == 16


def test_touching_a_cell_edge_does_not_occupy_it() -> None:
    # a square exactly on cell (0..2 km); its edges touch 8 neighbours but their interiors no
    assert len(aoo_cells(gpd.GeoSeries([square(0, 0, 2_000)], crs=LAEA))) == 1


def test_points_count_the_cells_that_hold_them() -> None:
    assert aoo(pts((100, 100), (1_900, 1_900))).aoo_km2 == pytest.approx(4.0)
    assert aoo(pts((100, 100), (2_100, 100))).aoo_km2 == pytest.approx(8.0)


def test_eoo_of_a_single_point_is_raised_to_aoo() -> None:
    one = pts((500, 500))
    aoo_one = aoo(one).aoo_km2
    assert eoo(one).eoo_km2 == 0.0
    assert eoo(one, aoo_km2=aoo_one).eoo_km2 == pytest.approx(4.0)
    assert eoo(one, aoo_km2=aoo_one).raised_to_aoo


def test_eoo_of_collinear_points_is_raised_to_aoo() -> None:
    line = pts((1_000, 1_000), (5_000, 1_000), (9_000, 1_000))
    aoo_line = aoo(line).aoo_km2
    assert aoo_line == pytest.approx(12.0)
    assert eoo(line).eoo_km2 == 0.0
    assert eoo(line, aoo_km2=aoo_line).eoo_km2 == pytest.approx(12.0)


def test_eoo_is_the_hull_area() -> None:
    triangle = pts((0, 0), (10_000, 0), (0, 10_000))
    assert eoo(triangle).eoo_km2 == pytest.approx(50.0)
    two_squares = gpd.GeoSeries([square(0, 0, 10_000), square(20_000, 0, 10_000)], crs=LAEA)
    assert eoo(two_squares).eoo_km2 == pytest.approx(300.0)


def test_eoo_and_aoo_project_geographic_data_to_an_equal_area_crs() -> None:
    lonlat = gpd.GeoSeries([shapely.box(131, 43, 131.5, 43.5)], crs=4326)
    laea = lonlat.to_crs("+proj=laea +lat_0=43.25 +lon_0=131.25 +datum=WGS84 +units=m")
    assert eoo(lonlat).eoo_km2 == pytest.approx(eoo(laea).eoo_km2, rel=1e-6)
    assert aoo(lonlat).aoo_km2 == aoo(laea).aoo_km2


def test_eoo_and_aoo_need_a_crs() -> None:
    with pytest.raises(CRSError, match="no CRS"):
        eoo(gpd.GeoSeries([shapely.box(131, 43, 132, 44)]))
    with pytest.raises(CRSError, match="not an equal-area CRS"):
        aoo(gpd.GeoSeries([shapely.box(131, 43, 132, 44)], crs=4326), crs=3857)


@pytest.mark.parametrize(
    ("eoo_km2", "aoo_km2", "b1", "b2"),
    [
        (99.9, 9.9, "CR", "CR"),
        (100.0, 10.0, "EN", "EN"),
        (4_999.0, 499.0, "EN", "EN"),
        (5_000.0, 500.0, "VU", "VU"),
        (19_999.0, 1_999.0, "VU", "VU"),
        (20_000.0, 2_000.0, None, None),
    ],
)
def test_criterion_b_thresholds_are_strict(
    eoo_km2: float, aoo_km2: float, b1: str, b2: str
) -> None:
    result = criterion_b(eoo_km2=eoo_km2, aoo_km2=aoo_km2)
    assert result.b1.meets == b1
    assert result.b2.meets == b2
    assert "at least two" in result.note


def test_fragmentation_of_two_patches() -> None:
    two = gpd.GeoSeries([square(0, 0, 10_000), shapely.box(50_000, 0, 80_000, 10_000)], crs=LAEA)
    m = patch_metrics(two)
    assert m.n_patches == 2
    assert m.largest_patch_pct == pytest.approx(75.0)
    assert m.mean_patch_km2 == pytest.approx(200.0)
    assert m.effective_mesh_size_km2 == pytest.approx((100**2 + 300**2) / 400)


def test_touching_patches_merge() -> None:
    touching = gpd.GeoSeries([square(0, 0, 10_000), square(10_000, 0, 10_000)], crs=LAEA)
    assert patch_metrics(touching).n_patches == 1
