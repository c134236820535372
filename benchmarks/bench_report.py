"""Benchmark: the whole ``leopardrange report`` on a national-scale study, against its floor.

Generates a synthetic study (circular protected areas over a square, a range of many
vertices in two epochs, both in an LAEA CRS), then, in the same run and each in its own fresh
subprocess:

- **report**: ``leopardrange report STUDY --out DIR -q`` (every metric, table and map);
- **floor**: what any tool must do for the headline number — read both layers, dissolve the
  protected areas once, intersect the dissolved areas with each epoch and measure the area.

It prints one table: seconds (after imports) and peak memory of both, and their ratios.
See ``benchmarks/README.md`` for what is timed.

Usage::

    python benchmarks/bench_report.py                      # 20,000 and 100,000 areas
    python benchmarks/bench_report.py --sizes 20000        # the smaller study only
    python benchmarks/bench_report.py --workdir /tmp/b     # keep the generated studies
    python benchmarks/bench_report.py --profile 20000      # cProfile of the report, top 40
    python benchmarks/bench_report.py --results benchmarks/results_report.md   # also save it
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Study sizes: number of protected areas -> vertices of the range layer (both epochs).
SIZES = {20_000: 200_000, 100_000: 1_000_000}
SQUARE_M = 1_000_000.0  # the protected areas lie in a 1,000 km square
LAEA = "+proj=laea +lat_0=45 +lon_0=100 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
SEED = 15


# ------------------------------------------------------------------------- data


def _star(rng: object, n: int, *, cx: float, cy: float, radius_m: float, rough: float) -> object:
    """A star-shaped polygon of ``n`` vertices (valid: one radius per bearing).

    Its outline is rough at every scale, like a coastline: the radius varies by harmonics of
    amplitude ``rough / k`` up to ``k = n / 4`` (so ~1 km bays on a 400 km range, and still
    smooth between neighbouring vertices).
    """
    import numpy as np
    import shapely

    assert isinstance(rng, np.random.Generator)
    k = np.arange(n // 2 + 1)
    spectrum = np.zeros(n // 2 + 1, complex)
    top = max(3, n // 4)
    spectrum[2:top] = (rough / k[2:top]) * np.exp(2j * np.pi * rng.random(top - 2))
    r = 1.0 + np.fft.irfft(spectrum, n) * n / 2
    r = radius_m * np.clip(r, 0.35, None)
    theta = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return shapely.Polygon(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)]))


def make_study(workdir: Path, n_areas: int) -> Path:
    """Write ``study_<n>.gpkg`` and ``study_<n>.toml`` into ``workdir``; return the TOML path."""
    import geopandas as gpd
    import numpy as np
    import shapely

    toml = workdir / f"study_{n_areas}.toml"
    gpkg = workdir / f"study_{n_areas}.gpkg"
    if toml.exists() and gpkg.exists():
        return toml
    rng = np.random.default_rng(SEED)
    half = SQUARE_M / 2
    # protected areas: circles (65 vertices) of median radius 2 km, some up to 25 km
    xy = rng.uniform(-half, half, size=(n_areas, 2))
    radius = np.clip(rng.lognormal(np.log(2_000.0), 0.8, n_areas), 200.0, 25_000.0)
    circles = shapely.buffer(shapely.points(xy), radius, quad_segs=16)
    areas = gpd.GeoDataFrame(
        {"name": [f"PA {i}" for i in range(n_areas)], "radius_m": radius},
        geometry=circles,
        crs=LAEA,
    )
    # the range: a large historic outline; the current one in three parts with a hole
    n_vertices = SIZES.get(n_areas, 10 * n_areas)
    n_hist = n_vertices // 2
    n_now = n_vertices - n_hist
    historic = _star(rng, n_hist, cx=0.0, cy=0.0, radius_m=0.42 * SQUARE_M, rough=0.25)
    main = _star(rng, n_now * 6 // 10, cx=-100_000.0, cy=60_000.0, radius_m=1.8e5, rough=0.3)
    hole = _star(rng, n_now // 10, cx=-100_000.0, cy=60_000.0, radius_m=2.5e4, rough=0.2)
    east = _star(rng, n_now * 2 // 10, cx=260_000.0, cy=-240_000.0, radius_m=6.0e4, rough=0.3)
    south = _star(rng, n_now // 10, cx=-120_000.0, cy=-330_000.0, radius_m=4.0e4, rough=0.3)
    current = shapely.MultiPolygon(
        [shapely.Polygon(main.exterior, [hole.exterior]), east, south]  # type: ignore[attr-defined]
    )
    epochs = gpd.GeoDataFrame(
        {"epoch": ["historic", "current"], "year": [1900, 2020]},
        geometry=[historic, current],
        crs=LAEA,
    )
    if not (epochs.is_valid.all() and areas.is_valid.all()):
        raise SystemExit("generated an invalid geometry; change SEED")
    areas.to_file(gpkg, layer="protected_areas", driver="GPKG")
    epochs.to_file(gpkg, layer="range", driver="GPKG")
    toml.write_text(
        f"""[study]
name = "Synthetic national study ({n_areas:,} protected areas)"
species = "Synthetic species"

[layers.park]
path = "{gpkg.name}"
layer = "protected_areas"
label = "Protected areas"

[layers.range]
path = "{gpkg.name}"
layer = "range"
epoch_field = "epoch"
year_field = "year"
current_epoch = "current"
""",
        encoding="utf-8",
    )
    return toml


# ------------------------------------------------------------ the two jobs (children)


def run_report(toml: Path, out: Path) -> None:
    """The whole report, through the command line (as a user runs it), quietly."""
    from leopardrange.cli.main import main_group

    args = ["-q", "report", str(toml), "--out", str(out), "--overwrite"]
    status = main_group.main(args, prog_name="leopardrange", standalone_mode=False)
    if status:
        raise SystemExit(f"leopardrange report exited with status {status}")


def run_floor(toml: Path) -> None:
    """Read both layers, dissolve the areas once, intersect with each epoch, measure it."""
    import pyogrio
    import shapely

    gpkg = toml.with_suffix(".gpkg")
    areas = pyogrio.read_dataframe(gpkg, layer="protected_areas")
    ranges = pyogrio.read_dataframe(gpkg, layer="range")
    dissolved = shapely.union_all(areas.geometry.values)
    for geom in ranges.geometry.values:
        float(shapely.area(shapely.intersection(geom, dissolved)))


IMPORTS = {
    "report": ["leopardrange.cli.main", "leopardrange.cli.report", "leopardrange.report",
               "leopardrange.report.maps", "matplotlib.backends.backend_agg"],
    "floor": ["pyogrio", "shapely", "geopandas"],
}  # fmt: skip


def child(job: str, toml: Path, out: Path, profile: bool) -> None:
    """Time one job in this (fresh) process and print a JSON line."""
    import importlib
    import resource

    t0 = time.perf_counter()
    for name in IMPORTS[job]:
        importlib.import_module(name)
    t1 = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        with cProfile.Profile() as prof:
            run_report(toml, out)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    elif job == "report":
        run_report(toml, out)
    else:
        run_floor(toml)
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"import_s": t1 - t0, "run_s": t2 - t1, "peak_mb": peak_mb}))


# ----------------------------------------------------------------- the table


def versions() -> dict[str, str]:
    """Versions of the libraries that do the work."""
    from importlib.metadata import version

    dists = ("leopardrange", "shapely", "geopandas", "pyogrio", "numpy", "matplotlib")
    out = {d: version(d) for d in dists}
    import shapely

    out["GEOS"] = shapely.geos_version_string
    return out


COLUMNS = {
    "study": "study", "job": "job", "s": "seconds", "mb": "peak MB", "tx": "time x floor",
    "mx": "memory x floor", "startup": "startup s", "load": "load before/after",
}  # fmt: skip


def table(rows: list[dict[str, object]]) -> list[str]:
    """The rows as a Markdown table (text left-aligned, numbers right-aligned)."""
    keys = list(COLUMNS)
    lines: list[tuple[str, ...]] = [tuple(COLUMNS.values())]
    lines += [tuple(str(r[k]) for k in keys) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(keys))]
    cells = [f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths)]
    fmt = "| " + " | ".join(cells) + " |"
    rule = ["-" * (w + 2) if i < 2 else "-" * (w + 1) + ":" for i, w in enumerate(widths)]
    return [fmt.format(*lines[0]), "|" + "|".join(rule) + "|"] + [fmt.format(*x) for x in lines[1:]]


def main(argv: list[str] | None = None) -> int:
    """Generate the studies, run both jobs per size in fresh processes, print the table."""
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of areas")
    p.add_argument("--workdir", type=Path, help="where the studies go (default: a temp dir)")
    p.add_argument("--profile", type=int, metavar="N", help="profile the report of size N")
    p.add_argument("--results", type=Path, help="also write the output to this Markdown file")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--toml", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        child(args.child, args.toml, args.toml.with_name(args.toml.stem + "_out"), False)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.profile:
            child("report", make_study(workdir, args.profile), workdir / "profile_out", True)
            return 0
        return bench(args, workdir, argv)


def bench(args: argparse.Namespace, workdir: Path, argv: list[str] | None) -> int:
    """Run both jobs for each size, print the table (and write it with ``--results``)."""

    def spawn(job: str, toml: Path) -> dict[str, float]:
        cmd = [sys.executable, __file__, "--child", job, "--toml", str(toml)]
        before = os.getloadavg()[0]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if proc.returncode != 0:
            raise SystemExit(f"{job} failed on {toml.name}:\n{proc.stderr}")
        result = dict(json.loads(proc.stdout.strip().splitlines()[-1]))
        return {**result, "load": f"{before:.1f}/{os.getloadavg()[0]:.1f}"}

    rows: list[dict[str, object]] = []
    for n in (int(s) for s in args.sizes.split(",")):
        toml = make_study(workdir, n)
        floor = spawn("floor", toml)
        report = spawn("report", toml)
        label = f"{n:,} areas, {SIZES.get(n, 10 * n):,}-vertex range"
        for job, r in (("report", report), ("floor", floor)):
            rows.append({
                "study": label, "job": job, "s": f"{r['run_s']:.1f}", "mb": f"{r['peak_mb']:.0f}",
                "tx": f"{r['run_s'] / floor['run_s']:.2f}",
                "mx": f"{r['peak_mb'] / floor['peak_mb']:.2f}", "startup": f"{r['import_s']:.2f}",
                "load": r["load"],
            })  # fmt: skip
    v = versions()
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared), "
        f"Python {platform.python_version()}; " + ", ".join(f"{k} {v[k]}" for k in v)
    )
    notes = (
        "seconds: wall time in a fresh process after imports (startup s); peak MB: the "
        "process's max RSS; load: the machine's 1-minute load average before and after the "
        "job. report: `leopardrange -q report STUDY --out DIR` (every metric, table and map); "
        "floor: read both layers, dissolve the areas once, intersect the dissolved areas with "
        "each epoch and measure the area."
    )
    out = [*table(rows), "", machine, notes]
    print("\n".join(out))
    if args.results is not None:
        command = "python benchmarks/bench_report.py " + " ".join(argv or sys.argv[1:])
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        text = [f"# Whole report vs floor ({stamp})", "", "```", f"$ {command}", *out, "```", ""]
        args.results.write_text("\n".join(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
