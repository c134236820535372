from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from leopardrange.crs import equal_area_crs, is_equal_area, local_metric_crs, require_crs
from leopardrange.errors import CRSError, GeometryTypeError
from leopardrange.measure import area_km2, densify, total_area_km2
from tests.conftest import LAEA, square

WGS84_A_M = 6_378_137.0
WGS84_F = 1 / 298.257223563
ALBERS_AMUR = "+proj=aea +lat_1=40 +lat_2=47 +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"


def cell_area_closed_form_km2(lat0_deg: float, dlat_deg: float, dlon_deg: float) -> float:
    """Area of a latitude/longitude cell on the WGS 84 ellipsoid (authalic integral)."""
    e2 = WGS84_F * (2 - WGS84_F)
    e = math.sqrt(e2)

    def q(lat_deg: float) -> float:
        s = math.sin(math.radians(lat_deg))
        return (1 - e2) * (s / (1 - e2 * s * s) - math.log((1 - e * s) / (1 + e * s)) / (2 * e))

    return WGS84_A_M**2 / 2 * math.radians(dlon_deg) * (q(lat0_deg + dlat_deg) - q(lat0_deg)) / 1e6


def test_closed_form_itself_on_the_whole_earth() -> None:
    # total WGS 84 surface area is 510,065,621.7 km² (published figure)
    whole = 2 * cell_area_closed_form_km2(0, 90, 360)
    assert whole == pytest.approx(510_065_621.7, rel=1e-9)


def test_ten_km_square_in_laea_is_100_km2() -> None:
    gs = gpd.GeoSeries([square(0, 0, 10_000)], crs=LAEA)
    assert area_km2(gs).iloc[0] == pytest.approx(100.0, rel=1e-9)


@pytest.mark.parametrize("method", ["equal_area", "geodesic", "equal-area"])
def test_ten_km_square_in_wgs84_is_100_km2(method: str) -> None:
    gs = densify(gpd.GeoSeries([square(-5_000, -5_000, 10_000)], crs=LAEA)).to_crs(4326)
    assert area_km2(gs, method=method).iloc[0] == pytest.approx(100.0, rel=1e-4)


@pytest.mark.parametrize("lat0", [0.0, 45.0, 60.0])
@pytest.mark.parametrize("method", ["geodesic", "equal_area"])
def test_one_degree_cell_matches_ellipsoidal_closed_form(lat0: float, method: str) -> None:
    cell = gpd.GeoSeries([shapely.box(131.0, lat0, 132.0, lat0 + 1.0)], crs=4326)
    expected = cell_area_closed_form_km2(lat0, 1.0, 1.0)
    assert area_km2(cell, method=method).iloc[0] == pytest.approx(expected, rel=1e-5)


def test_holes_are_subtracted_in_both_methods() -> None:
    ring = square(0, 0, 30_000).difference(square(10_000, 10_000, 10_000))
    gs = gpd.GeoSeries([ring], crs=LAEA)
    assert area_km2(gs).iloc[0] == pytest.approx(800.0, rel=1e-9)
    assert area_km2(gs.to_crs(4326), method="geodesic").iloc[0] == pytest.approx(800.0, rel=1e-3)


def test_orientation_does_not_matter_for_multipolygons() -> None:
    ccw = square(0, 0, 10_000)
    cw = shapely.Polygon(list(square(20_000, 0, 10_000).exterior.coords)[::-1])
    gs = gpd.GeoSeries([shapely.MultiPolygon([ccw, cw])], crs=LAEA).to_crs(4326)
    assert area_km2(gs, method="geodesic").iloc[0] == pytest.approx(200.0, rel=1e-3)


def test_result_is_aligned_named_and_empty_is_zero(squares: gpd.GeoDataFrame) -> None:
    frame = squares.set_index(pd.Index([7, 3]))
    frame.loc[8] = {"name": "empty", "geometry": shapely.Polygon()}
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=LAEA)
    result = area_km2(frame)
    assert result.name == "area_km2"
    assert list(result.index) == [7, 3, 8]
    assert result.tolist() == pytest.approx([100.0, 200.0, 0.0])


def test_input_not_mutated(squares: gpd.GeoDataFrame) -> None:
    before = squares.copy()
    area_km2(squares.to_crs(4326))
    area_km2(squares, method="geodesic")
    pd.testing.assert_frame_equal(squares, before)


def test_total_area_counts_overlaps_once() -> None:
    gs = gpd.GeoSeries([square(0, 0, 10_000), square(5_000, 0, 10_000)], crs=LAEA)
    assert total_area_km2(gs) == pytest.approx(150.0)
    assert area_km2(gs).sum() == pytest.approx(200.0)


def test_missing_crs_is_an_error() -> None:
    with pytest.raises(CRSError, match="has no CRS; pass --assume-crs"):
        area_km2(gpd.GeoSeries([square(0, 0, 1)]))


def test_points_are_an_error() -> None:
    with pytest.raises(GeometryTypeError, match="1 Point feature.*polygons are required"):
        area_km2(gpd.GeoSeries([shapely.Point(0, 0)], crs=LAEA))


def test_unknown_method_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown area method 'planar'"):
        area_km2(gpd.GeoSeries([square(0, 0, 1)], crs=LAEA), method="planar")


def test_equal_area_detection() -> None:
    assert is_equal_area(LAEA)
    assert is_equal_area("EPSG:6933")
    assert is_equal_area(ALBERS_AMUR)
    assert is_equal_area("ESRI:54009")  # Mollweide
    assert not is_equal_area("EPSG:4326")
    assert not is_equal_area("EPSG:3857")
    assert not is_equal_area("EPSG:32652")


def test_equal_area_crs_is_centred_on_the_data(squares: gpd.GeoDataFrame) -> None:
    crs = equal_area_crs(squares.to_crs(4326))
    op = crs.coordinate_operation
    params = {p.name: p.value for p in op.params}
    assert op.method_name == "Lambert Azimuthal Equal Area"
    assert params["Latitude of natural origin"] == pytest.approx(43.05, abs=0.01)
    assert params["Longitude of natural origin"] == pytest.approx(131.25, abs=0.01)
    world = gpd.GeoSeries([shapely.box(-170, -60, 170, 70)], crs=4326)
    assert equal_area_crs(world).to_epsg() == 6933


def test_local_metric_crs_is_utm(squares: gpd.GeoDataFrame) -> None:
    assert local_metric_crs(squares).to_epsg() == 32652  # UTM 52N at 131°E


def test_require_crs_names_the_layer() -> None:
    with pytest.raises(CRSError, match="layer 'park' has no CRS"):
        require_crs(gpd.GeoSeries([shapely.Point(0, 0)]), name="layer 'park'")


# Random simple polygons in the Amur region: convex hulls of random points in LAEA metres.
points = st.lists(
    st.tuples(
        st.floats(-400_000, 400_000, allow_nan=False), st.floats(-400_000, 400_000, allow_nan=False)
    ),
    min_size=3,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(points)
def test_area_agrees_across_equal_area_crss_and_geodesic(pts: list[tuple[float, float]]) -> None:
    hull = shapely.MultiPoint(pts).convex_hull
    if hull.geom_type != "Polygon" or hull.area < 1e6:  # need a real polygon of ≥ 1 km²
        return
    gs = densify(gpd.GeoSeries([hull], crs=LAEA))
    laea = area_km2(gs).iloc[0]
    albers = area_km2(gs.to_crs(ALBERS_AMUR)).iloc[0]
    geodesic = area_km2(gs, method="geodesic").iloc[0]
    assert albers == pytest.approx(laea, rel=1e-3)
    assert geodesic == pytest.approx(laea, rel=1e-3)
    assert np.isfinite([laea, albers, geodesic]).all()


def test_reproject_keeps_rows_fields_and_true_areas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Densified, projected in chunks of rows (here 2), same index, fields and geometry name."""
    from leopardrange import measure

    monkeypatch.setattr(measure, "REPROJECT_ROWS", 2)
    boxes = [shapely.box(130 + i, 42, 131 + i, 43) for i in range(5)]
    frame = gpd.GeoDataFrame(
        {"name": list("abcde")}, geometry=boxes, crs=4326, index=[7, 7, 3, 2, 1]
    ).rename_geometry("shape")
    frame.attrs["source"] = "boxes.gpkg"
    laea = "+proj=laea +lat_0=43 +lon_0=133 +datum=WGS84 +units=m"
    out = measure.reproject(frame, laea)
    assert out.index.tolist() == [7, 7, 3, 2, 1] and out.geometry.name == "shape"
    assert out["name"].tolist() == list("abcde") and out.attrs == {"source": "boxes.gpkg"}
    geodesic = area_km2(frame, method="geodesic")
    assert (out.area / 1e6).to_numpy() == pytest.approx(geodesic.to_numpy(), rel=1e-4)
    assert measure.reproject(out, laea) is out  # already there: itself
    series = measure.reproject(frame.geometry, laea)
    assert series.geom_equals_exact(out.geometry, tolerance=0).all()
