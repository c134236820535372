"""The cost-weighted distance kernel (private): its algorithm, and which build of it runs.

Why our own kernel
------------------
Our own code is written only where it measurably beats the libraries. This kernel is
compared end to end (read GeoTIFF, compute, write GeoTIFF) with scikit-image, xarray-spatial
and whitebox-workflows in one run by ``benchmarks/bench_cost_distance.py``, whose table in
``benchmarks/README.md`` gives the times and peak memory.

The peers keep several full-size arrays (a float64 distance array, a visited array, an
output array and a heap preallocated to the size of the grid). This kernel keeps **one** 4-
or 8-byte word per cell and an ``O(frontier)`` queue, and it uses an exact bucket queue
instead of a binary heap.

Two builds of one kernel
------------------------
The kernel exists twice, line for line the same: in C (``_ckernel.c``, compiled ahead of
time by the package's build hook when it is installed, loaded with ctypes by
:mod:`._kernel_c`) and in numba (:mod:`._kernel_numba`). The C build is used whenever it is
present and was built from the current sources; the numba build is the fallback (a package
installed without a C compiler). Both give bit-identical distances (the tests compare them).

Why C first: numba compiles on first use. On a 500 x 500 grid the first run after
installation took 7-30 s (compiling) against about 1 s later (loading numba's cache), so every
new machine, container, user and CI run paid it; importing numba and LLVM also costs about
130 MB of memory in every process. The C build starts at once, needs neither, and is as fast
(``benchmarks/bench_cost_distance.py`` shows cold and warm runs of both side by side).
``LEOPARDRANGE_KERNEL=numba`` forces the fallback (for comparisons); :func:`backend` says
which build runs.

Algorithm
---------
Dijkstra's algorithm on the 8- or 16-neighbour grid graph with Dinitz's bucket
queue: with bucket width ``delta`` equal to the smallest possible edge weight
(smallest resistance x smallest step length), every cell in the lowest non-empty
bucket already has its final distance, so a bucket is processed in any order with
O(1) operations. A circular array of ``nbuckets`` buckets covers the largest edge
weight. When the ratio of the largest to the smallest edge weight is huge (many
empty buckets to scan) an indexed binary heap is used instead; both queues give the
same distances.

Memory layout: one word per cell
--------------------------------
The cell array ``vals`` (float32 or float64) with an integer view ``ibits`` of the
same buffer encodes the state of every cell:

* ``0 <= bits < INF``: done, ``vals`` is the final cost distance (>= 0);
* ``bits == INF`` (``+inf``): impassable (nodata);
* ``bits == INF + 1`` (a NaN): reached but beyond ``max_cost``;
* ``bits >= INF + 2`` (a NaN payload): tentative, ``bits - INF - 2`` is the slot of
  the cell in the frontier pool, which holds the exact float64 tentative distance
  and the cell's resistance;
* ``bits < 0`` (sign bit set): not reached yet, ``-vals`` is the cell's resistance.

Distances are always accumulated in float64 (the pool); a float32 cell array only
rounds the *final* value, so results agree with scikit-image to float32 precision
(about 6e-8 relative). A finished cell's resistance is never needed again for
8-neighbour moves; 16-neighbour (knight's) moves also need the two cells the move
crosses, so they read a separate resistance array.

Move costs (the convention of scikit-image ``MCP_Geometric``, GRASS ``r.cost``,
WhiteboxTools): mean of the two cells' resistance x step length in metres (cell
width or height, the diagonal for diagonal moves). A knight's move crosses four
cells for a quarter of its length each (the two end cells and the two cells it
passes between), so it costs the mean of those four cells x its length, and is
blocked when either crossed cell is impassable (GRASS ``r.cost -k``); a knight's
move therefore never jumps over a one-cell-wide barrier.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "F32_INF_BITS",
    "F64_INF_BITS",
    "STATUS_OK",
    "STATUS_POOL_FULL",
    "backend",
    "encode_block",
    "finalize",
    "moves",
    "solve",
    "trace_path",
]

_log = logging.getLogger(__name__)

#: Bit pattern of +inf for float32 / float64 (as signed integers).
F32_INF_BITS = 0x7F800000
F64_INF_BITS = 0x7FF0000000000000
#: Largest signed integer of each width (end of the positive-NaN payload range).
_I32_MAX = 0x7FFFFFFF
_I64_MAX = 0x7FFFFFFFFFFFFFFF

STATUS_OK = 0
#: The float32 cell array ran out of NaN payloads for frontier slots (> 8.4 M
#: tentative cells at once); the caller retries with a float64 cell array.
STATUS_POOL_FULL = 1


def max_slot(inf_bits: int) -> int:
    """Largest frontier slot: NaN payloads of the cell word, int32 pool links."""
    top = _I32_MAX if inf_bits == F32_INF_BITS else _I64_MAX
    return min(top - inf_bits - 2, _I32_MAX - 1)


def moves(
    neighbors: int, cell_size_m: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Neighbourhood of the kernel.

    Parameters
    ----------
    neighbors : {8, 16}
        8: king's moves; 16: also knight's moves.
    cell_size_m : tuple of float
        ``(x, y)``: cell width and cell height in metres.

    Returns
    -------
    drc : ndarray of int64, shape (n, 2)
        Row and column offsets of each move.
    length_m : ndarray of float64, shape (n,)
        Step length of each move in metres.
    cross_a, cross_b : ndarray of int64, shape (n, 2)
        Offsets of the two cells a knight's move crosses (zeros for king's moves).
    """
    xm, ym = float(cell_size_m[0]), float(cell_size_m[1])
    king = [(0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    knight = [(-2, -1), (-2, 1), (2, -1), (2, 1), (-1, -2), (1, -2), (-1, 2), (1, 2)]
    offs = king + (knight if neighbors == 16 else [])
    drc = np.array(offs, dtype=np.int64)
    length = np.array([math.hypot(dr * ym, dc * xm) for dr, dc in offs], dtype=np.float64)
    cross_a = np.zeros_like(drc)
    cross_b = np.zeros_like(drc)
    for k, (dr, dc) in enumerate(offs):
        if abs(dr) == 2:  # crosses the two cells of the middle row
            cross_a[k] = (dr // 2, 0)
            cross_b[k] = (dr // 2, dc)
        elif abs(dc) == 2:  # crosses the two cells of the middle column
            cross_a[k] = (0, dc // 2)
            cross_b[k] = (dr, dc // 2)
    return drc, length, cross_a, cross_b


# ------------------------------------------------------------------------- which build runs


@functools.cache
def _impl() -> ModuleType:
    """The C build when it loads and is current, else the numba build (imported only then)."""
    wanted = os.environ.get("LEOPARDRANGE_KERNEL", "").strip().lower()
    if wanted != "numba":
        from . import _kernel_c

        reason = _kernel_c.load()
        if reason is None:
            return _kernel_c
        _log.info("cost-distance kernel: using numba (%s)", reason)
    from . import _kernel_numba

    return _kernel_numba


def backend() -> str:
    """``"c"`` or ``"numba"``: which build of the kernel runs in this process."""
    return "c" if _impl().__name__.endswith("_kernel_c") else "numba"


def encode_block(*args: Any) -> None:
    """Encode a block of resistance values into the cell array (see the builds)."""
    _impl().encode_block(*args)


def solve(*args: Any) -> tuple[int, int]:
    """Multi-source Dijkstra in place: ``(status, n_sources_on_passable_cells)``."""
    status, n_ok = _impl().solve(*args)
    return int(status), int(n_ok)


def finalize(*args: Any) -> tuple[int, int, float]:
    """Cell states to output values: ``(n_done, n_nodata, largest distance)``."""
    n_done, n_nodata, dmax = _impl().finalize(*args)
    return int(n_done), int(n_nodata), float(dmax)


def trace_path(*args: Any) -> np.ndarray:
    """Flat indices from a target cell down the cost-distance surface to a source."""
    return np.asarray(_impl().trace_path(*args), dtype=np.int64)
