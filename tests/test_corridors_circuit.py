"""Circuit theory: known answers, invariants, files, errors (API and CLI)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin

from leopardrange.cli.main import main_group
from leopardrange.corridors._laplacian import build_network, node_currents
from leopardrange.corridors.circuit import run_circuit
from leopardrange.errors import (
    CircuitError,
    CRSError,
    MemoryLimitError,
    OutputExistsError,
    ResistanceError,
    SourceError,
)

LAEA = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m +no_defs"


def _r(habitat: np.ndarray, focal: np.ndarray, **kw: object) -> dict[tuple[int, int], float]:
    return {(a, b): r for a, b, r in run_circuit(habitat, focal, **kw).pairs}


# ------------------------------------------------------------------ known answers


@pytest.mark.parametrize("connect", ["avg-resistance", "avg-conductance"])
def test_series_strip(connect: str) -> None:
    res = np.array([[1.0, 2.0, 4.0, 3.0, 5.0]])
    focal = np.array([[1, 0, 0, 0, 2]])
    if connect == "avg-resistance":
        expected = sum((res[0, k] + res[0, k + 1]) / 2 for k in range(4))
    else:
        expected = sum(1 / ((1 / res[0, k] + 1 / res[0, k + 1]) / 2) for k in range(4))
    got = _r(res, focal, neighbors=4, connect=connect)[(1, 2)]
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("rows", "cols"), [(3, 5), (7, 4)])
def test_parallel_strips_between_short_circuited_ends(rows: int, cols: int) -> None:
    """Focal regions on the two end columns: ``rows`` chains of ``cols - 1`` unit resistors."""
    focal = np.zeros((rows, cols), dtype=int)
    focal[:, 0], focal[:, -1] = 1, 2
    got = _r(np.ones((rows, cols)), focal, neighbors=4)[(1, 2)]
    assert got == pytest.approx((cols - 1) / rows, rel=1e-12)


def _lattice_resistance(m: int, n: int, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Exact two-point resistance of an m x n grid of unit resistors (Wu 2004, eq. 26)."""

    def modes(k: int) -> tuple[np.ndarray, np.ndarray]:
        j = np.arange(k)
        lam = 2 - 2 * np.cos(np.pi * j / k)
        vec = np.cos(np.pi * np.outer(np.arange(k) + 0.5, j) / k) * np.where(j > 0, math.sqrt(2), 1)
        return lam, vec / math.sqrt(k)

    lr, vr = modes(m)
    lc, vc = modes(n)
    total = 0.0
    for p in range(m):
        for q in range(n):
            if p == q == 0:
                continue
            diff = vr[a[0], p] * vc[a[1], q] - vr[b[0], p] * vc[b[1], q]
            total += diff**2 / (lr[p] + lc[q])
    return total


@pytest.mark.parametrize(("a", "b"), [((0, 0), (8, 10)), ((4, 5), (4, 6)), ((2, 3), (6, 1))])
def test_uniform_grid_equals_the_exact_lattice_value(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    focal = np.zeros((9, 11), dtype=int)
    focal[a], focal[b] = 1, 2
    got = _r(np.ones((9, 11)), focal, neighbors=4)[(1, 2)]
    assert got == pytest.approx(_lattice_resistance(9, 11, a, b), rel=1e-10)


def test_large_grid_approaches_the_infinite_lattice() -> None:
    """Infinite square lattice of unit resistors: 1/2 between neighbours, 2/pi diagonally."""
    focal = np.zeros((61, 61), dtype=int)
    focal[30, 30], focal[30, 31], focal[31, 31] = 1, 2, 3
    r = _r(np.ones((61, 61)), focal, neighbors=4)
    assert r[(1, 2)] == pytest.approx(0.5, abs=5e-3)
    assert r[(1, 3)] == pytest.approx(2 / math.pi, abs=5e-3)


def test_direct_and_amg_solvers_agree() -> None:
    rng = np.random.default_rng(3)
    habitat = rng.uniform(1, 10, (40, 50))
    focal = np.zeros(habitat.shape, dtype=int)
    for k, (i, j) in enumerate([(2, 3), (30, 40), (20, 10), (5, 45)], start=1):
        focal[i, j] = k
    direct = run_circuit(habitat, focal, solver="direct")
    amg = run_circuit(habitat, focal, solver="amg")
    for (a, b, r1), (_, _, r2) in zip(direct.pairs, amg.pairs, strict=True):
        assert r2 == pytest.approx(r1, rel=1e-7), (a, b)
    assert np.allclose(amg.cumulative_current, direct.cumulative_current, rtol=1e-6, atol=1e-9)
    assert amg.metrics["max_iterations"] > 0 and direct.metrics["max_iterations"] == 0


def test_one_to_all_and_all_to_one_known_answers() -> None:
    habitat = np.ones((1, 7))
    focal = np.array([[1, 0, 0, 2, 0, 0, 3]])
    o2a = {a: r for a, _, r in run_circuit(habitat, focal, mode="one-to-all", neighbors=4).pairs}
    assert o2a[2] == pytest.approx(1.5, rel=1e-12)  # 3 ohm | 3 ohm
    assert o2a[1] == pytest.approx(3.0, rel=1e-12)  # id 3 sits behind the grounded id 2
    a2o = run_circuit(
        habitat, focal, mode="all-to-one", neighbors=4, pair_maps=True, source_strengths={1: 2.0}
    )
    assert a2o.metrics["unsolved"] == []
    # ground at 3: 2 A from id 1 and 1 A from id 2 pass cell 5 (3 A); cell 1 carries 2 A
    cur = a2o.current_maps["3"][0]
    assert cur[5] == pytest.approx(3.0) and cur[1] == pytest.approx(2.0)


def test_advanced_mode_source_and_ground() -> None:
    habitat = np.full((1, 5), 2.0)
    sources = np.array([[1.0, 0, 0, 0, 0]])
    grounds = np.array([[np.nan, np.nan, np.nan, np.nan, 0.0]])  # 0 ohm: direct
    r = run_circuit(habitat, mode="advanced", sources=sources, grounds=grounds, neighbors=4)
    assert r.voltage_maps[""][0, 0] == pytest.approx(8.0)  # 1 A through 4 x 2 ohm
    assert np.allclose(r.current_maps[""], 1.0)
    finite = np.array([[np.nan, np.nan, np.nan, np.nan, 3.0]])  # a 3 ohm ground
    r = run_circuit(habitat, mode="advanced", sources=sources, grounds=finite, neighbors=4)
    assert r.voltage_maps[""][0, 0] == pytest.approx(11.0)


def test_short_circuit_region_joins_cells_at_zero_resistance() -> None:
    habitat = np.ones((1, 6))
    focal = np.array([[1, 0, 0, 0, 0, 2]])
    regions = np.array([[0, 7, 7, 7, 0, 0]])
    got = _r(habitat, focal, neighbors=4, short_circuit=regions)[(1, 2)]
    assert got == pytest.approx(3.0)  # 5 unit steps, two inside the region vanish


def test_pairs_in_different_components_have_no_resistance() -> None:
    habitat = np.array([[1.0, 1.0, np.nan, 1.0]])
    r = _r(habitat, np.array([[1, 2, 0, 3]]), neighbors=4)
    assert r[(1, 2)] == pytest.approx(1.0) and math.isnan(r[(1, 3)]) and math.isnan(r[(2, 3)])


def test_include_pairs_limits_the_pairs() -> None:
    focal = np.array([[1, 0, 2, 0, 3]])
    res = run_circuit(np.ones((1, 5)), focal, include_pairs=[(3, 1)], neighbors=4)
    assert [(a, b) for a, b, _ in res.pairs] == [(1, 3)]


# ------------------------------------------------------------------ invariants

grids = st.integers(3, 7).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0.5, 20.0), min_size=n * (n + 1), max_size=n * (n + 1)),
        st.lists(st.integers(0, n * (n + 1) - 1), min_size=3, max_size=3, unique=True),
        st.just(n),
    )
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids, st.sampled_from([4, 8]), st.sampled_from(["avg-conductance", "avg-resistance"]))
def test_reciprocity_and_triangle_inequality(data: tuple, neighbors: int, connect: str) -> None:
    values, cells, n = data
    habitat = np.array(values).reshape(n, n + 1)
    focal = np.zeros(habitat.shape, dtype=int)
    for k, c in enumerate(cells, start=1):
        focal.flat[c] = k
    r = _r(habitat, focal, neighbors=neighbors, connect=connect)
    swapped = np.where(focal == 1, 2, np.where(focal == 2, 1, focal))
    assert _r(habitat, swapped, neighbors=neighbors, connect=connect)[(1, 2)] == pytest.approx(
        r[(1, 2)], rel=1e-9
    )
    assert r[(1, 3)] <= r[(1, 2)] + r[(2, 3)] + 1e-12
    assert r[(1, 2)] <= r[(1, 3)] + r[(2, 3)] + 1e-12
    assert r[(2, 3)] <= r[(1, 2)] + r[(1, 3)] + 1e-12


@settings(max_examples=25, deadline=None)
@given(grids, st.sampled_from([4, 8]))
def test_kirchhoff_current_conservation_at_every_node(data: tuple, neighbors: int) -> None:
    from scipy.sparse.linalg import spsolve

    values, cells, n = data
    net = build_network(1.0 / np.array(values).reshape(n, n + 1), neighbors=neighbors)
    lap = net.laplacian().tocsc()
    a, b = net.nodemap.flat[cells[0]], net.nodemap.flat[cells[1]]
    keep = np.delete(np.arange(net.n_nodes), a)
    rhs = np.zeros(net.n_nodes)
    rhs[b] = 1.0
    volt = np.zeros(net.n_nodes)
    volt[keep] = spsolve(lap[keep][:, keep], rhs[keep])
    flow = net.g * (volt[net.u] - volt[net.v])
    net_out = np.bincount(net.u, flow, net.n_nodes) - np.bincount(net.v, flow, net.n_nodes)
    expected = np.zeros(net.n_nodes)
    expected[b], expected[a] = 1.0, -1.0
    assert np.allclose(net_out, expected, atol=1e-9)
    through = node_currents(net.u, net.v, net.g, volt)
    assert through[a] == pytest.approx(1.0) and through[b] == pytest.approx(1.0)
    # and the public result carries the same resistance
    focal = np.zeros((n, n + 1), dtype=int)
    focal.flat[cells[0]], focal.flat[cells[1]] = 1, 2
    r = run_circuit(np.array(values).reshape(n, n + 1), focal, neighbors=neighbors).pairs[0][2]
    assert r == pytest.approx(volt[b] - volt[a], rel=1e-9)


# ------------------------------------------------------------------ files and CLI


def _tif(
    path: Path,
    values: np.ndarray,
    *,
    crs: str | None = LAEA,
    nodata: float | None = -9999.0,
    cell: float = 1000.0,
) -> Path:
    arr = np.asarray(values, dtype=np.float64)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=arr.shape[0],
        width=arr.shape[1],
        count=1,
        dtype="float64",
        crs=crs,
        transform=from_origin(0, arr.shape[0] * cell, cell, cell),
        nodata=nodata,
    ) as dst:
        dst.write(arr, 1)
    return path


def circuit_files(tmp_path: Path) -> dict[str, Path]:
    """A habitat raster with a nodata bar and a focal-node raster (also used by the CLI tests)."""
    rng = np.random.default_rng(1)
    habitat = rng.uniform(1, 10, (12, 15))
    habitat[5, 3:9] = -9999.0
    focal = np.zeros(habitat.shape)
    focal[1, 1], focal[10, 13], focal[2, 12] = 1, 2, 3
    focal[8:10, 1:3] = 4
    return {
        "habitat": _tif(tmp_path / "h.tif", habitat),
        "focal": _tif(tmp_path / "f.tif", focal, nodata=None),
        "dir": tmp_path,
    }


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return circuit_files(tmp_path)


def _cli(*args: object) -> tuple[int, str]:
    res = CliRunner().invoke(main_group, [str(a) for a in args])
    return res.exit_code, res.output


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("value", "match"),
    [(0.0, "zero, negative or infinite"), (-2.0, "zero, negative"), (np.inf, "infinite")],
)
def test_bad_habitat_values(value: float, match: str, files: dict[str, Path]) -> None:
    habitat = np.ones((4, 4))
    habitat[2, 1] = value
    with pytest.raises(ResistanceError, match=match):
        run_circuit(habitat, np.array([[1, 0, 0, 2]] * 4))
    path = _tif(files["dir"] / "bad.tif", habitat)
    code, text = _cli("circuit", path, "--focal", files["focal"], "--out", files["dir"] / "o")
    assert code == 1 and "row 2, col 1" in text and "Traceback" not in text
    assert not (files["dir"] / "o").exists()


def test_nan_habitat_outside_nodata(files: dict[str, Path]) -> None:
    habitat = np.ones((12, 15))
    habitat[3, 3] = np.nan
    path = _tif(files["dir"] / "nan.tif", habitat)
    code, text = _cli("circuit", path, "--focal", files["focal"], "--out", files["dir"] / "o")
    assert code == 1 and "NaN cells outside nodata" in text
    with pytest.raises(ResistanceError, match="NaN cells outside nodata"):
        run_circuit(path, files["focal"])


def test_geographic_crs_and_missing_crs(files: dict[str, Path]) -> None:
    geo = _tif(files["dir"] / "geo.tif", np.ones((12, 15)), crs="EPSG:4326", cell=0.01)
    with pytest.raises(CRSError, match="geographic CRS"):
        run_circuit(geo, files["focal"])
    code, text = _cli("circuit", geo, "--focal", files["focal"], "--out", files["dir"] / "o")
    assert code == 1 and "geographic CRS" in text
    nocrs = _tif(files["dir"] / "nocrs.tif", np.ones((12, 15)), crs=None)
    with pytest.raises(CRSError, match="no CRS"):
        run_circuit(nocrs, files["focal"])


def test_fewer_than_two_focal_nodes(files: dict[str, Path]) -> None:
    one = _tif(files["dir"] / "one.tif", np.where(np.arange(180).reshape(12, 15) == 16, 3, 0))
    with pytest.raises(CircuitError, match="at least two focal ids; found 1"):
        run_circuit(files["habitat"], one)
    code, text = _cli("circuit", files["habitat"], "--focal", one, "--out", files["dir"] / "o")
    assert code == 1 and "at least two focal ids" in text


def test_focal_ids_not_integers(files: dict[str, Path]) -> None:
    focal = np.zeros((12, 15))
    focal[1, 1], focal[3, 3] = 1.5, 2
    path = _tif(files["dir"] / "frac.tif", focal, nodata=None)
    with pytest.raises(CircuitError, match="must be integers"):
        run_circuit(files["habitat"], path)
    code, text = _cli("circuit", files["habitat"], "--focal", path, "--out", files["dir"] / "o")
    assert code == 1 and "must be integers" in text
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[shapely.Point(1500, 10500), shapely.Point(13500, 1500)],
        crs=LAEA,
    ).to_file(files["dir"] / "n.gpkg")
    code, text = _cli(
        "circuit",
        files["habitat"],
        "--focal",
        files["dir"] / "n.gpkg",
        "--focal-field",
        "name",
        "--out",
        files["dir"] / "o",
    )
    assert code == 1 and "holds 'a'" in text


def test_focal_on_nodata(files: dict[str, Path]) -> None:
    focal = np.zeros((12, 15))
    focal[5, 4], focal[1, 1] = 7, 1
    path = _tif(files["dir"] / "wet.tif", focal, nodata=None)
    with pytest.raises(SourceError, match=r"focal id 7 .* lies on nodata .*row 5, col 4"):
        run_circuit(files["habitat"], path)
    code, text = _cli("circuit", files["habitat"], "--focal", path, "--out", files["dir"] / "o")
    assert code == 1 and "lies on nodata" in text


def test_pair_file_naming_an_unknown_id(files: dict[str, Path]) -> None:
    pairs = files["dir"] / "pairs.txt"
    pairs.write_text("mode include\n1 2\n1 12\n")
    with pytest.raises(CircuitError, match="names focal id '12', which is not a focal id"):
        run_circuit(files["habitat"], files["focal"], include_pairs=pairs)
    code, text = _cli(
        "circuit",
        files["habitat"],
        "--focal",
        files["focal"],
        "--include-pairs",
        pairs,
        "--out",
        files["dir"] / "o",
    )
    assert code == 1 and "not a focal id" in text
    matrix = files["dir"] / "m.txt"
    matrix.write_text("min 2\nmax 50\n0 1 2 3\n1 0 5 1\n2 5 0 1\n3 1 1 0\n")
    res = run_circuit(files["habitat"], files["focal"], include_pairs=matrix)
    assert [(a, b) for a, b, _ in res.pairs] == [(1, 2)]


def test_system_too_large_for_memory(files: dict[str, Path]) -> None:
    with pytest.raises(MemoryLimitError, match=r"needs about .* GB, more than the memory limit"):
        run_circuit(files["habitat"], files["focal"], max_memory_gb=1e-6)
    code, text = _cli(
        "circuit",
        files["habitat"],
        "--focal",
        files["focal"],
        "--max-memory",
        "0.000001",
        "--out",
        files["dir"] / "o",
    )
    assert code == 1 and "more than the memory limit" in text


def test_output_never_inside_an_input(files: dict[str, Path]) -> None:
    code, text = _cli(
        "circuit", files["habitat"], "--focal", files["focal"], "--out", files["dir"], "--overwrite"
    )
    assert code == 1 and "holds an input of this run" in text, text
    assert files["habitat"].is_file() and files["focal"].is_file()


def test_misaligned_raster_and_bad_options(files: dict[str, Path]) -> None:
    small = _tif(files["dir"] / "small.tif", np.ones((3, 3)), nodata=None)
    with pytest.raises(CircuitError, match="not on the habitat grid"):
        run_circuit(files["habitat"], small)
    with pytest.raises(CircuitError, match="mode must be one of"):
        run_circuit(files["habitat"], files["focal"], mode="sideways")
    code, text = _cli("circuit", files["habitat"], "--out", files["dir"] / "o")
    assert code == 2 and "needs --focal" in text
    with pytest.raises(OutputExistsError):
        run_circuit(files["habitat"], files["focal"]).write(files["dir"])


def test_strength_file_errors(files: dict[str, Path]) -> None:
    bad = files["dir"] / "s.txt"
    bad.write_text("1 0.5\n2 -1\n")
    with pytest.raises(CircuitError, match="must be >= 0"):
        run_circuit(files["habitat"], files["focal"], mode="one-to-all", source_strengths=bad)


def test_circuit_kernel_import_stays_lean() -> None:
    code = (
        "import sys; from leopardrange.corridors.circuit import run_circuit; "
        "import numpy as np; run_circuit(np.ones((3, 3)), np.array([[1,0,0],[0,0,0],[0,0,2]])); "
        "heavy = sorted(m for m in ('geopandas', 'matplotlib', 'networkx', 'numba', 'pandas',"
        " 'dask', 'distributed') if m in sys.modules); print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_points_sharing_a_cell_are_one_node_and_names_are_kept(files: dict[str, Path]) -> None:
    import geopandas as gpd
    import shapely

    pts = gpd.GeoDataFrame(
        {"site": [1, 2, 3], "name": ["Barabash", "Kedrovaya", "Barabash east"]},
        geometry=[
            shapely.Point(1500, 10500),
            shapely.Point(13500, 1500),
            shapely.Point(1600, 10400),
        ],
        crs=LAEA,
    )
    res = run_circuit(files["habitat"], pts, focal_field="site")
    r = {(a, b): x for a, b, x in res.pairs}
    assert r[(1, 3)] == 0.0 and r[(1, 2)] == pytest.approx(r[(2, 3)])
    assert res.metrics["focal_names"] == {1: "Barabash", 2: "Kedrovaya", 3: "Barabash east"}


def test_advanced_needs_a_source_and_a_ground_on_habitat() -> None:
    habitat = np.ones((2, 3))
    zeros, grounds = np.zeros((2, 3)), np.full((2, 3), np.nan)
    grounds[0, 0] = 0.0
    with pytest.raises(CircuitError, match="inject no current"):
        run_circuit(habitat, mode="advanced", sources=zeros, grounds=grounds)
    sources = zeros.copy()
    sources[1, 2] = 1.0
    with pytest.raises(CircuitError, match="no ground on habitat"):
        run_circuit(habitat, mode="advanced", sources=sources, grounds=np.full((2, 3), np.nan))


def test_docstring_examples_run() -> None:
    import doctest

    from leopardrange.corridors import _circuitinputs, _laplacian, circuit, omniscape

    for module in (_laplacian, _circuitinputs, circuit, omniscape):
        failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert failed == 0 and tried > 0, module.__name__
