"""WDPA conventions on frames built in code, with exact answers (leopardrange.wdpa)."""

from __future__ import annotations

import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from leopardrange.errors import (
    AttributeValueError,
    EmptyLayerError,
    GeometryTypeError,
    MissingFieldError,
    StudyError,
)
from leopardrange.measure import area_km2
from leopardrange.wdpa import (
    CleanedAreas,
    WDPAOptions,
    clean,
    established_by,
    establishment_years,
    geodesic_circles,
    is_wdpa,
    wdpa_fields,
)
from tests.conftest import LAEA
from tests.wdpa_landscape import KM, wdpa_points, wdpa_polygons


def layer() -> gpd.GeoDataFrame:
    """The WDPA polygons and points of the analytic landscape in one layer."""
    return gpd.GeoDataFrame(
        pd.concat([wdpa_polygons(), wdpa_points()], ignore_index=True),
        geometry="geometry",
        crs=LAEA,
    )


def test_clean_keeps_dissolves_parcels_and_lists_every_drop() -> None:
    cleaned = clean(layer())
    assert cleaned.conventions == "wdpa"
    areas = cleaned.areas
    assert areas["id"].tolist() == [101, 102, 105, 106, 201]
    assert areas["name"].tolist() == [
        "Alpha NP",
        "Beta Reserve",
        "Epsilon Refuge",
        "Zeta NP",
        "Theta",
    ]
    assert areas["established_year"].tolist() == [1990, 2019, 0, 2023, 2000]
    assert areas["from_point"].tolist() == [False, False, False, False, True]
    km2 = area_km2(areas).tolist()
    # Alpha's two parcels (900 + 100 km²) are one area; Theta is a 100 km² circle
    assert km2[:4] == pytest.approx([1_000.0, 900.0, 1_600.0, 400.0], rel=1e-12)
    assert km2[4] == pytest.approx(100.0, rel=1e-9)
    assert [(d.name, d.id, d.reason) for d in cleaned.dropped] == [
        ("Gamma", 103, "STATUS 'Proposed' is not kept (kept: Designated, Inscribed, Established)"),
        ("Delta", 104, "UNESCO-MAB Biosphere Reserve"),
        (
            "Eta",
            107,
            "STATUS 'Not Reported' is not kept (kept: Designated, Inscribed, Established)",
        ),
        ("Iota", 202, "a point without a reported area (REP_AREA 0 or empty)"),
    ]
    assert [(s.step, s.applied, s.dropped) for s in cleaned.steps] == [
        ("status", True, 2),
        ("biosphere_reserves", True, 1),
        ("points", True, 1),
    ]
    assert cleaned.established_field == "STATUS_YR"


def test_input_is_not_modified() -> None:
    frame = layer()
    before = frame.copy()
    clean(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_field_names_ignore_case() -> None:
    frame = layer().rename(columns=str.lower)
    assert wdpa_fields(frame)["STATUS_YR"] == "status_yr"
    assert is_wdpa(frame)
    cleaned = clean(frame)
    assert cleaned.areas["id"].tolist() == [101, 102, 105, 106, 201]
    assert len(cleaned.dropped) == 4


def test_each_step_can_be_switched_off() -> None:
    frame = layer()
    no_status = clean(frame, options=WDPAOptions(status_filter=False))
    assert {103, 107} <= set(no_status.areas["id"])
    keep_mab = clean(frame, options=WDPAOptions(drop_biosphere_reserves=False))
    assert 104 in set(keep_mab.areas["id"])
    no_points = clean(frame, options=WDPAOptions(point_areas=False))
    assert 201 not in set(no_points.areas["id"])
    assert ("Theta", "a point (point_areas = false)") in [
        (d.name, d.reason) for d in no_points.dropped
    ]
    no_years = clean(frame, options=WDPAOptions(establishment_by_epoch=False))
    assert no_years.areas["established_year"].isna().all()
    assert no_years.established_field is None


def test_status_keep_is_configurable_and_ignores_case() -> None:
    cleaned = clean(layer(), options=WDPAOptions(status_keep=("designated", "PROPOSED")))
    assert 103 in set(cleaned.areas["id"]) and 105 not in set(cleaned.areas["id"])


def test_a_missing_status_is_not_kept() -> None:
    frame = layer()
    frame.loc[0, "STATUS"] = None
    cleaned = clean(frame)
    assert cleaned.dropped[0].id == 101
    assert cleaned.dropped[0].reason == "no STATUS (kept: Designated, Inscribed, Established)"
    # Alpha's second parcel is still kept, alone
    assert cleaned.areas.set_index("id").loc[101].geometry.area == pytest.approx(100 * KM * KM)


def test_steps_without_their_field_are_skipped_and_said_so() -> None:
    frame = layer().drop(columns=["STATUS", "DESIG_ENG"])
    cleaned = clean(frame)
    assert [(s.step, s.applied, s.detail) for s in cleaned.steps[:2]] == [
        ("status", False, "no STATUS field"),
        ("biosphere_reserves", False, "no DESIG_ENG field"),
    ]
    assert {103, 104, 107} <= set(cleaned.areas["id"])


def test_without_wdpa_fields_points_are_an_error_that_says_how() -> None:
    frame = layer().drop(columns=["WDPAID"])
    with pytest.raises(GeometryTypeError, match=r"2 MultiPoint feature\(s\).*REP_AREA.*wdpa"):
        clean(frame)
    # conventions = "wdpa" applies them anyway; ids are then the feature index
    cleaned = clean(frame, options=WDPAOptions(conventions="wdpa"))
    assert cleaned.conventions == "wdpa" and len(cleaned.dropped) == 4


def test_conventions_none_treats_a_wdpa_layer_as_plain_polygons() -> None:
    polygons = wdpa_polygons()
    cleaned = clean(polygons, options=WDPAOptions(conventions="none"))
    assert cleaned.conventions == "none" and cleaned.dropped == ()
    assert len(cleaned.areas) == len(polygons)
    with pytest.raises(StudyError, match="conventions must be one of auto, wdpa, none"):
        clean(polygons, options=WDPAOptions(conventions="WDPA"))  # type: ignore[arg-type]


def test_lines_are_refused() -> None:
    frame = layer()
    frame.loc[0, "geometry"] = shapely.LineString([(0, 0), (1, 1)])
    with pytest.raises(GeometryTypeError, match="LineString.*polygons are required"):
        clean(frame)


def test_every_area_dropped_says_why() -> None:
    frame = layer()
    frame["STATUS"] = "Proposed"
    with pytest.raises(EmptyLayerError, match=r"every protected area was dropped \(10 × STATUS"):
        clean(frame)


def test_named_fields_missing_are_listed_at_once() -> None:
    options = WDPAOptions(id_field="SITE_ID", established_field="YEAR_EST", name_field="NAME")
    with pytest.raises(
        MissingFieldError,
        match=r"no field 'SITE_ID' \(id_field\) or 'YEAR_EST' \(established_field\); "
        r"available fields: WDPAID, NAME, DESIG_ENG",
    ):
        clean(layer(), options=options)


def test_established_field_and_id_field_can_be_named() -> None:
    frame = wdpa_polygons().drop(columns=["WDPAID", "STATUS_YR"])
    frame["code"] = [f"P{i}" for i in range(len(frame))]
    frame["since"] = [1990, 2019, 2022, 1985, 0, 2023, 0, 1990]
    options = WDPAOptions(conventions="wdpa", id_field="code", established_field="since")
    cleaned = clean(frame, options=options)
    assert cleaned.areas["id"].tolist() == ["P0", "P1", "P4", "P5", "P7"]
    assert cleaned.areas["established_year"].tolist() == [1990, 2019, 0, 2023, 1990]


# ------------------------------------------------------------------ bad values
THIS_YEAR = datetime.date.today().year


@pytest.mark.parametrize("value", [20019, 1200, -5, 2001.5, "abc", THIS_YEAR + 1, float("inf")])
def test_status_yr_that_is_no_year_is_refused(value: object) -> None:
    frame = layer()
    frame["STATUS_YR"] = frame["STATUS_YR"].astype(object)
    frame.loc[1, "STATUS_YR"] = value
    with pytest.raises(
        AttributeValueError,
        match=rf"1 year of establishment that is neither 0 \(unknown\) nor a year from 1500 to "
        rf"{THIS_YEAR} in STATUS_YR \(WDPAID 102: .*establishment_by_epoch = false",
    ):
        clean(frame)
    # switched off, the field is not used, so nothing is refused
    clean(frame, options=WDPAOptions(establishment_by_epoch=False))


def test_status_yr_zero_or_empty_is_unknown() -> None:
    assert establishment_years(pd.Series([0, None, np.nan, "", 1872, "2001"])).tolist() == [
        0,
        0,
        0,
        0,
        1872,
        2001,
    ]


@pytest.mark.parametrize("value", [-5.0, float("nan"), None, "abc", "NaN", float("inf")])
def test_rep_area_negative_or_not_a_number_is_refused(value: object) -> None:
    frame = layer()
    frame["REP_AREA"] = frame["REP_AREA"].astype(object)
    frame.loc[8, "REP_AREA"] = value  # Theta, a point
    with pytest.raises(
        AttributeValueError,
        match=r"has 1 point whose REP_AREA is negative, NaN or not a number \(WDPAID 201: .*"
        r"write 0 where it is not reported",
    ):
        clean(frame)


def test_rep_area_zero_or_empty_text_is_not_reported() -> None:
    frame = layer()
    frame["REP_AREA"] = frame["REP_AREA"].astype(object)
    frame.loc[8, "REP_AREA"] = "  "
    assert [(d.id, d.reason) for d in clean(frame).dropped][-2:] == [
        (201, "a point without a reported area (REP_AREA 0 or empty)"),
        (202, "a point without a reported area (REP_AREA 0 or empty)"),
    ]


def test_negative_rep_area_on_a_polygon_is_not_used() -> None:
    frame = layer()
    frame.loc[0, "REP_AREA"] = -1.0  # polygons keep their own geometry
    assert 101 in set(clean(frame).areas["id"])


# ------------------------------------------------------------------ circles
def test_a_point_becomes_a_circle_of_its_reported_area() -> None:
    points = gpd.GeoSeries([shapely.Point(131.2, 43.1), shapely.Point(-70.0, -33.5)], crs=4326)
    circles = geodesic_circles(points, [100.0, 12_345.0])
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    exact = [abs(geod.geometry_area_perimeter(c)[0]) / 1e6 for c in circles]
    assert exact == pytest.approx([100.0, 12_345.0], rel=1e-12)
    geodesic = area_km2(circles, method="geodesic").tolist()  # after densifying edges
    assert geodesic == pytest.approx([100.0, 12_345.0], rel=1e-9)
    laea = area_km2(circles.iloc[[0]].to_crs(LAEA)).iloc[0]
    assert laea == pytest.approx(100.0, rel=1e-8)
    assert circles.iloc[0].contains(points.iloc[0])
    # the vertices lie at one geodesic distance from the point
    lon, lat = np.asarray(circles.iloc[0].exterior.coords).T
    _, _, dist = geod.inv(np.full(lon.size, 131.2), np.full(lat.size, 43.1), lon, lat)
    assert np.ptp(dist) < 1e-6
    # a large circle gets more vertices, so that no edge is longer than about 0.9 km
    assert len(circles.iloc[0].exterior.coords) == 129
    assert len(circles.iloc[1].exterior.coords) > 400


def test_circles_in_a_projected_crs_and_multipoints() -> None:
    utm = "EPSG:32652"
    points = gpd.GeoSeries([shapely.Point(131.2, 43.1)], crs=4326).to_crs(utm)
    circle = geodesic_circles(points, [50.0])
    assert circle.crs == points.crs
    assert area_km2(circle, method="geodesic").iloc[0] == pytest.approx(50.0, rel=1e-8)
    two = gpd.GeoSeries([shapely.MultiPoint([(131.0, 43.0), (131.5, 43.0)])], crs=4326)
    pair = geodesic_circles(two, [200.0])
    assert pair.iloc[0].geom_type == "MultiPolygon"
    assert area_km2(pair, method="geodesic").iloc[0] == pytest.approx(200.0, rel=1e-9)


def test_circle_areas_must_be_positive() -> None:
    points = gpd.GeoSeries([shapely.Point(131.2, 43.1)], crs=4326)
    with pytest.raises(ValueError, match="finite number > 0"):
        geodesic_circles(points, [0.0])
    with pytest.raises(ValueError, match="one value per point"):
        geodesic_circles(points, [1.0, 2.0])


@settings(max_examples=25)
@given(
    st.floats(-179.0, 179.0),
    st.floats(-80.0, 80.0),
    st.floats(0.01, 50_000.0),
)
def test_circle_area_is_the_reported_area(lon: float, lat: float, area: float) -> None:
    circle = geodesic_circles(gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326), [area])
    assert area_km2(circle, method="geodesic").iloc[0] == pytest.approx(area, rel=1e-9, abs=1e-6)


def test_established_by() -> None:
    assert established_by([1990, 2019, 0, None], 2015).tolist() == [True, False, True, True]
    assert established_by([2019], 2019).tolist() == [True]


def test_plain_polygons_pass_through() -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 2)], crs=LAEA
    )
    cleaned = clean(frame)
    assert isinstance(cleaned, CleanedAreas)
    assert cleaned.areas["id"].tolist() == [0, 1]
    assert cleaned.areas["name"].tolist() == ["a", "b"]
    assert cleaned.steps == ()
