"""Linkage network among N core areas (the idea of Linkage Mapper's ``Build Network``).

For every pair of cores: the least-cost distance and path (cost distance from one core,
walked back from the cheapest cell of the other). A link whose path passes through a third
core is **dropped**: that connection is already made by the two links through that core
(Linkage Mapper drops such "intermediate-core" links too). Pairs cut off from each other by
impassable cells get no link. The kept links form an undirected :mod:`networkx` graph whose
nodes are the cores.

Metrics per link: ``cost_distance`` (cost units = resistance x metres), ``path_length_m``,
``euclidean_m`` (edge to edge) and ``cwd_to_path_length_ratio`` (cost distance / path
length: the mean resistance on the path), as in Linkage Mapper's link table.

One cost-distance run per core (N runs, not N²); memory: the resistance and two grids.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange import palette
from leopardrange.errors import CRSError, SchemaError, SourceError

from .corridor import (
    ResistanceGrid,
    _outline,
    area_mask,
    base_map,
    read_resistance,
)
from .costdistance import cost_distance, least_cost_path, path_length_m, path_to_xy

__all__ = ["LinkageResult", "linkage_network"]

Progress = Callable[[str], None] | None

_LINK_COLUMNS = [
    "from_core",
    "to_core",
    "cost_distance",
    "path_length_m",
    "euclidean_m",
    "cwd_to_path_length_ratio",
]


@dataclass
class LinkageResult:
    """A linkage network (see :func:`linkage_network`).

    Attributes
    ----------
    cores : GeoDataFrame
        ``name``, ``area_km2`` (cells x cell area) and the geometry, in the grid's CRS.
    links : GeoDataFrame
        Kept links: ``from_core``, ``to_core``, ``cost_distance`` (cost units),
        ``path_length_m``, ``euclidean_m``, ``cwd_to_path_length_ratio``; lines from the
        first core to the second.
    dropped : GeoDataFrame
        Links whose path crosses a third core, with ``via_cores`` naming them.
    unreachable : list of tuple of str
        Core pairs with no passable route between them.
    graph : networkx.Graph
        Nodes: core names (``area_km2``, ``x``, ``y``); edges: the kept links' metrics.
    grid : ResistanceGrid
    """

    cores: Any
    links: Any
    dropped: Any
    unreachable: list[tuple[str, str]]
    graph: Any
    grid: ResistanceGrid
    summary: dict[str, Any] = field(default_factory=dict)

    def write(self, out_dir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the network folder atomically.

        Files: ``linkages.gpkg`` (layers ``cores``, ``links``, ``dropped_links``),
        ``network.graphml``, ``network.json`` (networkx node-link data), ``map.png`` and
        ``metrics.json``.

        Parameters
        ----------
        out_dir : path
            Folder to create (replaced whole only with ``overwrite``).
        overwrite : bool, default False

        Returns
        -------
        Path

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.
        """
        import networkx as nx

        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            gpkg = tmp / "linkages.gpkg"
            self.cores.to_file(gpkg, layer="cores", driver="GPKG")
            self.links.to_file(gpkg, layer="links", driver="GPKG")
            self.dropped.to_file(gpkg, layer="dropped_links", driver="GPKG")
            nx.write_graphml(self.graph, tmp / "network.graphml")
            data = nx.node_link_data(self.graph, edges="links")
            write_json(tmp / "network.json", data)
            self.figure().savefig(tmp / "map.png", dpi=110)
            write_json(tmp / "metrics.json", self.summary)
        return Path(out_dir)

    def figure(self) -> Any:
        """A map of the cores and links (matplotlib Figure, no pyplot state)."""
        fig, ax = base_map(self.grid)
        xmin, ymin, xmax, ymax = (v / 1000 for v in self.grid.bounds)
        for _, core in self.cores.iterrows():
            _outline(ax, core.geometry, colour=palette.CORE.hex, label="")
            p = core.geometry.representative_point()
            ax.annotate(core["name"], (p.x / 1000, p.y / 1000), fontsize=7, ha="center")
        for frame, colour, style, label in (
            (self.links, palette.LEAST_COST_PATH.hex, "-", "link (least-cost path)"),
            (self.dropped, palette.DROPPED_LINK.hex, ":", "dropped: crosses another core"),
        ):
            for i, line in enumerate(frame.geometry):
                xy = np.asarray(line.coords) / 1000
                ax.plot(xy[:, 0], xy[:, 1], style, color=colour, lw=1.4,
                        label=label if i == 0 else None)  # fmt: skip
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_title(
            f"Linkage network: {len(self.cores)} cores, {len(self.links)} links "
            f"({len(self.dropped)} dropped)",
            fontsize=10,
        )
        if len(self.links) or len(self.dropped):
            ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        return fig


def _core_names(cores: Any, name_field: str | None) -> list[str]:
    if name_field is None:
        return [f"core {i + 1}" for i in range(len(cores))]
    if name_field not in cores.columns:
        fields = [c for c in cores.columns if c != cores.geometry.name]
        raise SchemaError(
            f"the cores have no field {name_field!r}; pass --name-field with one of: "
            f"{', '.join(fields) or '(no attribute fields)'}"
        )
    names = [str(v) for v in cores[name_field].tolist()]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SchemaError(
            f"core name {dup[0]!r} appears more than once in field {name_field!r}; core "
            "names must be unique (drop duplicates or choose another --name-field)"
        )
    return names


def linkage_network(
    resistance: str | os.PathLike[str] | ResistanceGrid,
    cores: Any,
    *,
    name_field: str | None = "name",
    neighbors: int = 8,
    progress: Progress = None,
) -> LinkageResult:
    """Pairwise least-cost links among core areas, without links through a third core.

    Parameters
    ----------
    resistance : path or ResistanceGrid
        Resistance GeoTIFF (cost units per metre) in a projected CRS; nodata is impassable.
    cores : GeoDataFrame
        One feature per core area (polygons or points), with a CRS; reprojected to the
        raster's CRS.
    name_field : str or None, default "name"
        Field holding unique core names; None numbers the cores ("core 1", …).
    neighbors : {8, 16}, default 8
    progress : callable, optional
        Called with a short text before each cost-distance run.

    Returns
    -------
    LinkageResult

    Raises
    ------
    SchemaError
        ``name_field`` missing or its names not unique.
    SourceError
        Fewer than two cores; a core outside the grid, covering no cell or only nodata; two
        cores sharing cells.
    CRSError, ResistanceError
        As for :func:`~leopardrange.corridors.least_cost_corridor`.
    """
    import geopandas as gpd
    import networkx as nx
    import shapely

    from leopardrange.crs import crs_string

    if len(cores) < 2:
        raise SourceError(f"a linkage network needs at least two cores, got {len(cores)}")
    grid = resistance if isinstance(resistance, ResistanceGrid) else read_resistance(resistance)
    names = _core_names(cores, name_field)
    if cores.crs is None:
        raise CRSError(
            "the cores layer has no CRS; set it (GeoDataFrame.set_crs, or --assume-crs) so it "
            "can be matched to the resistance raster"
        )
    frame = cores.to_crs(grid.crs.to_wkt())
    geoms = list(frame.geometry)
    masks = [area_mask(frame.iloc[[i]], grid, role=f"core {names[i]!r}") for i in range(len(geoms))]
    labels = np.zeros(grid.shape, dtype=np.int32)
    for i, m in enumerate(masks):
        clash = np.unique(labels[m])
        clash = clash[clash > 0]
        if clash.size:
            other = names[int(clash[0]) - 1]
            raise SourceError(
                f"cores {other!r} and {names[i]!r} overlap ({int((labels[m] > 0).sum()):,} "
                "shared cells); merge them or drop one"
            )
        labels[m] = i + 1
    cell_km2 = grid.cell_area_km2
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    unreachable: list[tuple[str, str]] = []
    n = len(geoms)
    for i in range(n - 1):
        if progress:
            progress(f"cost distance from {names[i]} ({i + 1} of {n - 1})")
        cwd = cost_distance(
            grid.values, masks[i], cell_size_m=grid.cell_size_m, neighbors=neighbors
        )
        for j in range(i + 1, n):
            at = cwd[masks[j]]
            if not np.isfinite(at).any():
                unreachable.append((names[i], names[j]))
                continue
            cells = least_cost_path(
                cwd, grid.values, masks[j], cell_size_m=grid.cell_size_m, neighbors=neighbors
            )
            lcd = float(np.min(at[np.isfinite(at)]))
            length = path_length_m(cells, grid.cell_size_m)
            on = set(np.unique(labels[cells[:, 0], cells[:, 1]]).tolist()) - {0, i + 1, j + 1}
            row = {
                "from_core": names[i],
                "to_core": names[j],
                "cost_distance": lcd,
                "path_length_m": length,
                "euclidean_m": float(geoms[i].distance(geoms[j])),
                "cwd_to_path_length_ratio": lcd / length,  # > 0: the cores are disjoint
                "geometry": shapely.LineString(path_to_xy(cells, grid.transform)),
            }
            if on:
                row["via_cores"] = ", ".join(names[k - 1] for k in sorted(on))
                dropped.append(row)
            else:
                kept.append(row)
        del cwd
    crs = grid.crs.to_wkt()
    links = gpd.GeoDataFrame(
        kept, columns=[*_LINK_COLUMNS, "geometry"], geometry="geometry", crs=crs
    )
    dropped_frame = gpd.GeoDataFrame(
        dropped, columns=[*_LINK_COLUMNS, "via_cores", "geometry"], geometry="geometry", crs=crs
    )
    areas = [float(m.sum()) * cell_km2 for m in masks]
    core_frame = gpd.GeoDataFrame({"name": names, "area_km2": areas}, geometry=geoms, crs=crs)
    crs_text = crs_string(grid.crs, fallback="proj4")
    graph = nx.Graph(crs=crs_text, resistance=grid.name, neighbors=neighbors)
    for name, area, geom in zip(names, areas, geoms, strict=True):
        p = geom.representative_point()
        graph.add_node(name, area_km2=area, x=float(p.x), y=float(p.y))
    for row in kept:
        graph.add_edge(
            row["from_core"],
            row["to_core"],
            **{k: float(row[k]) for k in _LINK_COLUMNS[2:]},
        )
    summary = {
        "resistance": grid.name,
        "crs": crs_text,
        "neighbors": neighbors,
        "cores": names,
        "links_kept": len(kept),
        "links_dropped": len(dropped),
        "pairs_unreachable": [list(p) for p in unreachable],
        "connected_components": nx.number_connected_components(graph),
        "links": [
            {k: v for k, v in row.items() if k != "geometry"} | {"kept": keep}
            for rows, keep in ((kept, True), (dropped, False))
            for row in rows
        ],
        "units": {
            "cost_distance": "cost units (resistance x metres)",
            "cwd_to_path_length_ratio": "cost units per metre (mean resistance on the path)",
        },
    }
    return LinkageResult(
        cores=core_frame,
        links=links,
        dropped=dropped_frame,
        unreachable=unreachable,
        graph=graph,
        grid=grid,
        summary=summary,
    )
