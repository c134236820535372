"""Tests of leopardrange.corridors._kernel: the C build and the numba build of one kernel.

The C build (compiled when the package is installed) must give bit-identical results to the
numba build, which is the reference the rest of the suite checks against scikit-image; a
library built from other sources than those beside it must never run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leopardrange.corridors import _kernel, _kernel_c, cost_distance, least_cost_path
from leopardrange.corridors import costdistance as cd

HERE = Path(_kernel_c.__file__).parent
HAS_COMPILER = bool(os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc"))


def test_the_c_build_runs_where_a_compiler_was_available() -> None:
    if not (HAS_COMPILER or os.environ.get("CI") == "true"):
        pytest.skip("no C compiler here: the numba build is the one that runs")
    assert _kernel_c.load() is None
    assert _kernel.backend() == "c"


def _run_with(module: ModuleType, monkeypatch: pytest.MonkeyPatch, case: dict) -> tuple:
    monkeypatch.setattr(_kernel, "_impl", lambda: module)
    if case["heap"]:
        monkeypatch.setattr(cd, "_MAX_BUCKETS", 0)
    r, s, t = case["r"], case["s"], case["t"]
    kw = {"cell_size_m": case["cell"], "neighbors": case["neighbors"]}
    cwd = cost_distance(r, s, max_cost=case["max_cost"], **kw)
    try:
        path = least_cost_path(cwd.astype(case["cwd_dtype"]), r, t, **kw)
    except Exception as exc:  # the same error from both builds
        path = f"{type(exc).__name__}: {exc}"
    monkeypatch.undo()
    return cwd, path


@st.composite
def cases(draw: st.DrawFn) -> dict:
    rows, cols = draw(st.integers(3, 25)), draw(st.integers(3, 25))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    dtype = draw(st.sampled_from(["float64", "float32", "uint8", "int16"]))
    r = rng.uniform(1, draw(st.sampled_from([2.0, 50.0, 1e6])), (rows, cols))
    r = r.astype(dtype) if dtype.startswith("float") else np.maximum(r, 1).astype(dtype)
    if dtype.startswith("float"):
        r[rng.random(r.shape) < draw(st.sampled_from([0.0, 0.1, 0.3]))] = np.nan
    s = rng.random((rows, cols)) < 0.03
    s[rng.integers(rows), rng.integers(cols)] = True
    t = np.zeros((rows, cols), dtype=bool)
    t[rng.integers(rows), rng.integers(cols)] = True
    return {
        "r": r,
        "s": s,
        "t": t,
        "cell": (draw(st.sampled_from([1.0, 30.0])), draw(st.sampled_from([1.0, 45.0]))),
        "neighbors": draw(st.sampled_from([8, 16])),
        "max_cost": draw(st.sampled_from([None, 40.0, 500.0])),
        "heap": draw(st.booleans()),
        "cwd_dtype": draw(st.sampled_from(["float64", "float32"])),
    }


@pytest.mark.skipif(_kernel_c.load() is not None, reason="the C build is not installed")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases())
def test_c_and_numba_builds_are_bit_identical(monkeypatch: pytest.MonkeyPatch, case: dict) -> None:
    from leopardrange.corridors import _kernel_numba

    try:
        c_cwd, c_path = _run_with(_kernel_c, monkeypatch, case)
    except Exception as exc:
        with pytest.raises(type(exc), match=str(exc)[:30].replace("(", r"\(")):
            _run_with(_kernel_numba, monkeypatch, case)
        return
    n_cwd, n_path = _run_with(_kernel_numba, monkeypatch, case)
    np.testing.assert_array_equal(c_cwd, n_cwd)  # bit for bit, NaN and inf included
    if isinstance(c_path, str):
        assert c_path == n_path
    else:
        np.testing.assert_array_equal(c_path, n_path)


def test_a_library_older_than_its_sources_is_not_used(tmp_path: Path) -> None:
    if not (HERE / _kernel_c.LIBRARY_NAME).is_file():
        pytest.skip("the C build is not installed")
    for name in (_kernel_c.LIBRARY_NAME, *_kernel_c.SOURCES):
        shutil.copy(HERE / name, tmp_path / name)
    lib, why = _kernel_c.open_library(tmp_path)
    assert why is None and lib is not None
    body = tmp_path / _kernel_c.SOURCES[1]
    body.write_text(body.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    lib, why = _kernel_c.open_library(tmp_path)
    assert lib is None
    assert why is not None and "older than its C sources" in why


def test_a_missing_library_says_so(tmp_path: Path) -> None:
    lib, why = _kernel_c.open_library(tmp_path)
    assert lib is None
    assert why is not None and "was not built" in why


def test_the_kernel_is_ready_without_numba() -> None:
    """No JIT compiler in a fresh process: the first run costs what later runs cost."""
    if _kernel_c.load() is not None:
        pytest.skip("the C build is not installed")
    code = (
        "import sys, numpy as np; from leopardrange.corridors import cost_distance; "
        "s = np.zeros((9, 9), bool); s[4, 4] = True; "
        "cost_distance(np.ones((9, 9)), s, cell_size_m=1.0); "
        "print('numba' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "LEOPARDRANGE_KERNEL"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"


def test_numba_can_be_forced() -> None:
    code = "from leopardrange.corridors import _kernel; print(_kernel.backend())"
    env = dict(os.environ, LEOPARDRANGE_KERNEL="numba")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "numba"
