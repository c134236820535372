"""Hatch build hook: ship the embedded data, and compile the cost-distance kernel.

1. The embedded data of geodata/ goes inside the wheel as leopardrange/_geodata. Only the data
   users need (GeoPackages, GeoTIFFs, study files, SOURCES.md, LICENSE-DATA) is shipped, not
   the build scripts, the source extracts (geodata/sources/) or the download cache. Editable
   installs read geodata/ of the clone directly.
2. The C build of the cost-distance kernel (src/leopardrange/corridors/_ckernel.c) is compiled
   into a shared library with the C compiler ($CC, else cc or gcc), so that the first run after
   installation does not wait for numba's JIT compiler. Editable installs build it beside the
   sources; wheels carry it (and become platform wheels). Without a compiler the package still
   installs and the kernel runs on numba (compiled on first use), with a warning here.
   LEOPARDRANGE_NO_C_KERNEL=1 skips the compilation.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED_SUFFIXES = {".gpkg", ".tif", ".toml", ".md"}
SHIPPED_NAMES = {"LICENSE-DATA"}
KERNEL_DIR = Path("src/leopardrange/corridors")
#: Must match leopardrange.corridors._kernel_c (LIBRARY_NAME, SOURCES).
KERNEL_SOURCES = ("_ckernel.c", "_ckernel_body.h")
LIBRARY_NAME = "_cost_kernel" + (".dll" if sys.platform == "win32" else ".so")
CFLAGS = ["-O3", "-std=c99", "-ffp-contract=off", "-fPIC", "-shared"]


def source_hash(folder: Path) -> str:
    """SHA-256 (16 hex digits) of the kernel's C sources, as _kernel_c.source_hash."""
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


def compile_kernel(folder: Path, out: Path) -> str | None:
    """Compile the kernel in ``folder`` to ``out``; None on success, else why not."""
    if os.environ.get("LEOPARDRANGE_NO_C_KERNEL"):
        return "LEOPARDRANGE_NO_C_KERNEL is set"
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return "no C compiler found (set CC, or install gcc)"
    define = f'-DLR_SOURCE_HASH="{source_hash(folder)}"'
    tmp = out.with_name(f".{out.name}.tmp")
    cmd = [*cc.split(), *CFLAGS, define, "-o", str(tmp), str(folder / KERNEL_SOURCES[0])]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except OSError as exc:
        return f"{cc} failed to start: {exc}"
    if done.returncode:
        tmp.unlink(missing_ok=True)
        return f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}"
    os.replace(tmp, out)  # atomic: a running process never sees half a library
    return None


class GeodataHook(BuildHookInterface):  # type: ignore[misc]
    """Add the shipped files of geodata/ to the wheel; compile the C kernel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Force-include the data (not for editable installs) and build the kernel."""
        root = Path(self.root)
        self._build_kernel(root, version, build_data)
        if version == "editable":
            return
        for path in sorted((root / "geodata").glob("*")):
            if path.is_file() and (path.suffix in SHIPPED_SUFFIXES or path.name in SHIPPED_NAMES):
                build_data["force_include"][str(path)] = f"leopardrange/_geodata/{path.name}"

    def _build_kernel(self, root: Path, version: str, build_data: dict[str, Any]) -> None:
        folder = root / KERNEL_DIR
        if version == "editable":
            out = folder / LIBRARY_NAME
        else:
            self._tmp = tempfile.mkdtemp(prefix="leopardrange-kernel-")
            out = Path(self._tmp) / LIBRARY_NAME
        why = compile_kernel(folder, out)
        if why is not None:
            self.app.display_warning(
                f"leopardrange: the C cost-distance kernel was not built ({why}); the numba "
                "kernel will be used instead (compiled on first use, several seconds)"
            )
            return
        if version != "editable":
            build_data["force_include"][str(out)] = f"leopardrange/corridors/{LIBRARY_NAME}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary build folder of the library."""
        tmp = getattr(self, "_tmp", None)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
