"""Numba kernels for cost-weighted distance (private): the fallback of the C kernel.

The algorithm, cell encoding and move costs are documented in :mod:`._kernel`. This is the
same code as ``_ckernel.c``, line for line; it runs only when the C library that is compiled
when the package is installed is missing (e.g. installed without a C compiler), and then it is
compiled by numba on first use (several seconds) and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["encode_block", "finalize", "solve", "trace_path"]

STATUS_OK = 0
STATUS_POOL_FULL = 1


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
