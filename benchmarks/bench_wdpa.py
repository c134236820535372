"""Benchmark: clean a WDPA-sized protected-area layer, dissolve it, overlay it on a large range.

Prints one table: every tool on the same GeoParquet files in the same run, each in its own
fresh subprocess — read both files, keep STATUS Designated/Inscribed/Established, drop
UNESCO-MAB Biosphere Reserves, turn points with REP_AREA > 0 into circles of that area (drop
the others), project to one equal-area CRS, dissolve the overlaps, intersect with the range,
and measure the dissolved park and park ∩ range in km². See ``benchmarks/README.md``.

Usage::

    python benchmarks/bench_wdpa.py                                  # 300,000 features
    python benchmarks/bench_wdpa.py --features 30000 --range-vertices 100000
    python benchmarks/bench_wdpa.py --tools ours,duckdb --timeout 1800

Peers (benchmark dependencies only, ``pip install -e '.[bench]'``): geopandas ``dissolve()``
then ``overlay()``, and DuckDB with its spatial extension (the ``duckdb-extension-spatial``
wheel from PyPI). A missing peer is reported as such and skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TOOLS = ("ours", "geopandas", "duckdb")
LABELS = {
    "ours": "leopardrange wdpa.clean + overlap.union_overlap",
    "geopandas": "geopandas dissolve() + overlay()",
    "duckdb": "DuckDB spatial ST_Union_Agg + ST_Intersection",
}
SEED = 11
#: Every tool projects to this CRS: Mollweide, the equal-area CRS wdpar uses for the WDPA.
EQUAL_AREA = "+proj=moll +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
KEEP = ("Designated", "Inscribed", "Established")
MAB = "UNESCO-MAB Biosphere Reserve"


# ------------------------------------------------------------------------- data
def make_data(folder: Path, features: int, vertices: int, range_vertices: int) -> dict[str, Any]:
    """A WDPA-shaped layer (polygons and points, overlaps) and a range, as GeoParquet."""
    import geopandas as gpd
    import numpy as np
    import shapely

    parks_path, range_path = folder / "parks.parquet", folder / "range.parquet"
    info_path = folder / "data.json"
    if info_path.exists():
        return dict(json.loads(info_path.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    n_points = features // 10
    n_poly = features - n_points
    # Centres spread like the WDPA's: over the globe (60°S–75°N), areas log-normal (median
    # 12 km², mean about 220 km², up to 70,000 km²; ~16 % of the surface, overlaps counted).
    # A fifth of the polygons sit on another one's centre: several designations of one site.
    lon = rng.uniform(-180.0, 180.0, n_poly)
    lat = np.degrees(
        np.arcsin(rng.uniform(np.sin(np.radians(-60)), np.sin(np.radians(75)), n_poly))
    )
    near = rng.random(n_poly) < 0.2
    donor = rng.integers(0, n_poly, n_poly)
    radius_km = np.clip(rng.lognormal(math.log(2.0), 1.2, n_poly), 0.2, 150.0)
    lon[near] = lon[donor[near]] + rng.normal(0, 0.02, near.sum())
    lat[near] = lat[donor[near]] + rng.normal(0, 0.02, near.sum())
    # vertices grow with the size of the area (large parks have long, detailed boundaries)
    weight = radius_km**0.8 * rng.uniform(0.5, 1.5, n_poly)
    counts = np.clip(np.round(weight * vertices / weight.sum()), 8, 50_000).astype(int)
    owner = np.repeat(np.arange(n_poly), counts)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    step = np.arange(counts.sum()) - np.repeat(starts, counts)
    theta = 2 * np.pi * (step + rng.random(counts.sum()) * 0.8) / np.repeat(counts, counts)
    r = np.repeat(radius_km, counts) * (1 + 0.3 * rng.standard_normal(counts.sum()).clip(-2, 2))
    lon = np.clip(lon, -170.0, 170.0)  # no polygon across ±180°
    x = lon[owner] + r * np.cos(theta) / (111.32 * np.cos(np.radians(lat[owner])))
    y = lat[owner] + r * np.sin(theta) / 110.57
    rings = shapely.linearrings(np.c_[x, y], indices=owner)
    polygons = shapely.make_valid(shapely.polygons(rings))
    polygons = np.array(
        [
            g
            if g.geom_type in ("Polygon", "MultiPolygon")
            else shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"])
            for g in polygons
        ],
        dtype=object,
    )
    point_lat = np.degrees(
        np.arcsin(rng.uniform(np.sin(np.radians(-60)), np.sin(np.radians(75)), n_points))
    )
    points = shapely.multipoints(
        shapely.points(rng.uniform(-180.0, 180.0, n_points), point_lat),
        indices=np.arange(n_points),
    )
    status = rng.choice(
        ["Designated", "Established", "Inscribed", "Proposed", "Not Reported"],
        features,
        p=[0.9, 0.04, 0.01, 0.04, 0.01],
    )
    desig = np.where(rng.random(features) < 0.01, MAB, "National Park")
    year = np.where(rng.random(features) < 0.1, 0, rng.integers(1900, 2021, features))
    rep = np.r_[
        np.pi * radius_km**2,
        np.where(rng.random(n_points) < 0.05, 0.0, rng.lognormal(math.log(5.0), 1.5, n_points)),
    ]
    parks = gpd.GeoDataFrame(
        {
            "WDPAID": np.arange(1, features + 1),
            "NAME": [f"Protected area {i}" for i in range(1, features + 1)],
            "DESIG_ENG": desig,
            "STATUS": status,
            "STATUS_YR": year,
            "REP_AREA": rep,
            "MARINE": "0",
        },
        geometry=np.r_[polygons, points],
        crs=4326,
    )
    theta = np.linspace(0.0, 2 * np.pi, range_vertices, endpoint=False)
    wobble = 1 + 0.25 * np.sin(3 * theta) + 0.1 * np.sin(17 * theta + 1.0)
    for f in rng.integers(20, max(21, range_vertices // 200), 60):  # smooth at vertex scale
        wobble += 0.04 / math.sqrt(f / 20) * np.sin(f * theta + rng.uniform(0, 2 * np.pi))
    radius_deg = 14.0 * wobble
    ring = np.c_[
        100.0 + radius_deg * np.cos(theta) / np.cos(np.radians(35.0)),
        35.0 + 0.8 * radius_deg * np.sin(theta),
    ]
    area = gpd.GeoDataFrame({"name": ["range"]}, geometry=[shapely.Polygon(ring)], crs=4326)
    assert area.is_valid.all() and parks.is_valid.all()
    parks.to_parquet(parks_path)
    area.to_parquet(range_path)
    info = {
        "features": features,
        "polygons": n_poly,
        "points": n_points,
        "park_vertices": int(shapely.get_num_coordinates(parks.geometry.values).sum()),
        "range_vertices": int(shapely.get_num_coordinates(area.geometry.values).sum()),
        "parks": str(parks_path),
        "range": str(range_path),
    }
    info_path.write_text(json.dumps(info))
    return info


# ------------------------------------------------------------------------- tools
# Each tool is a setup (imports, loading the DuckDB extension; not timed, reported as
# startup) and a run from reading the files to the two areas (timed).
def setup_ours() -> Any:
    import geopandas as gpd

    from leopardrange.overlap import union_overlap
    from leopardrange.wdpa import clean

    def run(parks_path: str, range_path: str) -> tuple[float, float]:
        parks = gpd.read_parquet(parks_path)
        area = gpd.read_parquet(range_path)
        cleaned = clean(parks)
        result = union_overlap(area, cleaned.areas, crs=EQUAL_AREA)
        return result.zone_km2, result.overlap_km2

    return run


def setup_geopandas() -> Any:
    import geopandas as gpd
    import numpy as np

    def run(parks_path: str, range_path: str) -> tuple[float, float]:
        parks = gpd.read_parquet(parks_path)
        area = gpd.read_parquet(range_path)
        points = parks.geom_type.isin(["Point", "MultiPoint"])
        keep = parks["STATUS"].isin(KEEP) & (parks["DESIG_ENG"] != MAB)
        parks = parks[keep & (~points | (parks["REP_AREA"] > 0))].to_crs(EQUAL_AREA)
        points = parks.geom_type.isin(["Point", "MultiPoint"])
        radius = np.sqrt(parks.loc[points, "REP_AREA"] * 1e6 / np.pi)
        parks.loc[points, "geometry"] = parks.loc[points].geometry.buffer(radius)
        parks["geometry"] = parks.geometry.make_valid()
        dissolved = parks[["geometry"]].dissolve()
        inside = gpd.overlay(area.to_crs(EQUAL_AREA), dissolved, how="intersection")
        return float(dissolved.area.sum() / 1e6), float(inside.area.sum() / 1e6)

    return run


def setup_duckdb() -> Any:
    import duckdb
    import duckdb_extension_spatial

    extension = next(Path(duckdb_extension_spatial.__file__).parent.rglob("*.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    keep = ", ".join(f"'{s}'" for s in KEEP)

    def run(parks_path: str, range_path: str) -> tuple[float, float]:
        query = f"""
            WITH kept AS (
                SELECT ST_Transform(geometry, 'EPSG:4326', '{EQUAL_AREA}', always_xy := true) AS g,
                       REP_AREA,
                       ST_GeometryType(geometry)::VARCHAR IN ('POINT', 'MULTIPOINT') AS point
                FROM read_parquet('{parks_path}')
                WHERE STATUS IN ({keep}) AND DESIG_ENG <> '{MAB}'
            ),
            areas AS (
                SELECT CASE WHEN point THEN ST_Buffer(g, sqrt(REP_AREA * 1e6 / pi())) ELSE g END
                       AS g
                FROM kept WHERE NOT point OR REP_AREA > 0
            ),
            dissolved AS (SELECT ST_Union_Agg(ST_MakeValid(g)) AS g FROM areas),
            range AS (
                SELECT ST_Transform(geometry, 'EPSG:4326', '{EQUAL_AREA}', always_xy := true) AS g
                FROM read_parquet('{range_path}')
            )
            SELECT ST_Area(d.g) / 1e6, ST_Area(ST_Intersection(d.g, r.g)) / 1e6
            FROM dissolved d, range r
        """
        park_km2, inside_km2 = con.execute(query).fetchone()  # type: ignore[misc]
        return float(park_km2), float(inside_km2)

    return run


SETUPS = {"ours": setup_ours, "geopandas": setup_geopandas, "duckdb": setup_duckdb}


def child(tool: str, parks_path: str, range_path: str) -> None:
    """Run one tool in this (fresh) process and print its result as JSON."""
    start = time.perf_counter()
    run = SETUPS[tool]()
    startup = time.perf_counter() - start
    start = time.perf_counter()
    park_km2, inside_km2 = run(parks_path, range_path)
    seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "startup": startup,
        "park_km2": park_km2,
        "inside_km2": inside_km2,
    }
    print(json.dumps(result))


def measure(tool: str, info: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run a tool in a fresh subprocess; its wall time, peak RSS and answers."""
    cmd = [sys.executable, __file__, "--child", tool, info["parks"], info["range"]]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return {
                "tool": tool,
                "error": f"over {timeout:.0f} s",
                "peak_mb": usage.ru_maxrss / 1024,
            }
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        last = (err.strip().splitlines() or ["failed"])[-1]
        return {"tool": tool, "error": last[:120], "peak_mb": usage.ru_maxrss / 1024}
    return {
        "tool": tool,
        **json.loads(out.strip().splitlines()[-1]),
        "peak_mb": usage.ru_maxrss / 1024,
    }


def available(tool: str) -> bool:
    module = {
        "ours": "leopardrange",
        "geopandas": "geopandas",
        "duckdb": "duckdb_extension_spatial",
    }
    try:
        __import__(module[tool])
    except ImportError:
        return False
    return True


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("geopandas", "shapely", "pyproj", "duckdb", "duckdb-extension-spatial"):
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{name} {version(name)}")
    import shapely

    return ", ".join(found) + f", GEOS {shapely.geos_version_string}"


def table(rows: list[dict[str, Any]], info: dict[str, Any]) -> str:
    ours = next((r for r in rows if r["tool"] == "ours" and "seconds" in r), None)
    lines = [
        f"{info['features']:,} features ({info['polygons']:,} polygons, "
        f"{info['points']:,} points), {info['park_vertices']:,} vertices; "
        f"range {info['range_vertices']:,} vertices",
        "",
        "| tool | seconds | peak MB | time × ours | park km² | park ∩ range km² | vs ours "
        "| startup s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {LABELS[r['tool']]} | {r['error']} | {r['peak_mb']:,.0f} | | | | | |")
            continue
        ratio = f"{r['seconds'] / ours['seconds']:.2f}" if ours else ""
        diff = (
            f"{100 * (r['inside_km2'] / ours['inside_km2'] - 1):+.3f} %"
            if ours and ours["inside_km2"]
            else ""
        )
        lines.append(
            f"| {LABELS[r['tool']]} | {r['seconds']:,.1f} | {r['peak_mb']:,.0f} | {ratio} | "
            f"{r['park_km2']:,.0f} | {r['inside_km2']:,.0f} | {diff} | {r['startup']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", type=int, default=300_000)
    parser.add_argument("--vertices", type=int, default=30_000_000, help="vertices of the polygons")
    parser.add_argument("--range-vertices", type=int, default=1_000_000)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per tool")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/leopardrange-bench-wdpa"))
    parser.add_argument(
        "--child", nargs=3, metavar=("TOOL", "PARKS", "RANGE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = args.workdir / f"{args.features}_{args.vertices}_{args.range_vertices}"
    start = time.perf_counter()
    info = make_data(folder, args.features, args.vertices, args.range_vertices)
    print(f"data ready in {time.perf_counter() - start:.0f} s: {folder}", file=sys.stderr)
    rows = []
    for tool in args.tools.split(","):
        if not available(tool):
            rows.append({"tool": tool, "error": "not installed", "peak_mb": 0.0})
            continue
        print(f"running {tool} …", file=sys.stderr)
        rows.append(measure(tool, info, args.timeout))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; {versions()}; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(table(rows, info))


if __name__ == "__main__":
    main()
