"""Circuitscape's four raster modes on arrays: pairwise, one-to-all, all-to-one, advanced.

Inputs are checked arrays on one grid (see :mod:`.circuit` for the checks and the files);
the network conventions are those of :mod:`._laplacian`.

Focal nodes. A focal id is the set of cells holding it. In pairwise mode an id of one cell
(or whose cells all lie in one short-circuit region) is a single node; an id of several cells
is a focal *region*: for each pair, the two regions (with the short-circuit regions they touch)
are short-circuited and the network rebuilt, as Circuitscape does, so that the other regions
stay ordinary habitat. In one-to-all and all-to-one modes every focal region is short-circuited
once for all.

Reuse. In a connected component with focal nodes ``f_0 .. f_k``, the Laplacian grounded at
``f_0`` is factorised (or given a multigrid hierarchy) once and solved for a unit current into
each other focal node: columns ``x_1 .. x_k`` (``x_0 = 0``). By superposition:

* pairwise ``(i, j)``: ``v = x_j - x_i`` carries 1 A from j to i; ``R_ij = v_j - v_i``;
* all-to-one with ground ``n``: ``v = sum_m s_m x_m - (sum_m s_m) x_n``;
* one-to-all with source ``n`` and the other focal nodes grounded: the grounded set changes
  with ``n``, so the small Laplacian among the focal nodes (the inverse of ``x_f`` at the
  focal nodes, grounded at ``f_0``) gives the current each focal node takes, and ``v`` is the
  same sum of columns. Its residual on the real system is checked; above 1e-8 that source is
  solved again directly on its own grounded system.

So ``k`` solves replace ``k (k - 1) / 2`` of one solver per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from leopardrange.errors import CircuitError

from ._laplacian import (
    Network,
    SolveStats,
    SystemSolver,
    build_network,
    grounded,
    laplacian_of,
    node_currents,
)

__all__ = ["CircuitArrays", "advanced_arrays", "focal_arrays"]

Progress = Callable[[str], None] | None
#: Largest relative residual of a one-to-all solution built from the shared columns.
_SUPERPOSITION_TOL = 1e-8


@dataclass
class CircuitArrays:
    """Raw results of one mode (maps in Circuitscape's definitions, NaN where no node)."""

    mode: str
    resistances: list[tuple[Any, Any, float]] = field(default_factory=list)
    cumulative: np.ndarray | None = None
    maximum: np.ndarray | None = None
    current_maps: dict[str, np.ndarray] = field(default_factory=dict)
    voltage_maps: dict[str, np.ndarray] = field(default_factory=dict)
    solved: list[Any] = field(default_factory=list)
    unsolved: list[Any] = field(default_factory=list)
    n_components: int = 0
    stats: SolveStats = field(default_factory=SolveStats)


@dataclass
class _Component:
    """One connected component: its nodes, local Laplacian, edges and cells."""

    nodes: np.ndarray
    laplacian: Any
    u: np.ndarray
    v: np.ndarray
    g: np.ndarray
    cells: np.ndarray
    cell_local: np.ndarray

    @classmethod
    def of(cls, net: Network, c: int) -> _Component:
        nodes = net.component_nodes(c)
        u, v, g = net.edges_within(nodes)
        lap = laplacian_of(nodes.size, u, v, g)
        flat = net.nodemap.ravel()
        cells = np.flatnonzero((flat >= 0) & np.isin(flat, nodes))
        return cls(nodes, lap, u, v, g, cells, np.searchsorted(nodes, flat[cells]))

    def local(self, node: int) -> int:
        return int(np.searchsorted(self.nodes, node))

    def paint(self, out: np.ndarray, values: np.ndarray) -> None:
        out.flat[self.cells] = values[self.cell_local]


class _Maps:
    """Cumulative and maximum current, and the optional per-pair maps."""

    def __init__(self, net: Network, shape: tuple[int, int], keep_maps: bool):
        self.nodeless = net.nodemap < 0
        self.cumulative = np.zeros(shape)
        self.maximum = np.zeros(shape)
        self.template = np.where(self.nodeless, np.nan, 0.0)
        self.keep = keep_maps
        self.current: dict[str, np.ndarray] = {}
        self.voltage: dict[str, np.ndarray] = {}

    def add(self, name: str, comp: _Component, volt: np.ndarray, cur: np.ndarray) -> None:
        cells, loc = comp.cells, comp.cell_local
        self.cumulative.flat[cells] += cur[loc]
        self.nodeless.flat[cells] = False  # region cells on nodata join a pair's node
        self.maximum.flat[cells] = np.maximum(self.maximum.flat[cells], cur[loc])
        if self.keep:
            cmap = self.template.copy()
            comp.paint(cmap, cur)
            vmap = np.full(self.template.shape, np.nan)
            comp.paint(vmap, volt)
            self.current[name] = cmap.astype(np.float32)
            self.voltage[name] = vmap.astype(np.float32)

    def into(self, out: CircuitArrays) -> CircuitArrays:
        self.cumulative[self.nodeless] = np.nan
        self.maximum[self.nodeless] = np.nan
        out.cumulative, out.maximum = self.cumulative, self.maximum
        out.current_maps, out.voltage_maps = self.current, self.voltage
        return out


def _columns(
    comp: _Component, focal_local: list[int], method: str, stats: SolveStats
) -> dict[int, np.ndarray]:
    """Voltages for 1 A into each focal node, the first focal node grounded (see notes)."""
    anchor = focal_local[0]
    n = comp.nodes.size
    keep = np.delete(np.arange(n), anchor)
    cols: dict[int, np.ndarray] = {anchor: np.zeros(n)}
    others = [f for f in dict.fromkeys(focal_local) if f != anchor]
    if not others:
        return cols
    solver = SystemSolver(grounded(comp.laplacian, keep), method=method, stats=stats)
    rhs = np.zeros((n - 1, len(others)))
    for k, f in enumerate(others):
        rhs[f - (f > anchor), k] = 1.0
    x = solver.solve(rhs)
    for k, f in enumerate(others):
        col = np.zeros(n)
        col[keep] = x[:, k]
        cols[f] = col
    return cols


def merge_regions(
    shape: tuple[int, int], regions: np.ndarray | None, groups: list[np.ndarray]
) -> np.ndarray:
    """Regions with each group of cells made one region, merged with the regions it touches."""
    from scipy import sparse
    from scipy.sparse import csgraph

    base = np.zeros(shape, dtype=np.int64) if regions is None else regions.astype(np.int64)
    flat = base.ravel()
    labels = np.unique(flat[flat != 0])
    n_lab, n_grp = labels.size, len(groups)
    rows, cols = [], []
    for k, cells in enumerate(groups):
        touched = np.unique(flat[cells])
        touched = touched[touched != 0]
        rows.extend([n_lab + k] * touched.size)
        cols.extend(np.searchsorted(labels, touched).tolist())
    n = n_lab + n_grp
    adj = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, comp = csgraph.connected_components(adj, directed=False)
    out = np.zeros(flat.size, dtype=np.int64)
    has = flat != 0
    out[has] = comp[np.searchsorted(labels, flat[has])] + 1
    for k, cells in enumerate(groups):
        out[cells] = comp[n_lab + k] + 1
    return out.reshape(shape)


def _nodes_of(net: Network, cells: np.ndarray) -> np.ndarray:
    nodes = np.unique(net.nodemap.ravel()[cells])
    return nodes[nodes >= 0]


def focal_arrays(
    conductance: np.ndarray,
    focal: dict[int, np.ndarray],
    *,
    mode: str,
    regions: np.ndarray | None = None,
    neighbors: int = 8,
    connect: str = "avg-conductance",
    method: str = "auto",
    pairs: set[frozenset[int]] | None = None,
    strengths: dict[int, float] | None = None,
    pair_maps: bool = False,
    progress: Progress = None,
) -> CircuitArrays:
    """Pairwise, one-to-all or all-to-one currents among focal ids (see the module notes).

    Parameters
    ----------
    conductance : ndarray of float
        Cell conductance, NaN at nodata.
    focal : dict of int to ndarray of int
        Focal id to the flat indices of its cells (ids > 0).
    mode : {"pairwise", "one-to-all", "all-to-one"}
    pairs : set of frozenset, optional
        The pairs to solve (pairwise) or the partners allowed (one-to-all, all-to-one);
        None: all.
    strengths : dict, optional
        Source strength of each id (amperes; default 1) in one-to-all and all-to-one.
    """
    shape = (int(conductance.shape[0]), int(conductance.shape[1]))
    ids = sorted(focal)
    out = CircuitArrays(mode=mode)
    if mode == "pairwise":
        return _pairwise(
            conductance,
            focal,
            ids,
            regions,
            neighbors,
            connect,
            method,
            pairs,
            pair_maps,
            progress,
            out,
        )
    region_cells = [focal[i] for i in ids if focal[i].size > 1]
    if region_cells:
        regions = merge_regions(shape, regions, region_cells)
    net = build_network(conductance, regions=regions, neighbors=neighbors, connect=connect)
    out.n_components = net.n_components
    maps = _Maps(net, shape, pair_maps)
    node = {i: int(_nodes_of(net, focal[i])[0]) for i in ids}
    strength = {i: float((strengths or {}).get(i, 1.0)) for i in ids}

    def partners(i: int) -> list[int]:
        return [j for j in ids if j != i and (pairs is None or frozenset((i, j)) in pairs)]

    for c in sorted({int(net.component[node[i]]) for i in ids}):
        members = [i for i in ids if net.component[node[i]] == c]
        comp = _Component.of(net, c)
        focal_local = [comp.local(node[i]) for i in members]
        cols = _columns(comp, focal_local, method, out.stats)
        for i in members:
            if progress:
                progress(f"{mode}: focal id {i} ({ids.index(i) + 1} of {len(ids)})")
            mates = [j for j in partners(i) if j in members and node[j] != node[i]]
            if mode == "one-to-all":
                volt = _one_to_all(
                    comp,
                    cols,
                    comp.local(node[i]),
                    strength[i],
                    [comp.local(node[j]) for j in mates],
                    method,
                    out.stats,
                )
            else:
                volt = _all_to_one(
                    cols, comp.local(node[i]), [(comp.local(node[j]), strength[j]) for j in mates]
                )
            if volt is None:
                out.unsolved.append(i)
                out.resistances.append(
                    (i, "all", np.nan) if mode == "one-to-all" else ("all", i, np.nan)
                )
                continue
            out.solved.append(i)
            if mode == "one-to-all":
                r = float(volt[comp.local(node[i])]) / strength[i]
                out.resistances.append((i, "all", r))
            else:
                out.resistances.append(("all", i, np.nan))
            maps.add(str(i), comp, volt, node_currents(comp.u, comp.v, comp.g, volt))
    for i in ids:  # focal ids in components without a solve
        if i not in out.solved and i not in out.unsolved:  # pragma: no cover - defensive
            out.unsolved.append(i)
    return maps.into(out)


def _all_to_one(
    cols: dict[int, np.ndarray], ground: int, sources: list[tuple[int, float]]
) -> np.ndarray | None:
    total = sum(s for _, s in sources)
    if not sources or total == 0:
        return None
    u = -total * cols[ground]
    for f, s in sources:
        u = u + s * cols[f]
    return np.asarray(u - u[ground])


def _one_to_all(
    comp: _Component,
    cols: dict[int, np.ndarray],
    source: int,
    strength: float,
    grounds: list[int],
    method: str,
    stats: SolveStats,
) -> np.ndarray | None:
    grounds = sorted(set(grounds) - {source})
    if not grounds or strength == 0:
        return None
    focal = list(cols)
    rest = focal[1:]
    x_ff = np.array([[cols[m][f] for m in rest] for f in rest]).reshape(len(rest), len(rest))
    k = np.zeros((len(focal), len(focal)))
    if rest:
        k[1:, 1:] = np.linalg.inv(x_ff)
        k[0, 1:] = -k[1:, 1:].sum(axis=0)
        k[1:, 0] = -k[1:, 1:].sum(axis=1)
        k[0, 0] = -k[0, 1:].sum()
    pos = {f: n for n, f in enumerate(focal)}
    free = [pos[f] for f in focal if f not in grounds]
    rhs = np.zeros(len(free))
    rhs[free.index(pos[source])] = strength
    v_free = np.linalg.solve(k[np.ix_(free, free)], rhs)
    injected = k[:, free] @ v_free
    volt = sum(injected[n] * cols[f] for n, f in enumerate(focal))
    volt = np.asarray(volt) - np.asarray(volt)[grounds[0]]
    # check the superposition against the real system (source in, grounds held at 0)
    resid = comp.laplacian @ volt
    resid[source] -= strength
    resid[grounds] = 0.0
    if np.linalg.norm(resid) <= _SUPERPOSITION_TOL * abs(strength):
        return np.asarray(volt)
    mask = np.ones(comp.nodes.size, dtype=bool)
    mask[grounds] = False
    keep = np.flatnonzero(mask)  # pragma: no cover - ill-conditioned focal sets only
    solver = SystemSolver(grounded(comp.laplacian, keep), method=method, stats=stats)
    b = np.zeros(keep.size)
    b[np.searchsorted(keep, source)] = strength
    full = np.zeros(comp.nodes.size)
    full[keep] = solver.solve(b)
    return full


def _pairwise(
    conductance: np.ndarray,
    focal: dict[int, np.ndarray],
    ids: list[int],
    regions: np.ndarray | None,
    neighbors: int,
    connect: str,
    method: str,
    pairs: set[frozenset[int]] | None,
    pair_maps: bool,
    progress: Progress,
    out: CircuitArrays,
) -> CircuitArrays:
    shape = (int(conductance.shape[0]), int(conductance.shape[1]))
    net = build_network(conductance, regions=regions, neighbors=neighbors, connect=connect)
    out.n_components = net.n_components
    maps = _Maps(net, shape, pair_maps)
    todo = [
        (i, j)
        for a, i in enumerate(ids)
        for j in ids[a + 1 :]
        if pairs is None or frozenset((i, j)) in pairs
    ]
    result: dict[tuple[int, int], float] = {}
    node = {i: _nodes_of(net, focal[i]) for i in ids}
    flat = net.nodemap.ravel()
    # one node, every cell on it: no need to rebuild the network for this id's pairs
    simple = {i for i in ids if node[i].size == 1 and bool((flat[focal[i]] >= 0).all())}
    by_comp: dict[int, list[tuple[int, int]]] = {}
    done = 0
    for i, j in todo:
        if i in simple and j in simple:
            ni, nj = int(node[i][0]), int(node[j][0])
            if ni == nj:
                result[(i, j)] = 0.0
            elif net.component[ni] != net.component[nj]:
                result[(i, j)] = np.nan
            else:
                by_comp.setdefault(int(net.component[ni]), []).append((i, j))
    for c, plist in by_comp.items():
        comp = _Component.of(net, c)
        members = sorted({k for p in plist for k in p})
        local = {k: comp.local(int(node[k][0])) for k in members}
        cols = _columns(comp, [local[k] for k in members], method, out.stats)
        for i, j in plist:
            done += 1
            if progress:
                progress(f"pair {i}–{j} ({done} of {len(todo)})")
            volt = cols[local[j]] - cols[local[i]]
            volt = volt - volt[local[i]]
            result[(i, j)] = float(volt[local[j]])
            maps.add(f"{i}_{j}", comp, volt, node_currents(comp.u, comp.v, comp.g, volt))
    for i, j in todo:
        if (i, j) in result:
            continue
        done += 1
        if progress:
            progress(f"pair {i}–{j} ({done} of {len(todo)}, focal regions joined)")
        result[(i, j)] = _region_pair(
            conductance, focal, i, j, regions, neighbors, connect, method, maps, out.stats
        )
    for i, j in todo:
        out.resistances.append((i, j, result[(i, j)]))
    return maps.into(out)


def _region_pair(
    conductance: np.ndarray,
    focal: dict[int, np.ndarray],
    i: int,
    j: int,
    regions: np.ndarray | None,
    neighbors: int,
    connect: str,
    method: str,
    maps: _Maps,
    stats: SolveStats,
) -> float:
    """One pair with focal regions: the two regions joined, the network rebuilt and solved."""
    shape = (int(conductance.shape[0]), int(conductance.shape[1]))
    joined = merge_regions(shape, regions, [focal[i], focal[j]])
    net = build_network(conductance, regions=joined, neighbors=neighbors, connect=connect)
    ni, nj = _nodes_of(net, focal[i]), _nodes_of(net, focal[j])
    if ni.size == 0 or nj.size == 0 or net.component[ni[0]] != net.component[nj[0]]:
        return float("nan")
    if ni[0] == nj[0]:
        return 0.0
    comp = _Component.of(net, int(net.component[ni[0]]))
    li, lj = comp.local(int(ni[0])), comp.local(int(nj[0]))
    cols = _columns(comp, [li, lj], method, stats)
    volt = cols[lj]
    maps.add(f"{i}_{j}", comp, volt, node_currents(comp.u, comp.v, comp.g, volt))
    return float(volt[lj])


def advanced_arrays(
    conductance: np.ndarray,
    sources: np.ndarray,
    ground_conductance: np.ndarray,
    *,
    remove: str | None,
    regions: np.ndarray | None = None,
    neighbors: int = 8,
    connect: str = "avg-conductance",
    method: str = "auto",
) -> CircuitArrays:
    """Advanced mode: current sources and grounds anywhere (Circuitscape's advanced mode).

    Parameters
    ----------
    sources : ndarray of float
        Current injected at each cell (amperes, >= 0; 0: none); summed per node.
    ground_conductance : ndarray of float
        Conductance from each cell to ground (siemens; 0: none, ``inf``: a direct ground).
    remove : {"keepall", "rmvsrc", "rmvgnd", "rmvall"} or None
        What to do where a node has both a source and a ground: keep both, remove the
        source, the ground, or both. None: such a node is an error. A direct ground on a
        source is always dropped (the source's current would vanish into it).

    Raises
    ------
    CircuitError
        A node with both a source and a ground and no ``remove`` rule.
    """
    shape = (int(conductance.shape[0]), int(conductance.shape[1]))
    net = build_network(conductance, regions=regions, neighbors=neighbors, connect=connect)
    out = CircuitArrays(mode="advanced", n_components=net.n_components)
    flat = net.nodemap.ravel()
    on = flat >= 0
    s = np.bincount(flat[on], sources.ravel()[on], net.n_nodes)
    gvals = ground_conductance.ravel()[on]
    direct = np.zeros(net.n_nodes, dtype=bool)
    direct[flat[on][np.isinf(gvals)]] = True
    g = np.bincount(flat[on], np.where(np.isinf(gvals), 0.0, gvals), net.n_nodes)
    both = (s != 0) & ((g != 0) | direct)
    if both.any():
        if remove is None:
            cell = int(np.flatnonzero(on)[np.flatnonzero(both[flat[on]])[0]])
            raise CircuitError(
                f"{int(both.sum())} node(s) carry both a current source and a ground (e.g. row "
                f"{cell // shape[1]}, col {cell % shape[1]}); say which to keep with --remove "
                "keepall|rmvsrc|rmvgnd|rmvall"
            )
        if remove in ("rmvsrc", "rmvall"):
            s[both] = 0.0
        if remove in ("rmvgnd", "rmvall"):
            g[both] = 0.0
            direct[both] = False
    direct &= ~(s > 0)  # a direct ground on a source is dropped
    maps = _Maps(net, shape, True)
    volt_map = np.full(shape, np.nan)
    current = maps.template.copy()
    for c in range(net.n_components):
        nodes = net.component_nodes(c)
        if s[nodes].sum() == 0 or (g[nodes].sum() == 0 and not direct[nodes].any()):
            continue
        comp = _Component.of(net, c)
        keep = np.flatnonzero(~direct[nodes])
        from scipy import sparse

        matrix = comp.laplacian + sparse.diags(g[nodes])
        solver = SystemSolver(grounded(matrix, keep), method=method, stats=out.stats)
        volt = np.zeros(nodes.size)
        volt[keep] = solver.solve(s[nodes][keep])
        cur = node_currents(comp.u, comp.v, comp.g, volt, ground_conductance=g[nodes])
        comp.paint(volt_map, volt)
        comp.paint(current, cur)
        out.solved.append(c)
    out.cumulative = current
    out.maximum = None
    out.current_maps = {"": current}
    out.voltage_maps = {"": volt_map}
    return out
