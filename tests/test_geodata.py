"""The embedded Amur leopard data: validity, containment, nesting, areas, sources and licences.

Areas are measured in a LAEA centred on the landscape (edges densified to 0.01° first), the
same CRS build.py uses, and cross-checked geodesically. The data-quality table of
geodata/SOURCES.md is recomputed from the GeoPackage, so a stale table fails here.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from pyproj import Geod

from leopardrange import datasets
from leopardrange.errors import DataSourceError, LayerNotFoundError

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
FACTS = ROOT.parent / "shared" / "FACTS.md"
LAEA = "+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
LAYERS = (
    "countries",
    "park",
    "park_units",
    "protected_complex",
    "china_np",
    "leopard_range",
    "tiger_range",
    "breeding_areas",
    "settlements",
    "corridor_targets",
    "rivers",
)
POLYGON_LAYERS = tuple(name for name in LAYERS if name not in ("settlements", "rivers"))
REGION = (115.0, 33.0, 145.0, 55.0)
#: Slack for containment in a country (the issue's allowance for the 1:10m border), km².
BORDER_SLACK_KM2 = 5.0
#: Slack for containment that holds by construction (nesting, land, park in range), km².
EXACT_SLACK_KM2 = 0.5
QUALITY_HEADER = "| layer | feature | built_km2 | published_km2 | diff_pct |"
PARK = "Land of the Leopard"
CHINA_NP = "Northeast China Tiger and Leopard National Park"
TARGET_PCT = {
    "park": 5.0,
    "park_units": 5.0,
    "protected_complex": 5.0,
    "china_np": 5.0,
    "leopard_range": 15.0,
}
COMPLEX = "Land of the Leopard + Kedrovaya Pad"
SOURCES = GEODATA / "sources"
SHARED_OUTLINE = ROOT.parent / "shared" / "data" / "land_of_the_leopard_np.osm.geojson"
#: Layers built on OpenStreetMap data (ODbL 1.0, LICENSE-DATA section 1).
OSM_LAYERS = tuple(name for name in LAYERS if name not in ("settlements", "rivers"))


def area_km2(geom: shapely.Geometry) -> float:
    """Area of a lon/lat geometry in km², in the landscape LAEA."""
    series = gpd.GeoSeries([shapely.segmentize(geom, 0.01)], crs="EPSG:4326").to_crs(LAEA)
    return float(series.area.iloc[0]) / 1e6


def outside_km2(inner: shapely.Geometry, outer: shapely.Geometry) -> float:
    """Area (km²) of ``inner`` outside ``outer``."""
    return area_km2(shapely.difference(inner, outer))


@pytest.fixture(scope="module")
def data() -> dict[str, gpd.GeoDataFrame]:
    return {name: datasets.load(name) for name in LAYERS}


@pytest.fixture(scope="module")
def raw() -> dict[str, gpd.GeoDataFrame]:
    """Layers read straight from the file (no validity checks on the way in)."""
    return {name: gpd.read_file(GEODATA / "amur_leopard.gpkg", layer=name) for name in LAYERS}


@pytest.fixture(scope="module")
def countries(data: dict[str, gpd.GeoDataFrame]) -> dict[str, shapely.Geometry]:
    frame = data["countries"]
    return {str(iso): geom for iso, geom in zip(frame["iso_a3"], frame.geometry, strict=True)}


@pytest.fixture(scope="module")
def land(countries: dict[str, shapely.Geometry]) -> shapely.Geometry:
    return shapely.union_all(list(countries.values()))


def feature(frame: gpd.GeoDataFrame, name: str) -> shapely.Geometry:
    hits = frame.loc[frame["name"] == name]
    assert len(hits) == 1, f"expected one feature named {name!r}, found {len(hits)}"
    return hits.geometry.iloc[0]


def quality_table() -> list[dict[str, str]]:
    lines = (GEODATA / "SOURCES.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(QUALITY_HEADER)
    keys = [cell.strip() for cell in QUALITY_HEADER.strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append(dict(zip(keys, cells, strict=True)))
    return rows


# --- structure --------------------------------------------------------------------------------


def test_gpkg_lists_every_layer_in_order() -> None:
    assert datasets.layers() == list(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_is_wgs84_and_not_empty(raw: dict[str, gpd.GeoDataFrame], layer: str) -> None:
    frame = raw[layer]
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert len(frame) > 0
    assert not frame.geometry.is_empty.any()


@pytest.mark.parametrize("layer", POLYGON_LAYERS)
def test_every_polygon_is_valid(raw: dict[str, gpd.GeoDataFrame], layer: str) -> None:
    frame = raw[layer]
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    reasons = [shapely.is_valid_reason(g) for g in frame.geometry if not g.is_valid]
    assert reasons == []


@pytest.mark.parametrize("layer", POLYGON_LAYERS)
def test_feature_names_are_unique(raw: dict[str, gpd.GeoDataFrame], layer: str) -> None:
    assert raw[layer]["name"].is_unique


@pytest.mark.parametrize("layer", [n for n in POLYGON_LAYERS if n != "countries"])
def test_polygons_are_clipped_to_land(
    raw: dict[str, gpd.GeoDataFrame], land: shapely.Geometry, layer: str
) -> None:
    for name, geom in zip(raw[layer]["name"], raw[layer].geometry, strict=True):
        assert outside_km2(geom, land) <= EXACT_SLACK_KM2, f"{layer}/{name} reaches the sea"


def test_everything_lies_in_the_region(raw: dict[str, gpd.GeoDataFrame]) -> None:
    west, south, east, north = REGION
    for layer, frame in raw.items():
        minx, miny, maxx, maxy = frame.total_bounds
        assert west <= minx and maxx <= east and south <= miny and maxy <= north, layer


# --- containment ------------------------------------------------------------------------------


def test_park_and_units_stay_in_russia(
    data: dict[str, gpd.GeoDataFrame], countries: dict[str, shapely.Geometry]
) -> None:
    for layer in ("park", "park_units", "breeding_areas"):
        for name, geom in zip(data[layer]["name"], data[layer].geometry, strict=True):
            assert outside_km2(geom, countries["RUS"]) <= BORDER_SLACK_KM2, f"{layer}/{name}"


def test_china_np_stays_in_china(
    data: dict[str, gpd.GeoDataFrame], countries: dict[str, shapely.Geometry]
) -> None:
    for name, geom in zip(data["china_np"]["name"], data["china_np"].geometry, strict=True):
        assert outside_km2(geom, countries["CHN"]) <= BORDER_SLACK_KM2, name


def test_china_np_within_published_bounding_box(data: dict[str, gpd.GeoDataFrame]) -> None:
    box = shapely.box(129.0833, 42.5183, 131.3133, 44.2469)  # S77
    assert outside_km2(feature(data["china_np"], CHINA_NP), box) <= EXACT_SLACK_KM2


def test_park_is_the_first_feature(data: dict[str, gpd.GeoDataFrame]) -> None:
    assert data["park"]["name"].iloc[0] == PARK
    assert data["china_np"]["name"].iloc[0] == CHINA_NP
    assert len(datasets.load("park", where=f"name = '{PARK}'")) == 1


def test_units_of_the_park_lie_inside_it(data: dict[str, gpd.GeoDataFrame]) -> None:
    park = feature(data["park"], PARK)
    for unit in ("Barsovy", "Borisovskoye Plateau", "Leopardovy"):
        assert outside_km2(feature(data["park_units"], unit), park) <= EXACT_SLACK_KM2, unit


def test_kedrovaya_pad_and_protection_zone_are_outside_the_park(
    data: dict[str, gpd.GeoDataFrame],
) -> None:
    # The 261,868 ha of the NP exclude Kedrovaya Pad (FACTS §6.1); the zone surrounds both.
    park = feature(data["park"], PARK)
    for unit in ("Kedrovaya Pad", "Protection zone"):
        assert area_km2(shapely.intersection(feature(data["park_units"], unit), park)) < 1.0


def test_range_epochs_nest_where_the_range_only_shrank(
    data: dict[str, gpd.GeoDataFrame],
) -> None:
    ranges = data["leopard_range"].set_index("epoch").geometry
    # FACTS 2.1: c. 1900 ⊇ 1970s ⊇ early 2000s (contraction); later epochs grew again but
    # never beyond the historical range.
    assert outside_km2(ranges["1970s"], ranges["c. 1900"]) <= EXACT_SLACK_KM2
    assert outside_km2(ranges["early 2000s"], ranges["1970s"]) <= EXACT_SLACK_KM2
    for epoch in ("2015", "2021"):
        assert outside_km2(ranges[epoch], ranges["c. 1900"]) <= EXACT_SLACK_KM2, epoch


def test_range_epochs_have_years_in_order(data: dict[str, gpd.GeoDataFrame]) -> None:
    frame = data["leopard_range"]
    assert list(frame["epoch"]) == ["c. 1900", "1970s", "early 2000s", "2015", "2021"]
    assert frame["year"].is_monotonic_increasing
    assert frame["source_ids"].str.match(r"^S\d+").all()
    assert (frame["method"].str.len() > 40).all()


def test_park_lies_inside_the_2021_range(data: dict[str, gpd.GeoDataFrame]) -> None:
    r2021 = feature(data["leopard_range"], "2021")
    assert outside_km2(feature(data["park"], PARK), r2021) <= EXACT_SLACK_KM2


def test_early_2000s_range_is_russian(
    data: dict[str, gpd.GeoDataFrame], countries: dict[str, shapely.Geometry]
) -> None:
    r2000 = feature(data["leopard_range"], "early 2000s")
    assert outside_km2(r2000, countries["RUS"]) <= BORDER_SLACK_KM2


# --- the real park, Kedrovaya Pad and the protected complex ---------------------------------------


def iou(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Intersection over union of two lon/lat geometries (areas in the landscape LAEA)."""
    return area_km2(shapely.intersection(a, b)) / area_km2(shapely.union(a, b))


def shared_boundary_frac(inner: shapely.Geometry, outer: shapely.Geometry) -> float:
    """Share (0–1) of ``inner``'s boundary that runs within 1 m of ``outer``'s boundary."""
    to_laea = lambda g: gpd.GeoSeries([shapely.segmentize(g, 0.01)], crs=4326).to_crs(LAEA)[0]  # noqa: E731
    edge = to_laea(inner.boundary)
    return float(edge.intersection(to_laea(outer.boundary).buffer(1.0)).length / edge.length)


@pytest.fixture(scope="module")
def outline() -> shapely.Geometry:
    frame = gpd.read_file(SOURCES / "land_of_the_leopard_np.osm.geojson")
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    return shapely.union_all(frame.geometry)


def test_the_committed_outline_is_the_shared_one() -> None:
    if not SHARED_OUTLINE.exists():
        pytest.skip("shared/data is not beside the repository")
    committed = (SOURCES / SHARED_OUTLINE.name).read_bytes()
    assert committed == SHARED_OUTLINE.read_bytes()


def test_park_2012_is_the_osm_outline(
    data: dict[str, gpd.GeoDataFrame], outline: shapely.Geometry
) -> None:
    park = feature(data["park"], PARK)
    assert iou(park, outline) >= 0.99
    assert data["park"].set_index("name").loc[PARK, "osm_relation"] == 10367273
    # the area is measured, not fitted: 2,598.4 km² geodesic for the outline (its note), a
    # little less once clipped to Russian land, 0.8-1 % under the published 261,868 ha
    assert 2_590.0 < area_km2(park) < area_km2(outline) <= 2_599.0


def test_outline_check_detects_a_shifted_park(outline: shapely.Geometry) -> None:
    shifted = shapely.affinity.translate(outline, xoff=0.02)  # ~1.6 km east
    assert iou(shifted, outline) < 0.99


def test_gamov_cluster_does_not_overlap_the_park(data: dict[str, gpd.GeoDataFrame]) -> None:
    park = feature(data["park"], PARK)
    gamov = feature(data["park"], "Land of the Leopard – Gamov cluster")
    assert area_km2(shapely.intersection(park, gamov)) < 0.01
    assert gamov.distance(shapely.Point(131.2, 42.566)) == 0.0  # on the peninsula (S98)


def test_kedrovaya_pad_fills_the_notch(data: dict[str, gpd.GeoDataFrame]) -> None:
    park = feature(data["park"], PARK)
    kp = feature(data["park_units"], "Kedrovaya Pad")
    assert area_km2(shapely.intersection(kp, park)) < 0.01  # does not overlap the park
    assert shared_boundary_frac(kp, park) >= 0.5  # enclosed on the west, north and south (S3)
    assert kp.contains(shapely.Point(131.5, 43.0833))  # its label point (S16)
    assert area_km2(kp) == pytest.approx(180.448, rel=1e-3)  # 18,044.8 ha (S17), solved
    minx, miny, maxx, maxy = kp.bounds  # the notch: ≈ 131.40–131.60°E, 43.04–43.20°N
    assert minx > 131.35 and maxx < 131.65 and miny > 42.95 and maxy < 43.25


def test_kedrovaya_pad_checks_can_fail(data: dict[str, gpd.GeoDataFrame]) -> None:
    park = feature(data["park"], PARK)
    kp = feature(data["park_units"], "Kedrovaya Pad")
    inland = shapely.affinity.translate(kp, xoff=-0.1)  # ~8 km west, into the park
    assert area_km2(shapely.intersection(inland, park)) > 50
    offshore = shapely.affinity.translate(kp, xoff=0.1, yoff=-0.1)
    assert shared_boundary_frac(offshore, park) < 0.1


def test_protected_complex_is_the_park_and_kedrovaya_pad(
    data: dict[str, gpd.GeoDataFrame],
) -> None:
    frame = data["protected_complex"]
    assert list(frame["name"]) == [COMPLEX]
    union = shapely.union(feature(data["park"], PARK), feature(data["park_units"], "Kedrovaya Pad"))
    complex_ = feature(frame, COMPLEX)
    assert area_km2(shapely.symmetric_difference(complex_, union)) < EXACT_SLACK_KM2
    assert len(shapely.get_parts(complex_)) == 2  # the main body (with the reserve) + the south
    assert float(frame["area_published_km2"].iloc[0]) == pytest.approx(2_799.14, abs=0.01)


def test_the_2021_range_holds_the_park_and_kedrovaya_pad(
    data: dict[str, gpd.GeoDataFrame],
) -> None:
    r2021 = feature(data["leopard_range"], "2021")
    assert outside_km2(feature(data["protected_complex"], COMPLEX), r2021) <= EXACT_SLACK_KM2


def test_complex_study_checks_the_same_claims_against_the_complex() -> None:
    """amur_leopard_complex.toml is the embedded study with the complex as the park."""
    from leopardrange import report
    from leopardrange.study import read_study

    main = read_study(datasets.path("study"))
    complex_study = read_study(datasets.data_dir() / "amur_leopard_complex.toml")
    assert complex_study.layers["park"].layer == "protected_complex"
    for role in ("range", "competitor", "breeding", "borders"):
        assert complex_study.layers[role] == main.layers[role], role

    def park_claims(study: object) -> set[tuple[str, float, str]]:
        return {
            (c.metric, c.expected, c.source)
            for c in study.claims  # type: ignore[attr-defined]
            if c.metric.startswith(("park_", "breeding_"))
        }

    assert park_claims(complex_study) == park_claims(main)  # the same published claims
    np_m, cx_m = report.run(main).metrics, report.run(complex_study).metrics
    # the complex holds the park, so it covers at least as much of every range and breeding area
    assert cx_m["park_area_km2"] == pytest.approx(np_m["park_area_km2"] + 180.4, abs=0.5)
    for key in (
        "park_share_of_current_range_pct",
        "park_share_of_national_range_pct",
        "breeding_in_park_pct",
    ):
        assert cx_m[key] >= np_m[key], key


# --- areas ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layer", sorted(TARGET_PCT))
def test_areas_match_published_figures(data: dict[str, gpd.GeoDataFrame], layer: str) -> None:
    frame = data[layer]
    checked = 0
    for name, geom, published in zip(
        frame["name"], frame.geometry, frame["area_published_km2"], strict=True
    ):
        if published is None or np.isnan(published):
            continue
        diff_pct = 100 * (area_km2(geom) / published - 1)
        assert abs(diff_pct) <= TARGET_PCT[layer], f"{layer}/{name}: {diff_pct:+.1f}%"
        checked += 1
    assert checked == len(frame)  # every feature of these layers has a published area


def test_area_methods_agree(data: dict[str, gpd.GeoDataFrame]) -> None:
    geod = Geod(ellps="WGS84")
    for geom in (feature(data["park"], PARK), feature(data["china_np"], CHINA_NP)):
        geodesic_km2 = abs(geod.geometry_area_perimeter(geom)[0]) / 1e6
        assert area_km2(geom) == pytest.approx(geodesic_km2, rel=1e-3)


def test_quality_table_matches_recomputed_areas(
    data: dict[str, gpd.GeoDataFrame], countries: dict[str, shapely.Geometry]
) -> None:
    rows = quality_table()
    assert len(rows) >= 20
    for row in rows:
        name, _, iso = row["feature"].partition(" ∩ ")
        frame = data[row["layer"]]
        geom = feature(frame, name)
        if iso:
            geom = shapely.intersection(geom, countries[iso])
        else:
            published = float(frame.loc[frame["name"] == name, "area_published_km2"].iloc[0])
            assert float(row["published_km2"]) == pytest.approx(published, abs=0.05)
        built = area_km2(geom)
        assert float(row["built_km2"]) == pytest.approx(built, abs=0.1), row
        diff_pct = 100 * (float(row["built_km2"]) / float(row["published_km2"]) - 1)
        assert float(row["diff_pct"]) == pytest.approx(diff_pct, abs=0.06), row


def test_quality_table_has_a_row_for_every_published_area(
    data: dict[str, gpd.GeoDataFrame],
) -> None:
    listed = {(row["layer"], row["feature"]) for row in quality_table()}
    for layer in POLYGON_LAYERS:
        frame = data[layer]
        if "area_published_km2" not in frame:
            continue
        for name, published in zip(frame["name"], frame["area_published_km2"], strict=True):
            if published is not None and not np.isnan(published):
                assert (layer, name) in listed


def test_every_layer_has_a_sources_section() -> None:
    text = (GEODATA / "SOURCES.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `([a-z_.]+)`", text, flags=re.MULTILINE))
    missing = (set(LAYERS) | {"elevation.tif", "landcover.tif"}) - headings
    assert missing == set()


# --- breeding areas, settlements, corridor targets ----------------------------------------------


def test_breeding_areas_are_only_the_sites_facts_names(data: dict[str, gpd.GeoDataFrame]) -> None:
    frame = data["breeding_areas"]
    assert sorted(frame["name"]) == [
        "Kedrovaya Pad cub records",
        "Malaya Kedrovka valley (female with cub)",
    ]
    assert frame["source_ids"].str.contains("S103").all()
    assert (frame["placement"].str.len() > 40).all()
    assert (frame["uncertainty_km"] > 0).all()


def test_kedrovaya_pad_breeding_area_covers_the_reserve(
    data: dict[str, gpd.GeoDataFrame],
) -> None:
    kp = feature(data["park_units"], "Kedrovaya Pad")
    breeding = feature(data["breeding_areas"], "Kedrovaya Pad cub records")
    assert outside_km2(kp, breeding) <= EXACT_SLACK_KM2


def test_settlements_have_names_populations_and_facts(data: dict[str, gpd.GeoDataFrame]) -> None:
    frame = data["settlements"]
    assert set(frame.geom_type) == {"Point"}
    assert len(frame) > 1000
    assert frame["name"].str.len().gt(0).all()
    by_name = frame.set_index("name")
    assert by_name.loc["Khasan", "population"] == 492
    assert "S92" in by_name.loc["Khasan", "source_ids"]
    assert by_name.loc["Barabash", "population"] == 2269
    assert by_name.loc["Barabash", "name_local"] == "Барабаш"
    barabash = by_name.loc["Barabash", "geometry"]
    assert barabash.distance(shapely.Point(131.4889, 43.1917)) < 0.02  # S91


def test_corridor_targets_are_in_their_countries(
    data: dict[str, gpd.GeoDataFrame], countries: dict[str, shapely.Geometry]
) -> None:
    frame = data["corridor_targets"]
    assert set(frame["name"]) == {
        "Ussuriysky Nature Reserve",
        "Lazovsky Nature Reserve",
        "Poltavsky refuge",
        "Hunchun National Nature Reserve",
    }
    for name, geom in zip(frame["name"], frame.geometry, strict=True):
        country = countries["CHN"] if name.startswith("Hunchun") else countries["RUS"]
        assert outside_km2(geom, country) <= BORDER_SLACK_KM2, name
    lazovsky = feature(frame, "Lazovsky Nature Reserve")
    assert lazovsky.distance(shapely.Point(133.4, 43.233)) < 0.05  # S63


def test_source_ids_exist_in_the_fact_sheet(data: dict[str, gpd.GeoDataFrame]) -> None:
    if not FACTS.exists():
        pytest.skip("shared/FACTS.md is not beside the repository")
    known = set(re.findall(r"^- (S\d+) ", FACTS.read_text(encoding="utf-8"), flags=re.MULTILINE))
    cited: set[str] = set()
    for frame in data.values():
        if "source_ids" in frame:
            for ids in frame["source_ids"].dropna():
                cited.update(re.findall(r"S\d+", ids))
    for table in ("points.csv", "derived_points.csv", "published.csv", "parameters.csv"):
        with (GEODATA / "anchors" / table).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                cited.update(re.findall(r"S\d+", row["source_ids"]))
    assert cited and cited <= known, sorted(cited - known)


# --- source extracts, attribution and licences -------------------------------------------------


@pytest.fixture(scope="module")
def build_sources(monkeypatch_module: pytest.MonkeyPatch) -> object:
    """geodata/_sources.py (the pins and the clip box of the committed extracts)."""
    monkeypatch_module.syspath_prepend(str(GEODATA))
    return importlib.import_module("_sources")


@pytest.fixture(scope="module")
def monkeypatch_module() -> object:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_source_extracts_match_their_pins(build_sources: object) -> None:
    import hashlib

    pins = build_sources.SOURCE_FILES  # type: ignore[attr-defined]
    assert {name for name, _ in pins.values()} == {p.name for p in SOURCES.glob("*.geojson")}
    for name, digest in pins.values():
        assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == digest, name


def test_a_changed_extract_is_refused(
    build_sources: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name = build_sources.SOURCE_FILES["rivers"][0]  # type: ignore[attr-defined]
    (tmp_path / name).write_bytes((SOURCES / name).read_bytes() + b" ")
    monkeypatch.setattr(build_sources, "SOURCES", tmp_path)
    with pytest.raises(SystemExit, match=r"SHA-256 .* differs from the pinned"):
        build_sources.read_rivers()  # type: ignore[attr-defined]
    (tmp_path / name).unlink()
    with pytest.raises(SystemExit, match=r"is missing: restore it"):
        build_sources.read_rivers()  # type: ignore[attr-defined]


def test_rivers_extract_is_reproduced_by_gmt(build_sources: object) -> None:
    """Re-derive sources/gshhg_rivers.geojson (needs Debian's gmt and gmt-gshhg-full; ~1 s).

    The countries extract is not re-derived here: parsing the 168 MB npm GeoJSON takes ~30 s
    and ~2.5 GB; ``make geodata-sources`` checks both extracts.
    """
    import shutil

    if shutil.which("gmt") is None:
        pytest.skip("GMT is not installed (apt install gmt gmt-gshhg-full)")
    points = {}
    with (GEODATA / "anchors" / "points.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            points[row["id"]] = (float(row["lat"]), float(row["lon"]))
    derived = build_sources.derive_rivers(points)  # type: ignore[attr-defined]
    assert derived == (SOURCES / "gshhg_rivers.geojson").read_bytes()


def test_sources_readme_says_how_each_extract_was_made(build_sources: object) -> None:
    text = (SOURCES / "README.md").read_text(encoding="utf-8")
    npm_spec, tarball, tarball_sha, member = build_sources.NPM_PACKAGE  # type: ignore[attr-defined]
    for needle in (npm_spec, tarball, tarball_sha, member, "gmt coast", "--derive-sources"):
        assert needle in text, needle
    for name, digest in build_sources.SOURCE_FILES.values():  # type: ignore[attr-defined]
        assert name in text and digest in text, name


def test_countries_are_openstreetmap_inside_the_box(
    data: dict[str, gpd.GeoDataFrame], build_sources: object
) -> None:
    box = shapely.box(*build_sources.OSM_BOX)  # type: ignore[attr-defined]
    extract = gpd.read_file(SOURCES / "countries_land_10m.geojson")
    countries = data["countries"].set_index("iso_a3").geometry
    for a3, geom in zip(extract["A3"], extract.geometry, strict=True):
        built = shapely.intersection(countries[a3], box)
        assert area_km2(shapely.symmetric_difference(built, shapely.make_valid(geom))) < 0.5, a3
    # OpenStreetMap borders are shared exactly: Russia and China neither overlap nor gap
    rus, chn = countries["RUS"], countries["CHN"]
    assert area_km2(shapely.intersection(rus, chn)) < 1e-3
    border = shapely.intersection(shapely.intersection(rus.boundary, chn.boundary), box)
    assert to_km(border.length) > 500


def to_km(degrees_length: float) -> float:
    """Rough km of a length in degrees at 43°N (for order-of-magnitude checks only)."""
    return degrees_length * 95.0


def test_rivers_are_the_razdolnaya_and_the_tumen(data: dict[str, gpd.GeoDataFrame]) -> None:
    rivers = data["rivers"]
    assert list(rivers["name"]) == ["Razdolnaya", "Tumen"]
    assert set(rivers.geom_type) == {"MultiLineString"}
    razdolnaya, tumen = rivers.geometry
    assert razdolnaya.distance(shapely.Point(131.9, 43.5472)) < 0.03  # Razdolnoye (S96)
    assert tumen.distance(shapely.Point(130.69889, 42.29278)) < 0.03  # the mouth (S87)
    assert to_km(razdolnaya.length) > 200  # 245 km in Russia, more with the Chinese Suifen


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_records_its_attribution(layer: str) -> None:
    credit = datasets.attribution(layer)
    assert credit is not None
    assert credit.licence_url.startswith("https://") and len(credit.sources) > 20
    if layer in OSM_LAYERS:
        assert "© OpenStreetMap contributors" in credit.text
        assert credit.licence == "ODbL-1.0"
    elif layer == "settlements":
        assert (credit.text, credit.licence) == ("© GeoNames", "CC-BY-4.0")
    else:
        assert credit.licence == "LGPL-3.0-or-later" and "GSHHG" in credit.text


@pytest.mark.parametrize("raster", ["elevation", "landcover"])
def test_rasters_record_their_attribution(raster: str) -> None:
    credit = datasets.attribution(raster)
    assert credit is not None and credit.licence == "public-domain"
    assert credit == datasets.attribution("ignored", path=datasets.path(raster))


def test_licence_file_covers_every_layer() -> None:
    text = datasets.path("licence").read_text(encoding="utf-8")
    for needle in ("Open Database License (ODbL) 1.0", "© OpenStreetMap contributors", "CC BY 4.0"):
        assert needle in text
    for layer in LAYERS:
        assert re.search(rf"\b{layer}\b", text), layer


def test_credit_joins_each_credit_once() -> None:
    assert datasets.credit(["park", "countries", "settlements", "park"]) == (
        "© OpenStreetMap contributors; © GeoNames"
    )
    assert datasets.credit([]) == ""


def test_attribution_of_a_file_without_one(tmp_path: Path) -> None:
    plain = tmp_path / "plain.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(
        plain, layer="zone"
    )
    assert datasets.attribution("zone", path=plain) is None


def test_attribution_errors(tmp_path: Path) -> None:
    with pytest.raises(LayerNotFoundError, match=r"no bundled layer or raster named 'parks'.*elev"):
        datasets.attribution("parks")
    with pytest.raises(LayerNotFoundError, match=r"has no layer 'parks'; valid layers: countries"):
        datasets.attribution("parks", path=datasets.path())
    with pytest.raises(DataSourceError, match=r"does not exist; check the path"):
        datasets.attribution("park", path=tmp_path / "missing.gpkg")
    (tmp_path / "junk.gpkg").write_text("not a geopackage", encoding="utf-8")
    with pytest.raises(DataSourceError, match=r"cannot read"):
        datasets.attribution("park", path=tmp_path / "junk.gpkg")


# --- rasters ----------------------------------------------------------------------------------


def test_elevation_raster() -> None:
    with rasterio.open(datasets.path("elevation")) as src:
        assert src.crs.to_epsg() == 4326
        assert src.nodata == -32768
        assert src.dtypes[0] == "int16"
        assert tuple(round(v, 6) for v in src.bounds) == REGION
        values = src.read(1, masked=True)
        row, col = src.index(131.35, 43.05)  # the park's hills
    assert values.min() >= -450 and values.max() < 3800
    assert 0 < values[row, col] < 1000
    assert values.mask.any()  # the sea is nodata


def test_landcover_raster_has_classes_and_colours() -> None:
    classes = datasets.landcover_classes()
    assert classes[4] == "Deciduous broadleaf forests"
    assert set(classes) == set(range(17))
    with rasterio.open(datasets.path("landcover")) as src:
        assert src.crs.to_epsg() == 4326
        assert src.nodata == 255
        assert tuple(round(v, 6) for v in src.bounds) == REGION
        assert src.colormap(1)[4][:3] == (0x78, 0xD2, 0x03)
        values = src.read(1)
    assert set(np.unique(values)) <= set(classes) | {255}
    assert np.isin(values, [1, 2, 3, 4, 5]).mean() > 0.1


def test_files_stay_small() -> None:
    for name in ("amur_leopard", "elevation", "landcover"):
        assert datasets.path(name).stat().st_size < 5 * 2**20, name


# --- the checks themselves can fail ------------------------------------------------------------


def test_containment_check_detects_a_shifted_park(
    data: dict[str, gpd.GeoDataFrame], countries: dict[str, shapely.Geometry]
) -> None:
    park = feature(data["park"], PARK)
    shifted = shapely.affinity.translate(park, xoff=-0.5)  # half a degree into China
    assert outside_km2(shifted, countries["RUS"]) > 100 * BORDER_SLACK_KM2


def test_nesting_check_detects_a_reversed_pair(data: dict[str, gpd.GeoDataFrame]) -> None:
    ranges = data["leopard_range"].set_index("epoch").geometry
    assert outside_km2(ranges["c. 1900"], ranges["1970s"]) > 1000


def test_area_check_detects_a_wrong_figure(data: dict[str, gpd.GeoDataFrame]) -> None:
    built = area_km2(feature(data["park"], PARK))
    assert abs(100 * (built / 2_799.0 - 1)) > 5  # NP + Kedrovaya Pad figure (FACTS §6.1)


# --- rebuild ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_rebuild_reproduces_the_committed_data() -> None:
    """``python geodata/build.py --check`` (needs the ``geodata`` extra; may download ~30 MB)."""
    if importlib.util.find_spec("h5py") is None:
        pytest.skip("build dependencies missing: pip install 'leopardrange[geodata]'")
    done = subprocess.run(
        [sys.executable, str(GEODATA / "build.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_layer_listing_matches_pyogrio() -> None:
    names = [name for name, _ in pyogrio.list_layers(datasets.path())]
    assert names == datasets.layers()


def test_every_text_attribute_fits_a_shapefile() -> None:
    """The embedded data exports to Shapefile without loss: no text over 254 bytes of UTF-8."""
    gpkg = datasets.path("amur_leopard")
    too_long = [
        (layer, column, len(value.encode("utf-8")))
        for layer, _ in pyogrio.list_layers(gpkg)
        for column, values in pyogrio.read_dataframe(gpkg, layer=layer).items()
        if column != "geometry"
        for value in values
        if isinstance(value, str) and len(value.encode("utf-8")) > 254
    ]
    assert too_long == []
