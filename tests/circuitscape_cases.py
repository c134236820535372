"""Reading Circuitscape.jl's raster test cases (tests/data/circuitscape, MIT) into our inputs.

Each case is an ``.ini`` file naming ASCII/GeoTIFF grids and text lists. This module turns a
case into the arrays and options of :func:`leopardrange.corridors.circuit` and reads the
published outputs back, so that the tests compare like with like. The translations are
Circuitscape's own input rules: nodata and zero conductance are no node; a text list gives
``id x y`` (cells by Circuitscape's ``ceil`` rule); focal ids < 0 are dropped; focal ids whose
cells are all off the network (Circuitscape reports them as -1) and pair-file ids that are
not focal ids (Circuitscape drops them with a warning) are removed before the call, since
leopardrange refuses both.
"""

from __future__ import annotations

import configparser
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rasterio

DATA = Path(__file__).parent / "data" / "circuitscape"
MODES = {
    "pairwise": ("pairwise", "sgVerify", range(1, 18)),
    "advanced": ("advanced", "mgVerify", range(1, 7)),
    "one-to-all": ("one_to_all", "oneToAllVerify", range(1, 14)),
    "all-to-one": ("all_to_one", "allToOneVerify", range(1, 13)),
}


def case_ids() -> list[str]:
    return [f"{prefix}{i}" for _, prefix, numbers in MODES.values() for i in numbers]


@dataclass
class Case:
    name: str
    mode: str
    habitat: np.ndarray  # conductance, NaN = no node
    options: dict[str, Any]
    dropped: set[int] = field(default_factory=set)  # focal ids Circuitscape reports as -1
    pruned: set[int] = field(default_factory=set)  # ids an include-pairs file leaves out
    flags: dict[str, bool] = field(default_factory=dict)


def _path(text: str) -> Path:
    text = text.strip()
    for prefix in ("input/raster/", "circuitscape/verify/"):
        if text.startswith(prefix):
            return DATA / "input" / text[len(prefix) :]
    return DATA / "input" / text


def read_grid(path: Path) -> tuple[np.ndarray, Any]:
    name = f"/vsigzip/{path}" if path.suffix == ".gz" else str(path)
    with rasterio.open(name) as src:
        a = src.read(1).astype(np.float64)
        nodata = src.nodata
        meta = (src.height, src.width, src.transform)
    if nodata is not None:
        a[a == nodata] = np.nan
    return a, meta


def _is_grid(path: Path) -> bool:
    head = path.read_bytes()[:8] if path.suffix != ".gz" else b"ncols"
    return head[:5].lower() == b"ncols" or head[:2] in (b"II", b"MM")


def _txt_cells(path: Path, meta: Any) -> list[tuple[float, int]]:
    rows, _, transform = meta
    out = []
    for line in path.read_text().split("\n"):
        parts = line.split()
        if len(parts) < 3:
            continue
        value, x, y = (float(p) for p in parts[:3])
        cell = transform.a
        yll = transform.f - rows * cell
        r = math.ceil(rows - (y - yll) / cell) - 1
        c = math.ceil((x - transform.c) / cell) - 1
        out.append((value, r * meta[1] + c))
    return out


def _flag(cfg: configparser.SectionProxy, key: str, default: bool = False) -> bool:
    return cfg.get(key, str(default)).strip().lower() in ("true", "1")


def _pairs(path: Path) -> tuple[str, list[tuple[int, int]], set[int]]:
    lines = [ln.split() for ln in path.read_text().split("\n") if ln.strip()]
    if lines[0][0] == "min":
        lo, hi = float(lines[0][1]), float(lines[1][1])
        ids = [int(float(v)) for v in lines[2][1:]]
        pairs = []
        for row in lines[3:]:
            i = int(float(row[0]))
            for j, val in zip(ids, row[1:], strict=False):
                v = float(val)
                if lo <= v <= hi and i != j:
                    pairs.append((i, j))
        return "include", pairs, set(ids)
    mode = lines[0][1]
    pairs = [(int(float(a)), int(float(b))) for a, b, *_ in lines[1:]]
    return mode, pairs, {k for p in pairs for k in p}


def load(name: str) -> Case:
    mode = next(m for m, (_, prefix, _) in MODES.items() if name.startswith(prefix))
    folder, prefix, _ = MODES[mode]
    number = name[len(prefix) :]
    ini = DATA / "input" / folder / number / f"{name}.ini"
    parser = configparser.ConfigParser()
    parser.read_string(
        "[all]\n" + "\n".join(ln for ln in ini.read_text().split("\n") if not ln.startswith("["))
    )
    cfg = parser["all"]
    cells, meta = read_grid(_path(cfg["habitat_file"]))
    is_res = _flag(cfg, "habitat_map_is_resistances", True)
    with np.errstate(divide="ignore"):
        cond = 1.0 / cells if is_res else cells.copy()
    cond[~(np.isfinite(cond) & (cond > 0))] = np.nan
    if _flag(cfg, "use_mask"):
        mask, _ = read_grid(_path(cfg["mask_file"]))
        cond[~(np.nan_to_num(mask) > 0)] = np.nan
    regions = None
    if _flag(cfg, "use_polygons"):
        poly, _ = read_grid(_path(cfg["polygon_file"]))
        regions = np.nan_to_num(poly).astype(np.int64)
    options: dict[str, Any] = {
        "mode": mode,
        "neighbors": 4 if _flag(cfg, "connect_four_neighbors_only") else 8,
        "connect": "avg-resistance"
        if _flag(cfg, "connect_using_avg_resistances")
        else "avg-conductance",
        "short_circuit": regions,
    }
    flags = {
        "volt": _flag(cfg, "write_volt_maps"),
        "cur": _flag(cfg, "write_cur_maps"),
        "cum_only": _flag(cfg, "write_cum_cur_map_only"),
        "max": _flag(cfg, "write_max_cur_maps"),
    }
    case = Case(name, mode, cond, options, flags=flags)
    if mode == "advanced":
        _advanced(cfg, case, meta)
        return case
    focal_path = _path(cfg["point_file"])
    cells_of: dict[int, list[int]] = {}
    if _is_grid(focal_path):
        pts, _ = read_grid(focal_path)
        pts = np.nan_to_num(pts)
        for cell in np.flatnonzero(pts > 0):
            cells_of.setdefault(int(pts.flat[cell]), []).append(int(cell))
    else:  # a text list may put two ids on one cell
        for value, cell in _txt_cells(focal_path, meta):
            if value > 0:
                cells_of.setdefault(int(value), []).append(cell)
    # ids whose cells are all off the network (nodata, not in a habitat region)
    on = np.isfinite(cond)
    if regions is not None:
        for r in np.unique(regions[regions != 0]):
            if on[regions == r].any():
                on |= regions == r
    for i in sorted(cells_of):
        if not on.ravel()[cells_of[i]].any():
            case.dropped.add(i)
            del cells_of[i]
    options["focal"] = {i: np.array(sorted(set(c))) for i, c in cells_of.items()}
    present = set(cells_of)
    if _flag(cfg, "use_included_pairs"):
        pmode, pairs, named = _pairs(_path(cfg["included_pairs_file"]))
        listed = {frozenset(p) for p in pairs if set(p) <= present}
        if pmode == "include":
            case.pruned = present - named
        else:
            ids = sorted(present)
            every = {frozenset((a, b)) for k, a in enumerate(ids) for b in ids[k + 1 :]}
            listed = every - listed
        options["include_pairs"] = [tuple(sorted(p)) for p in listed]
    if _flag(cfg, "use_variable_source_strengths") and mode != "pairwise":
        rows = [ln.split() for ln in _path(cfg["variable_source_file"]).read_text().split("\n")]
        strengths = {int(float(r[0])): float(r[1]) for r in rows if len(r) >= 2}
        options["source_strengths"] = {k: v for k, v in strengths.items() if k in present}
    return case


def _advanced(cfg: configparser.SectionProxy, case: Case, meta: Any) -> None:
    def layer(key: str, fill: float) -> np.ndarray:
        path = _path(cfg[key])
        if _is_grid(path):
            a, _ = read_grid(path)
            return a
        out = np.full(case.habitat.shape, fill)
        for value, cell in _txt_cells(path, meta):
            out.flat[cell] = value
        return out

    sources = np.nan_to_num(layer("source_file", 0.0))
    grounds = layer("ground_file", np.nan)
    ground_is_res = _flag(cfg, "ground_file_is_resistances", True)
    if _flag(cfg, "use_unit_currents"):
        sources[sources != 0] = 1.0
    if _flag(cfg, "use_direct_grounds"):
        grounds[np.nan_to_num(grounds) != 0] = 0.0 if ground_is_res else np.inf
    case.options.update(
        sources=sources,
        grounds=grounds,
        grounds_are_conductances=not ground_is_res,
        remove=cfg.get("remove_src_or_gnd", "keepall").strip(),
    )


def verify_resistances(name: str) -> dict[tuple[Any, Any], float]:
    path = DATA / "output_verify" / f"{name}_resistances.out"
    rows = [[float(v) for v in ln.split()] for ln in path.read_text().split("\n") if ln.strip()]
    if len(rows[0]) == 2:  # one-to-all / all-to-one: id, value
        return {(int(r[0]), "all"): r[1] for r in rows}
    ids = [int(v) for v in rows[0][1:]]
    out = {}
    for row in rows[1:]:
        i = int(row[0])
        for j, v in zip(ids, row[1:], strict=True):
            if i < j:
                out[(i, j)] = v
    return out


def verify_map(name: str, suffix: str) -> np.ndarray | None:
    path = DATA / "output_verify" / f"{name}_{suffix}.asc"
    if not path.exists():
        return None
    return np.loadtxt(path, skiprows=6, ndmin=2)
