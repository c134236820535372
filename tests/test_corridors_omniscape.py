"""Omniscape on Dask: Omniscape.jl's test outputs, worker-count invariance, errors, memory."""

from __future__ import annotations

import configparser
import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from leopardrange.cli.main import main_group
from leopardrange.corridors import omniscape as om
from leopardrange.corridors.omniscape import run_omniscape, task_memory_bytes
from leopardrange.errors import CircuitError, ClusterError, MemoryLimitError
from tests.circuitscape_cases import read_grid
from tests.test_corridors_circuit import _tif

DATA = Path(__file__).parent / "data" / "omniscape"
#: Relative (2-norm) difference allowed from Omniscape.jl's maps. Its test1 and test2 maps
#: come from CG solves stopped at a relative residual of 1e-6 (errors up to 1.5e-5 of a map's
#: maximum); test3, solved by CHOLMOD, matches ours to 2e-7.
TOL_MAP = 1e-5


def _config(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False)
    text = (DATA / "input" / name).read_text()
    parser.read_string("[all]\n" + "\n".join(x for x in text.splitlines() if not x.startswith("[")))
    return parser["all"]


@pytest.mark.parametrize(
    ("test", "ini"), [("test1", "config.ini"), ("test2", "config2.ini"), ("test3", "config3.ini")]
)
def test_omniscape_jl_outputs(test: str, ini: str) -> None:
    cfg = _config(ini)
    resistance, _ = read_grid(DATA / cfg["resistance_file"].strip())
    kw: dict[str, object] = {
        "radius": int(cfg["radius"]),
        "block_size": int(cfg.get("block_size", "1")),
        "buffer": int(cfg.get("buffer", "0")),
    }
    if cfg.get("source_from_resistance", "false").strip() == "true":
        kw["r_cutoff"] = float(cfg["r_cutoff"])
    else:
        kw["source"], _ = read_grid(DATA / cfg["source_file"].strip())
        kw["source_threshold"] = float(cfg["source_threshold"])
    result = run_omniscape(resistance, client="synchronous", omniscape_edges=True, **kw)
    outputs = {
        "cum_currmap": result.cumulative_current,
        "flow_potential": result.flow_potential,
        "normalized_cum_currmap": result.normalized_current,
    }
    compared = 0
    for name, ours in outputs.items():
        for ext in ("tif", "asc"):
            path = DATA / "output_verify" / test / f"{name}.{ext}"
            if path.exists():
                expected, _ = read_grid(path)
                assert ours is not None
                assert np.array_equal(np.isnan(ours), np.isnan(expected))
                ok = ~np.isnan(expected)
                err = np.linalg.norm(ours[ok] - expected[ok]) / np.linalg.norm(expected[ok])
                assert err <= TOL_MAP, (name, err)
                compared += 1
    assert compared >= 1


def test_target_block_is_zeroed_around_the_target_at_edges() -> None:
    p = om._Params(3, 0, 3, 8, False, False, None)
    src = om._target_sources(np.ones((10, 10)), (slice(0, 4), slice(0, 4)), 0, 0, 9.0, p)
    assert src[0:2, 0:2].sum() == 0 and src.sum() == pytest.approx(9.0)
    quirk = om._Params(3, 0, 3, 8, False, True, None)
    src = om._target_sources(np.ones((10, 10)), (slice(0, 4), slice(0, 4)), 0, 0, 9.0, quirk)
    assert src[0, 1] > 0 and src[2:4, 2:4].sum() == 0  # Omniscape.jl's nominal centre


@pytest.fixture(scope="module")
def landscape() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    res = rng.uniform(1, 10, (40, 44))
    res[10:13, 5:30] = np.nan
    return res, rng.uniform(0, 1, res.shape)


def test_one_and_two_workers_give_the_same_result(landscape: tuple[np.ndarray, np.ndarray]) -> None:
    from distributed import Client, LocalCluster

    res, src = landscape
    kw = {"radius": 6, "block_size": 3, "source": src, "rows_per_task": 2}
    serial = run_omniscape(res, client="synchronous", **kw)
    runs = []
    for n in (1, 2):
        with LocalCluster(
            n_workers=n, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster:
            if n == 1:  # an existing client
                with Client(cluster) as client:
                    runs.append(run_omniscape(res, client=client, **kw))
            else:  # an existing cluster, by address (as --scheduler / DASK_SCHEDULER_ADDRESS)
                runs.append(run_omniscape(res, scheduler=cluster.scheduler_address, **kw))
            assert runs[-1].metrics["workers"] == n
    for name in ("cumulative_current", "flow_potential", "normalized_current"):
        a, b, c = (getattr(r, name) for r in (runs[0], runs[1], serial))
        scale = np.nanmax(np.abs(a))
        assert np.nanmax(np.abs(a - b)) <= 1e-12 * scale
        assert np.nanmax(np.abs(a - c)) <= 1e-12 * scale
    assert runs[0].metrics["tasks"] > 2


def test_unreachable_scheduler(
    landscape: tuple[np.ndarray, np.ndarray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    res, _ = landscape
    with pytest.raises(
        ClusterError, match=r"cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"
    ):
        run_omniscape(res, radius=3, scheduler="tcp://127.0.0.1:9")
    habitat = _tif(tmp_path / "h.tif", np.nan_to_num(res, nan=-9999.0))
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    out = CliRunner().invoke(
        main_group, ["omniscape", str(habitat), "--radius", "3", "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 1 and "tcp://127.0.0.1:9" in out.output
    assert "Traceback" not in out.output and not (tmp_path / "o").exists()


def test_cli_writes_the_maps(landscape: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    res, _ = landscape
    habitat = _tif(tmp_path / "h.tif", np.nan_to_num(res, nan=-9999.0))
    out = tmp_path / "o"
    run = CliRunner().invoke(
        main_group,
        [
            "omniscape",
            str(habitat),
            "--radius",
            "4",
            "--block-size",
            "3",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    assert {p.name for p in out.iterdir()} == {
        "cumulative_current.tif",
        "flow_potential.tif",
        "normalized_current.tif",
        "metrics.json",
    }
    import rasterio

    with rasterio.open(out / "normalized_current.tif") as f:
        norm = f.read(1)
    assert norm[11, 10] == -9999 and 0 < np.median(norm[norm != -9999]) < 5


def test_task_memory_bound_holds_and_is_checked(landscape: tuple[np.ndarray, np.ndarray]) -> None:
    from distributed import Client, LocalCluster

    res, src = landscape
    p = om._Params(6, 0, 3, 8, True, False, None)
    cond = 1.0 / res[:15]
    targets = np.array([[7.0, x, 1.0] for x in range(1, 44, 3)])
    tracemalloc.start()
    om._band_task(cond, src[:15], targets, 0, p)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bound = task_memory_bytes(44, radius=6, block_size=3, rows_per_task=1)
    assert peak <= bound
    with (
        LocalCluster(
            n_workers=1, processes=False, memory_limit="200kB", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        pytest.raises(MemoryLimitError, match="more than a worker's memory limit"),
    ):
        run_omniscape(res, radius=6, client=client)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"radius": 0}, "radius must be"),
        ({"radius": 2, "block_size": 0}, "block_size"),
        ({"radius": 2, "buffer": -1}, "buffer"),
    ],
)
def test_bad_options(kw: dict[str, int], match: str) -> None:
    with pytest.raises(CircuitError, match=match):
        run_omniscape(np.ones((5, 5)), client="synchronous", **kw)  # type: ignore[arg-type]
    with pytest.raises(CircuitError, match="not on the habitat grid|has shape"):
        run_omniscape(np.ones((5, 5)), radius=2, source=np.ones((4, 4)), client="synchronous")
    assert math.isfinite(task_memory_bytes(10, radius=2))


def test_no_source_and_bad_cutoff() -> None:
    with pytest.raises(CircuitError, match="no block holds a source"):
        run_omniscape(np.ones((6, 6)), radius=2, source=np.zeros((6, 6)), client="synchronous")
    with pytest.raises(CircuitError, match="r_cutoff must be a positive"):
        run_omniscape(np.ones((6, 6)), radius=2, r_cutoff=0.0, client="synchronous")
    with pytest.raises(CircuitError, match="no block holds a source"):
        run_omniscape(np.full((6, 6), 5.0), radius=2, r_cutoff=1.0, client="synchronous")


def test_uniform_windows_share_a_factorisation(landscape: tuple[np.ndarray, np.ndarray]) -> None:
    """The cached uniform solve equals a fresh one for every target of a band."""
    res, src = landscape
    p = om._Params(5, 1, 3, 8, True, False, None)
    cond = 1.0 / np.nan_to_num(res, nan=1.0)
    targets = np.array([[12.0, x, 2.0] for x in range(1, 44, 3)])
    _, fp = om._band_task(cond[:20], src[:20], targets, 0, p)
    expected = np.zeros((20, 44))
    for _, x, amps in targets:
        x = int(x)
        c0, c1 = max(x - 6, 0), min(x + 7, 44)
        window = (slice(6, 19), slice(c0, c1))
        s = om._target_sources(src[:20], window, 6, x - c0, amps, p)
        expected[window] += om._window_current(np.ones((13, c1 - c0)), s, (6, x - c0), 8)
    assert fp is not None and np.allclose(fp, expected, rtol=1e-12, atol=1e-14)
