"""The circuit network of a raster: nodes, edge conductances, Laplacian, solvers and currents.

Conventions follow Circuitscape (raster mode) so that its published test outputs apply:

* every cell with a positive, finite conductance is a node; all the cells of one short-circuit
  region are one node (nodata cells of a region included) as long as one of its cells is
  habitat;
* neighbouring cells are joined by an edge (4 or 8 neighbours; each pair once). The edge's
  conductance is the mean of the two cells' conductances (``avg-conductance``) or the
  reciprocal of the mean of their resistances (``avg-resistance``); a diagonal edge is that
  value divided by sqrt(2), its length in cells. Edges inside one node vanish, parallel edges
  add up. A nodata cell in a region counts as conductance 0 in the means;
* the node current is the larger of the current flowing into and out of the node, counting
  current to and from finite grounds but not injected sources: a cell of a region shows its
  region's node current.

The linear systems are the Laplacian grounded at one node (or at direct grounds, with finite
grounds on the diagonal). They are solved by a sparse LU factorisation (SuperLU, minimum-degree
ordering on the symmetric pattern) or by conjugate gradients preconditioned with smoothed-
aggregation algebraic multigrid (pyamg); either is built once per system and reused for every
right-hand side. Memory, per node: the network and Laplacian about 400 bytes, the LU factors
about ``8 log2(n)`` x 17 bytes, the multigrid hierarchy about 700 bytes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from leopardrange.errors import CircuitError, MemoryLimitError

__all__ = [
    "CONNECT_RULES",
    "Network",
    "SolveStats",
    "SystemSolver",
    "available_memory_bytes",
    "build_network",
    "check_memory",
    "estimate_solver_bytes",
    "node_currents",
]

CONNECT_RULES = ("avg-conductance", "avg-resistance")
#: Node counts up to which ``solver="auto"`` factorises (above it: multigrid CG).
DIRECT_MAX_NODES = 1_500_000
#: Relative residual the multigrid CG iterates to, and the largest any solve may leave.
AMG_TOL = 1e-10
MAX_RESIDUAL = 1e-6
_SQRT2 = math.sqrt(2.0)


@dataclass
class Network:
    """A conductance network over a grid.

    Attributes
    ----------
    nodemap : ndarray of int64, shape (rows, cols)
        Node index of each cell, -1 where a cell is no node.
    n_nodes : int
    u, v : ndarray of int64
        End nodes of each edge (``u != v``; an edge may repeat between two nodes).
    g : ndarray of float64
        Conductance of each edge (> 0).
    component : ndarray of int64
        Connected component of each node (0, 1, ...).
    """

    nodemap: np.ndarray
    n_nodes: int
    u: np.ndarray
    v: np.ndarray
    g: np.ndarray
    component: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_components(self) -> int:
        """Number of connected components."""
        return int(self.component.max()) + 1 if self.n_nodes else 0

    def laplacian(self) -> Any:
        """The graph Laplacian (scipy.sparse CSR, ``n_nodes`` square)."""
        return laplacian_of(self.n_nodes, self.u, self.v, self.g)

    def component_nodes(self, c: int) -> np.ndarray:
        """Nodes of component ``c`` (sorted)."""
        return np.flatnonzero(self.component == c)

    def edges_within(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges among ``nodes`` re-indexed to positions in ``nodes`` (sorted node indices)."""
        inside = np.zeros(self.n_nodes, dtype=bool)
        inside[nodes] = True
        keep = inside[self.u] & inside[self.v]
        u = np.searchsorted(nodes, self.u[keep])
        v = np.searchsorted(nodes, self.v[keep])
        return u, v, self.g[keep]


def laplacian_of(n: int, u: np.ndarray, v: np.ndarray, g: np.ndarray) -> Any:
    """Laplacian (CSR) of ``n`` nodes joined by edges ``u``-``v`` of conductance ``g``."""
    from scipy import sparse

    deg = np.bincount(u, g, n) + np.bincount(v, g, n)
    diag = np.arange(n, dtype=np.int64)
    rows = np.concatenate([u, v, diag])
    cols = np.concatenate([v, u, diag])
    return sparse.csr_matrix((np.concatenate([-g, -g, deg]), (rows, cols)), shape=(n, n))


def _edge_value(a: np.ndarray, b: np.ndarray, rule: str, diagonal: bool) -> np.ndarray:
    if rule == "avg-conductance":
        w = (a + b) / 2.0
    else:  # harmonic mean of conductances = reciprocal of the mean resistance
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where((a > 0) & (b > 0), 2.0 * a * b / (a + b), 0.0)
    return np.asarray(w / _SQRT2 if diagonal else w)


def build_network(
    conductance: np.ndarray,
    *,
    regions: np.ndarray | None = None,
    neighbors: int = 8,
    connect: str = "avg-conductance",
) -> Network:
    """Nodes, edges and components of a conductance grid (see the module notes).

    Parameters
    ----------
    conductance : ndarray of float, shape (rows, cols)
        Cell conductance; cells that are not positive and finite (NaN) are no node.
    regions : ndarray of int, optional
        Short-circuit region ids (0: none); all cells with one id become one node.
    neighbors : {4, 8}
    connect : {"avg-conductance", "avg-resistance"}

    Returns
    -------
    Network

    Examples
    --------
    >>> net = build_network(np.ones((2, 3)), neighbors=4)
    >>> net.n_nodes, len(net.g), net.n_components
    (6, 7, 1)
    """
    from scipy import sparse
    from scipy.sparse import csgraph

    rows, cols = conductance.shape
    size = rows * cols
    gmap = np.where(np.isfinite(conductance) & (conductance > 0), conductance, 0.0)
    valid = (gmap > 0).ravel()
    key = np.full(size, -1, dtype=np.int64)
    key[valid] = np.flatnonzero(valid)
    if regions is not None:
        reg = regions.ravel()
        cells = np.flatnonzero(reg != 0)
        if cells.size:
            ids, inv = np.unique(reg[cells], return_inverse=True)
            has_habitat = np.bincount(inv, weights=valid[cells], minlength=ids.size) > 0
            take = has_habitat[inv]
            key[cells[take]] = size + inv[take]
    nodemap = np.full(size, -1, dtype=np.int64)
    used = key >= 0
    _, nodemap[used] = np.unique(key[used], return_inverse=True)
    n_nodes = int(nodemap.max()) + 1 if used.any() else 0
    nodemap2 = nodemap.reshape(rows, cols)
    offsets = [(0, 1, False), (1, 0, False)]
    if neighbors == 8:
        offsets += [(1, 1, True), (-1, 1, True)]
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    gs: list[np.ndarray] = []
    for dr, dc, diagonal in offsets:
        r0, r1 = max(0, -dr), rows - max(0, dr)
        c1 = cols - dc
        a_nodes = nodemap2[r0:r1, 0:c1]
        b_nodes = nodemap2[r0 + dr : r1 + dr, dc : c1 + dc]
        keep = (a_nodes >= 0) & (b_nodes >= 0) & (a_nodes != b_nodes)
        w = _edge_value(
            gmap[r0:r1, 0:c1][keep], gmap[r0 + dr : r1 + dr, dc : c1 + dc][keep], connect, diagonal
        )
        pos = w > 0
        us.append(a_nodes[keep][pos])
        vs.append(b_nodes[keep][pos])
        gs.append(w[pos])
    u = np.concatenate(us) if us else np.zeros(0, dtype=np.int64)
    v = np.concatenate(vs) if vs else np.zeros(0, dtype=np.int64)
    g = np.concatenate(gs) if gs else np.zeros(0)
    if n_nodes:
        adj = sparse.coo_matrix((np.ones(u.size, dtype=np.int8), (u, v)), shape=(n_nodes,) * 2)
        _, labels = csgraph.connected_components(adj, directed=False)
        component = labels.astype(np.int64)
    else:
        component = np.zeros(0, dtype=np.int64)
    return Network(nodemap2, n_nodes, u, v, g, component)


def node_currents(
    u: np.ndarray,
    v: np.ndarray,
    g: np.ndarray,
    voltages: np.ndarray,
    *,
    ground_conductance: np.ndarray | None = None,
) -> np.ndarray:
    """Current through each node: the larger of its inflow and outflow (amperes).

    Parameters
    ----------
    u, v, g : ndarray
        Edges (node indices into ``voltages``) and their conductances.
    voltages : ndarray of float
        Node voltages.
    ground_conductance : ndarray of float, optional
        Conductance from each node to a finite ground (0 where none).

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> node_currents(np.array([0, 1]), np.array([1, 2]), np.array([1.0, 1.0]),
    ...               np.array([2.0, 1.0, 0.0])).tolist()
    [1.0, 1.0, 1.0]
    """
    n = voltages.size
    flow = g * (voltages[u] - voltages[v])
    forward = np.maximum(flow, 0.0)
    backward = np.maximum(-flow, 0.0)
    inflow = np.bincount(v, forward, n) + np.bincount(u, backward, n)
    outflow = np.bincount(u, forward, n) + np.bincount(v, backward, n)
    if ground_conductance is not None:
        to_ground = ground_conductance * voltages
        outflow += np.maximum(to_ground, 0.0)
        inflow += np.maximum(-to_ground, 0.0)
    return np.asarray(np.maximum(inflow, outflow))


# ---------------------------------------------------------------------------- memory


def available_memory_bytes() -> int:
    """Memory the system can still give (``MemAvailable``), or total RAM, in bytes."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover - not Linux
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 8 * 1024**3


def estimate_solver_bytes(n_nodes: int, method: str, *, n_rhs: int = 1) -> int:
    """Estimated peak memory (bytes) of building and using a solver for ``n_nodes`` nodes.

    Calibrated on 8-neighbour grids from 10⁴ to 4 x 10⁶ nodes (peak resident memory of
    whole runs: SuperLU's fill grows as n log n; the multigrid hierarchy and CG work vectors
    are linear), plus the solutions.

    Examples
    --------
    >>> estimate_solver_bytes(1_000_000, "amg") < estimate_solver_bytes(1_000_000, "direct")
    True
    """
    n = max(n_nodes, 2)
    network = 400 * n  # edges, the Laplacian and its grounded copy
    solutions = 8 * n * (n_rhs + 2)
    if method == "direct":
        return int(network + 17 * 8 * n * math.log2(n) + solutions)
    return int(network + 700 * n + solutions)


def check_memory(needed: int, limit: int | None, *, what: str) -> None:
    """Raise :class:`MemoryLimitError` when ``needed`` bytes exceed ``limit``.

    Raises
    ------
    MemoryLimitError
        With the estimate, the limit and what to do.
    """
    cap = available_memory_bytes() if limit is None else limit
    if needed > cap:
        source = "the memory available" if limit is None else "the memory limit"
        raise MemoryLimitError(
            f"{what} needs about {needed / 1e9:.2f} GB, more than {source} "
            f"({cap / 1e9:.2f} GB); use --solver amg (less memory than direct), coarsen or clip "
            "the raster, or raise --max-memory"
        )


# ---------------------------------------------------------------------------- solving


@dataclass
class SolveStats:
    """What the solvers did: method, systems, iterations and residuals per right-hand side."""

    methods: list[str] = field(default_factory=list)
    systems: int = 0
    iterations: list[int] = field(default_factory=list)
    residuals: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts and extremes for ``metrics.json``."""
        return {
            "solver": sorted(set(self.methods)) or None,
            "systems_factorised": self.systems,
            "solves": len(self.residuals),
            "max_iterations": max(self.iterations) if self.iterations else 0,
            "max_relative_residual": max(self.residuals) if self.residuals else None,
        }


class SystemSolver:
    """A symmetric positive-definite system, factorised (or preconditioned) once.

    Parameters
    ----------
    matrix : scipy.sparse matrix
        The grounded Laplacian (plus finite ground conductances on its diagonal).
    method : {"auto", "direct", "amg"}
    stats : SolveStats, optional
        Accumulates what was done.
    """

    def __init__(self, matrix: Any, *, method: str = "auto", stats: SolveStats | None = None):
        self.matrix = matrix.tocsr()
        n = self.matrix.shape[0]
        if method == "auto":
            method = "direct" if n <= DIRECT_MAX_NODES else "amg"
        self.method = method
        self.stats = stats if stats is not None else SolveStats()
        self.stats.methods.append(method)
        self.stats.systems += 1
        self._lu: Any = None
        self._ml: Any = None
        if n == 0:
            return
        if method == "direct":
            from scipy.sparse.linalg import splu

            self._lu = splu(
                self.matrix.tocsc(),
                permc_spec="MMD_AT_PLUS_A",
                diag_pivot_thresh=0.0,
                options={"SymmetricMode": True},
            )
        else:
            import pyamg

            self._ml = pyamg.smoothed_aggregation_solver(self.matrix, symmetry="symmetric")

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve for one (n,) or several (n, k) right-hand sides.

        Raises
        ------
        CircuitError
            A relative residual above 1e-6 (the solve did not converge).
        """
        b = np.asarray(rhs, dtype=np.float64)
        single = b.ndim == 1
        b2 = b[:, None] if single else b
        x = np.zeros_like(b2)
        if b2.shape[0] == 0:
            return x[:, 0] if single else x
        if self._lu is not None:
            x = self._lu.solve(b2)
            iterations = [0] * b2.shape[1]
        else:
            iterations = []
            for k in range(b2.shape[1]):
                history: list[float] = []
                x[:, k] = self._ml.solve(
                    b2[:, k], tol=AMG_TOL, accel="cg", maxiter=1000, residuals=history
                )
                iterations.append(max(len(history) - 1, 0))
        for k in range(b2.shape[1]):
            norm = float(np.linalg.norm(b2[:, k]))
            res = float(np.linalg.norm(self.matrix @ x[:, k] - b2[:, k])) / norm if norm else 0.0
            if not res <= MAX_RESIDUAL:
                raise CircuitError(
                    f"the {self.method} solver did not converge (relative residual {res:.1e} "
                    f"> {MAX_RESIDUAL:g}); try --solver direct, or check the habitat for "
                    "extreme value ranges"
                )
            self.stats.residuals.append(res)
        self.stats.iterations.extend(iterations)
        return x[:, 0] if single else x


def grounded(matrix: Any, keep: Sequence[int] | np.ndarray) -> Any:
    """The rows and columns ``keep`` of a sparse matrix (grounding the others)."""
    idx = np.asarray(keep, dtype=np.int64)
    return matrix[idx][:, idx]
