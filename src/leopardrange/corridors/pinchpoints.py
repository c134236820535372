"""Pinch points and current-flow centrality of a linkage network.

Linkage Mapper's Pinchpoint and Centrality Mappers, on leopardrange's least-cost corridors.

For every kept link of a :func:`~leopardrange.corridors.linkage_network` between cores A and B:

* the corridor: the cells where ``CWD_A + CWD_B - LCD`` is at most the cut-off (cost units;
  by default ``corridor_pct`` % of the link's least-cost distance LCD), with the two cores;
* Circuitscape's pairwise run between the two cores (as focal regions) on the resistance
  restricted to that corridor: the link's **effective resistance** (ohms of the per-cell
  resistance) and its current map, 1 A from core to core. Pinch points are the cells where
  the current crowds: ``pinchpoints`` holds, per cell, the largest current over the links;
* with ``all_to_one``: Circuitscape's all-to-one run on the union of the corridors, every
  core grounded in turn while the others inject 1 A (the cumulative current);
* the **current-flow centrality** of each core and link (networkx's current-flow
  betweenness, unnormalised) on the network whose links conduct ``1 / cost_distance``, as
  Centrality Mapper reports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import CircuitError

__all__ = ["PinchPointResult", "pinch_points"]

Progress = Callable[[str], None] | None


@dataclass
class PinchPointResult:
    """Result of :func:`pinch_points`.

    Attributes
    ----------
    links : pandas.DataFrame
        Per kept link: ``from_core``, ``to_core``, ``cost_distance``, ``cwd_cutoff``,
        ``corridor_cells``, ``effective_resistance`` (ohm; NaN when the corridor does not
        join the cores) and ``current_flow_centrality``.
    cores : pandas.DataFrame
        ``name`` and ``current_flow_centrality``.
    pinchpoints : ndarray of float64
        Largest link current through each cell (amperes; NaN outside every corridor).
    all_to_one_current : ndarray of float64 or None
    linkage : LinkageResult
        The least-cost network the corridors come from.
    metrics : dict
        Options, per-link and per-core figures and units (``metrics.json``).
    credits : tuple of str
        Credits the data's licences ask for (e.g. "© OpenStreetMap contributors"), written
        on the map; the command line fills them from the inputs' metadata.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.ones((3, 5)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> box = lambda x0, x1: shapely.box(500_000 + x0, 3_000_000, 500_000 + x1, 3_000_300)
    >>> cores = gpd.GeoDataFrame({"name": ["West", "East"]}, crs="EPSG:32645",
    ...                          geometry=[box(0, 100), box(400, 500)])
    >>> result = pinch_points(tif, cores)
    >>> result.pinchpoints.shape, list(result.linkage.cores["name"])
    ((3, 5), ['West', 'East'])
    """

    links: Any
    cores: Any
    pinchpoints: np.ndarray
    all_to_one_current: np.ndarray | None
    linkage: Any
    metrics: dict[str, Any] = field(default_factory=dict)
    credits: tuple[str, ...] = ()

    def write(self, out_dir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the maps, tables, network and metrics atomically.

        Files: ``pinchpoints.tif``, ``all_to_one_current.tif`` (with ``all_to_one``),
        ``links.csv``, ``cores.csv``, ``network.graphml``, ``map.png`` and ``metrics.json``.

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.
        """
        import networkx as nx

        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        from .circuit import write_map
        from .linkages import _graphml_safe

        grid = _habitat_grid(self.linkage.grid)
        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            write_map(tmp / "pinchpoints.tif", self.pinchpoints, grid, "amperes")
            if self.all_to_one_current is not None:
                write_map(tmp / "all_to_one_current.tif", self.all_to_one_current, grid, "amperes")
            self.links.to_csv(tmp / "links.csv", index=False)
            self.cores.to_csv(tmp / "cores.csv", index=False)
            nx.write_graphml(_graphml_safe(self.linkage.graph), tmp / "network.graphml")
            self.figure().savefig(tmp / "map.png", dpi=110)
            write_json(tmp / "metrics.json", self.metrics)
        return Path(out_dir)

    def figure(self) -> Any:
        """A map of the pinch-point current over the resistance (matplotlib Figure)."""
        from .maps import pinchpoint_figure

        return pinchpoint_figure(self)


def _habitat_grid(grid: Any) -> Any:
    from ._circuitinputs import HabitatGrid

    return HabitatGrid(grid.values, grid.transform, grid.crs, grid.name)


def pinch_points(
    resistance: Any,
    cores: Any,
    *,
    name_field: str | None = "name",
    cwd_cutoff: float | None = None,
    corridor_pct: float = 10.0,
    neighbors: int = 8,
    all_to_one: bool = False,
    solver: str = "auto",
    progress: Progress = None,
) -> PinchPointResult:
    """Pinch points, effective resistances and centrality of a core network.

    Parameters
    ----------
    resistance : path or ResistanceGrid
        Resistance GeoTIFF in a projected CRS (nodata impassable).
    cores : GeoDataFrame
        Core areas (unique names in ``name_field``).
    cwd_cutoff : float, optional
        Corridor cut-off in cost units (resistance x metres) above the least-cost distance;
        default ``corridor_pct`` % of each link's least-cost distance.
    corridor_pct : float, default 10
    neighbors : {8, 16}
        Cost-distance moves; the circuits join 8 neighbours either way.
    all_to_one : bool, default False
        Also run all-to-one on the union of the corridors.
    solver : {"auto", "direct", "amg"}

    Returns
    -------
    PinchPointResult

    Raises
    ------
    CircuitError
        A cut-off that is not positive.
    SourceError, SchemaError, CRSError, ResistanceError
        As for :func:`~leopardrange.corridors.linkage_network`.

    Examples
    --------
    A wall with one gap between two cores: the whole current (1 A) squeezes through
    the gap, a pinch point.

    >>> import geopandas as gpd, shapely, tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> r = np.ones((3, 7))
    >>> r[[0, 2], 3] = np.nan
    >>> tif = write_resistance(r, Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> box = lambda x0, x1: shapely.box(500_000 + x0, 3_000_000, 500_000 + x1, 3_000_300)
    >>> cores = gpd.GeoDataFrame({"name": ["West", "East"]}, crs="EPSG:32645",
    ...                          geometry=[box(0, 100), box(600, 700)])
    >>> result = pinch_points(tif, cores)
    >>> float(result.pinchpoints[1, 3]), round(float(result.pinchpoints[1, 1]), 2)
    (1.0, 0.41)
    >>> link = result.links.iloc[0]
    >>> float(link["cost_distance"]), int(link["corridor_cells"])
    (600.0, 19)
    >>> round(float(link["effective_resistance"]), 2)
    1.51
    """
    import networkx as nx
    import pandas as pd

    from .areas import area_mask
    from .circuit import run_circuit
    from .costdistance import cost_distance
    from .linkages import linkage_network

    if cwd_cutoff is not None and not cwd_cutoff > 0:
        raise CircuitError(f"the CWD cut-off must be positive cost units, got {cwd_cutoff!r}")
    if not corridor_pct > 0:
        raise CircuitError(f"corridor_pct must be positive, got {corridor_pct!r}")
    link = linkage_network(
        resistance, cores, name_field=name_field, neighbors=neighbors, progress=progress
    )
    grid = link.grid
    names = list(link.cores["name"])
    frame = link.cores
    masks = {n: area_mask(frame.iloc[[k]], grid, role=f"core {n!r}") for k, n in enumerate(names)}
    cwd: dict[str, np.ndarray] = {}
    pinch = np.full(grid.shape, np.nan)
    union = np.zeros(grid.shape, dtype=bool)
    rows = []
    for _, row in link.links.iterrows():
        a, b = row["from_core"], row["to_core"]
        for n in (a, b):
            if n not in cwd:
                if progress:
                    progress(f"cost distance from {n}")
                cwd[n] = cost_distance(
                    grid.values, masks[n], cell_size_m=grid.cell_size_m, neighbors=neighbors
                )
        lcd = float(row["cost_distance"])
        cut = cwd_cutoff if cwd_cutoff is not None else corridor_pct / 100.0 * lcd
        with np.errstate(invalid="ignore"):
            corridor = (cwd[a] + cwd[b] - lcd) <= cut
        keep = (corridor | masks[a] | masks[b]) & np.isfinite(grid.values)
        union |= keep
        rr, cc = np.nonzero(keep)
        r0, r1, c0, c1 = rr.min(), rr.max() + 1, cc.min(), cc.max() + 1
        habitat = np.where(keep, grid.values, np.nan)[r0:r1, c0:c1]
        width = c1 - c0
        focal = {
            1: _local_cells(masks[a] & keep, r0, r1, c0, c1, width),
            2: _local_cells(masks[b] & keep, r0, r1, c0, c1, width),
        }
        if progress:
            progress(f"circuit {a} – {b}")
        run = run_circuit(habitat, focal, neighbors=8, solver=solver)
        r_eff = run.pairs[0][2]
        sub = pinch[r0:r1, c0:c1]
        cur = run.cumulative_current
        pinch[r0:r1, c0:c1] = np.fmax(sub, np.where(np.isfinite(cur), cur, np.nan))
        rows.append(
            {
                "from_core": a,
                "to_core": b,
                "cost_distance": lcd,
                "cwd_cutoff": cut,
                "corridor_cells": int(keep.sum()),
                "effective_resistance": r_eff,
            }
        )
    a2o = None
    if all_to_one and rows:
        if progress:
            progress("all-to-one on the corridors")
        habitat = np.where(union, grid.values, np.nan)
        focal = {k + 1: np.flatnonzero(masks[n] & union) for k, n in enumerate(names)}
        focal = {k: v for k, v in focal.items() if v.size}
        a2o = run_circuit(
            habitat, focal, mode="all-to-one", neighbors=8, solver=solver
        ).cumulative_current
    graph = nx.Graph()
    graph.add_nodes_from(names)
    for r in rows:
        graph.add_edge(r["from_core"], r["to_core"], conductance=1.0 / r["cost_distance"])
    node_c: dict[str, float] = dict.fromkeys(names, 0.0)
    edge_c: dict[frozenset[str], float] = {}
    for part in nx.connected_components(graph):
        sub = graph.subgraph(part)
        if sub.number_of_nodes() < 2:
            continue
        node_c.update(
            nx.current_flow_betweenness_centrality(sub, normalized=False, weight="conductance")
        )
        for (u, v), c in nx.edge_current_flow_betweenness_centrality(
            sub, normalized=False, weight="conductance"
        ).items():
            edge_c[frozenset((u, v))] = float(c)
    for r in rows:
        r["current_flow_centrality"] = edge_c.get(frozenset((r["from_core"], r["to_core"])), 0.0)
        link.graph.edges[r["from_core"], r["to_core"]]["effective_resistance"] = float(
            r["effective_resistance"]
        )
    for n in names:
        link.graph.nodes[n]["current_flow_centrality"] = float(node_c[n])
    links = pd.DataFrame(
        rows,
        columns=[
            "from_core",
            "to_core",
            "cost_distance",
            "cwd_cutoff",
            "corridor_cells",
            "effective_resistance",
            "current_flow_centrality",
        ],
    )
    core_frame = pd.DataFrame(
        {"name": names, "current_flow_centrality": [node_c[n] for n in names]}
    )
    metrics = {
        "resistance": grid.name,
        "cores": names,
        "neighbors": neighbors,
        "cwd_cutoff": cwd_cutoff,
        "corridor_pct": None if cwd_cutoff is not None else corridor_pct,
        "links": links.to_dict(orient="records"),
        "core_centrality": dict(zip(names, core_frame["current_flow_centrality"], strict=True)),
        "all_to_one": all_to_one,
        "units": {
            "cost_distance": "cost units (resistance x metres)",
            "effective_resistance": "ohms of the per-cell resistance (Circuitscape)",
            "pinchpoints": "amperes, 1 A per link",
        },
    }
    return PinchPointResult(links, core_frame, pinch, a2o, link, metrics)


def _local_cells(mask: np.ndarray, r0: int, r1: int, c0: int, c1: int, width: int) -> np.ndarray:
    rr, cc = np.nonzero(mask[r0:r1, c0:c1])
    return np.asarray(rr * width + cc, dtype=np.int64)
