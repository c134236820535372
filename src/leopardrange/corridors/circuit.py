"""Circuit-theory connectivity on a raster (Circuitscape's four raster modes).

Pairwise, one-to-all, all-to-one and advanced modes.

A habitat raster (resistance or conductance per cell) is a network of resistors between
neighbouring cells; current injected at focal nodes spreads through it like animals moving
at random (McRae et al. 2008). Results:

``resistances``
    Effective resistance between two focal ids (pairwise), or of one id to all the others
    grounded (one-to-all), in ohms of the habitat's per-cell resistance; empty when the two
    are in different connected components.
``cumulative_current``, ``max_current``
    The current through each cell summed, and its maximum, over the solved pairs (or ids);
    with 1 A injected per pair.
pair maps
    The current and voltage of each pair (``current_<from>_<to>``; voltage 0 at ``from``,
    the effective resistance at ``to``) or id (one-to-all, all-to-one).

The network, current and voltage follow Circuitscape's definitions exactly (see
:mod:`leopardrange.corridors._laplacian`), and Circuitscape's published raster test cases
pass in the test suite. Cell size does not enter: a cell's value is its resistance as a
square of habitat, as in Circuitscape.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.crs import crs_string
from leopardrange.errors import CircuitError, ResistanceError

from ._circuitinputs import (
    HabitatGrid,
    aligned_raster,
    focal_cells,
    read_habitat,
    read_pairs,
    read_strengths,
)
from ._circuitmodes import CircuitArrays, advanced_arrays, focal_arrays, merge_regions
from ._laplacian import (
    CONNECT_RULES,
    DIRECT_MAX_NODES,
    check_memory,
    estimate_solver_bytes,
)

__all__ = ["MODES", "REMOVE_RULES", "CircuitResult", "HabitatGrid", "read_habitat", "run_circuit"]

MODES = ("pairwise", "one-to-all", "all-to-one", "advanced")
REMOVE_RULES = ("keepall", "rmvsrc", "rmvgnd", "rmvall")
#: Output nodata of the current and voltage GeoTIFFs.
MAP_NODATA = -9999.0
Progress = Callable[[str], None] | None


@dataclass
class CircuitResult:
    """The result of :func:`circuit`.

    Attributes
    ----------
    mode : str
    grid : HabitatGrid
    pairs : list of tuple
        ``(from, to, resistance)``; ``"all"`` stands for the other focal ids in one-to-all
        and all-to-one; NaN resistance: not connected (or not defined in all-to-one).
    cumulative_current, max_current : ndarray of float64
        Amperes per cell (NaN where a cell is no node). Advanced mode: the current map.
    current_maps, voltage_maps : dict of str to ndarray of float32
        Per pair (``"1_2"``) or id (``"3"``) with ``pair_maps``; advanced mode: key ``""``.
    metrics : dict
        Options, component count, solver, iterations and residuals (``metrics.json``).

    Examples
    --------
    One ampere from focal id 1 to focal id 2 crosses all three cells of a 1 x 3 strip:

    >>> result = run_circuit(np.ones((1, 3)), np.array([[1, 0, 2]]), neighbors=4)
    >>> result.resistances
       from  to  resistance
    0     1   2         2.0
    >>> result.cumulative_current.tolist()
    [[1.0, 1.0, 1.0]]
    """

    mode: str
    grid: HabitatGrid
    pairs: list[tuple[Any, Any, float]]
    cumulative_current: np.ndarray
    max_current: np.ndarray | None
    current_maps: dict[str, np.ndarray] = field(default_factory=dict)
    voltage_maps: dict[str, np.ndarray] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def resistances(self) -> Any:
        """The pairs as a DataFrame named ``resistances``: ``from``, ``to``, ``resistance``."""
        import pandas as pd

        frame = pd.DataFrame(self.pairs, columns=["from", "to", "resistance"])
        frame.attrs["name"] = "resistances"
        return frame

    def write(self, out_dir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the result folder atomically.

        Files: ``resistances.csv`` (not in advanced mode; an empty resistance: not
        connected), ``cumulative_current.tif`` and ``max_current.tif`` (advanced mode:
        ``current.tif`` and ``voltage.tif``), the pair maps when kept
        (``current_<from>_<to>.tif``, ``voltage_<from>_<to>.tif``, or ``current_<id>.tif``),
        and ``metrics.json``. Maps are float32 GeoTIFFs, nodata -9999 where a cell is no node.

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.
        """
        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            if self.mode == "advanced":
                write_map(tmp / "current.tif", self.current_maps[""], self.grid, "amperes")
                write_map(tmp / "voltage.tif", self.voltage_maps[""], self.grid, "volts")
            else:
                lines = ["from,to,resistance"]
                for a, b, r in self.pairs:
                    lines.append(f"{a},{b},{'' if np.isnan(r) else repr(float(r))}")
                (tmp / "resistances.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
                write_map(
                    tmp / "cumulative_current.tif", self.cumulative_current, self.grid, "amperes"
                )
                if self.max_current is not None:
                    write_map(tmp / "max_current.tif", self.max_current, self.grid, "amperes")
                for name, arr in self.current_maps.items():
                    write_map(tmp / f"current_{name}.tif", arr, self.grid, "amperes")
                for name, arr in self.voltage_maps.items():
                    write_map(tmp / f"voltage_{name}.tif", arr, self.grid, "volts")
            write_json(tmp / "metrics.json", self.metrics)
        return Path(out_dir)


def write_map(path: Path, values: np.ndarray, grid: HabitatGrid, units: str) -> None:
    """Write a float32 GeoTIFF on the habitat grid; NaN becomes nodata (-9999)."""
    import rasterio

    from .resistance import float_profile

    data = np.where(np.isfinite(values), values, MAP_NODATA).astype(np.float32)
    profile = float_profile(grid.shape, crs=grid.crs, transform=grid.transform, nodata=MAP_NODATA)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, units=units)


def _choice(value: Any, allowed: tuple[Any, ...], name: str) -> None:
    if value not in allowed:
        raise CircuitError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")


def _input_name(x: Any) -> str | None:
    return Path(x).name if isinstance(x, (str, os.PathLike)) else None


def run_circuit(
    habitat: Any,
    focal: Any = None,
    *,
    mode: str = "pairwise",
    conductance: bool = False,
    neighbors: int = 8,
    connect: str = "avg-conductance",
    focal_field: str | None = None,
    short_circuit: Any = None,
    include_pairs: Any = None,
    mask: Any = None,
    source_strengths: Any = None,
    sources: Any = None,
    grounds: Any = None,
    grounds_are_conductances: bool = False,
    remove: str | None = None,
    unit_currents: bool = False,
    direct_grounds: bool = False,
    pair_maps: bool = False,
    solver: str = "auto",
    max_memory_gb: float | None = None,
    assume_crs: Any = None,
    progress: Progress = None,
) -> CircuitResult:
    """Effective resistances and current maps of a habitat raster (Circuitscape's raster modes).

    Parameters
    ----------
    habitat : path, HabitatGrid or ndarray
        Resistance per cell (or conductance with ``conductance=True``) in a projected CRS
        with square cells; nodata cells are no habitat. An array takes NaN as nodata.
    focal : path, ``PATH:LAYER``, GeoDataFrame or ndarray, optional
        Focal nodes (not in advanced mode): a raster of integer ids (0/nodata: none; all the
        cells of one id form a focal region) or a vector layer (polygons become focal
        regions, points their cell).
    mode : {"pairwise", "one-to-all", "all-to-one", "advanced"}
        Pairwise: 1 A between every pair of focal ids. One-to-all: 1 A (or the id's
        strength) into each id in turn, all the others grounded. All-to-one: each id
        grounded in turn, the others injecting 1 A (or their strength). Advanced: the
        ``sources`` and ``grounds`` rasters.
    conductance : bool, default False
        The habitat values are conductances.
    neighbors : {8, 4}
    connect : {"avg-conductance", "avg-resistance"}
        Edge conductance from the two cells: the mean of their conductances, or the
        reciprocal of the mean of their resistances; diagonals divided by sqrt(2).
    focal_field : str, optional
        Field of integer ids in a vector focal layer (default: features numbered 1..N).
    short_circuit : path or ndarray, optional
        Region ids (0/nodata: none); all the cells of one id are joined at zero resistance.
    include_pairs : path or iterable of pairs, optional
        The pairs to solve (pairwise) or partners allowed (one-to-all, all-to-one); see
        :func:`~leopardrange.corridors._circuitinputs.read_pairs` for the file formats.
    mask : path or ndarray, optional
        Cells where the mask is not positive (or nodata) are removed from the habitat.
    source_strengths : path or mapping, optional
        ``id strength`` (amperes) for one-to-all and all-to-one; unlisted ids: 1.
    sources, grounds : path or ndarray
        Advanced mode: current per cell (amperes, >= 0) and ground resistance per cell
        (ohms; 0 is a direct ground), or conductance with ``grounds_are_conductances``.
    remove : {"keepall", "rmvsrc", "rmvgnd", "rmvall"}, optional
        Advanced mode: where a node has both a source and a ground, keep both or remove the
        source, the ground or both; required when there is such a node.
    unit_currents, direct_grounds : bool
        Advanced mode: every source injects 1 A; every ground is direct (0 ohm).
    pair_maps : bool, default False
        Keep the current and voltage map of every pair (8 bytes per cell and pair).
    solver : {"auto", "direct", "amg"}
        Sparse LU, or algebraic-multigrid-preconditioned conjugate gradients; auto: direct
        up to 1.5 million nodes.
    max_memory_gb : float, optional
        Refuse a run whose estimated peak memory exceeds this (default: the memory
        available).
    assume_crs : CRS, optional
        CRS of a habitat raster (or vector focal layer) that has none.
    progress : callable, optional
        Called with a short text before each solve.

    Returns
    -------
    CircuitResult

    Raises
    ------
    CRSError
        A habitat without a CRS or in a geographic CRS.
    ResistanceError
        Habitat values that are zero, negative, NaN or infinite outside nodata; non-square
        cells.
    SourceError
        A focal id only on nodata.
    CircuitError
        Bad options; fewer than two focal ids (pairwise); non-integer ids; a pair or
        strength naming an unknown id; rasters off the habitat grid; sources and grounds on
        one node without ``remove``.
    MemoryLimitError
        The estimated memory exceeds the limit (the message gives both).

    Examples
    --------
    Two cells of resistance 1 in series with a third: 1 + 1 = 2 ohms end to end.

    >>> r = run_circuit(np.ones((1, 3)), np.array([[1, 0, 2]]), neighbors=4)
    >>> r.pairs
    [(1, 2, 2.0)]
    """
    _choice(mode, MODES, "mode")
    _choice(neighbors, (4, 8), "neighbors")
    _choice(connect, CONNECT_RULES, "connect")
    _choice(solver, ("auto", "direct", "amg"), "solver")
    if remove is not None:
        _choice(remove, REMOVE_RULES, "remove")
    grid = read_habitat(habitat, assume_crs=assume_crs)
    values = grid.values
    cond = values.copy() if conductance else 1.0 / values
    if mask is not None:
        m = aligned_raster(mask, grid, what="mask")
        cond[~(np.nan_to_num(m, nan=0.0) > 0)] = np.nan
        if np.isnan(cond).all():
            raise ResistanceError("the mask removes every habitat cell")
    regions = None
    if short_circuit is not None:
        raw = aligned_raster(short_circuit, grid, what="short-circuit")
        from ._circuitinputs import _ids_from_array

        regions = _ids_from_array(raw, "short-circuit region")
    on_network = np.isfinite(cond)
    if regions is not None:
        joined = merge_regions(grid.shape, regions, [])
        has = np.bincount(joined.ravel(), weights=on_network.ravel())
        on_network = on_network | ((joined > 0) & (has[joined] > 0))
    n_nodes_max = int(on_network.sum())
    method = (
        solver if solver != "auto" else ("direct" if n_nodes_max <= DIRECT_MAX_NODES else "amg")
    )
    limit = None if max_memory_gb is None else int(max_memory_gb * 1e9)
    metrics: dict[str, Any] = {
        "mode": mode,
        "habitat": grid.name,
        "habitat_is": "conductance" if conductance else "resistance",
        "neighbors": neighbors,
        "connect": connect,
        "short_circuit": _input_name(short_circuit) or (None if regions is None else "array"),
        "mask": _input_name(mask) or (None if mask is None else "array"),
        "shape": list(grid.shape),
        "cell_size": grid.cell_size_m,
        "crs": None if grid.crs is None else crs_string(grid.crs, fallback="proj4"),
        "habitat_nodes_max": n_nodes_max,
    }
    if mode == "advanced":
        arrays = _advanced(
            grid,
            cond,
            on_network,
            regions,
            sources,
            grounds,
            grounds_are_conductances,
            remove,
            unit_currents,
            direct_grounds,
            neighbors,
            connect,
            method,
            limit,
            metrics,
        )
    else:
        if focal is None:
            raise CircuitError(f"{mode} mode needs focal nodes (--focal)")
        focal_set = focal_cells(focal, grid, on_network, field=focal_field, assume_crs=assume_crs)
        cells = focal_set.cells
        ids = sorted(cells)
        if mode == "pairwise" and len(ids) < 2:
            raise CircuitError(
                f"pairwise mode needs at least two focal ids; found {len(ids)}"
                f"{' (id ' + str(ids[0]) + ')' if ids else ''}"
            )
        if not ids:
            raise CircuitError(f"{mode} mode needs at least one focal id; found none")
        pairs = None if include_pairs is None else read_pairs(include_pairs, ids)
        strengths = None if source_strengths is None else read_strengths(source_strengths, ids)
        n_pairs = len(ids) * (len(ids) - 1) // 2 if mode == "pairwise" else len(ids)
        need = estimate_solver_bytes(n_nodes_max, method, n_rhs=len(ids))
        if pair_maps:
            need += 8 * values.size * n_pairs
        check_memory(need, limit, what=f"a {mode} run on {n_nodes_max:,} nodes ({method} solver)")
        arrays = focal_arrays(
            cond,
            cells,
            mode=mode,
            regions=regions,
            neighbors=neighbors,
            connect=connect,
            method=method,
            pairs=pairs,
            strengths=strengths,
            pair_maps=pair_maps,
            progress=progress,
        )
        metrics.update(
            focal_ids=ids,
            focal_names=focal_set.names or None,
            focal_regions=[i for i in ids if cells[i].size > 1],
            include_pairs=_input_name(include_pairs) if include_pairs is not None else None,
            source_strengths=_input_name(source_strengths) if source_strengths else None,
            pairs_solved=sum(1 for *_, r in arrays.resistances if np.isfinite(r)),
        )
    metrics.update(
        connected_components=arrays.n_components,
        unsolved=arrays.unsolved,
        **arrays.stats.summary(),
        units={
            "resistance": "ohms (the habitat's resistance per cell)",
            "current": "amperes (1 A per pair, or the source strengths)",
            "voltage": "volts",
        },
    )
    assert arrays.cumulative is not None
    return CircuitResult(
        mode=mode,
        grid=grid,
        pairs=arrays.resistances,
        cumulative_current=arrays.cumulative,
        max_current=arrays.maximum,
        current_maps=arrays.current_maps,
        voltage_maps=arrays.voltage_maps,
        metrics=metrics,
    )


def _advanced(
    grid: HabitatGrid,
    cond: np.ndarray,
    on_network: np.ndarray,
    regions: np.ndarray | None,
    sources: Any,
    grounds: Any,
    grounds_are_conductances: bool,
    remove: str | None,
    unit_currents: bool,
    direct_grounds: bool,
    neighbors: int,
    connect: str,
    method: str,
    limit: int | None,
    metrics: dict[str, Any],
) -> CircuitArrays:
    if sources is None or grounds is None:
        raise CircuitError("advanced mode needs both --sources and --grounds")
    src = np.nan_to_num(aligned_raster(sources, grid, what="sources"), nan=0.0)
    gnd = aligned_raster(grounds, grid, what="grounds")
    bad = ~np.isfinite(src)
    if bad.any():
        raise CircuitError(
            f"sources must be finite currents in amperes (negative: a sink); found "
            f"{src[bad][0]!r} ({int(bad.sum())} cells)"
        )
    bad = ~np.isnan(gnd) & ~(gnd >= 0)
    if bad.any():
        raise CircuitError(f"grounds must be >= 0; found {gnd[bad][0]!r} ({int(bad.sum())} cells)")
    if unit_currents:
        src = np.where(src != 0, 1.0, 0.0)
    gnd = np.nan_to_num(gnd, nan=0.0 if grounds_are_conductances else np.inf)
    if grounds_are_conductances:
        g = gnd
    else:
        with np.errstate(divide="ignore"):
            g = np.where(np.isinf(gnd), 0.0, 1.0 / gnd)
    if direct_grounds:
        g = np.where(g != 0, np.inf, 0.0)
    on = on_network
    if not (src[on] != 0).any():
        raise CircuitError("the sources inject no current on habitat cells (all 0 or nodata there)")
    if not (g[on] != 0).any():
        raise CircuitError("the grounds have no ground on habitat cells (all nodata there)")
    n_nodes = int(on.sum())
    check_memory(
        estimate_solver_bytes(n_nodes, method),
        limit,
        what=f"an advanced run on {n_nodes:,} nodes ({method} solver)",
    )
    metrics.update(
        sources=_input_name(sources) or "array",
        grounds=_input_name(grounds) or "array",
        grounds_are="conductances" if grounds_are_conductances else "resistances",
        remove=remove,
        unit_currents=unit_currents,
        direct_grounds=direct_grounds,
        source_amperes=float(src.sum()),
    )
    return advanced_arrays(
        cond,
        src,
        g,
        remove=remove,
        regions=regions,
        neighbors=neighbors,
        connect=connect,
        method=method,
    )
