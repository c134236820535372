"""Benchmark: multi-source cost-weighted distance, end to end, against Python peers.

Prints two tables, every tool on the same files in the same run, each in its own fresh
subprocess, reading a GeoTIFF, computing 8-neighbour cost distance and writing a GeoTIFF:

1. steady state (after a warm-up) at 2000² and 5000² cells: seconds, peak memory, accuracy;
2. cold and warm side by side at 500² cells: the first run in a process whose compilation
   caches are empty (a new machine, container, user or CI run) against a run with them warm.
   leopardrange is timed twice: its C kernel (compiled when the package is installed) and its
   numba fallback (``LEOPARDRANGE_KERNEL=numba``).

See ``benchmarks/README.md`` for what is timed.

Usage::

    python benchmarks/bench_cost_distance.py                    # both tables
    python benchmarks/bench_cost_distance.py --sizes 1000,2000 --tools ours,whitebox
    python benchmarks/bench_cost_distance.py --sizes "" --cold-size 500   # cold/warm only

Peers (development dependencies only): scikit-image, xarray-spatial,
whitebox-workflows. A missing peer is reported as such and skipped.
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
from typing import Any

TOOLS = ("ours", "skimage", "xrspatial", "whitebox")
#: Tools of the cold/warm table: ours twice (C kernel, numba fallback), then the peers.
COLD_TOOLS = ("ours", "ours-numba", "skimage", "xrspatial", "whitebox")
LABELS = {
    "ours": "leopardrange cost_distance_raster",
    "ours-numba": "leopardrange (numba fallback)",
    "skimage": "scikit-image MCP_Geometric",
    "xrspatial": "xarray-spatial cost_distance",
    "whitebox": "whitebox-workflows cost_distance",
}
CELL_M = 30.0
N_SOURCES = 10
SEED = 42
WARM_N = 64  # tiny grid each child runs first: JIT compile / cache load, not timed
GTIFF = {  # how the harness writes the peers that return arrays (same as ours)
    "driver": "GTiff",
    "tiled": True,
    "blockxsize": 512,
    "blockysize": 512,
    "compress": "deflate",
    "predictor": 3,
    "zlevel": 1,
    "num_threads": "ALL_CPUS",
    "bigtiff": "IF_SAFER",
}


# ------------------------------------------------------------------------- data


def make_data(workdir: Path, n: int) -> tuple[Path, Path]:
    """Random 1-10 float32 resistance and a uint8 raster of N_SOURCES source cells."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    rpath, spath = workdir / f"resistance_{n}.tif", workdir / f"sources_{n}.tif"
    if rpath.exists() and spath.exists():
        return rpath, spath
    rng = np.random.default_rng(SEED)
    profile = {
        "driver": "GTiff",
        "height": n,
        "width": n,
        "count": 1,
        "crs": "EPSG:3035",
        "transform": from_origin(4_000_000.0, 3_000_000.0, CELL_M, CELL_M),
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
    }
    step = 512
    with rasterio.open(rpath, "w", dtype="float32", nodata=-9999.0, **profile) as dst:
        for r0 in range(0, n, step):
            h = min(step, n - r0)
            block = (1.0 + 9.0 * rng.random((h, n))).astype("float32")
            dst.write(block, 1, window=((r0, r0 + h), (0, n)))
    cells = rng.choice(n * n, size=N_SOURCES, replace=False)
    with rasterio.open(spath, "w", dtype="uint8", nodata=0, **profile) as dst:
        for r0 in range(0, n, step):
            h = min(step, n - r0)
            block = np.zeros((h, n), dtype="uint8")
            rows, cols = np.divmod(cells, n)
            hit = (rows >= r0) & (rows < r0 + h)
            block[rows[hit] - r0, cols[hit]] = 1
            dst.write(block, 1, window=((r0, r0 + h), (0, n)))
    return rpath, spath


# ------------------------------------------------------------ tools (children)


def _write_like(src_path: Path, array, out: Path) -> None:
    import rasterio

    with rasterio.open(src_path) as src:
        crs, transform = src.crs, src.transform
    h, w = array.shape
    profile = {"height": h, "width": w, "count": 1, "dtype": array.dtype.name, "crs": crs,
               "transform": transform, "nodata": -9999.0, **GTIFF}  # fmt: skip
    with rasterio.Env(GDAL_CACHEMAX=64), rasterio.open(out, "w", **profile) as dst:
        for r0 in range(0, h, 512):
            dst.write(array[r0 : r0 + 512], 1, window=((r0, min(h, r0 + 512)), (0, w)))


def run_ours(rpath: Path, spath: Path, out: Path) -> None:
    from leopardrange.corridors import cost_distance_raster

    cost_distance_raster(rpath, spath, out, overwrite=True)


def _cold_env(tool: str, cache: Path) -> dict[str, str]:
    """Environment of a cold/warm child: its own numba cache folder; numba forced if asked."""
    env = os.environ.copy()
    env["NUMBA_CACHE_DIR"] = str(cache)
    env.pop("LEOPARDRANGE_KERNEL", None)
    if tool == "ours-numba":
        env["LEOPARDRANGE_KERNEL"] = "numba"
    return env


def run_skimage(rpath: Path, spath: Path, out: Path) -> None:
    import numpy as np
    import rasterio
    from skimage.graph import MCP_Geometric

    with rasterio.open(rpath) as src:
        costs = src.read(1).astype(np.float64)
        xres, yres = src.res
    with rasterio.open(spath) as src:
        starts = [tuple(rc) for rc in np.argwhere(src.read(1) > 0).tolist()]
    mcp = MCP_Geometric(costs, fully_connected=True, sampling=(yres, xres))
    cwd, _ = mcp.find_costs(starts)
    del mcp, costs
    _write_like(rpath, cwd, out)


def run_xrspatial(rpath: Path, spath: Path, out: Path) -> None:
    import numpy as np
    import rasterio
    import xarray as xr
    from xrspatial import cost_distance

    with rasterio.open(rpath) as src:
        friction = src.read(1)
        t = src.transform
    with rasterio.open(spath) as src:
        sources = src.read(1).astype(np.float32)
    h, w = friction.shape
    coords = {"y": t.f + t.e * (np.arange(h) + 0.5), "x": t.c + t.a * (np.arange(w) + 0.5)}
    cwd = cost_distance(
        xr.DataArray(sources, dims=("y", "x"), coords=coords),
        xr.DataArray(friction, dims=("y", "x"), coords=coords),
        connectivity=8,
    )
    _write_like(rpath, np.asarray(cwd.data), out)


def run_whitebox(rpath: Path, spath: Path, out: Path) -> None:
    import whitebox_workflows as wbw

    wbe = wbw.WbEnvironment()
    wbe.verbose = False
    accum, _backlink = wbe.cost_distance(wbe.read_raster(str(spath)), wbe.read_raster(str(rpath)))
    wbe.write_raster(accum, str(out))


RUNNERS = {
    "ours": run_ours,
    "ours-numba": run_ours,
    "skimage": run_skimage,
    "xrspatial": run_xrspatial,
    "whitebox": run_whitebox,
}
IMPORTS = {
    "ours": "leopardrange.corridors",
    "ours-numba": "leopardrange.corridors",
    "skimage": "skimage.graph",
    "xrspatial": "xrspatial",
    "whitebox": "whitebox_workflows",
}


def child(tool: str, n: int, workdir: Path) -> None:
    """Time one tool in this (fresh) process and print a JSON line."""
    import importlib
    import resource

    t0 = time.perf_counter()
    import numpy  # noqa: F401
    import rasterio  # noqa: F401

    importlib.import_module(IMPORTS[tool])
    t1 = time.perf_counter()
    wr, ws = make_data(workdir, WARM_N)
    RUNNERS[tool](wr, ws, workdir / f"warm_{tool}.tif")
    t2 = time.perf_counter()
    rpath, spath = workdir / f"resistance_{n}.tif", workdir / f"sources_{n}.tif"
    RUNNERS[tool](rpath, spath, workdir / f"cwd_{tool}_{n}.tif")
    t3 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps({"import_s": t1 - t0, "warm_s": t2 - t1, "run_s": t3 - t2, "peak_mb": peak_mb})
    )


def child_once(tool: str, n: int, workdir: Path) -> None:
    """Time imports + one run, without a warm-up (for the cold/warm table); print JSON."""
    import importlib

    t0 = time.perf_counter()
    import numpy  # noqa: F401
    import rasterio  # noqa: F401

    importlib.import_module(IMPORTS[tool])
    rpath, spath = workdir / f"resistance_{n}.tif", workdir / f"sources_{n}.tif"
    RUNNERS[tool](rpath, spath, workdir / f"cold_{tool}_{n}.tif")
    backend = "-"
    if tool.startswith("ours"):
        from leopardrange.corridors import _kernel

        backend = _kernel.backend()
    print(json.dumps({"total_s": time.perf_counter() - t0, "backend": backend}))


def cold_and_warm(tools: list[str], n: int, workdir: Path) -> list[tuple[str, Any]]:
    """Each tool twice in fresh processes: empty compilation caches, then the warmed ones."""
    rows: list[tuple[str, Any]] = []
    make_data(workdir, n)
    for tool in tools:
        with tempfile.TemporaryDirectory(prefix="bench_cache_") as cache:
            env = _cold_env(tool, Path(cache))
            times = []
            for _ in ("cold", "warm"):
                cmd = [sys.executable, __file__, "--child-once", tool, "--size", str(n),
                       "--workdir", str(workdir)]  # fmt: skip
                proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
                if proc.returncode != 0:
                    times.append((proc.stderr.strip().splitlines() or ["failed"])[-1])
                    break
                times.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            rows.append((tool, times))
    return rows


def print_cold_table(rows: list[tuple[str, Any]], n: int) -> None:
    head = ("tool", "kernel", "cells", "cold s", "warm s", "cold - warm s")
    lines = [head]
    for tool, times in rows:
        if len(times) < 2 or isinstance(times[0], str) or isinstance(times[1], str):
            err = next((t for t in times if isinstance(t, str)), "failed")
            lines.append((LABELS[tool], "-", f"{n * n:,}", "-", "-", f"failed: {err}"[:50]))
            continue
        cold, warm = times[0]["total_s"], times[1]["total_s"]
        lines.append((LABELS[tool], times[0]["backend"], f"{n * n:,}", f"{cold:.2f}",
                      f"{warm:.2f}", f"{cold - warm:+.2f}"))  # fmt: skip
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    fmt = "| " + " | ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths)) + " |"
    print(fmt.format(*head))
    print("|" + "|".join(("-" * (w + 1) + ":") if i >= 2 else ("-" * (w + 2)) for i, w in
                         enumerate(widths)) + "|")  # fmt: skip
    for line in lines[1:]:
        print(fmt.format(*line))
    print(
        "\ncold: imports + one run in a fresh process whose numba cache folder "
        "(NUMBA_CACHE_DIR) is empty, as on a new machine, container, user or CI run; warm: "
        "the same again with that cache filled. The interpreter start is excluded."
    )


# ----------------------------------------------------------------- comparison


def max_rel_diff(path: Path, ref_path: Path) -> float:
    """Largest |a - ref| / ref over cells the reference reaches (abs diff at 0)."""
    import numpy as np
    import rasterio
    from rasterio.windows import Window

    worst = 0.0
    with rasterio.open(path) as a, rasterio.open(ref_path) as b:
        for r0 in range(0, b.height, 512):
            w = Window(0, r0, b.width, min(512, b.height - r0))
            x = a.read(1, window=w).astype(np.float64)
            y = b.read(1, window=w).astype(np.float64)
            ok = np.isfinite(y) & (y >= 0)
            if not np.array_equal(ok, np.isfinite(x) & (x >= 0)):
                return float("inf")  # reached cells differ
            d = np.abs(x[ok] - y[ok]) / np.where(y[ok] > 0, y[ok], 1.0)
            worst = max(worst, float(d.max(initial=0.0)))
    return worst


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("numpy", "numba", "rasterio", "scikit-image", "xarray-spatial",
                 "whitebox-workflows"):  # fmt: skip
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "missing"
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="2000,5000", help="grid sides in cells (default 2000,5000)")
    p.add_argument("--tools", default=",".join(TOOLS), help=f"subset of {','.join(TOOLS)}")
    p.add_argument("--workdir", type=Path, help="where the test rasters go (default: a temp dir)")
    p.add_argument("--cold-size", type=int, default=500,
                   help="grid side of the cold/warm table (default 500; 0: skip it)")  # fmt: skip
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--child-once", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        child(args.child, args.size, args.workdir)
        return 0
    if args.child_once:
        child_once(args.child_once, args.size, args.workdir)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tools = [t for t in args.tools.split(",") if t]
    if bad := sorted(set(tools) - set(TOOLS)):
        p.error(f"unknown tools {bad}; choose from {TOOLS}")
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench_cwd_")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)

    def spawn(tool: str, n: int) -> dict[str, float] | str:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            tool,
            "--size",
            str(n),
            "--workdir",
            str(workdir),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if proc.returncode != 0:
            return (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return json.loads(proc.stdout.strip().splitlines()[-1])

    make_data(workdir, WARM_N)
    if "ours" in tools and sizes:  # make sure the kernel is ready before timing
        spawn("ours", WARM_N)
    rows = []
    for n in sizes:
        make_data(workdir, n)
        results = {t: spawn(t, n) for t in tools}
        ref = workdir / f"cwd_skimage_{n}.tif"
        for t in tools:
            r = results[t]
            if isinstance(r, str):
                rows.append((t, n, None, r))
                continue
            out = workdir / f"cwd_{t}_{n}.tif"
            r["rel_diff"] = max_rel_diff(out, ref) if ref.exists() else float("nan")
            rows.append((t, n, r, ""))
        for t in tools:
            (workdir / f"cwd_{t}_{n}.tif").unlink(missing_ok=True)

    if rows:
        print_table(rows, tools)
    if args.cold_size:
        cold_tools = [t for t in COLD_TOOLS if t.split("-")[0] in tools]
        print()
        print_cold_table(cold_and_warm(cold_tools, args.cold_size, workdir), args.cold_size)
    v = versions()
    print(
        f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; " + ", ".join(f"{k} {v[k]}" for k in v)
    )
    print(
        "seconds: read GeoTIFF -> compute -> write GeoTIFF in a fresh process, after imports "
        f"and a warm-up run on a {WARM_N}x{WARM_N} grid (JIT compile / cache load); "
        "startup s: imports + warm-up. Peak MB: the process's max RSS. "
        f"Random 1-10 float32 resistance, {N_SOURCES} source cells, {CELL_M:g} m cells, "
        "8 neighbours."
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


def print_table(rows, tools) -> None:
    ours = {n: r for t, n, r, _ in rows if t == "ours" and r}
    head = ("tool", "cells", "seconds", "peak MB", "time x ours", "memory x ours",
            "max rel diff vs skimage", "startup s")  # fmt: skip
    lines = [head]
    for t, n, r, err in rows:
        if r is None:
            lines.append((LABELS[t], f"{n * n:,}", "-", "-", "-", "-", f"failed: {err}"[:60], "-"))
            continue
        o = ours.get(n)
        tr = f"{r['run_s'] / o['run_s']:.2f}" if o else "-"
        mr = f"{r['peak_mb'] / o['peak_mb']:.2f}" if o else "-"
        lines.append((
            LABELS[t], f"{n * n:,}", f"{r['run_s']:.2f}", f"{r['peak_mb']:.0f}", tr, mr,
            f"{r['rel_diff']:.1e}", f"{r['import_s'] + r['warm_s']:.2f}",
        ))  # fmt: skip
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    fmt = (
        "| " + " | ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths)) + " |"
    )
    print(fmt.format(*head))
    print("|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in
                         enumerate(widths)) + "|")  # fmt: skip
    for line in lines[1:]:
        print(fmt.format(*line))


if __name__ == "__main__":
    sys.exit(main())
