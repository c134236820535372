"""Benchmark: pairwise circuits and Omniscape (leopardrange vs solving each pair from scratch).

Pairwise: 10 focal cells on a random 1-10 resistance grid (seed 42), 8 neighbours. Tools:

* ``ours``: ``leopardrange.corridors.run_circuit`` (one factorisation or multigrid hierarchy
  per component, reused for every pair; resistances and cumulative current);
* ``splu-per-pair``: scipy's SuperLU, the grounded Laplacian factorised again for each pair;
* ``amg-per-pair``: pyamg smoothed aggregation + CG (relative tolerance 1e-6, as Circuitscape),
  the hierarchy rebuilt for each pair.

The two baselines use leopardrange's network assembly (the same Laplacian), so only the
solving strategy differs. They are timed on ``--sample-pairs`` pairs and scaled to the 45
pairs (marked "extrapolated"). Omniscape: ``run_omniscape`` radius 50, block 5 on a strip of
the 1000 x 1000 grid (``--omniscape-rows``), with 1 and 2 local Dask workers; seconds are
scaled to the full grid by the number of targets.

Every run is a fresh subprocess; peak MB is its ``ru_maxrss``.

    .venv/bin/python benchmarks/bench_circuit.py
    .venv/bin/python benchmarks/bench_circuit.py --sizes 1000 --tools ours,amg-per-pair
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

CHILD = r"""
import json, resource, sys, time
import numpy as np
tool, n, sample, strip = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(42)
res = rng.uniform(1, 10, (n, n))
cells = rng.choice(n * n, 10, replace=False)
focal = np.zeros((n, n), dtype=np.int64)
focal.flat[cells] = np.arange(1, 11)
out = {}
t0 = time.perf_counter()
if tool == "ours":
    from leopardrange.corridors import run_circuit
    r = run_circuit(res, focal)
    out["pairs"] = len(r.pairs)
    out["r12"] = r.pairs[0][2]
    out["solver"] = r.metrics["solver"]
elif tool in ("splu-per-pair", "amg-per-pair"):
    from leopardrange.corridors._laplacian import build_network
    net = build_network(1.0 / res)
    lap = net.laplacian().tocsr()
    nodes = net.nodemap.ravel()[cells]
    pairs = [(a, b) for a in range(10) for b in range(a + 1, 10)][:sample]
    for a, b in pairs:
        keep = np.delete(np.arange(net.n_nodes), nodes[a])
        sub = lap[keep][:, keep]
        rhs = np.zeros(keep.size)
        rhs[np.searchsorted(keep, nodes[b])] = 1.0
        if tool == "splu-per-pair":
            from scipy.sparse.linalg import splu
            x = splu(sub.tocsc(), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                     options={"SymmetricMode": True}).solve(rhs)
        else:
            import pyamg
            ml = pyamg.smoothed_aggregation_solver(sub, symmetry="symmetric")
            x = ml.solve(rhs, tol=1e-6, accel="cg")
        if (a, b) == (0, 1):
            out["r12"] = float(x[np.searchsorted(keep, nodes[b])])
    out["pairs"] = len(pairs)
elif tool.startswith("omniscape"):
    from distributed import Client, LocalCluster
    from leopardrange.corridors import run_omniscape
    workers = int(tool.split("-")[1])
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t0 = time.perf_counter()  # the cluster's start-up is not timed
        r = run_omniscape(res[:strip], radius=50, block_size=5, client=client)
        out["seconds"] = time.perf_counter() - t0
        rss = client.run(lambda: __import__("resource").getrusage(0).ru_maxrss)
        out["worker_peak_mb"] = max(rss.values()) / 1024
    out["targets"] = r.metrics["targets"]
    out["tasks"] = r.metrics["tasks"]
out.setdefault("seconds", time.perf_counter() - t0)
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run(tool: str, n: int, sample: int, strip: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, tool, str(n), str(sample), str(strip)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,2000")
    ap.add_argument("--tools", default="ours,splu-per-pair,amg-per-pair,omniscape")
    ap.add_argument("--sample-pairs", type=int, default=3)
    ap.add_argument("--omniscape-rows", type=int, default=120)
    args = ap.parse_args()
    tools = args.tools.split(",")
    rows = []
    load = os.getloadavg()[0]
    for n in (int(s) for s in args.sizes.split(",")):
        base = None
        for tool in tools:
            if tool == "omniscape":
                continue
            if tool == "splu-per-pair" and n > 1000:
                rows.append(
                    (f"{tool} (not run: ~45 factorisations of >8 GB)", n * n, None, None, "", "")
                )
                continue
            r = run(tool, n, args.sample_pairs, 0)
            if "error" in r:
                rows.append((f"{tool} ({r['error'][:60]})", n * n, None, None, "", ""))
                continue
            secs = r["seconds"]
            note = ""
            if tool != "ours":
                secs = secs * 45 / r["pairs"]
                note = f"extrapolated from {r['pairs']} pairs"
            else:
                base = secs
                note = f"solver {','.join(r['solver'])}"
            ratio = f"{secs / base:.1f}" if base else ""
            rows.append((f"pairwise 10 points: {tool}", n * n, secs, r["peak_mb"], ratio, note))
    if "omniscape" in tools:
        full_targets = (1000 // 5) ** 2
        base = None
        for workers in (1, 2):
            r = run(f"omniscape-{workers}", 1000, 0, args.omniscape_rows)
            if "error" in r:
                rows.append(
                    (
                        f"omniscape {workers} worker(s) ({r['error'][:60]})",
                        10**6,
                        None,
                        None,
                        "",
                        "",
                    )
                )
                continue
            secs = r["seconds"] * full_targets / r["targets"]
            base = base or secs
            rows.append(
                (
                    f"omniscape r50 b5: {workers} worker(s)",
                    10**6,
                    secs,
                    r["worker_peak_mb"],
                    f"{secs / base:.2f}",
                    f"extrapolated from {r['targets']} targets ({args.omniscape_rows} rows), "
                    f"{r['tasks']} tasks; peak MB of one worker (client {r['peak_mb']:.0f} MB)",
                )
            )
    print(f"load average at start: {load:.2f} (2 cores shared)")
    print("| run | cells | seconds | peak MB | time x ours | note |")
    print("|---|---:|---:|---:|---:|---|")
    for name, cells, secs, mb, ratio, note in rows:
        s = f"{secs:,.1f}" if secs is not None else "—"
        m = f"{mb:,.0f}" if mb is not None else "—"
        print(f"| {name} | {cells:,} | {s} | {m} | {ratio} | {note} |")
    print(
        "| Circuitscape.jl, published pairwise benchmark | 1,000,000 | 106 (90 with CHOLMOD) | — "
        "| | reference line: Circuitscape.jl's own figure, 16 processes; not run here |"
    )


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"total {time.time() - t:.0f} s")
