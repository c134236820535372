"""The catalogue of hostile inputs, part 2: never print a wrong number.

Layers in CRSs whose unit is not the metre, around the poles, across the antimeridian and
larger than a hemisphere are measured right (against closed forms on the WGS 84 ellipsoid, or
the two area methods against each other); values that would give a wrong number with exit
status 0 — a repair that empties a layer, unreadable or impossible coordinates, a tie for the
current epoch, a year that is text — are one clear line instead. Part 1 is
``test_hostile.py``; the same guarantees are checked (exit status, one line, inputs unchanged,
nothing half-written).

Not here: cost distance on a grid whose cells are not ground metres (Web Mercator,
geographic) is refused or corrected by the corridor tests of that work
(``tests/test_corridors_costdistance.py``), not by this catalogue.
"""

# ruff: noqa: F811 - the shared fixtures (template, world) are imported, then requested by name
from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from leopardrange import crs as lrcrs
from leopardrange import fragmentation, measure, redlist
from leopardrange.errors import CRSError
from tests.conftest import LAEA
from tests.hostile_data import (  # noqa: F401 - template and world are fixtures
    KM,
    World,
    box_km,
    invoke,
    one_line_error,
    snapshot,
    template,
    world,
)
from tests.test_hostile import run_case
from tests.test_measure import cell_area_closed_form_km2

LAEA_KM = LAEA.replace("+units=m", "+units=km")
ALBERS_US_FT = "+proj=aea +lat_0=45 +lon_0=130 +lat_1=40 +lat_2=50 +datum=WGS84 +units=us-ft"
US_FT_M = 1200 / 3937
#: A range from 170°E to 170°W between 34°N and 36°N, and its area on WGS 84.
PACIFIC_KM2 = cell_area_closed_form_km2(34.0, 2.0, 20.0)
#: The area inside a circle of 1,000 km radius around the pole in EPSG:3413 (geodesic).
POLAR_CIRCLE_KM2 = 3_318_342.67


def geod_area_km2(ring: shapely.Polygon, crs: str) -> float:
    """An oracle outside leopardrange: pyproj.Geod on the ring's vertices in longitude and
    latitude (Karney's algorithm follows a ring around a pole)."""
    from pyproj import Transformer

    x, y = np.asarray(ring.exterior.coords).T
    lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(x, y)
    area_m2, _ = Geod(ellps="WGS84").polygon_area_perimeter(lon, lat)
    return abs(area_m2) / 1e6


def info_area(world: World, frame: gpd.GeoDataFrame, method: str = "equal-area") -> float:
    """Area (km²) of a layer as ``leopardrange info --json`` reports it."""
    path = world.root / "layer.gpkg"
    frame.to_file(path, layer="layer")
    result = run_case(world, "info", path, "--area-method", method, "--json", code=0, extra=(path,))
    return float(json.loads(result.stdout)[0]["area_km2"])


def frame(geoms: list[Any], crs: Any, **columns: list[Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=crs)


# ============================================================ units: km, US survey feet


@pytest.mark.parametrize("method", ["equal-area", "geodesic"])
def test_a_square_in_a_laea_in_km(world: World, method: str) -> None:
    square = frame([shapely.box(0, 0, 50, 50)], LAEA_KM)
    assert info_area(world, square, method) == pytest.approx(2500.0, rel=1e-6)


@pytest.mark.parametrize("method", ["equal-area", "geodesic"])
def test_a_square_in_an_albers_in_us_feet(world: World, method: str) -> None:
    side = 50_000 / US_FT_M
    square = frame([shapely.box(0, 0, side, side)], ALBERS_US_FT)
    assert info_area(world, square, method) == pytest.approx(2500.0, rel=1e-6)


def test_a_conformal_crs_in_us_feet_gives_both_methods_the_same_area(world: World) -> None:
    ca = frame([shapely.box(6_000_000, 2_000_000, 6_100_000, 2_100_000)], "EPSG:2227")
    equal_area, geodesic = info_area(world, ca), info_area(world, ca, "geodesic")
    assert equal_area == pytest.approx(geodesic, rel=1e-5)
    assert equal_area == pytest.approx((100_000 * US_FT_M / KM) ** 2, rel=2e-3)  # scale ≈ 1


def test_measure_in_a_crs_given_in_km() -> None:
    square = gpd.GeoSeries([box_km(0, 0, 10, 10)], crs=LAEA)
    assert measure.area_km2(square, crs=LAEA_KM).iloc[0] == pytest.approx(100.0, rel=1e-9)
    with pytest.raises(CRSError, match="not an equal-area CRS"):
        measure.area_km2(square, crs="EPSG:4326")


def test_redlist_in_a_crs_given_in_km() -> None:
    square = gpd.GeoSeries([box_km(0.5, 0.5, 10.5, 10.5)], crs=LAEA)
    aoo = redlist.aoo(square, crs=LAEA_KM)
    assert aoo.aoo_km2 == pytest.approx(redlist.aoo(square).aoo_km2)
    assert aoo.aoo_km2 == pytest.approx(144.0)  # 6 × 6 cells of 2 × 2 km
    assert redlist.eoo(square, crs=LAEA_KM).eoo_km2 == pytest.approx(100.0, rel=1e-9)


def test_a_report_whose_analysis_crs_is_in_km(world: World) -> None:
    text = world.study.read_text(encoding="utf-8").replace(
        "[study]\n", f'[study]\nanalysis_crs = "{LAEA_KM}"\n'
    )
    study = world.study_dir / "km.toml"
    study.write_text(text, encoding="utf-8")
    out = world.root / "r"
    run_case(world, "report", study, "--out", out, code=0)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["park_area_km2"] == pytest.approx(100.0, rel=1e-3)
    assert metrics["range_epochs"][-1]["area_km2"] == pytest.approx(576.0, rel=1e-3)


def test_a_report_on_layers_in_km(world: World) -> None:
    for layer in ("park", "range"):
        gpd.read_file(world.gpkg, layer=layer).to_crs(LAEA_KM).to_file(world.gpkg, layer=layer)
    out = world.root / "r"
    run_case(world, "report", world.study, "--out", out, code=0)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["park_area_km2"] == pytest.approx(100.0, rel=1e-3)
    assert metrics["range_epochs"][-1]["area_km2"] == pytest.approx(576.0, rel=1e-3)
    assert 576 <= metrics["aoo_km2"] <= 784  # 12 to 14 cells of 2 km along each 24 km side


# ===================================================================== poles


@pytest.mark.parametrize("epsg", [3413, 3031])
@pytest.mark.parametrize("method", ["equal-area", "geodesic"])
def test_a_circle_around_a_pole(world: World, epsg: int, method: str) -> None:
    ring = shapely.segmentize(shapely.Point(0, 0).buffer(1_000_000, 256), 1_000)
    expected = geod_area_km2(ring, f"EPSG:{epsg}")
    assert expected == pytest.approx(POLAR_CIRCLE_KM2 if epsg == 3413 else 3_298_640, rel=1e-4)
    assert info_area(world, frame([ring], f"EPSG:{epsg}"), method) == pytest.approx(
        expected, rel=1e-5
    )


@pytest.mark.parametrize("south", [False, True])
@pytest.mark.parametrize("method", ["equal-area", "geodesic"])
def test_a_polar_cap_in_longitude_and_latitude(world: World, south: bool, method: str) -> None:
    cap = shapely.box(-180, -90, 180, -80) if south else shapely.box(-180, 80, 180, 90)
    expected = cell_area_closed_form_km2(80.0, 10.0, 360.0)
    assert info_area(world, frame([cap], 4326), method) == pytest.approx(expected, rel=1e-4)


def test_the_analysis_crs_of_polar_data_is_centred_on_the_pole() -> None:
    ring = gpd.GeoSeries([shapely.Point(0, 0).buffer(1_000_000)], crs="EPSG:3413")
    params = {p.name: p.value for p in lrcrs.analysis_crs(ring).coordinate_operation.params}
    assert params["Latitude of natural origin"] == 90.0
    band = gpd.GeoSeries(
        [shapely.box(-180, 60, 180, 70).difference(shapely.box(0, 60, 5, 70))], crs=4326
    )
    params = {p.name: p.value for p in lrcrs.analysis_crs(band).coordinate_operation.params}
    assert params["Latitude of natural origin"] == 90.0  # all around the pole, not holding it


def test_polar_eoo_and_patches() -> None:
    ring = gpd.GeoSeries([shapely.Point(0, 0).buffer(1_000_000, 256)], crs="EPSG:3413")
    assert fragmentation.patch_metrics(ring).n_patches == 1
    assert redlist.eoo(ring).eoo_km2 == pytest.approx(POLAR_CIRCLE_KM2, rel=2e-3)


# ============================================================ across the antimeridian


def pacific(representation: str) -> gpd.GeoSeries:
    if representation == "split":  # GeoJSON's way: two parts, at ±180°
        geoms = [shapely.box(170, 34, 180, 36), shapely.box(-180, 34, -170, 36)]
        return gpd.GeoSeries(geoms, crs=4326)
    if representation == "beyond 180":
        return gpd.GeoSeries([shapely.box(170, 34, 190, 36)], crs=4326)
    lonlat = gpd.GeoSeries([shapely.box(170, 34, 190, 36)], crs=4326)
    return gpd.GeoSeries(measure.densify(lonlat).values, crs=4326).to_crs("EPSG:3832")


REPRESENTATIONS = ["split", "beyond 180", "EPSG:3832"]


def geodesic_hull_km2() -> float:
    """The hull of the Pacific range on the ellipsoid: the range plus the lens between the
    36°N parallel and the geodesic from 170°E to 170°W (which reaches 36.42°N)."""
    geod = Geod(ellps="WGS84")
    top = geod.npts(170, 36, -170, 36, 400)
    lons = [170.0] + [lon % 360 for lon, _ in top] + [190.0]
    lats = [36.0] + [lat for _, lat in top] + [36.0]
    lens = shapely.Polygon([*zip(lons, lats, strict=True), (180, 36)])
    lens_km2 = measure.area_km2(gpd.GeoSeries([lens], crs=4326), method="geodesic").iloc[0]
    return PACIFIC_KM2 + float(lens_km2)


@pytest.mark.parametrize("representation", REPRESENTATIONS)
def test_a_range_across_the_antimeridian(representation: str) -> None:
    data = pacific(representation)
    for method in ("equal_area", "geodesic"):
        assert measure.total_area_km2(data, method=method) == pytest.approx(PACIFIC_KM2, rel=1e-4)
    assert fragmentation.patch_metrics(data).n_patches == 1
    assert redlist.eoo(data).eoo_km2 == pytest.approx(geodesic_hull_km2(), rel=0.01)
    assert lrcrs.central_meridian(lrcrs.analysis_crs(data)) == 180.0


def test_a_report_across_the_antimeridian(world: World) -> None:
    halves = [shapely.box(179, 50, 180, 50.5), shapely.box(-180, 50, -179, 50.5)]
    epochs = {"epoch": ["now", "now"], "year": [2020, 2020]}
    gpd.GeoDataFrame(epochs, geometry=halves, crs=4326).to_file(world.gpkg, layer="range")
    park = shapely.box(179.8, 50.1, 180.2, 50.4)
    gpd.GeoDataFrame(geometry=[park], crs=4326).to_file(world.gpkg, layer="park")
    out = world.root / "r"
    run_case(world, "report", world.study, "--out", out, code=0)
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    range_km2 = cell_area_closed_form_km2(50.0, 0.5, 2.0)
    assert m["fragmentation"]["n_patches"] == 1
    assert m["range_epochs"][0]["area_km2"] == pytest.approx(range_km2, rel=1e-4)
    assert m["park_area_km2"] == pytest.approx(cell_area_closed_form_km2(50.1, 0.3, 0.4), rel=1e-4)
    # the hull, raised to the AOO when smaller (IUCN): never a hull around the world
    assert m["aoo_km2"] == pytest.approx(range_km2, rel=0.1)
    assert m["eoo_km2"] == pytest.approx(max(m["aoo_km2"], range_km2 * 1.006), rel=0.01)


# ======================================================= larger than a hemisphere


def test_a_polygon_larger_than_a_hemisphere(world: World) -> None:
    big = shapely.box(-179.9, -75, 179.9, 75)
    expected = cell_area_closed_form_km2(-75.0, 150.0, 359.8)
    assert expected > 0.9 * 510_065_621.7
    for method in ("geodesic", "equal-area"):
        assert info_area(world, frame([big], 4326), method) == pytest.approx(expected, rel=1e-4)
    clockwise = shapely.Polygon(list(big.exterior.coords)[::-1])
    assert info_area(world, frame([clockwise], 4326), "geodesic") == pytest.approx(
        expected, rel=1e-4
    )


def test_a_huge_polygon_with_a_hole() -> None:
    hole = shapely.box(0, 0, 10, 10)
    holed = shapely.box(-179.9, -75, 179.9, 75).difference(hole)
    expected = cell_area_closed_form_km2(-75.0, 150.0, 359.8) - cell_area_closed_form_km2(0, 10, 10)
    got = measure.area_km2(gpd.GeoSeries([holed], crs=4326), method="geodesic").iloc[0]
    assert got == pytest.approx(expected, rel=1e-4)


def test_tiny_and_degenerate_rings_are_never_the_whole_globe() -> None:
    sliver = shapely.Polygon([(131, 43), (131.0000001, 43), (131, 43.0000001), (131, 43)])
    flat = shapely.Polygon([(131, 43), (131.5, 43), (132, 43), (131, 43)])
    got = measure.area_km2(gpd.GeoSeries([sliver, flat], crs=4326), method="geodesic")
    assert got.max() < 1e-6


# ============================================== values that gave a wrong number (or a crash)


def test_a_repair_that_empties_the_park(world: World) -> None:
    line = shapely.Polygon([(131, 43), (131.1, 43), (131.2, 43), (131, 43)])  # no area
    gpd.GeoDataFrame({"name": ["flat"]}, geometry=[line], crs=4326).to_file(
        world.gpkg, layer="park"
    )
    text = world.study.read_text(encoding="utf-8").replace(
        'layer = "park"', 'layer = "park"\nrepair = true'
    )
    study = world.study_dir / "repair.toml"
    study.write_text(text, encoding="utf-8")
    run_case(
        world,
        "report",
        study,
        "--out",
        world.root / "r",
        match=r"layer 'park' .*: the repair left no polygon .* fix the layer in a GIS",
    )


def test_unreadable_coordinates_in_a_geojson_feature(world: World) -> None:
    features = [
        {
            "type": "Feature",
            "id": 7,
            "properties": {"epoch": "2020", "year": 2020},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[["a", "b"], [131, 43], [131.1, 43.1], ["a", "b"]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"epoch": "2020", "year": 2020},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[131, 43], [131.1, 43], [131.1, 43.1], [131, 43]]],
            },
        },
    ]
    path = world.root / "range.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    run_case(
        world,
        "info",
        path,
        match=r"feature 0 \(id 7\) has a geometry that cannot be read",
        extra=(path,),
    )


def _damage_gpkg_geometry(path: Path, layer: str, fid: int) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    for (trigger,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        con.execute(f'DROP TRIGGER "{trigger}"')  # GeoPackage triggers need SpatiaLite
    con.execute(f"UPDATE \"{layer}\" SET geom = x'4750000100000000DEADBEEF' WHERE fid = {fid}")
    con.commit()
    con.close()


def test_a_damaged_geometry_in_a_geopackage(world: World) -> None:
    path = world.root / "damaged.gpkg"
    frame([shapely.box(131, 43, 131.1, 43.1), shapely.box(131.2, 43, 131.3, 43.1)], 4326).to_file(
        path, layer="sites"
    )
    _damage_gpkg_geometry(path, "sites", 2)
    run_case(
        world,
        "info",
        path,
        extra=(path,),
        match=r"layer 'sites' .*: feature 2 has a stored geometry that cannot be read",
    )


def test_a_damaged_shapefile_record(world: World) -> None:
    path = world.root / "damaged.shp"
    frame([shapely.box(131, 43, 131.1, 43.1), shapely.box(131.2, 43, 131.3, 43.1)], 4326).to_file(
        path
    )
    raw = bytearray(path.read_bytes())
    offset = int.from_bytes(path.with_suffix(".shx").read_bytes()[108:112], "big") * 2
    raw[offset + 8 : offset + 12] = (77).to_bytes(4, "little")  # no such shape type
    path.write_bytes(bytes(raw))
    run_case(
        world,
        "info",
        path,
        extra=(world.root,),
        match=r"feature 1 has a stored geometry that cannot be read|cannot read",
    )


def test_a_feature_without_geometry_is_no_error(world: World) -> None:
    path = world.root / "nulls.gpkg"
    frame([shapely.box(131, 43, 131.1, 43.1), None], 4326).to_file(path)
    result = run_case(world, "info", path, "--json", code=0, extra=(path,))
    assert json.loads(result.stdout)[0]["features"] == 2


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_coordinates_that_are_not_numbers(world: World, value: float) -> None:
    with warnings.catch_warnings():  # shapely warns about the very values this case is about
        warnings.simplefilter("ignore", RuntimeWarning)
        bad = shapely.Polygon([(131, 43), (131.1, value), (131.1, 43.1), (131, 43)])
    path = world.root / "bad.gpkg"
    frame([shapely.box(131, 43, 131.1, 43.1), bad], 4326).to_file(path)
    run_case(
        world, "info", path, match=r"coordinates that are not numbers .* \(ids 1\)", extra=(path,)
    )


@pytest.mark.parametrize(
    ("geom", "message"),
    [
        (
            shapely.box(131, 200, 131.1, 200.1),
            r"a latitude of 200(\.1)?, beyond ±90° \(feature 0\)",
        ),
        (shapely.box(43, 131, 43.1, 131.1), r"latitude .* beyond ±90° .* swapped"),
        (shapely.box(1000, 43, 1000.1, 43.1), r"longitude of 1000.*, beyond ±540°"),
    ],
)
def test_impossible_longitudes_and_latitudes(world: World, geom: Any, message: str) -> None:
    path = world.root / "bad.gpkg"
    frame([geom], 4326).to_file(path)
    run_case(world, "info", path, match=message, extra=(path,))


@pytest.mark.parametrize(
    ("crs", "corner"),
    [(LAEA, 1e30), ("EPSG:3857", 1e306), ("EPSG:3857", 1e9)],  # the fuzzer found 3857 × 1e300
)
def test_projected_coordinates_outside_their_crs(world: World, crs: str, corner: float) -> None:
    path = world.root / "far.gpkg"
    frame([shapely.box(corner, corner, 2 * corner, 2 * corner)], crs).to_file(path)
    run_case(world, "info", path, match=r"outside where its CRS .* is defined", extra=(path,))


def test_a_tie_for_the_current_epoch(world: World) -> None:
    ranges = gpd.read_file(world.gpkg, layer="range")
    ranges.loc[1, "year"] = 2020
    ranges.to_file(world.gpkg, layer="range")
    run_case(
        world,
        "report",
        world.study,
        "--out",
        world.root / "r",
        match=r"epochs '2000s' and '2020' share the latest year \(2020\); set current_epoch",
    )
    text = world.study.read_text(encoding="utf-8").replace(
        'year_field = "year"', 'year_field = "year"\ncurrent_epoch = "2020"'
    )
    study = world.study_dir / "settled.toml"
    study.write_text(text, encoding="utf-8")
    out = world.root / "r"
    run_case(world, "report", study, "--out", out, code=0)
    assert json.loads((out / "metrics.json").read_text("utf-8"))["current_epoch"] == "2020"


@pytest.mark.parametrize(
    ("years", "message"),
    [
        (
            ["c. 1900", "2005", "2020"],
            r"holds 'c. 1900' \(feature 0, epoch 'c. 1900'\), not a whole",
        ),
        ([1900.5, 2005.0, 2020.0], r"holds 1900.5 .* not a whole year"),
        ([math.inf, 2005.0, 2020.0], r"holds inf .* not a whole year"),
    ],
)
def test_a_year_field_that_holds_no_years(world: World, years: list[Any], message: str) -> None:
    ranges = gpd.read_file(world.gpkg, layer="range")
    ranges["year"] = pd.Series(years, dtype=object if isinstance(years[0], str) else float)
    ranges.to_file(world.gpkg, layer="range")
    run_case(world, "report", world.study, "--out", world.root / "r", match=message)


def test_a_year_field_of_dates(world: World) -> None:
    ranges = gpd.read_file(world.gpkg, layer="range")
    ranges["year"] = pd.to_datetime(["1900-06-01", "2005-06-01", "2020-06-01"])
    ranges.to_file(world.gpkg, layer="range")
    out = world.root / "r"
    run_case(world, "report", world.study, "--out", out, code=0)
    epochs = json.loads((out / "metrics.json").read_text("utf-8"))["range_epochs"]
    assert [e["year"] for e in epochs] == [1900, 2005, 2020]


def test_every_layer_in_a_study_is_checked_before_any_output(world: World) -> None:
    before = snapshot(*world.inputs)
    result = invoke("report", world.study, "--out", world.root / "r", "--area-method", "bogus")
    assert one_line_error(result, code=2).startswith("Error: Invalid value for '--area-method'")
    assert snapshot(*world.inputs) == before and not (world.root / "r").exists()
