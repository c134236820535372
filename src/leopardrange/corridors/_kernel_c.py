"""The C build of the cost-distance kernel, loaded with ctypes (private).

The library (``_cost_kernel.so``, ``.dll`` on Windows) is compiled from ``_ckernel.c`` by the
package's build hook (``hatch_build.py``) when the package is installed, editable or not. It
is used only when its ABI matches and it was built from the sources beside it (their SHA-256
is compiled in), so an edited kernel never runs a stale library. The functions take the same
arguments as those of :mod:`._kernel_numba`; ctypes releases the GIL during each call.
"""

from __future__ import annotations

import ctypes
import hashlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "ABI",
    "LIBRARY_NAME",
    "SOURCES",
    "encode_block",
    "finalize",
    "load",
    "open_library",
    "solve",
    "source_hash",
    "trace_path",
]

#: File name of the compiled library, beside this module.
LIBRARY_NAME = "_cost_kernel" + (".dll" if sys.platform == "win32" else ".so")
#: The C sources, beside this module (their hash is compiled into the library).
SOURCES = ("_ckernel.c", "_ckernel_body.h")
#: Version of the library's function signatures this module calls.
ABI = 1

_HERE = Path(__file__).resolve().parent
_lib: Any = None
_BLOCK_TYPES = {
    np.dtype(t): name
    for t, name in (
        ("float32", "f32"),
        ("float64", "f64"),
        ("uint8", "u8"),
        ("int8", "i8"),
        ("uint16", "u16"),
        ("int16", "i16"),
        ("uint32", "u32"),
        ("int32", "i32"),
        ("uint64", "u64"),
        ("int64", "i64"),
    )
}
_CELL_TYPES = {np.dtype("float32"): "f32", np.dtype("float64"): "f64"}
_P = ctypes.c_void_p
_I = ctypes.c_int64
_D = ctypes.c_double
_I32 = ctypes.c_int32


def source_hash(folder: Path = _HERE) -> str | None:
    """SHA-256 (16 hex digits) of the C sources in ``folder``; None when they are absent."""
    digest = hashlib.sha256()
    for name in SOURCES:
        path = folder / name
        if not path.is_file():
            return None
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _declare(lib: Any) -> None:
    for cell in ("f32", "f64"):
        solve = getattr(lib, f"lr_solve_{cell}")
        solve.restype = _I
        solve.argtypes = [_P, _P, _I, _I, _P, _I, _P, _P, _P, _P, _I, _D, _I, _I32, _D, _I, _P]
        fin = getattr(lib, f"lr_finalize_{cell}")
        fin.restype = None
        fin.argtypes = [_P, _I, _I, _D, _D, _P, _P, _P]
        for block in _BLOCK_TYPES.values():
            enc = getattr(lib, f"lr_encode_{block}_{cell}")
            enc.restype = None
            enc.argtypes = [_P, _I, _P, _P, _I, _D, _I32, _I, _P]
        for res in ("f32", "f64"):
            trace = getattr(lib, f"lr_trace_{cell}_{res}")
            trace.restype = _I
            trace.argtypes = [_P, _P, _D, _I32, _I, _I, _I, _P, _P, _P, _P, _I, _P]
    lib.lr_free.restype = None
    lib.lr_free.argtypes = [_P]


def open_library(folder: Path = _HERE) -> tuple[Any, str | None]:
    """``(library, None)``, or ``(None, why it cannot be used)`` for the library in ``folder``."""
    path = folder / LIBRARY_NAME
    if not path.is_file():
        return None, f"{LIBRARY_NAME} was not built (no C compiler when it was installed?)"
    try:
        lib = ctypes.CDLL(str(path))
        lib.lr_abi.restype = _I
        lib.lr_source_hash.restype = ctypes.c_char_p
        abi = int(lib.lr_abi())
        built_from = lib.lr_source_hash().decode("ascii")
    except (OSError, AttributeError) as exc:
        return None, f"{LIBRARY_NAME} cannot be loaded: {exc}"
    if abi != ABI:
        return None, f"{LIBRARY_NAME} has ABI {abi}, not {ABI}: reinstall the package"
    current = source_hash(folder)
    if current is not None and current != built_from:
        return None, f"{LIBRARY_NAME} is older than its C sources: reinstall the package"
    _declare(lib)
    return lib, None


def load() -> str | None:
    """Load the library beside this module for the functions below; None, or why not."""
    global _lib
    if _lib is None:
        lib, why = open_library()
        if why is not None:
            return why
        _lib = lib
    return None


def _ptr(a: np.ndarray) -> int:
    return int(a.ctypes.data)


def _moves(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The move tables as C arrays: offsets int64, lengths float64."""
    drc, length, cross_a, cross_b = arrays
    as_int = (np.ascontiguousarray(a, dtype=np.int64) for a in (drc, cross_a, cross_b))
    d, a, b = as_int
    return d, np.ascontiguousarray(length, dtype=np.float64), a, b


def _cell(vals: np.ndarray) -> str:
    return _CELL_TYPES[vals.dtype]


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
    """As :func:`._kernel_numba.encode_block`."""
    if block.dtype not in _BLOCK_TYPES:  # e.g. float16: widen this block only
        block = block.astype(np.float64)
    block = np.ascontiguousarray(block)
    fn = getattr(_lib, f"lr_encode_{_BLOCK_TYPES[block.dtype]}_{_cell(vals)}")
    fn(_ptr(block), block.size, _ptr(ibits), _ptr(res), res.shape[0], float(nodata),
       int(bool(nodata_is_nan)), int(start), _ptr(stats))  # fmt: skip


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
    """As :func:`._kernel_numba.solve`; raises MemoryError when the frontier cannot grow."""
    del inf_bits  # implied by the cell type
    n_ok = np.zeros(1, dtype=np.int64)
    drc, length, cross_a, cross_b = _moves(drc, length, cross_a, cross_b)
    status = getattr(_lib, f"lr_solve_{_cell(vals)}")(
        _ptr(ibits), _ptr(res), int(nrows), int(ncols), _ptr(src_idx), src_idx.shape[0],
        _ptr(drc), _ptr(length), _ptr(cross_a), _ptr(cross_b), drc.shape[0], float(delta),
        int(nbuckets), int(bool(use_heap)), float(max_cost), int(slot_limit), _ptr(n_ok),
    )  # fmt: skip
    if status == 2:
        raise MemoryError("the cost-distance frontier could not grow (out of memory)")
    return int(status), int(n_ok[0])


def finalize(
    vals: np.ndarray,
    ibits: np.ndarray,
    start: int,
    stop: int,
    inf_bits: int,
    nodata_value: float,
    unreached_value: float,
) -> tuple[int, int, float]:
    """As :func:`._kernel_numba.finalize`."""
    del inf_bits
    counts = np.zeros(2, dtype=np.int64)
    dmax = np.zeros(1, dtype=np.float64)
    getattr(_lib, f"lr_finalize_{_cell(vals)}")(
        _ptr(ibits), int(start), int(stop), float(nodata_value), float(unreached_value),
        _ptr(counts), _ptr(counts) + 8, _ptr(dmax),
    )  # fmt: skip
    return int(counts[0]), int(counts[1]), float(dmax[0])


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
    """As :func:`._kernel_numba.trace_path` (other float types are widened to float64)."""
    cwd = cwd if cwd.dtype in _CELL_TYPES else cwd.astype(np.float64)
    res = res if res.dtype in _CELL_TYPES else res.astype(np.float64)
    cwd, res = np.ascontiguousarray(cwd), np.ascontiguousarray(res)
    drc, length, cross_a, cross_b = _moves(drc, length, cross_a, cross_b)
    out = ctypes.c_void_p()
    n = getattr(_lib, f"lr_trace_{_cell(cwd)}_{_cell(res)}")(
        _ptr(cwd), _ptr(res), float(nodata), int(bool(nodata_is_nan)), int(nrows), int(ncols),
        int(start), _ptr(drc), _ptr(length), _ptr(cross_a), _ptr(cross_b), drc.shape[0],
        ctypes.byref(out),
    )  # fmt: skip
    if n < 0:
        raise MemoryError("out of memory while tracing the least-cost path")
    try:
        if n == 0:
            return np.empty(0, dtype=np.int64)
        buf = (ctypes.c_int64 * n).from_address(out.value or 0)
        return np.array(buf, dtype=np.int64)
    finally:
        _lib.lr_free(out)
