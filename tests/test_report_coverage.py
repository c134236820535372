"""Coverage per protected area, per epoch, per country and per breeding site."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from leopardrange.metrics import AreaRef
from leopardrange.report.coverage import (
    STATUS_IN_PARK_AND_RANGE,
    STATUS_IN_PARK_OUTSIDE_RANGE,
    STATUS_OUTSIDE_PARK,
    area_records,
    breeding_sites,
    country_shares,
    epoch_parks,
    year_unknown,
)
from tests.conftest import LAEA
from tests.wdpa_landscape import box


def areas(years: list[int | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [1, 2, 3], "name": ["a", "b", "c"], "established_year": years},
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)],
        crs=LAEA,
    )


def epochs(years: list[int | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"year": years},
        index=[f"e{i}" for i in range(len(years))],
        geometry=[box(0, 0, 30, 10)] * len(years),
        crs=LAEA,
    )


def test_each_epoch_counts_the_areas_established_by_its_year() -> None:
    parks, counted = epoch_parks(areas([1990, 2019, 0]), epochs([1950, 2000, 2020, None]))
    km2 = {e: round(float(p.area.iloc[0]) / 1e6, 6) for e, p in parks.items()}
    assert km2 == {"e0": 100.0, "e1": 200.0, "e2": 300.0, "e3": 300.0}
    assert counted is not None
    assert [counted[e].counted for e in ("e0", "e1", "e2", "e3")] == [1, 2, 3, 3]
    assert counted["e0"].not_yet_established == (
        AreaRef("a", 1, 1990),
        AreaRef("b", 2, 2019),
    )
    assert counted["e3"].year is None and counted["e1"].year == 2000
    # the same set of areas is dissolved once
    assert parks["e2"] is parks["e3"]


def test_an_area_established_in_the_epochs_year_counts() -> None:
    _, counted = epoch_parks(areas([2000, 2000, 2000]), epochs([2000]))
    assert counted is not None and counted["e0"].counted == 3


def test_without_years_or_switched_off_every_epoch_counts_every_area() -> None:
    for frame, switch in ((areas([None, None, None]), True), (areas([1990, 2019, 0]), False)):
        parks, counted = epoch_parks(frame, epochs([1950, 2020]), by_establishment=switch)
        assert counted is None
        assert {round(float(p.area.iloc[0]) / 1e6, 6) for p in parks.values()} == {300.0}


def test_no_area_yet_gives_an_empty_park() -> None:
    parks, _ = epoch_parks(areas([1990, 2019, 2000]), epochs([1900]))
    assert parks["e0"].iloc[0].is_empty


def test_year_unknown_lists_zero_years_only() -> None:
    assert year_unknown(areas([0, 2019, 0])) == (AreaRef("a", 1, 0), AreaRef("c", 3, 0))
    assert year_unknown(areas([None, None, None])) == ()


def test_area_records() -> None:
    rng = gpd.GeoSeries([box(0, 0, 25, 10)], crs=LAEA)
    records = area_records(areas([0, 0, 0]), rng)
    assert [(r.name, r.id) for r in records] == [("a", 1), ("b", 2), ("c", 3)]
    assert [r.in_current_range_km2 for r in records] == pytest.approx([100, 100, 50])
    assert [r.share_of_current_range_pct for r in records] == pytest.approx([40, 40, 20])


def test_country_shares_cover_every_country_the_range_touches() -> None:
    countries = gpd.GeoDataFrame(
        {"name": ["A", "B", "C"]},
        geometry=[box(-100, -100, 10, 100), box(10, -100, 100, 100), box(200, 0, 300, 10)],
        crs=LAEA,
    )
    rng = gpd.GeoSeries([box(0, 0, 30, 10)], crs=LAEA)
    park = gpd.GeoSeries([box(5, 0, 15, 10)], crs=LAEA)
    km2, pct = country_shares(countries, "name", park, rng)
    assert list(pct) == ["B", "A"]  # largest part of the range first; C holds none of it
    assert km2 == pytest.approx({"B": 50.0, "A": 50.0})
    assert pct == pytest.approx({"B": 25.0, "A": 50.0})


def test_breeding_polygons_need_99_pct_inside() -> None:
    park = gpd.GeoSeries([box(0, 0, 10, 10)], crs=LAEA)
    rng = gpd.GeoSeries([box(0, 0, 5, 10)], crs=LAEA)
    sites = gpd.GeoDataFrame(
        geometry=[
            box(1, 1, 2, 2),  # in both
            box(6, 1, 7, 2),  # in the park, outside the range
            box(4.5, 1, 5.5, 2),  # half out of the range
            box(20, 1, 21, 2),  # outside the park
            shapely.Polygon([(0.001, 1), (1.001, 1), (1.001, 2), (0.001, 2)]),  # in both
        ],
        crs=LAEA,
    )
    found = breeding_sites(sites, park, rng, list("abcde"))
    assert [s.status for s in found] == [
        STATUS_IN_PARK_AND_RANGE,
        STATUS_IN_PARK_OUTSIDE_RANGE,
        STATUS_IN_PARK_OUTSIDE_RANGE,
        STATUS_OUTSIDE_PARK,
        STATUS_IN_PARK_AND_RANGE,
    ]
    assert [s.in_current_range for s in found] == [True, False, False, False, True]
