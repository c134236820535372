"""A WDPA-shaped park and an IUCN-shaped range with exact answers, built in code.

Everything is drawn in a LAEA (metres), where a box of a × b km is exactly a·b km²:

IUCN range map (no epoch field), codes (presence, origin, seasonal):
    F1 (1, 1, 1)  0..100 × 0..100 km    10,000 km²  current + historical
    F2 (3, 1, 1)  100..150 × 0..100      5,000 km²  historical only (possibly extant)
    F3 (5, 1, 1)  0..150 × 100..200     15,000 km²  historical only (extinct)
    F4 (1, 3, 1)  -50..0 × 0..50         2,500 km²  left out (introduced)
    F5 (6, 1, 1)  150..200 × 0..50       2,500 km²  left out (presence uncertain)
    F6 (2, 6, 2)  0..50 × -20..0         1,000 km²  current + historical (assisted colonisation)
  → current 11,000 km², historical 31,000 km², loss 20,000 km² (64.516… %)

WDPA polygons (WDPAID, NAME, DESIG_ENG, STATUS, STATUS_YR, REP_AREA, MARINE):
    101 Alpha NP        Designated 1990   10..40 × 10..40 (900) + parcel 60..70 × 60..70 (100)
    102 Beta Reserve    Designated 2019   30..60 × 10..40 (900; 300 shared with Alpha)
    103 Gamma           Proposed          dropped
    104 Delta           UNESCO-MAB Biosphere Reserve, Designated 1985: dropped
    105 Epsilon Refuge  Established 0     80..120 × 80..120 (1,600; 400 in the current range)
    106 Zeta NP         Designated 2023   0..20 × -20..0 (400): after the current epoch (2021)
    107 Eta             Not Reported      dropped
WDPA points:
    201 Theta           Designated 2000, REP_AREA 100 → a 100 km² circle at (75, 20) km
    202 Iota            Designated, REP_AREA 0 → dropped

With historical_year = 1950 and current_year = 2021:
    current park (Alpha, Beta, Epsilon, Theta) ∩ current range = 1,500 + 100 + 400 + 100
    = 2,100 km² → 19.0909… %; historical counts Epsilon only: 1,600 / 31,000 = 5.1613 %.
    Borders West (x < 50 km) and East: current range 6,000 and 5,000 km²; park 1,200 and
    900 km² → 20 % and 18 %.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from tests.conftest import LAEA

KM = 1_000.0


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def iucn_range() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "binomial": ["Panthera analytica"] * 6,
            "PRESENCE": [1, 3, 5, 1, 6, 2],
            "ORIGIN": [1, 1, 1, 3, 1, 6],
            "SEASONAL": [1, 1, 1, 1, 1, 2],
        },
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 150, 100),
            box(0, 100, 150, 200),
            box(-50, 0, 0, 50),
            box(150, 0, 200, 50),
            box(0, -20, 50, 0),
        ],
        crs=LAEA,
    )


def _wdpa(rows: list[tuple], geometry: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    columns = ["WDPAID", "NAME", "DESIG_ENG", "STATUS", "STATUS_YR", "REP_AREA", "MARINE"]
    return gpd.GeoDataFrame(
        [dict(zip(columns, r, strict=True)) for r in rows], geometry=geometry, crs=LAEA
    )


def wdpa_polygons() -> gpd.GeoDataFrame:
    np_, nr = "National Park", "Nature Reserve"
    return _wdpa(
        [
            (101, "Alpha NP", np_, "Designated", 1990, 1000.0, "0"),
            (102, "Beta Reserve", nr, "Designated", 2019, 900.0, "0"),
            (103, "Gamma", np_, "Proposed", 2022, 500.0, "0"),
            (104, "Delta", "UNESCO-MAB Biosphere Reserve", "Designated", 1985, 1e4, "0"),
            (105, "Epsilon Refuge", "Wildlife Refuge", "Established", 0, 1600.0, "0"),
            (106, "Zeta NP", np_, "Designated", 2023, 400.0, "0"),
            (107, "Eta", np_, "Not Reported", 0, 10.0, "0"),
            (101, "Alpha NP", np_, "Designated", 1990, 1000.0, "0"),
        ],
        [
            box(10, 10, 40, 40),
            box(30, 10, 60, 40),
            box(0, 0, 50, 50),
            box(0, 0, 100, 100),
            box(80, 80, 120, 120),
            box(0, -20, 20, 0),
            box(0, 0, 10, 10),
            box(60, 60, 70, 70),
        ],
    )


def wdpa_points() -> gpd.GeoDataFrame:
    return _wdpa(
        [
            (201, "Theta", "Nature Reserve", "Designated", 2000, 100.0, "0"),
            (202, "Iota", "Nature Reserve", "Designated", 2005, 0.0, "0"),
        ],
        [
            shapely.MultiPoint([(75 * KM, 20 * KM)]),
            shapely.MultiPoint([(5 * KM, 5 * KM)]),
        ],
    )


def breeding() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site": ["den A", "den B", "den C"], "name": ["x", "y", "z"]},
        geometry=[
            shapely.Point(20 * KM, 20 * KM),
            shapely.Point(110 * KM, 110 * KM),
            shapely.Point(90 * KM, 10 * KM),
        ],
        crs=LAEA,
    )


def borders() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"country": ["West", "East"]},
        geometry=[box(-300, -300, 50, 300), box(50, -300, 300, 300)],
        crs=LAEA,
    )


def write_gpkg(folder: Path) -> Path:
    """The WDPA-shaped GeoPackage (polygons, points, and both in one layer) and the range."""
    gpkg = folder / "wdpa_iucn.gpkg"
    polygons, points = wdpa_polygons(), wdpa_points()
    polygons.to_file(gpkg, layer="wdpa_poly")
    points.to_file(gpkg, layer="wdpa_point")
    mixed = gpd.GeoDataFrame(
        gpd.pd.concat([polygons, points], ignore_index=True), geometry="geometry", crs=LAEA
    )
    mixed.to_file(gpkg, layer="wdpa_mixed")
    iucn_range().to_file(gpkg, layer="iucn_range")
    breeding().to_file(gpkg, layer="dens")
    borders().to_file(gpkg, layer="countries")
    return gpkg


STUDY = """
[study]
name = "WDPA and IUCN, analytic"
species = "Panthera analytica"

[layers.park]
path = "wdpa_iucn.gpkg"
layer = ["wdpa_poly", "wdpa_point"]

[layers.range]
path = "wdpa_iucn.gpkg"
layer = "iucn_range"
historical_year = 1950
current_year = 2021

[layers.breeding]
path = "wdpa_iucn.gpkg"
layer = "dens"
name_field = "site"

[layers.borders]
path = "wdpa_iucn.gpkg"
layer = "countries"
name_field = "country"

[[claims]]
id = "park-covers-at-least-19pct"
metric = "park_share_of_current_range_pct"
expected = 19.0
comparison = "at_least"
"""


def write_study(folder: Path, study: str = STUDY) -> Path:
    write_gpkg(folder)
    path = folder / "wdpa_iucn.toml"
    path.write_text(study, encoding="utf-8")
    return path
