"""Omnidirectional connectivity: the Omniscape algorithm (McRae et al. 2016; Landau et al. 2021).

Every block of ``block_size`` x ``block_size`` cells is a *target*: its centre cell is grounded
and the sources within ``radius`` cells of it (outside the block) inject, together, the
block's total source strength, shared in proportion to their own strengths. The current of
each moving window (the habitat within ``radius + buffer`` cells, 8 or 4 neighbours,
conductances averaged) is added up over all targets:

``cumulative_current``
    The summed current through each cell (amperes).
``flow_potential``
    The same run with every cell of each window at conductance 1: the current the sources
    alone would cause.
``normalized_current``
    ``cumulative_current / flow_potential`` (0 where the flow potential is 0): above 1, more
    current than the landscape's geometry alone would carry (channelling); below 1, impeded.

Source strength comes from a raster (values below ``source_threshold`` count as 0) or from
the habitat: the conductance of every cell whose resistance is at most ``r_cutoff``. With a
block larger than one cell, the current of each window is multiplied by Omniscape's block
artefact correction (the ratio of one-cell-target to block-target currents on a uniform
window). Windows follow Omniscape.jl's definitions, and its published test outputs pass in
the test suite.

Scale. The windows are independent: the work is split into tasks of whole rows of targets,
run on Dask (``dask.distributed``): a local cluster sized to the machine by default, or an
existing cluster (``scheduler="tcp://host:8786"`` or ``DASK_SCHEDULER_ADDRESS``). Task
results are added in task order, so any number of workers gives the same sums to the bit.
The flow-potential windows are uniform, so all the windows of one shape and target position
share one factorisation (a task keeps the last four).

Memory per task (bytes): the task's band of rows (``(rows_per_task x block_size + 2 (radius +
buffer)) x columns x 40``) plus five window factorisations (about ``w (100 + 136 log2 w)``
each, for ``w = (2 (radius + buffer) + 1)²`` cells); :func:`task_memory_bytes` computes it and
the run refuses workers with less memory.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import CircuitError, ClusterError, MemoryLimitError

from ._circuitinputs import HabitatGrid, aligned_raster, read_habitat
from ._laplacian import (
    SystemSolver,
    build_network,
    estimate_solver_bytes,
    grounded,
    laplacian_of,
    node_currents,
)

__all__ = ["OmniscapeResult", "run_omniscape", "task_memory_bytes"]

Progress = Callable[[int, int], None] | None
#: Target rows per task when not given: about this many tasks in all, whatever the cluster.
TASKS = 64
#: Uniform-window factorisations a task keeps (interior windows all share one).
_UNIFORM_CACHE = 4


@dataclass(frozen=True)
class _Params:
    radius: int
    buffer: int
    block_size: int
    neighbors: int
    flow_potential: bool
    omniscape_edges: bool
    correction: np.ndarray | None


@dataclass
class OmniscapeResult:
    """Result of :func:`run_omniscape` (arrays on the habitat grid, NaN at nodata).

    Attributes
    ----------
    grid : HabitatGrid
    cumulative_current : ndarray of float64
        Current summed over every moving window, in amperes.
    flow_potential : ndarray of float64 or None
        The same with every resistance set to 1: the current of an unobstructed landscape.
    normalized_current : ndarray of float64 or None
        ``cumulative_current / flow_potential``: above 1 where movement is channelled,
        below 1 where it is impeded.
    metrics : dict
        Options, targets, tasks and units (``metrics.json``).

    Examples
    --------
    A wall across a 9 x 9 habitat with one gap channels the current through the gap:

    >>> habitat = np.ones((9, 9))
    >>> habitat[:, 4] = np.nan
    >>> habitat[4, 4] = 1.0
    >>> result = run_omniscape(habitat, radius=3, client="synchronous")
    >>> round(float(result.normalized_current[4, 4]), 1), result.metrics["units"]["current"]
    (1.7, 'amperes')
    """

    grid: HabitatGrid
    cumulative_current: np.ndarray
    flow_potential: np.ndarray | None
    normalized_current: np.ndarray | None
    metrics: dict[str, Any] = field(default_factory=dict)

    def write(self, out_dir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the maps and ``metrics.json`` atomically.

        Files: ``cumulative_current.tif``, ``flow_potential.tif`` and
        ``normalized_current.tif`` (float32, nodata -9999) and ``metrics.json``.

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.
        """
        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        from .circuit import write_map

        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            write_map(tmp / "cumulative_current.tif", self.cumulative_current, self.grid, "amperes")
            if self.flow_potential is not None:
                write_map(tmp / "flow_potential.tif", self.flow_potential, self.grid, "amperes")
            if self.normalized_current is not None:
                write_map(
                    tmp / "normalized_current.tif", self.normalized_current, self.grid, "ratio"
                )
            write_json(tmp / "metrics.json", self.metrics)
        return Path(out_dir)


# ------------------------------------------------------------------------ one window


def _disc(shape: tuple[int, int], centre: tuple[int, int], radius: float) -> np.ndarray:
    rows, cols = np.ogrid[: shape[0], : shape[1]]
    return np.asarray((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius * radius)


class _Window:
    """One window's network grounded at its target, factorised once, for any sources."""

    def __init__(self, cond: np.ndarray, ground: tuple[int, int], neighbors: int):
        self.shape = cond.shape
        net = build_network(cond, neighbors=neighbors)
        g = int(net.nodemap[ground])
        self.solver: SystemSolver | None = None
        if g < 0:  # the target is nodata: no current
            return
        nodes = net.component_nodes(int(net.component[g]))
        flat = net.nodemap.ravel()
        cells = np.flatnonzero(flat >= 0)
        self.cells = cells[np.isin(flat[cells], nodes)]
        self.local = np.searchsorted(nodes, flat[self.cells])
        self.n = nodes.size
        self.ground = int(np.searchsorted(nodes, g))
        self.u, self.v, self.w = net.edges_within(nodes)
        self.keep = np.delete(np.arange(self.n), self.ground)
        lap = laplacian_of(self.n, self.u, self.v, self.w)
        self.solver = SystemSolver(grounded(lap, self.keep), method="direct")

    def current(self, sources: np.ndarray) -> np.ndarray:
        """Current through each cell with ``sources`` injected (amperes)."""
        out = np.zeros(self.shape)
        if self.solver is None:
            return out
        s = np.zeros(self.n)
        np.add.at(s, self.local, sources.ravel()[self.cells])
        s[self.ground] = 0.0
        if not s.any():
            return out
        volt = np.zeros(self.n)
        volt[self.keep] = self.solver.solve(s[self.keep])
        out.flat[self.cells] = node_currents(self.u, self.v, self.w, volt)[self.local]
        return out


def _window_current(
    cond: np.ndarray, sources: np.ndarray, ground: tuple[int, int], neighbors: int
) -> np.ndarray:
    """Current through each cell with ``sources`` injected and the ``ground`` cell at 0 V."""
    return _Window(cond, ground, neighbors).current(sources)


def _target_sources(
    source: np.ndarray, window: tuple[slice, slice], ty: int, tx: int, amps: float, p: _Params
) -> np.ndarray:
    """Sources of one target in window coordinates (see the module notes)."""
    src = np.nan_to_num(source[window], nan=0.0).copy()
    src[~_disc(src.shape, (ty, tx), p.radius)] = 0.0
    br = p.block_size // 2
    reach = p.radius + p.buffer
    if p.omniscape_edges:  # Omniscape.jl: the block at the window's nominal centre
        src[max(reach - br, 0) : reach + br + 1, max(reach - br, 0) : reach + br + 1] = 0.0
    else:
        src[max(ty - br, 0) : ty + br + 1, max(tx - br, 0) : tx + br + 1] = 0.0
    total = src[src > 0].sum()
    if total > 0:
        src[src > 0] *= amps / total
    return np.asarray(src)


def _correction(p: _Params) -> np.ndarray | None:
    """Omniscape's block artefact correction on a uniform (2 (r+b) + 1)² window."""
    if p.block_size == 1:
        return None
    d = 2 * (p.radius + p.buffer) + 1
    c = p.radius + p.buffer
    ones = np.ones((d, d))
    cond = np.where(_disc((d, d), (c, c), p.radius + p.buffer), 1.0, np.nan)
    null = np.where(_disc((d, d), (c, c), p.radius), 1.0, 0.0)
    n_sources = null.sum()
    null[c, c] = 0.0
    null[null != 0] = 1.0 / (n_sources - 1)
    full = (slice(0, d), slice(0, d))
    blocked = _target_sources(ones, full, c, c, float(p.block_size**2), p)
    block_current = _window_current(cond, blocked, (c, c), p.neighbors)
    null_current = _window_current(cond, null, (c, c), p.neighbors)
    bs, br = p.block_size, p.block_size // 2
    total = np.zeros((d + bs - 1, d + bs - 1))
    for i in range(bs):
        for j in range(bs):
            total[i : i + d, j : j + d] += null_current
    total = total[br : br + d, br : br + d]
    total[block_current == 0] = 0.0
    total[total == 0] = 1.0
    block_current[block_current == 0] = 1.0
    return np.asarray(total / block_current)


def _band_task(
    cond: np.ndarray, source: np.ndarray, targets: np.ndarray, row0: int, p: _Params
) -> tuple[np.ndarray, np.ndarray | None]:
    """Current (and flow potential) of a band of targets; arrays are the band's rows."""
    cum = np.zeros(cond.shape)
    fp = np.zeros(cond.shape) if p.flow_potential else None
    reach = p.radius + p.buffer
    rows, cols = cond.shape
    uniform: dict[tuple[int, int, int, int], _Window] = {}
    for y_abs, x, amps in targets:
        y = int(y_abs) - row0
        x = int(x)
        r0, r1 = max(y - reach, 0), min(y + reach + 1, rows)
        c0, c1 = max(x - reach, 0), min(x + reach + 1, cols)
        window = (slice(r0, r1), slice(c0, c1))
        ty, tx = y - r0, x - c0
        src = _target_sources(source, window, ty, tx, float(amps), p)
        shape = (r1 - r0, c1 - c0)
        circle = _disc(shape, (ty, tx), reach)
        cw = np.where(circle, cond[window], np.nan)
        cur = _window_current(cw, src, (ty, tx), p.neighbors)
        corr = None
        if p.correction is not None:
            cy, cx = reach - ty, reach - tx
            corr = p.correction[cy : cy + shape[0], cx : cx + shape[1]]
            cur = cur * corr
        cum[window] += cur
        if fp is not None:  # uniform windows of one shape and target share a factorisation
            key = (shape[0], shape[1], ty, tx)
            if key not in uniform:
                if len(uniform) >= _UNIFORM_CACHE:
                    del uniform[next(iter(uniform))]
                uniform[key] = _Window(np.ones(shape), (ty, tx), p.neighbors)
            flow = uniform[key].current(src)
            fp[window] += flow if corr is None else flow * corr
    return cum, fp


# ------------------------------------------------------------------------ the run


def task_memory_bytes(
    cols: int, *, radius: int, buffer: int = 0, block_size: int = 1, rows_per_task: int = 1
) -> int:
    """Upper bound of the memory one task needs (bytes; see the module notes).

    Examples
    --------
    >>> task_memory_bytes(1000, radius=50, block_size=5) < 200e6
    True
    """
    reach = radius + buffer
    band_rows = rows_per_task * block_size + 2 * reach
    window = (2 * reach + 1) ** 2
    solvers = (1 + _UNIFORM_CACHE) * estimate_solver_bytes(window, "direct")
    return int(band_rows * cols * 40 + solvers + 10 * window * 8)


def _targets(source: np.ndarray, block_size: int) -> np.ndarray:
    """``(row, col, amps)`` of every block centre whose block holds sources."""
    rows, cols = source.shape
    br = block_size // 2
    out = []
    s = np.nan_to_num(source, nan=0.0)
    for y in range(br, rows - br, block_size):
        for x in range(br, cols - br, block_size):
            amps = s[y - br : y + br + 1, x - br : x + br + 1].sum()
            if amps > 0:
                out.append((y, x, amps))
    return np.array(out, dtype=np.float64).reshape(-1, 3)


def _client(client: Any, scheduler: str | None, workers: int | None, processes: bool) -> Any:
    from distributed import Client, LocalCluster  # type: ignore[attr-defined]

    if client is not None:
        return client
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if address:
        try:
            return Client(address, timeout="3s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address!r} ({exc}); start it (`dask "
                "scheduler`) or check the address and the firewall, or drop --scheduler to run "
                "on a local cluster"
            ) from None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None
    )
    return Client(cluster)  # type: ignore[no-untyped-call]


def _ordered(futures: list[Any], as_completed: Any) -> Iterator[tuple[int, Any]]:
    """Yield results in submission order as soon as each and its predecessors are done."""
    index = {f.key: k for k, f in enumerate(futures)}
    waiting: dict[int, Any] = {}
    nxt = 0
    for fut in as_completed(futures):
        waiting[index[fut.key]] = fut.result()
        fut.release()
        while nxt in waiting:
            yield nxt, waiting.pop(nxt)
            nxt += 1


def run_omniscape(
    habitat: Any,
    *,
    radius: int,
    block_size: int = 1,
    buffer: int = 0,
    source: Any = None,
    source_threshold: float = 0.0,
    r_cutoff: float = math.inf,
    conductance: bool = False,
    neighbors: int = 8,
    flow_potential: bool = True,
    correct_artifacts: bool = True,
    omniscape_edges: bool = False,
    rows_per_task: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    assume_crs: Any = None,
    progress: Progress = None,
) -> OmniscapeResult:
    """Omniscape's cumulative current, flow potential and normalised current on Dask.

    Parameters
    ----------
    habitat : path, HabitatGrid or ndarray
        Resistance per cell (conductance with ``conductance=True``); nodata is no habitat.
    radius : int
        Moving-window radius in cells (>= 1): sources this close to a target feed it.
    block_size : int, default 1
        Targets are the centres of blocks of this many cells square (odd; an even size is
        raised by one, as in Omniscape).
    buffer : int, default 0
        Habitat beyond the radius (cells) that still carries current.
    source : path or ndarray, optional
        Source strength per cell; default: derived from the habitat (see ``r_cutoff``).
    source_threshold : float, default 0
        Source strengths below it count as 0.
    r_cutoff : float, default inf
        Without ``source``: cells with resistance above it are no source.
    neighbors : {8, 4}
    flow_potential : bool, default True
        Also compute the flow potential and the normalised current.
    correct_artifacts : bool, default True
        Apply Omniscape's block artefact correction (block_size > 1).
    omniscape_edges : bool, default False
        Where a window is cut by the raster's edge, zero the sources of the block at the
        window's nominal centre, as Omniscape.jl does, instead of the target's own block
        (default). Only targets within ``radius + buffer`` cells of an edge differ.
    rows_per_task : int, optional
        Rows of targets per Dask task (default: about 64 tasks in all).
    client : distributed.Client or "synchronous", optional
        Run on this client ("synchronous": in this process, without Dask); else on
        ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``); else on a local cluster of ``workers``
        processes (default: one per CPU).
    processes : bool, default True
        Local cluster workers as processes (False: threads in this process).
    progress : callable, optional
        Called with ``(tasks done, tasks)``.

    Returns
    -------
    OmniscapeResult

    Raises
    ------
    CircuitError
        Bad options, or a source raster off the habitat grid.
    ClusterError
        The Dask scheduler cannot be reached (the message gives the address).
    MemoryLimitError
        A task would need more memory than a worker has.

    Examples
    --------
    ``client="synchronous"`` runs in this process, without Dask:

    >>> r = run_omniscape(np.ones((9, 9)), radius=3, client="synchronous")
    >>> r.metrics["targets"], bool(r.cumulative_current.max() > 0)
    (81, True)
    """
    if not (isinstance(radius, int | np.integer) and radius >= 1):
        raise CircuitError(f"radius must be a whole number of cells >= 1, got {radius!r}")
    if not (isinstance(block_size, int | np.integer) and block_size >= 1):
        raise CircuitError(f"block_size must be a whole number of cells >= 1, got {block_size!r}")
    if not (isinstance(buffer, int | np.integer) and buffer >= 0):
        raise CircuitError(f"buffer must be a whole number of cells >= 0, got {buffer!r}")
    if not r_cutoff > 0:
        raise CircuitError(f"r_cutoff must be a positive resistance, got {r_cutoff!r}")
    if neighbors not in (4, 8):
        raise CircuitError(f"neighbors must be 4 or 8, got {neighbors!r}")
    block = int(block_size) + (1 - int(block_size) % 2)
    grid = read_habitat(habitat, assume_crs=assume_crs)
    values = grid.values
    cond = values.copy() if conductance else 1.0 / values
    if source is not None:
        src = np.nan_to_num(aligned_raster(source, grid, what="source"), nan=0.0)
        if (~np.isfinite(src) | (src < 0)).any():
            raise CircuitError("source strengths must be finite and >= 0")
        src[src < source_threshold] = 0.0
    else:
        resistance = 1.0 / cond
        src = np.where(np.isfinite(cond) & (resistance <= r_cutoff), cond, 0.0)
    p0 = _Params(int(radius), int(buffer), block, neighbors, flow_potential, omniscape_edges, None)
    p = _Params(**{**p0.__dict__, "correction": _correction(p0) if correct_artifacts else None})
    targets = _targets(src, block)
    if not len(targets):
        raise CircuitError(
            "no block holds a source: every source strength is 0 (check --source, "
            "--source-threshold or --r-cutoff)"
        )
    rows, cols = grid.shape
    target_rows = np.unique(targets[:, 0]).astype(int)
    local = client == "synchronous"
    dask_client: Any = None if local else _client(client, scheduler, workers, processes)
    try:
        n_workers = 1 if local else max(len(dask_client.scheduler_info()["workers"]), 1)
        per = rows_per_task or max(1, math.ceil(len(target_rows) / TASKS))
        need = task_memory_bytes(
            cols, radius=p.radius, buffer=p.buffer, block_size=block, rows_per_task=per
        )
        if not local:
            limits = [
                w.get("memory_limit") or 0 for w in dask_client.scheduler_info()["workers"].values()
            ]
            cap = min(limits) if limits and min(limits) > 0 else None
            if cap is not None and need > cap:
                raise MemoryLimitError(
                    f"one Omniscape task needs about {need / 1e9:.2f} GB, more than a worker's "
                    f"memory limit ({cap / 1e9:.2f} GB); lower --rows-per-task or the radius, "
                    "or give the workers more memory"
                )
        reach = p.radius + p.buffer
        bands = [target_rows[k : k + per] for k in range(0, len(target_rows), per)]
        cum = np.zeros(grid.shape)
        fp = np.zeros(grid.shape) if flow_potential else None
        jobs = []
        for band in bands:
            b0 = max(int(band[0]) - reach, 0)
            b1 = min(int(band[-1]) + reach + 1, rows)
            sel = targets[np.isin(targets[:, 0].astype(int), band)]
            jobs.append((b0, b1, sel))
        if local:
            results: Iterator[tuple[int, Any]] = (
                (k, _band_task(cond[b0:b1], src[b0:b1], sel, b0, p))
                for k, (b0, b1, sel) in enumerate(jobs)
            )
        else:
            from distributed import as_completed

            futures = [
                dask_client.submit(_band_task, cond[b0:b1], src[b0:b1], sel, b0, p, pure=False)
                for b0, b1, sel in jobs
            ]
            results = _ordered(futures, as_completed)
        for done, (k, (c_band, f_band)) in enumerate(results, start=1):
            b0, b1, _ = jobs[k]
            cum[b0:b1] += c_band
            if fp is not None and f_band is not None:
                fp[b0:b1] += f_band
            if progress:
                progress(done, len(jobs))
    finally:
        if dask_client is not None and client is None:
            cluster = getattr(dask_client, "cluster", None)
            dask_client.close()
            if cluster is not None:
                cluster.close()
    nodata = np.isnan(values)
    normalized = None
    if fp is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            normalized = np.where(fp > 0, cum / fp, 0.0)
        normalized[nodata] = np.nan
        fp[nodata] = np.nan
    cum[nodata] = np.nan
    metrics = {
        "habitat": grid.name,
        "habitat_is": "conductance" if conductance else "resistance",
        "radius_cells": p.radius,
        "buffer_cells": p.buffer,
        "block_size_cells": block,
        "neighbors": neighbors,
        "source": None
        if source is None
        else (Path(source).name if isinstance(source, (str, os.PathLike)) else "array"),
        "source_threshold": source_threshold,
        "r_cutoff": None if math.isinf(r_cutoff) else r_cutoff,
        "targets": len(targets),
        "tasks": len(jobs),
        "workers": n_workers,
        "task_memory_bound_bytes": need,
        "correct_artifacts": p.correction is not None,
        "units": {"current": "amperes", "normalized_current": "ratio"},
    }
    return OmniscapeResult(grid, cum, fp, normalized, metrics)
