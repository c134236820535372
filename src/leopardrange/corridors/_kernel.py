"""Numba kernels for cost-weighted distance (private).

Why numba, and why our own kernel
---------------------------------
Our own code is written only where it measurably beats the libraries. This kernel is
compared end to end (read GeoTIFF, compute, write GeoTIFF) with scikit-image, xarray-spatial
and whitebox-workflows in one run by ``benchmarks/bench_cost_distance.py``, whose table in
``benchmarks/README.md`` gives the times and peak memory.

The peers keep several full-size arrays (a float64 distance array, a visited array, an
output array and a heap preallocated to the size of the grid). This kernel keeps **one** 4-
or 8-byte word per cell and an ``O(frontier)`` queue, and it uses an exact bucket queue
instead of a binary heap. numba keeps the kernel in Python; its own price is the RSS of
numba and LLVM and their start-up time in each process.

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

import math

import numpy as np
from numba import njit

__all__ = [
    "F32_INF_BITS",
    "F64_INF_BITS",
    "STATUS_OK",
    "STATUS_POOL_FULL",
    "encode_block",
    "finalize",
    "moves",
    "solve",
    "trace_path",
]

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


@njit(cache=True, nogil=True)
def encode_block(
    block: np.ndarray,
    vals: np.ndarray,
    ibits: np.ndarray,
    res: np.ndarray,
    nodata: float,
    nodata_is_nan: bool,
    start: int,
    stats: np.ndarray,
) -> None:
    """Encode a block of resistance values into the cell array.

    ``block`` is a flat run of cells starting at flat index ``start``. Passable
    cells become ``-r``; nodata cells ``+inf``; invalid cells (zero, negative,
    NaN outside nodata, infinite) are counted and made impassable. ``res`` (empty
    unless knight's moves are used) receives the resistance, NaN for impassable.
    ``stats`` (float64[5]) accumulates: number of invalid cells, flat index of the
    first invalid cell, its value, smallest and largest valid resistance.
    """
    keep_res = res.shape[0] > 0
    for i in range(block.shape[0]):
        x = np.float64(block[i])
        j = start + i
        if (nodata_is_nan and x != x) or x == nodata:
            vals[j] = np.inf
            if keep_res:
                res[j] = np.nan
        elif x > 0.0 and x < np.inf:
            vals[j] = -x
            if keep_res:
                res[j] = x
            if x < stats[3]:
                stats[3] = x
            if x > stats[4]:
                stats[4] = x
        else:
            if stats[0] == 0.0:
                stats[1] = j
                stats[2] = x
            stats[0] += 1.0
            vals[j] = np.inf
            if keep_res:
                res[j] = np.nan


@njit(cache=True, nogil=True)
def _grow(arr: np.ndarray, new_cap: int, fill: float) -> np.ndarray:
    out = np.full(new_cap, fill, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@njit(cache=True, nogil=True)
def _sift_up(heap: np.ndarray, p_key: np.ndarray, p_d: np.ndarray, pos: int) -> None:
    s = heap[pos]
    d = p_d[s]
    while pos > 0:
        parent = (pos - 1) >> 1
        t = heap[parent]
        if p_d[t] <= d:
            break
        heap[pos] = t
        p_key[t] = pos
        pos = parent
    heap[pos] = s
    p_key[s] = pos


@njit(cache=True, nogil=True)
def _sift_down(heap: np.ndarray, p_key: np.ndarray, p_d: np.ndarray, size: int) -> None:
    pos = 0
    s = heap[0]
    d = p_d[s]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and p_d[heap[child + 1]] < p_d[heap[child]]:
            child += 1
        t = heap[child]
        if p_d[t] >= d:
            break
        heap[pos] = t
        p_key[t] = pos
        pos = child
    heap[pos] = s
    p_key[s] = pos


@njit(cache=True, nogil=True)
def _grow_pool(pool: np.ndarray, new_cap: int) -> np.ndarray:
    out = np.empty((new_cap, pool.shape[1]), dtype=pool.dtype)
    out[: pool.shape[0]] = pool
    return out


@njit(cache=True, nogil=True)
def solve(
    vals: np.ndarray,
    ibits: np.ndarray,
    res: np.ndarray,
    nrows: int,
    ncols: int,
    src_idx: np.ndarray,
    drc: np.ndarray,
    length: np.ndarray,
    cross_a: np.ndarray,
    cross_b: np.ndarray,
    delta: float,
    nbuckets: int,
    use_heap: bool,
    max_cost: float,
    inf_bits: int,
    slot_limit: int,
) -> tuple[int, int]:
    """Multi-source Dijkstra on the encoded cell array, in place.

    Returns ``(status, n_sources)``: ``status`` is ``STATUS_OK`` or
    ``STATUS_POOL_FULL``; ``n_sources`` counts the sources on passable cells.
    """
    n_moves = drc.shape[0]
    off = np.empty(n_moves, dtype=np.int64)
    off_a = np.empty(n_moves, dtype=np.int64)
    off_b = np.empty(n_moves, dtype=np.int64)
    wfac = np.empty(n_moves, dtype=np.float64)
    for k in range(n_moves):
        off[k] = drc[k, 0] * ncols + drc[k, 1]
        off_a[k] = cross_a[k, 0] * ncols + cross_a[k, 1]
        off_b[k] = cross_b[k, 0] * ncols + cross_b[k, 1]
        # edge weight = (sum of the resistances averaged) x step length
        wfac[k] = length[k] * (0.5 if k < 8 else 0.25)
    margin = 2 if n_moves > 8 else 1
    tag_unreach = inf_bits + 1
    tag0 = inf_bits + 2
    inv_delta = 1.0 / delta
    mask = nbuckets - 1

    # frontier pool: one 32- or 40-byte int32 row per tentative cell: the exact
    # distance (float64 view, column 0), the resistance (cell-dtype view, column
    # rc), then row, column, next and previous slot in the bucket list (or next
    # free slot) and the bucket index modulo nbuckets (a heap uses p_key instead)
    cap = 1 << 12
    if vals.itemsize == 4:
        width, rc, base = 8, 2, 3
    else:
        width, rc, base = 10, 1, 4
    c_row = base
    c_col = base + 1
    c_next = base + 2
    c_prev = base + 3
    c_key = base + 4
    pool = np.empty((cap, width), dtype=np.int32)
    poolf = pool.view(np.float64)
    poolr = pool.view(vals.dtype)
    used = 0
    free_head = -1
    head = np.full(nbuckets if not use_heap else 1, -1, dtype=np.int64)
    heap = np.empty(cap if use_heap else 1, dtype=np.int64)
    p_key = np.empty(cap if use_heap else 1, dtype=np.int64)
    p_d = np.empty(cap if use_heap else 1, dtype=np.float64)
    queued = 0

    # sources: final 0, expanded first (they never relax each other)
    n_src = src_idx.shape[0]
    src_r = np.empty(n_src, dtype=np.float64)
    n_ok = 0
    for i in range(n_src):
        s = src_idx[i]
        if ibits[s] < 0:  # passable and not a duplicate
            src_r[n_ok] = -np.float64(vals[s])
            vals[s] = 0.0
            src_idx[n_ok] = s  # compact the usable sources to the front
            n_ok += 1
    if n_ok == 0:
        return STATUS_OK, 0

    k_cur = 0  # current bucket (absolute index)
    i_src = 0
    while True:
        # ---- next cell to expand: sources first, then the queue ----------------
        if i_src < n_ok:
            u = src_idx[i_src]
            r0 = u // ncols
            c0 = u - r0 * ncols
            d = 0.0
            ru = src_r[i_src]
            i_src += 1
        else:
            if queued == 0:
                break
            if use_heap:
                s = heap[0]
                queued -= 1
                if queued > 0:
                    heap[0] = heap[queued]
                    p_key[heap[0]] = 0
                    _sift_down(heap, p_key, p_d, queued)
            else:
                while head[k_cur & mask] == -1:
                    k_cur += 1
                if k_cur * delta > max_cost:
                    break
                s = head[k_cur & mask]
                nx = pool[s, c_next]
                head[k_cur & mask] = nx
                if nx != -1:
                    pool[nx, c_prev] = -1
                queued -= 1
            d = poolf[s, 0]
            ru = poolr[s, rc]
            r0 = pool[s, c_row]
            c0 = pool[s, c_col]
            u = r0 * ncols + c0
            pool[s, c_next] = free_head
            free_head = s
            if d > max_cost:
                ibits[u] = tag_unreach  # its slot is free: never read it again
                if use_heap:
                    break  # everything left is farther still
                continue
            vals[u] = d

        # ---- relax the neighbours of u -------------------------------------------
        interior = margin <= r0 < nrows - margin and margin <= c0 < ncols - margin
        for k in range(n_moves):
            if not interior:
                rr = r0 + drc[k, 0]
                cc = c0 + drc[k, 1]
                if rr < 0 or rr >= nrows or cc < 0 or cc >= ncols:
                    continue
            v = u + off[k]
            b = ibits[v]
            if 0 <= b <= inf_bits or b == tag_unreach:
                continue  # done, impassable or beyond max_cost
            if k < 8:
                rsum = ru
            else:
                ra = res[u + off_a[k]]
                rb = res[u + off_b[k]]
                if ra != ra or rb != rb:
                    continue  # a knight's move never crosses an impassable cell
                rsum = ru + ra + rb
            if b < 0:  # first reached: open a frontier slot
                rv = -np.float64(vals[v])
                nd = d + (rsum + rv) * wfac[k]
                if free_head != -1:
                    s2 = free_head
                    free_head = pool[s2, c_next]
                else:
                    if used == cap:
                        cap *= 2
                        pool = _grow_pool(pool, cap)
                        poolf = pool.view(np.float64)
                        poolr = pool.view(vals.dtype)
                        if use_heap:
                            heap = _grow(heap, cap, 0)
                            p_key = _grow(p_key, cap, 0)
                            p_d = _grow(p_d, cap, 0.0)
                    s2 = used
                    used += 1
                    if s2 > slot_limit:
                        return STATUS_POOL_FULL, n_ok
                poolf[s2, 0] = nd
                poolr[s2, rc] = rv
                pool[s2, c_row] = r0 + drc[k, 0]
                pool[s2, c_col] = c0 + drc[k, 1]
                ibits[v] = tag0 + s2
                if use_heap:
                    p_d[s2] = nd
                    heap[queued] = s2
                    p_key[s2] = queued
                    _sift_up(heap, p_key, p_d, queued)
                else:
                    bk = int(nd * inv_delta)
                    if bk <= k_cur:
                        bk = k_cur + 1
                    h = head[bk & mask]
                    pool[s2, c_next] = h
                    pool[s2, c_prev] = -1
                    if h != -1:
                        pool[h, c_prev] = s2
                    head[bk & mask] = s2
                    pool[s2, c_key] = bk & mask
                queued += 1
            else:  # tentative: keep the shorter distance
                s2 = b - tag0
                nd = d + (rsum + poolr[s2, rc]) * wfac[k]
                if nd < poolf[s2, 0]:
                    poolf[s2, 0] = nd
                    if use_heap:
                        p_d[s2] = nd
                        _sift_up(heap, p_key, p_d, p_key[s2])
                    else:
                        bk = int(nd * inv_delta)
                        if bk <= k_cur:
                            bk = k_cur + 1
                        old = pool[s2, c_key]
                        if (bk & mask) != old:
                            pv = pool[s2, c_prev]
                            nx = pool[s2, c_next]
                            if pv != -1:
                                pool[pv, c_next] = nx
                            else:
                                head[old] = nx
                            if nx != -1:
                                pool[nx, c_prev] = pv
                            h = head[bk & mask]
                            pool[s2, c_next] = h
                            pool[s2, c_prev] = -1
                            if h != -1:
                                pool[h, c_prev] = s2
                            head[bk & mask] = s2
                            pool[s2, c_key] = bk & mask
    return STATUS_OK, n_ok


@njit(cache=True, nogil=True)
def finalize(
    vals: np.ndarray,
    ibits: np.ndarray,
    start: int,
    stop: int,
    inf_bits: int,
    nodata_value: float,
    unreached_value: float,
) -> tuple[int, int, float]:
    """Turn the states of cells ``start:stop`` into output values, in place.

    Done cells keep their distance; impassable cells get ``nodata_value``; cells
    never reached (or beyond ``max_cost``) get ``unreached_value``. Returns the
    number of done cells, the number of impassable cells and the largest distance.
    """
    n_done = 0
    n_nodata = 0
    dmax = 0.0
    for i in range(start, stop):
        b = ibits[i]
        if 0 <= b < inf_bits:
            n_done += 1
            x = np.float64(vals[i])
            if x > dmax:
                dmax = x
        elif b == inf_bits:
            n_nodata += 1
            vals[i] = nodata_value
        else:
            vals[i] = unreached_value
    return n_done, n_nodata, dmax


@njit(cache=True, nogil=True)
def trace_path(
    cwd: np.ndarray,
    res: np.ndarray,
    nodata: float,
    nodata_is_nan: bool,
    nrows: int,
    ncols: int,
    start: int,
    drc: np.ndarray,
    length: np.ndarray,
    cross_a: np.ndarray,
    cross_b: np.ndarray,
) -> np.ndarray:
    """Walk from ``start`` down the cost-distance surface to a source.

    At each cell ``v`` the predecessor is the neighbour ``u`` (a move of the
    kernel) minimising ``cwd[u] + w(u, v)`` among neighbours with
    ``0 <= cwd[u] < cwd[v]``; the walk stops at a cell of cost 0 (a source).
    ``cwd`` and ``res`` are flat arrays of any float type, read in place: cells
    without a cost distance hold NaN, inf or a negative value; impassable cells
    hold the resistance ``nodata`` (or NaN). Returns the flat indices from
    ``start`` to the source, or an empty array if the walk gets stuck.
    """
    n_moves = drc.shape[0]
    out = np.empty(1024, dtype=np.int64)
    n = 0
    v = start
    limit = nrows * ncols
    while True:
        if n == out.shape[0]:
            out = _grow(out, 2 * n, 0)
        out[n] = v
        n += 1
        dv = np.float64(cwd[v])
        if dv == 0.0:
            return out[:n]
        if n > limit:
            return out[:0]
        r0 = v // ncols
        c0 = v - r0 * ncols
        best = np.inf
        best_u = -1
        rv = np.float64(res[v])
        for k in range(n_moves):
            rr = r0 + drc[k, 0]
            cc = c0 + drc[k, 1]
            if rr < 0 or rr >= nrows or cc < 0 or cc >= ncols:
                continue
            u = rr * ncols + cc
            du = np.float64(cwd[u])
            if not (0.0 <= du < dv):
                continue
            ru = np.float64(res[u])
            if (nodata_is_nan and ru != ru) or ru == nodata:
                continue
            if k < 8:
                w = (ru + rv) * 0.5 * length[k]
            else:
                ra = np.float64(res[(r0 + cross_a[k, 0]) * ncols + c0 + cross_a[k, 1]])
                rb = np.float64(res[(r0 + cross_b[k, 0]) * ncols + c0 + cross_b[k, 1]])
                if (nodata_is_nan and (ra != ra or rb != rb)) or ra == nodata or rb == nodata:
                    continue
                w = (ru + rv + ra + rb) * 0.25 * length[k]
            if du + w < best:
                best = du + w
                best_u = u
        if best_u < 0:
            return out[:0]
        v = best_u
