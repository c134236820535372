"""Tests of leopardrange.corridors.costdistance.

Oracle: scikit-image ``MCP_Geometric`` (8 neighbours, the same geometric cost) and,
for knight's moves, a small pure-Python Dijkstra written here (GRASS ``r.cost -k``
convention: the mean of the four cells a knight's move crosses x its length).
"""

from __future__ import annotations

import heapq
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin

from leopardrange.corridors import (
    CWD_NODATA,
    _kernel,
    cost_distance,
    cost_distance_raster,
    least_cost_path,
    path_length_m,
    path_to_xy,
)
from leopardrange.corridors import costdistance as cd
from leopardrange.errors import (
    CRSError,
    DataSourceError,
    OutputExistsError,
    ResistanceError,
    SourceError,
    UnreachableError,
)

skimage_graph = pytest.importorskip("skimage.graph")

# rasterio 1.4 still applies affine transforms with `*`, which affine 3 flags
pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)

REL_TOL = 1e-6  # the bar; we measure ~1e-15 (float64) and ~6e-8 (float32 files)


# ----------------------------------------------------------------------- oracles


def skimage_cwd(resistance: np.ndarray, sources: np.ndarray, cell_size_m=(1.0, 1.0)):
    """CWD by scikit-image MCP_Geometric; NaN resistance is impassable."""
    costs = np.where(np.isnan(resistance), np.inf, resistance).astype(np.float64)
    starts = [tuple(int(v) for v in rc) for rc in np.argwhere(sources & np.isfinite(costs))]
    mcp = skimage_graph.MCP_Geometric(costs, sampling=(cell_size_m[1], cell_size_m[0]))
    cwd, _ = mcp.find_costs(starts)
    cwd = np.asarray(cwd, dtype=np.float64)
    cwd[np.isnan(resistance)] = np.nan
    return cwd


KING = [(0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (-1, 1), (1, -1), (1, 1)]
KNIGHT = [(-2, -1), (-2, 1), (2, -1), (2, 1), (-1, -2), (1, -2), (-1, 2), (1, 2)]


def reference_cwd(resistance, sources, cell_size_m=(1.0, 1.0), neighbors=8):
    """Plain Dijkstra with heapq; knight's moves per GRASS r.cost -k."""
    xm, ym = cell_size_m
    nr, nc = resistance.shape
    ok = ~np.isnan(resistance)
    dist = np.full(resistance.shape, np.inf)
    heap = []
    for r, c in np.argwhere(sources & ok):
        dist[r, c] = 0.0
        heap.append((0.0, int(r), int(c)))
    heapq.heapify(heap)
    moves = KING + (KNIGHT if neighbors == 16 else [])
    while heap:
        d, r, c = heapq.heappop(heap)
        if d > dist[r, c]:
            continue
        for dr, dc in moves:
            rr, cc = r + dr, c + dc
            if not (0 <= rr < nr and 0 <= cc < nc) or not ok[rr, cc]:
                continue
            length = math.hypot(dr * ym, dc * xm)
            cells = [(r, c), (rr, cc)]
            if abs(dr) == 2:
                cells += [(r + dr // 2, c), (r + dr // 2, c + dc)]
            elif abs(dc) == 2:
                cells += [(r, c + dc // 2), (r + dr, c + dc // 2)]
            if not all(ok[p] for p in cells):
                continue
            w = sum(resistance[p] for p in cells) / len(cells) * length
            if d + w < dist[rr, cc]:
                dist[rr, cc] = d + w
                heapq.heappush(heap, (d + w, rr, cc))
    dist[~ok] = np.nan
    return dist


def assert_cwd_close(ours, ref, rtol=REL_TOL):
    assert np.array_equal(np.isnan(ours), np.isnan(ref)), "nodata cells differ"
    assert np.array_equal(np.isinf(ours), np.isinf(ref)), "reachable cells differ"
    fin = np.isfinite(ref)
    rel = np.abs(ours[fin] - ref[fin]) / np.maximum(np.abs(ref[fin]), 1e-300)
    assert rel.max(initial=0.0) <= rtol, f"max relative difference {rel.max():.3g}"


def random_case(seed, shape=(23, 31), holes=0.0, n_sources=3, low=1.0, high=10.0):
    rng = np.random.default_rng(seed)
    r = low + (high - low) * rng.random(shape)
    if holes:
        r[rng.random(shape) < holes] = np.nan
    s = np.zeros(shape, dtype=bool)
    s[rng.integers(0, shape[0], n_sources), rng.integers(0, shape[1], n_sources)] = True
    return r, s


# ------------------------------------------------------------ equality vs skimage


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    ("holes", "n_sources", "cell"),
    [
        (0.0, 1, (30.0, 30.0)),
        (0.0, 5, (30.0, 30.0)),
        (0.25, 4, (30.0, 30.0)),
        (0.1, 3, (25.0, 40.0)),
    ],
)
def test_equals_skimage_mcp_geometric(seed, holes, n_sources, cell):
    r, s = random_case(seed, holes=holes, n_sources=n_sources)
    if not (s & ~np.isnan(r)).any():
        s[~np.isnan(r)] = False
        s[np.unravel_index(np.flatnonzero(~np.isnan(r))[0], r.shape)] = True
    assert_cwd_close(cost_distance(r, s, cell_size_m=cell), skimage_cwd(r, s, cell))


def test_equals_skimage_on_a_larger_grid():
    r, s = random_case(7, shape=(300, 200), holes=0.05, n_sources=6)
    assert_cwd_close(cost_distance(r, s, cell_size_m=(30.0, 30.0)), skimage_cwd(r, s, (30, 30)))


def test_heap_fallback_for_extreme_resistance_ratios_equals_skimage():
    rng = np.random.default_rng(3)
    r = 10.0 ** rng.uniform(0, 6, (40, 50))  # ratio ~1e6: too many buckets, heap used
    s = np.zeros(r.shape, dtype=bool)
    s[5, 5] = s[30, 40] = True
    assert_cwd_close(cost_distance(r, s, cell_size_m=10.0), skimage_cwd(r, s, (10, 10)))


def test_heap_and_buckets_agree_exactly(monkeypatch):
    r, s = random_case(11, shape=(60, 70), holes=0.1, n_sources=4)
    buckets = cost_distance(r, s, cell_size_m=(20.0, 30.0), neighbors=16)
    monkeypatch.setattr(cd, "_MAX_BUCKETS", 0)
    heap = cost_distance(r, s, cell_size_m=(20.0, 30.0), neighbors=16)
    assert_cwd_close(heap, buckets, rtol=1e-12)


def test_integer_and_float32_resistance():
    r, s = random_case(5, holes=0.0)
    ri = np.round(r).astype(np.int16)
    ref = skimage_cwd(ri.astype(float), s, (30, 30))
    assert_cwd_close(cost_distance(ri, s, cell_size_m=30.0), ref)
    r32 = r.astype(np.float32)
    ref32 = skimage_cwd(r32.astype(float), s, (30, 30))
    assert_cwd_close(cost_distance(r32, s, cell_size_m=30.0), ref32)


# ------------------------------------------------------------------ known answers


def test_uniform_line_is_n_cells():
    r = np.ones((1, 6))
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    np.testing.assert_allclose(cost_distance(r, s, cell_size_m=30.0)[0], 30.0 * np.arange(6))


def test_uniform_diagonal_is_root_two():
    r = np.ones((5, 5))
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    out = cost_distance(r, s, cell_size_m=10.0)
    np.testing.assert_allclose(np.diag(out), 10.0 * math.sqrt(2) * np.arange(5))


def test_non_square_cells_use_true_step_lengths():
    r = np.full((4, 4), 2.0)
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    out = cost_distance(r, s, cell_size_m=(10.0, 40.0))  # 10 m wide, 40 m tall
    assert out[0, 3] == pytest.approx(2.0 * 30.0)  # three steps east
    assert out[3, 0] == pytest.approx(2.0 * 120.0)  # three steps south
    assert out[1, 1] == pytest.approx(2.0 * math.hypot(10.0, 40.0))


def test_mean_of_the_two_cells():
    r = np.array([[1.0, 3.0, 5.0]])
    s = np.array([[True, False, False]])
    np.testing.assert_allclose(cost_distance(r, s, cell_size_m=1.0)[0], [0.0, 2.0, 6.0])


def test_sixteen_neighbours_knight_move_and_stretch():
    r = np.ones((5, 5))
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    out = cost_distance(r, s, cell_size_m=100.0, neighbors=16)
    assert out[2, 1] == pytest.approx(100.0 * math.sqrt(5))
    assert out[1, 2] == pytest.approx(100.0 * math.sqrt(5))
    eight = cost_distance(r, s, cell_size_m=100.0, neighbors=8)
    assert eight[2, 1] == pytest.approx(100.0 * (1 + math.sqrt(2)))


def test_knight_move_does_not_jump_a_one_cell_barrier():
    r = np.ones((5, 5))
    r[2, :] = np.nan  # a full-width wall, one cell thick
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    out = cost_distance(r, s, cell_size_m=1.0, neighbors=16)
    assert np.isinf(out[3:]).all()
    assert np.isnan(out[2]).all()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("cell", [(1.0, 1.0), (30.0, 45.0)])
def test_sixteen_neighbours_equal_reference_dijkstra(seed, cell):
    r, s = random_case(seed, shape=(17, 19), holes=0.2, n_sources=3)
    ours = cost_distance(r, s, cell_size_m=cell, neighbors=16)
    if not (s & ~np.isnan(r)).any():
        pytest.skip("all sources on nodata")
    assert_cwd_close(ours, reference_cwd(r, s, cell, neighbors=16), rtol=1e-12)


def test_reference_dijkstra_matches_skimage_for_eight():
    r, s = random_case(2, shape=(15, 15), holes=0.1)
    assert_cwd_close(reference_cwd(r, s, (3.0, 4.0)), skimage_cwd(r, s, (3.0, 4.0)), 1e-12)


def test_sixteen_neighbours_is_never_longer_than_eight():
    r, s = random_case(9, shape=(40, 40), holes=0.1)
    c8 = cost_distance(r, s, cell_size_m=1.0)
    c16 = cost_distance(r, s, cell_size_m=1.0, neighbors=16)
    fin = np.isfinite(c8)
    assert (c16[fin] <= c8[fin] * (1 + 1e-12)).all()


def test_nodata_value_and_nan():
    r, s = random_case(4, holes=0.0)
    r[3:6, 4:9] = -9999.0
    out = cost_distance(r, s & (r > 0), cell_size_m=30.0, nodata=-9999.0)
    assert np.isnan(out[3:6, 4:9]).all()
    ref = skimage_cwd(np.where(r == -9999.0, np.nan, r), s & (r > 0), (30, 30))
    assert_cwd_close(out, ref)


def test_unreachable_is_inf_and_nodata_is_nan():
    r = np.ones((5, 5))
    r[:, 2] = np.nan
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    out = cost_distance(r, s, cell_size_m=1.0)
    assert np.isnan(out[:, 2]).all()
    assert np.isinf(out[:, 3:]).all()
    assert np.isfinite(out[:, :2]).all()


def test_max_cost_cuts_but_keeps_nearer_values():
    r, s = random_case(8, shape=(50, 50), n_sources=2)
    full = cost_distance(r, s, cell_size_m=30.0)
    cut = cost_distance(r, s, cell_size_m=30.0, max_cost=2000.0)
    near = full <= 2000.0
    np.testing.assert_array_equal(cut[near], full[near])
    assert np.isinf(cut[~near]).all()


def test_max_cost_with_the_heap(monkeypatch):
    monkeypatch.setattr(cd, "_MAX_BUCKETS", 0)
    r, s = random_case(8, shape=(50, 50), n_sources=2)
    full = cost_distance(r, s, cell_size_m=30.0)
    cut = cost_distance(r, s, cell_size_m=30.0, max_cost=2000.0)
    near = full <= 2000.0
    np.testing.assert_array_equal(cut[near], full[near])
    assert np.isinf(cut[~near]).all()


def test_sources_on_nodata_are_ignored_when_others_are_valid():
    r = np.ones((3, 3))
    r[0, 0] = np.nan
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = s[2, 2] = True
    out = cost_distance(r, s, cell_size_m=1.0)
    assert out[2, 2] == 0.0 and np.isnan(out[0, 0])


def test_input_is_not_modified():
    r, s = random_case(1, holes=0.1)
    r0, s0 = r.copy(), s.copy()
    cost_distance(r, s, cell_size_m=30.0, neighbors=16)
    np.testing.assert_array_equal(r, r0)
    np.testing.assert_array_equal(s, s0)


def test_non_contiguous_input():
    r, s = random_case(12, shape=(40, 60))
    view_r, view_s = r[::2, ::3], s[::2, ::3].copy()
    view_s[0, 0] = True
    assert_cwd_close(
        cost_distance(view_r, view_s, cell_size_m=1.0), skimage_cwd(np.array(view_r), view_s)
    )


# --------------------------------------------------------------------- invariants


@st.composite
def grids(draw):
    nr = draw(st.integers(1, 12))
    nc = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    r = draw(st.sampled_from([1.0, 0.5])) + 9 * rng.random((nr, nc))
    r[rng.random((nr, nc)) < draw(st.sampled_from([0.0, 0.2]))] = np.nan
    s = rng.random((nr, nc)) < 0.15
    s[draw(st.integers(0, nr - 1)), draw(st.integers(0, nc - 1))] = True
    cell = (draw(st.floats(0.5, 50)), draw(st.floats(0.5, 50)))
    return r, s, cell, draw(st.sampled_from([8, 16]))


def _edges(shape, neighbors):
    nr, nc = shape
    moves = KING + (KNIGHT if neighbors == 16 else [])
    for r in range(nr):
        for c in range(nc):
            for dr, dc in moves:
                if 0 <= r + dr < nr and 0 <= c + dc < nc:
                    yield (r, c), (r + dr, c + dc), dr, dc


def _w(res, a, b, dr, dc, cell):
    cells = [a, b]
    if abs(dr) == 2:
        cells += [(a[0] + dr // 2, a[1]), (a[0] + dr // 2, a[1] + dc)]
    elif abs(dc) == 2:
        cells += [(a[0], a[1] + dc // 2), (a[0] + dr, a[1] + dc // 2)]
    vals = [res[p] for p in cells]
    if any(np.isnan(v) for v in vals):
        return None
    return sum(vals) / len(vals) * math.hypot(dr * cell[1], dc * cell[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_invariants(case):
    r, s, cell, nb = case
    valid_src = s & ~np.isnan(r)
    if np.isnan(r).all():
        with pytest.raises(ResistanceError, match="no passable cell"):
            cost_distance(r, s, cell_size_m=cell, neighbors=nb)
        return
    if not valid_src.any():
        with pytest.raises(SourceError, match="nodata"):
            cost_distance(r, s, cell_size_m=cell, neighbors=nb)
        return
    out = cost_distance(r, s, cell_size_m=cell, neighbors=nb)
    fin = np.isfinite(out)
    assert (out[fin] >= 0).all()
    assert (out[valid_src] == 0).all()
    assert np.array_equal(np.isnan(out), np.isnan(r))
    # every finite value is attained through some move, and no move shortcuts it
    for a, b, dr, dc in _edges(r.shape, nb):
        w = _w(r, a, b, dr, dc, cell)
        if w is None:
            continue
        if np.isfinite(out[a]):
            assert out[b] <= out[a] + w + 1e-9 * (out[a] + w)
    # least-cost paths: monotone, start at a source, cost equals the CWD
    tgt = tuple(np.argwhere(fin)[-1])
    path = least_cost_path(out, r, tgt, cell_size_m=cell, neighbors=nb)
    assert valid_src[tuple(path[0])] and tuple(path[-1]) == tgt
    along = out[path[:, 0], path[:, 1]]
    assert (np.diff(along) > 0).all()
    cost = sum(_w(r, tuple(p), tuple(q), *(q - p), cell) for p, q in itertools.pairwise(path))
    assert cost == pytest.approx(out[tgt], rel=1e-9, abs=1e-12)


# ------------------------------------------------------------ least-cost path API


def test_least_cost_path_avoids_costly_cells():
    r = np.ones((5, 7))
    r[1:4, 3] = 100.0  # a costly ridge; the path goes round it
    s = np.zeros_like(r, dtype=bool)
    s[2, 0] = True
    cwd = cost_distance(r, s, cell_size_m=10.0)
    path = least_cost_path(cwd, r, (2, 6), cell_size_m=10.0)
    assert tuple(path[0]) == (2, 0) and tuple(path[-1]) == (2, 6)
    assert all(r[tuple(p)] == 1.0 for p in path)


def test_least_cost_path_to_a_target_mask_picks_the_cheapest_cell():
    r = np.ones((6, 6))
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    target = np.zeros_like(s)
    target[5, 5] = target[0, 4] = True
    cwd = cost_distance(r, s, cell_size_m=1.0)
    path = least_cost_path(cwd, r, target, cell_size_m=1.0)
    assert tuple(path[-1]) == (0, 4)
    assert path_length_m(path, 1.0) == pytest.approx(4.0)


def test_least_cost_path_on_a_float32_file_cwd(tmp_path):
    r, s = random_case(21, shape=(60, 80), holes=0.1, n_sources=2)
    rpath = write_raster(tmp_path / "r.tif", r, nodata=None)
    out = tmp_path / "cwd.tif"
    cost_distance_raster(rpath, s, out)
    with rasterio.open(out) as src:
        cwd32 = src.read(1)
    exact = cost_distance(r, s, cell_size_m=30.0)
    tgt = tuple(np.argwhere(np.isfinite(exact))[-1])
    path = least_cost_path(cwd32, r, tgt, cell_size_m=30.0)
    assert s[tuple(path[0])]
    cost = sum(
        _w(r, tuple(p), tuple(q), *(q - p), (30.0, 30.0)) for p, q in itertools.pairwise(path)
    )
    assert cost == pytest.approx(exact[tgt], rel=1e-6)


def test_path_to_xy_and_length():
    t = from_origin(1000.0, 5000.0, 30.0, 20.0)
    path = np.array([[0, 0], [1, 1], [1, 2]])
    xy = path_to_xy(path, t)
    np.testing.assert_allclose(xy, [[1015.0, 4990.0], [1045.0, 4970.0], [1075.0, 4970.0]])
    assert path_length_m(path, (30.0, 20.0)) == pytest.approx(math.hypot(30, 20) + 30)
    assert path_length_m(path[:1], 30.0) == 0.0


def test_unreachable_target():
    r = np.ones((5, 5))
    r[:, 2] = np.nan
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    cwd = cost_distance(r, s, cell_size_m=1.0)
    with pytest.raises(UnreachableError, match="cut off from every source"):
        least_cost_path(cwd, r, (4, 4), cell_size_m=1.0)


def test_least_cost_path_bad_targets():
    r = np.ones((3, 3))
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    cwd = cost_distance(r, s, cell_size_m=1.0)
    with pytest.raises(SourceError, match="outside the 3 x 3 grid"):
        least_cost_path(cwd, r, (3, 0), cell_size_m=1.0)
    with pytest.raises(SourceError, match="no True cell"):
        least_cost_path(cwd, r, np.zeros_like(s), cell_size_m=1.0)
    with pytest.raises(SourceError, match="shape"):
        least_cost_path(cwd, r, np.zeros((2, 2), dtype=bool), cell_size_m=1.0)
    with pytest.raises(ValueError, match="one shape"):
        least_cost_path(cwd, r[:2], (0, 0), cell_size_m=1.0)


def test_least_cost_path_with_nodata_value():
    r = np.ones((4, 4))
    r[1, 0:3] = -1.0  # nodata wall with a gap at col 3
    s = np.zeros_like(r, dtype=bool)
    s[0, 0] = True
    cwd = cost_distance(r, s, cell_size_m=1.0, nodata=-1.0)
    path = least_cost_path(cwd, r, (3, 0), cell_size_m=1.0, nodata=-1.0)
    assert all(r[tuple(p)] == 1.0 for p in path)


# ------------------------------------------------------------ numpy API errors


def test_numpy_api_errors():
    r = np.ones((3, 3))
    s = np.zeros((3, 3), dtype=bool)
    s[1, 1] = True
    with pytest.raises(ResistanceError, match=r"4 cells .* \(e.g. row 0, col 1: 0.0\)"):
        cost_distance(np.where(np.eye(3, k=1) > 0, 0.0, np.where(np.eye(3, k=-1) > 0, -2, 1)), s,
                      cell_size_m=1.0)  # fmt: skip
    with pytest.raises(ResistanceError, match=r"3 cells that are .* NaN outside nodata"):
        cost_distance(np.where(np.eye(3) > 0, np.nan, 1.0), s, cell_size_m=1.0, nodata=-9999)
    with pytest.raises(ResistanceError, match="infinite"):
        cost_distance(np.where(np.eye(3) > 0, np.inf, 1.0), s, cell_size_m=1.0)
    with pytest.raises(ResistanceError, match="no passable cell"):
        cost_distance(np.full((3, 3), np.nan), s, cell_size_m=1.0)
    with pytest.raises(ResistanceError, match="numeric"):
        cost_distance(np.full((3, 3), "a"), s, cell_size_m=1.0)
    with pytest.raises(SourceError, match="no True cell"):
        cost_distance(r, np.zeros((3, 3), dtype=bool), cell_size_m=1.0)
    with pytest.raises(SourceError, match="boolean"):
        cost_distance(r, s.astype(int), cell_size_m=1.0)
    with pytest.raises(SourceError, match=r"shape \(2, 3\)"):
        cost_distance(r, s[:2], cell_size_m=1.0)
    with pytest.raises(SourceError, match="fall on nodata"):
        cost_distance(np.where(s, np.nan, 1.0), s, cell_size_m=1.0)
    with pytest.raises(ValueError, match="neighbors must be 8 or 16"):
        cost_distance(r, s, cell_size_m=1.0, neighbors=4)
    with pytest.raises(ValueError, match="cell_size_m"):
        cost_distance(r, s, cell_size_m=(1.0, -1.0))
    with pytest.raises(ValueError, match="max_cost"):
        cost_distance(r, s, cell_size_m=1.0, max_cost=0)
    with pytest.raises(ValueError, match="2-D"):
        cost_distance(np.ones(3), s, cell_size_m=1.0)


# ----------------------------------------------------------------------- rasters


def write_raster(path, array, *, crs="EPSG:3035", nodata=-9999.0, res=(30.0, 30.0), dtype=None):
    array = np.asarray(array)
    profile = {
        "driver": "GTiff",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": dtype or array.dtype,
        "transform": from_origin(4_300_000.0, 3_000_000.0, res[0], res[1]),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array.astype(profile["dtype"]), 1)
    return Path(path)


@pytest.fixture
def grid(tmp_path):
    r, s = random_case(31, shape=(700, 90), holes=0.05, n_sources=3)
    r32 = r.astype(np.float32)
    return write_raster(tmp_path / "resistance.tif", np.where(np.isnan(r32), -9999, r32)), r32, s


@pytest.mark.parametrize("neighbors", [8, 16])
def test_raster_equals_numpy_to_float32_precision(grid, tmp_path, neighbors):
    path, r32, s = grid
    out = tmp_path / "cwd.tif"
    res = cost_distance_raster(path, s, out, neighbors=neighbors)
    exact = cost_distance(r32, s, cell_size_m=30.0, neighbors=neighbors)
    with rasterio.open(out) as src:
        got = src.read(1)
        assert src.dtypes[0] == "float32" and src.nodata == CWD_NODATA
        assert src.crs.to_epsg() == 3035 and src.transform == rasterio.open(path).transform
        assert src.tags(1)["neighbors"] == str(neighbors)
    fin = np.isfinite(exact)
    assert (got[~fin] == CWD_NODATA).all()
    np.testing.assert_allclose(got[fin], exact[fin], rtol=6e-8)
    assert res.reached_cells == fin.sum()
    assert res.nodata_cells == np.isnan(r32).sum()
    assert res.unreached_cells == np.isinf(exact).sum()
    assert res.source_cells == (s & ~np.isnan(r32)).sum()
    assert res.max_cost_distance == pytest.approx(exact[fin].max(), rel=6e-8)
    assert res.cell_size_m == (30.0, 30.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd.tif", "resistance.tif"]


def test_raster_float64_input_is_exact(tmp_path):
    r, s = random_case(2, shape=(40, 50), holes=0.1)
    path = write_raster(tmp_path / "r64.tif", np.where(np.isnan(r), -9999, r))
    cost_distance_raster(path, s, tmp_path / "c.tif", max_cost=3000.0)
    ref = skimage_cwd(r, s, (30, 30))
    with rasterio.open(tmp_path / "c.tif") as src:
        got = src.read(1).astype(np.float64)
    ok = np.isfinite(ref) & (ref <= 3000.0)
    np.testing.assert_allclose(got[ok], ref[ok], rtol=6e-8)
    assert (got[~ok] == CWD_NODATA).all()


def test_raster_nan_nodata_and_no_nodata(tmp_path):
    r, s = random_case(4, shape=(30, 30), holes=0.1)
    for nodata in (None, float("nan")):
        path = write_raster(tmp_path / f"r{nodata}.tif", r.astype(np.float32), nodata=nodata)
        out = tmp_path / f"c{nodata}.tif"
        cost_distance_raster(path, s, out)
        with rasterio.open(out) as src:
            got = src.read(1)
        assert (got[np.isnan(r)] == CWD_NODATA).all()


def test_raster_pool_overflow_falls_back_to_float64(grid, tmp_path, monkeypatch):
    path, r32, s = grid
    real = _kernel.max_slot
    monkeypatch.setattr(
        _kernel, "max_slot", lambda bits: 5 if bits == _kernel.F32_INF_BITS else real(bits)
    )
    cost_distance_raster(path, s, tmp_path / "cwd.tif")
    exact = cost_distance(r32, s, cell_size_m=30.0)
    with rasterio.open(tmp_path / "cwd.tif") as src:
        got = src.read(1)
    fin = np.isfinite(exact)
    np.testing.assert_allclose(got[fin], exact[fin], rtol=6e-8)


def test_sources_as_geodataframe_in_another_crs(tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point, box

    r = np.ones((50, 60), dtype=np.float32)
    path = write_raster(tmp_path / "r.tif", r)
    with rasterio.open(path) as src:
        t = src.transform
    x, y = t @ (10.5, 20.5)  # centre of cell (row 20, col 10)
    big = box(*(t @ (40, 30)), *(t @ (50, 40)))  # cols 40-49, rows 30-39 (corner order)
    gdf = gpd.GeoDataFrame(geometry=[Point(x, y), big], crs="EPSG:3035").to_crs("EPSG:4326")
    res = cost_distance_raster(path, gdf, tmp_path / "c.tif")
    with rasterio.open(tmp_path / "c.tif") as src:
        got = src.read(1)
    assert got[20, 10] == 0.0
    assert (got[31:39, 41:49] == 0.0).all()
    assert res.source_cells >= 1 + 64


def test_sources_as_shapely_and_small_polygon(tmp_path):
    from shapely.geometry import LineString, box

    r = np.ones((20, 20), dtype=np.float32)
    path = write_raster(tmp_path / "r.tif", r)
    with rasterio.open(path) as src:
        t = src.transform
    tiny = box(*(t @ (5.4, 5.6)), *(t @ (5.6, 5.4)))  # inside one cell, misses its centre
    cost_distance_raster(path, tiny, tmp_path / "a.tif")
    with rasterio.open(tmp_path / "a.tif") as src:
        assert src.read(1)[5, 5] == 0.0
    line = LineString([t @ (0.5, 10.5), t @ (19.5, 10.5)])
    cost_distance_raster(path, [line], tmp_path / "b.tif")
    with rasterio.open(tmp_path / "b.tif") as src:
        assert (src.read(1)[10] == 0.0).all()


def test_sources_as_raster_path(grid, tmp_path):
    path, _, s = grid
    spath = write_raster(tmp_path / "s.tif", s.astype(np.uint8), nodata=0)
    cost_distance_raster(path, spath, tmp_path / "a.tif")
    cost_distance_raster(path, s, tmp_path / "b.tif")
    with rasterio.open(tmp_path / "a.tif") as a, rasterio.open(tmp_path / "b.tif") as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))


def test_feet_crs_converts_cell_size_to_metres(tmp_path):
    r = np.ones((3, 3), dtype=np.float32)
    path = write_raster(tmp_path / "ft.tif", r, crs="EPSG:2263", res=(100.0, 100.0))
    s = np.zeros((3, 3), dtype=bool)
    s[0, 0] = True
    res = cost_distance_raster(path, s, tmp_path / "c.tif")
    assert res.cell_size_m[0] == pytest.approx(30.48006, rel=1e-5)
    with rasterio.open(tmp_path / "c.tif") as src:
        assert src.read(1)[0, 2] == pytest.approx(2 * 30.48006, rel=1e-5)


def test_overwrite(grid, tmp_path):
    path, _, s = grid
    out = tmp_path / "cwd.tif"
    out.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="pass overwrite=True"):
        cost_distance_raster(path, s, out)
    assert out.read_bytes() == b"old"
    cost_distance_raster(path, s, out, overwrite=True)
    with rasterio.open(out) as src:
        assert src.read(1).shape == s.shape
    with pytest.raises(OutputExistsError, match="overwrite the resistance raster"):
        cost_distance_raster(path, s, path, overwrite=True)


def test_failed_run_leaves_no_file(tmp_path):
    r = np.ones((5, 5), dtype=np.float32)
    path = write_raster(tmp_path / "r.tif", r)
    s = np.zeros((5, 5), dtype=bool)
    with pytest.raises(SourceError):
        cost_distance_raster(path, s, tmp_path / "out.tif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.tif"]


def test_raster_crs_errors(tmp_path):
    r = np.ones((4, 4), dtype=np.float32)
    s = np.ones((4, 4), dtype=bool)
    nocrs = write_raster(tmp_path / "nocrs.tif", r, crs=None)
    with pytest.raises(CRSError, match=r"has no CRS.*--warp-to"):
        cost_distance_raster(nocrs, s, tmp_path / "a.tif")
    geo = write_raster(tmp_path / "geo.tif", r, crs="EPSG:4326", res=(0.01, 0.01))
    with pytest.raises(CRSError, match=r"geographic CRS \(EPSG:4326.*--warp-to 'auto'"):
        cost_distance_raster(geo, s, tmp_path / "b.tif")


def test_raster_resistance_errors(tmp_path):
    s = np.ones((4, 4), dtype=bool)
    r = np.ones((4, 4), dtype=np.float32)
    r[2, 3] = 0.0
    r[3, 3] = -5.0
    bad = write_raster(tmp_path / "bad.tif", r)
    with pytest.raises(ResistanceError, match=r"'bad.tif' has 2 cells .*row 2, col 3: 0.0.*-9999"):
        cost_distance_raster(bad, s, tmp_path / "a.tif")
    r = np.ones((4, 4), dtype=np.float32)
    r[1, 1] = np.nan
    nan = write_raster(tmp_path / "nan.tif", r)  # nodata is -9999, so NaN is invalid
    with pytest.raises(ResistanceError, match=r"1 cell that is .*NaN outside nodata.*row 1, col 1"):
        cost_distance_raster(nan, s, tmp_path / "b.tif")
    two = tmp_path / "two.tif"
    with rasterio.open(two, "w", driver="GTiff", height=4, width=4, count=2, dtype="float32",
                       crs="EPSG:3035", transform=from_origin(0, 0, 30, 30)) as dst:  # fmt: skip
        dst.write(np.ones((2, 4, 4), dtype=np.float32))
    with pytest.raises(ResistanceError, match="2 bands"):
        cost_distance_raster(two, s, tmp_path / "c.tif")
    with pytest.raises(DataSourceError, match="does not exist"):
        cost_distance_raster(tmp_path / "missing.tif", s, tmp_path / "d.tif")
    junk = tmp_path / "junk.tif"
    junk.write_text("not a raster")
    with pytest.raises(DataSourceError, match="cannot read"):
        cost_distance_raster(junk, s, tmp_path / "e.tif")
    with pytest.raises(ValueError, match="neighbors"):
        cost_distance_raster(bad, s, tmp_path / "f.tif", neighbors=4)


def test_rotated_grid_is_refused(tmp_path):
    from affine import Affine

    path = tmp_path / "rot.tif"
    with rasterio.open(path, "w", driver="GTiff", height=4, width=4, count=1, dtype="float32",
                       crs="EPSG:3035", transform=Affine(30, 5, 0, 5, -30, 0)) as dst:  # fmt: skip
        dst.write(np.ones((1, 4, 4), dtype=np.float32))
    with pytest.raises(ResistanceError, match="rotated"):
        cost_distance_raster(path, np.ones((4, 4), dtype=bool), tmp_path / "a.tif")


def test_raster_source_errors(grid, tmp_path):
    from shapely.geometry import Point

    path, r32, s = grid
    with pytest.raises(SourceError, match=r"sources mask has shape \(3, 3\)"):
        cost_distance_raster(path, np.ones((3, 3), dtype=bool), tmp_path / "a.tif")
    with pytest.raises(SourceError, match="must be boolean"):
        cost_distance_raster(path, s.astype(np.uint8), tmp_path / "a.tif")
    with pytest.raises(SourceError, match="no True cell"):
        cost_distance_raster(path, np.zeros_like(s), tmp_path / "a.tif")
    with pytest.raises(SourceError, match=r"source geometry 1 of 2 .* lies outside"):
        cost_distance_raster(path, [Point(4_300_100, 2_999_900), Point(0, 0)], tmp_path / "a.tif")
    with pytest.raises(SourceError, match="empty"):
        cost_distance_raster(path, [], tmp_path / "a.tif")
    with pytest.raises(SourceError, match="GeoDataFrame/GeoSeries or shapely"):
        cost_distance_raster(path, 42, tmp_path / "a.tif")
    with pytest.raises(SourceError, match="shapely geometries, got str"):
        cost_distance_raster(path, ["POINT (0 0)"], tmp_path / "a.tif")
    on_nodata = np.isnan(r32) & (np.cumsum(np.isnan(r32)) <= 3).reshape(r32.shape)
    with pytest.raises(SourceError, match="all 3 source cells fall on nodata"):
        cost_distance_raster(path, on_nodata, tmp_path / "a.tif")
    small = write_raster(tmp_path / "small.tif", np.ones((3, 3), dtype=np.uint8), nodata=0)
    with pytest.raises(SourceError, match="not on the grid"):
        cost_distance_raster(path, small, tmp_path / "a.tif")
    empty = write_raster(tmp_path / "empty.tif", np.zeros(s.shape, dtype=np.uint8), nodata=0)
    with pytest.raises(SourceError, match="has no source cell"):
        cost_distance_raster(path, empty, tmp_path / "a.tif")
    other = write_raster(tmp_path / "other.tif", s.astype(np.uint8), crs="EPSG:3857", nodata=0)
    with pytest.raises(CRSError, match="EPSG:3857"):
        cost_distance_raster(path, other, tmp_path / "a.tif")
    text = tmp_path / "cores.txt"
    text.write_text("x")
    with pytest.raises(SourceError, match="is not a raster"):
        cost_distance_raster(path, text, tmp_path / "a.tif")
    with pytest.raises(DataSourceError, match="does not exist"):
        cost_distance_raster(path, tmp_path / "nope.tif", tmp_path / "a.tif")
    assert not (tmp_path / "a.tif").exists()


def test_geodataframe_without_crs(grid, tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    path, _, _ = grid
    with pytest.raises(CRSError, match="source layer has no CRS"):
        cost_distance_raster(path, gpd.GeoSeries([Point(4_300_100, 2_999_900)]), tmp_path / "a.tif")


def test_cost_distance_import_stays_lean() -> None:
    """The benchmark's memory edge depends on not importing the heavy stack with the kernel."""
    import subprocess
    import sys

    code = (
        "import sys; from leopardrange.corridors import cost_distance_raster; "
        "heavy = sorted(m for m in ('geopandas', 'scipy.ndimage', 'networkx', 'matplotlib') "
        "if m in sys.modules); print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
