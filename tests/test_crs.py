"""CRS naming: the one label shown to people and the one identifier written into files."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import CRS
from rasterio.crs import CRS as RasterioCRS  # noqa: N811

from leopardrange.crs import crs_label, crs_string, format_lat, format_lon
from leopardrange.errors import CRSError

LAEA = "+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


@pytest.mark.parametrize(
    ("crs", "label"),
    [
        ("EPSG:4326", "EPSG:4326 (WGS 84)"),
        (3857, "EPSG:3857 (WGS 84 / Pseudo-Mercator)"),
        (CRS.from_epsg(3035), "EPSG:3035 (ETRS89-extended / LAEA Europe)"),
        (RasterioCRS.from_epsg(6933), "EPSG:6933 (WGS 84 / NSIDC EASE-Grid 2.0 Global)"),
        ("ESRI:102025", "ESRI:102025 (Asia_North_Albers_Equal_Area_Conic)"),
        (LAEA, "LAEA 43°N 131°E"),
        ("+proj=laea +lat_0=43.25 +lon_0=131.6 +datum=WGS84", "LAEA 43°15′N 131°36′E"),
        ("+proj=laea +lat_0=-33.5 +lon_0=-70.75 +datum=WGS84", "LAEA 33°30′S 70°45′W"),
        (
            "+proj=aea +lat_0=45 +lon_0=130 +lat_1=40 +lat_2=50 +datum=WGS84",
            "Albers 45°N 130°E, parallels 40°N and 50°N",
        ),
        (
            "+proj=lcc +lat_0=39 +lon_0=-96 +lat_1=33 +lat_2=45 +datum=NAD83 +units=us-ft",
            "LCC 39°N 96°W, parallels 33°N and 45°N, North American Datum 1983, US survey foot",
        ),
        ("+proj=utm +zone=52 +datum=WGS84", "UTM zone 52N"),
        ("+proj=tmerc +lon_0=131 +k=1 +datum=WGS84", "Transverse Mercator 131°E"),
        ("+proj=moll +lon_0=150 +datum=WGS84", "Mollweide 150°E"),
        # a towgs84 clause makes a bound CRS: it is named by what it is bound from
        (
            "+proj=laea +lat_0=52 +lon_0=10 +ellps=GRS80 +towgs84=0,0,0 +units=m",
            "LAEA 52°N 10°E, GRS 1980 ellipsoid",
        ),
        ("+proj=longlat +ellps=GRS80", "longitude/latitude, GRS 1980 ellipsoid"),
        ("EPSG:4326+5773", "EPSG:9707 (WGS 84 + EGM96 height)"),
        (None, "no CRS"),
    ],
)
def test_crs_label(crs: object, label: str) -> None:
    assert crs_label(crs) == label


def test_a_custom_crs_keeps_its_own_name_and_says_what_it_is() -> None:
    wkt = CRS.from_proj4(LAEA).to_wkt().replace('PROJCRS["unknown"', 'PROJCRS["Amur LAEA"', 1)
    assert crs_label(wkt) == "Amur LAEA (LAEA 43°N 131°E)"
    local = 'ENGCRS["site grid",EDATUM["d"],CS[Cartesian,2],AXIS["x",east,LENGTHUNIT["metre",1]],AXIS["y",north,LENGTHUNIT["metre",1]]]'  # noqa: E501
    assert crs_label(local) == "site grid (Engineering CRS)"


@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    method=st.sampled_from(["laea", "aeqd", "stere", "ortho", "tmerc", "eqc", "merc"]),
)
def test_a_label_never_says_unknown(lat: float, lon: float, method: str) -> None:
    label = crs_label(f"+proj={method} +lat_0={lat:.3f} +lon_0={lon:.3f} +datum=WGS84")
    assert "unknown" not in label.lower() and label.strip()
    if not re.match(r"^(EPSG|ESRI):\d+ \(", label):  # e.g. World Mercator: named by its code
        assert format_lon(float(f"{lon:.3f}")) in label
        if method in ("laea", "aeqd", "ortho"):
            assert label.startswith(("LAEA", "AEQD", "Orthographic"))
            assert format_lat(float(f"{lat:.3f}")) in label


def test_a_label_needs_a_crs() -> None:
    with pytest.raises(CRSError, match=r"'EPSG:99999' is not a CRS; give an EPSG code"):
        crs_label("EPSG:99999")


@pytest.mark.parametrize("fallback", ["wkt", "proj4"])
@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:6933", LAEA, "+proj=moll +datum=WGS84"])
def test_crs_string_reads_back_into_the_same_crs(crs: str, fallback: str) -> None:
    text = crs_string(crs, fallback=fallback)  # type: ignore[arg-type]
    assert CRS.from_user_input(text).equals(CRS.from_user_input(crs))
    assert text.startswith("EPSG:") == (CRS.from_user_input(crs).to_epsg(100) is not None)


def test_crs_string_of_a_raster_crs_matches_rasterio_proj4() -> None:
    """The corridor metrics keep the PROJ text rasterio used to give (no "+type=crs")."""
    raster = RasterioCRS.from_wkt(CRS.from_proj4(LAEA).to_wkt())
    assert crs_string(raster, fallback="proj4") == raster.to_proj4().replace("=True", "")


def test_a_layer_crs_label_and_string() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs=LAEA)
    assert crs_label(frame.crs) == "LAEA 43°N 131°E"
    assert crs_string(frame.crs, fallback="proj4").startswith("+proj=laea +lat_0=43 +lon_0=131")


def test_degree_formatting() -> None:
    assert format_lon(131.0) == "131°E"
    assert format_lon(130.5) == "130°30′E"
    assert format_lon(-0.5) == "0°30′W"
    assert format_lon(0.0) == "0°"
    assert format_lon(180.0) == "180°"
    assert format_lon(-190.0) == "170°E"
    assert format_lat(43.0) == "43°N"
    assert format_lat(-42.25) == "42°15′S"


def test_edges_far_beyond_the_crs_extent_are_refused_before_filling_memory() -> None:
    """Polar stereographic is defined almost everywhere, so only the edges' length can tell."""
    from leopardrange.crs import project
    from leopardrange.measure import area_km2

    huge = gpd.GeoSeries([shapely.box(0, 0, 4e12, 4e12)], crs="EPSG:3413")
    with pytest.raises(CRSError, match="far beyond the extent of its CRS"):
        project(huge, "EPSG:4326")
    with pytest.raises(CRSError, match="far beyond the extent of its CRS"):
        area_km2(huge)
    fine = gpd.GeoSeries([shapely.box(0, 0, 4e5, 4e5)], crs="EPSG:3413")
    assert area_km2(fine).iloc[0] > 0
