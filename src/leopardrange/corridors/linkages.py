"""Linkage network among N core areas (the idea of Linkage Mapper's ``Build Network``).

For every pair of cores: the least-cost distance and path (cost distance from one core,
walked back from the cheapest cell of the other) and the corridor between them. A link whose
path passes through a third core is **dropped**: that connection is already made by the two
links through that core (Linkage Mapper drops such "intermediate-core" links too). Pairs cut
off from each other by impassable cells get no link. The kept links form an undirected
:mod:`networkx` graph whose nodes are the cores.

Cores that share cells (overlapping protected areas, e.g. a national park and a reserve inside
it) are dissolved into one core by default, named after them all ("A + B"); metrics.json lists
what was merged (``merged_cores``). ``overlap="refuse"`` makes them an error instead.

Every link carries the metrics of a corridor (:data:`.corridor.LINK_METRICS`):
``cost_distance`` (cost units = resistance x metres), ``path_length_m``, ``euclidean_m`` (edge
to edge), ``cwd_to_path_length_ratio`` (the mean resistance on the path), ``min_width_m``,
``corridor_area_km2``, ``path_cells`` and, with a land cover, ``path_habitat_pct``.

One cost-distance run per core (N runs, not N²); memory: the resistance and one float64 grid
per core (kept on disk in a temporary folder when they would pass 512 MB).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import CRSError, SchemaError, SourceError

from .areas import area_mask, area_names, dissolve_overlaps
from .corridor import (
    DEFAULT_CORRIDOR_PCT,
    LINK_METRICS,
    METRIC_UNITS,
    ResistanceGrid,
    landcover_metrics,
    link_metrics,
    path_line,
    read_resistance,
)
from .costdistance import cost_distance, least_cost_path
from .grid import DEFAULT_MAX_SCALE_ERROR_PCT
from .landcover import read_landcover
from .legend import Legend

__all__ = ["LINKAGE_OVERLAP_MODES", "LinkageResult", "linkage_network"]

Progress = Callable[[str], None] | None
#: How overlapping cores are handled: merged into one, or an error.
LINKAGE_OVERLAP_MODES = ("dissolve", "refuse")
_LINK_COLUMNS = ["from_core", "to_core", *LINK_METRICS]
_IN_MEMORY_BYTES = 512 * 1024**2


@dataclass
class LinkageResult:
    """A linkage network (see :func:`linkage_network`).

    Attributes
    ----------
    cores : GeoDataFrame
        ``name``, ``merged_from`` (the input cores a dissolved core joins, else its own name),
        ``area_km2`` (cells x cell area) and the geometry, in the grid's CRS.
    links : GeoDataFrame
        Kept links: ``from_core``, ``to_core`` and every corridor metric
        (:data:`~leopardrange.corridors.corridor.LINK_METRICS`); lines from the first core
        to the second.
    dropped : GeoDataFrame
        Links whose path crosses a third core, with ``via_cores`` naming them.
    unreachable : list of tuple of str
        Core pairs with no passable route between them.
    graph : networkx.Graph
        Nodes: core names (``area_km2``, ``x``, ``y``); edges: the kept links' metrics.
    grid : ResistanceGrid
    summary : dict
        metrics.json.
    credits : tuple of str
        Credits the data's licences ask for (e.g. "© OpenStreetMap contributors"), written
        on the map; the command line fills them from the inputs' metadata.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.ones((3, 8)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_300, 100, 100))
    >>> box = lambda x0, x1: shapely.box(500_000 + x0, 3_000_000, 500_000 + x1, 3_000_300)
    >>> cores = gpd.GeoDataFrame({"name": ["West", "East"]}, crs="EPSG:32645",
    ...                          geometry=[box(0, 200), box(600, 800)])
    >>> net = linkage_network(tif, cores)
    >>> net.cores["area_km2"].tolist(), list(net.graph.edges), net.unreachable
    ([0.06, 0.06], [('West', 'East')], [])
    """

    cores: Any
    links: Any
    dropped: Any
    unreachable: list[tuple[str, str]]
    graph: Any
    grid: ResistanceGrid
    summary: dict[str, Any] = field(default_factory=dict)
    credits: tuple[str, ...] = ()

    def write(
        self,
        out_dir: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        extra: Callable[[Path], Any] | None = None,
    ) -> Path:
        """Write the network folder atomically.

        Files: ``linkages.gpkg`` (layers ``cores``, ``links``, ``dropped_links``),
        ``network.graphml``, ``network.json`` (networkx node-link data), ``map.png`` and
        ``metrics.json``.

        Parameters
        ----------
        out_dir : path
            Folder to create (replaced whole only with ``overwrite``).
        overwrite : bool, default False
        extra : callable, optional
            Called with the folder being written, before it is moved into place (e.g. to add
            a QGIS project).

        Returns
        -------
        Path

        Raises
        ------
        OutputExistsError
            ``out_dir`` exists and ``overwrite`` is False.

        Examples
        --------
        >>> import geopandas as gpd, shapely, tempfile, rasterio
        >>> from rasterio.transform import from_origin
        >>> from leopardrange.corridors import write_resistance
        >>> folder = Path(tempfile.mkdtemp())
        >>> write_resistance(np.ones((3, 6)), folder / "R.tif", crs="EPSG:32645",
        ...                  transform=from_origin(500_000, 3_000_300, 100, 100))
        PosixPath('.../R.tif')
        >>> cores = gpd.GeoDataFrame({"name": ["A", "B"]}, crs="EPSG:32645", geometry=[
        ...     shapely.Point(500_050, 3_000_150), shapely.Point(500_550, 3_000_150)])
        >>> out = linkage_network(folder / "R.tif", cores).write(folder / "net")
        >>> sorted(p.name for p in out.iterdir())
        ['linkages.gpkg', 'map.png', 'metrics.json', 'network.graphml', 'network.json']
        """
        import networkx as nx

        from leopardrange.crs import named_crs
        from leopardrange.documents import write_json
        from leopardrange.output import atomic_output_dir

        crs = named_crs(self.grid.crs)
        with atomic_output_dir(Path(out_dir), overwrite=overwrite) as tmp:
            gpkg = tmp / "linkages.gpkg"
            for frame, layer in (
                (self.cores, "cores"),
                (self.links, "links"),
                (self.dropped, "dropped_links"),
            ):
                frame.set_crs(crs, allow_override=True).to_file(gpkg, layer=layer, driver="GPKG")
            nx.write_graphml(_graphml_safe(self.graph), tmp / "network.graphml")
            data = nx.node_link_data(self.graph, edges="links")
            write_json(tmp / "network.json", data)
            self.figure().savefig(tmp / "map.png", dpi=110)
            write_json(tmp / "metrics.json", self.summary)
            if extra is not None:
                extra(tmp)
        return Path(out_dir)

    def figure(self) -> Any:
        """A map of the cores and links (matplotlib Figure, no pyplot state); see :mod:`.maps`."""
        from .maps import linkage_figure

        return linkage_figure(self)


def _graphml_safe(graph: Any) -> Any:
    """A copy without None attributes, which GraphML cannot hold."""
    out = graph.copy()
    for _, _, data in out.edges(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
    return out


class _CwdStore:
    """One cost-distance grid per core: in memory, or in a temporary folder when large."""

    def __init__(self, n: int, shape: tuple[int, int]) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if n * shape[0] * shape[1] * 8 > _IN_MEMORY_BYTES:
            self._tmp = tempfile.TemporaryDirectory(prefix="leopardrange-cwd-")
        self._grids: list[np.ndarray] = []

    def add(self, cwd: np.ndarray) -> None:
        if self._tmp is None:
            self._grids.append(cwd)
            return
        path = Path(self._tmp.name) / f"{len(self._grids)}.npy"
        stored = np.lib.format.open_memmap(path, mode="w+", dtype=cwd.dtype, shape=cwd.shape)
        stored[:] = cwd
        stored.flush()
        self._grids.append(stored)

    def __getitem__(self, i: int) -> np.ndarray:
        return self._grids[i]

    def close(self) -> None:
        self._grids.clear()
        if self._tmp is not None:
            self._tmp.cleanup()


def _shared_cells(masks: list[np.ndarray]) -> int:
    """Cells covered by two or more of the masks."""
    count = np.zeros(masks[0].shape, dtype=np.int32)
    for m in masks:
        count += m
    return int((count >= 2).sum())


def linkage_network(
    resistance: str | os.PathLike[str] | ResistanceGrid,
    cores: Any,
    *,
    name_field: str | None = None,
    neighbors: int = 8,
    corridor_pct: float = DEFAULT_CORRIDOR_PCT,
    overlap: str = "dissolve",
    landcover: str | os.PathLike[str] | None = None,
    legend: Legend | str | os.PathLike[str] | None = None,
    habitat_classes: Iterable[int] | str | None = None,
    max_scale_error_pct: float = DEFAULT_MAX_SCALE_ERROR_PCT,
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
    name_field : str, optional
        Field naming the cores; default the first of ``name``, ``NAME``, ``Name``,
        ``NAME_ENG``, ``ORIG_NAME`` present, else "core 1", "core 2", ….
    neighbors : {8, 16}, default 8
    corridor_pct : float, default 10
        Corridor cut-off of each link (for ``min_width_m`` and ``corridor_area_km2``).
    overlap : {"dissolve", "refuse"}, default "dissolve"
        Cores sharing cells are merged into one core ("A + B"), or an error.
    landcover, legend, habitat_classes
        A land-cover raster and its legend, for each link's ``path_habitat_pct`` (as for
        :func:`~leopardrange.corridors.least_cost_corridor`).
    max_scale_error_pct : float, default 1
        Refuse a grid whose projection's scale strays more than this from 1 (percent).
    progress : callable, optional
        Called with a short text before each cost-distance run.

    Returns
    -------
    LinkageResult

    Raises
    ------
    SchemaError
        ``name_field`` missing (the message lists the fields) or names not unique.
    SourceError
        Fewer than two cores (after dissolving); a core outside the grid, covering no cell or
        only nodata; cores sharing cells with ``overlap="refuse"``.
    CRSError, ResistanceError, LegendError
        As for :func:`~leopardrange.corridors.least_cost_corridor`.

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.ones((5, 12)), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_500, 100, 100))
    >>> box = lambda x0, x1: shapely.box(500_000 + x0, 3_000_100, 500_000 + x1, 3_000_400)
    >>> parks = gpd.GeoDataFrame({"NAME": ["A", "B", "C"]}, crs="EPSG:32645",
    ...                          geometry=[box(0, 300), box(200, 500), box(900, 1200)])
    >>> net = linkage_network(tif, parks)
    >>> net.summary["merged_cores"][0]["core"], list(net.links["to_core"])
    ('A + B', ['C'])
    >>> link = net.links.iloc[0]
    >>> float(link["path_length_m"]), float(link["cwd_to_path_length_ratio"])
    (500.0, 1.0)
    """
    import geopandas as gpd
    import networkx as nx

    from leopardrange.crs import crs_label, crs_string

    if overlap not in LINKAGE_OVERLAP_MODES:
        modes = ", ".join(LINKAGE_OVERLAP_MODES)
        raise ValueError(f"overlap must be one of {modes}, got {overlap!r}")
    if len(cores) < 2:
        raise SourceError(f"a linkage network needs at least two cores, got {len(cores)}")
    if landcover is None and (legend is not None or habitat_classes is not None):
        raise ValueError("legend and habitat_classes describe a land cover: pass landcover too")
    grid = (
        resistance
        if isinstance(resistance, ResistanceGrid)
        else read_resistance(resistance, max_scale_error_pct=max_scale_error_pct)
    )
    names = area_names(cores, name_field, what="the cores layer", default="core")
    if cores.crs is None:
        raise CRSError(
            "the cores layer has no CRS; set it (GeoDataFrame.set_crs, or --assume-crs) so it "
            "can be matched to the resistance raster"
        )
    cover = (
        read_landcover(landcover, grid, legend=legend, habitat_classes=habitat_classes)
        if landcover is not None
        else None
    )
    frame = cores.to_crs(grid.crs.to_wkt())
    geoms = list(frame.geometry)
    each = [area_mask(frame.iloc[[i]], grid, role=f"core {names[i]!r}") for i in range(len(geoms))]
    groups, masks = dissolve_overlaps(each, names)
    merged = [g for g in groups if len(g) > 1]
    if merged and overlap == "refuse":
        first = merged[0]
        raise SourceError(
            f"cores {', '.join(repr(names[i]) for i in first)} overlap; merge them, drop one, or "
            "let linkages dissolve them (--overlap dissolve, the default)"
        )
    import shapely

    core_names = [" + ".join(dict.fromkeys(names[i] for i in g)) for g in groups]
    core_geoms = [shapely.union_all([geoms[i] for i in g]) for g in groups]
    dup = sorted({n for n in core_names if core_names.count(n) > 1})
    if dup:
        raise SchemaError(
            f"core name {dup[0]!r} appears more than once (cores that do not overlap); core "
            "names must be unique: drop duplicates or choose another --name-field"
        )
    if len(groups) < 2:
        raise SourceError(
            f"the cores overlap into a single core ({core_names[0]!r}); a network needs two"
        )
    labels = np.zeros(grid.shape, dtype=np.int32)
    for i, m in enumerate(masks):
        labels[m] = i + 1
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    unreachable: list[tuple[str, str]] = []
    n = len(groups)
    store = _CwdStore(n, grid.shape)
    try:
        for i in range(n):
            if progress:
                progress(f"cost distance from {core_names[i]} ({i + 1} of {n})")
            store.add(
                cost_distance(
                    grid.values, masks[i], cell_size_m=grid.cell_size_m, neighbors=neighbors
                )
            )
        for i in range(n - 1):
            cwd = store[i]
            for j in range(i + 1, n):
                at = cwd[masks[j]]
                if not np.isfinite(at).any():
                    unreachable.append((core_names[i], core_names[j]))
                    continue
                cells = least_cost_path(
                    cwd, grid.values, masks[j], cell_size_m=grid.cell_size_m, neighbors=neighbors
                )
                lcd = float(np.min(at[np.isfinite(at)]))
                metrics, _, _ = link_metrics(
                    grid, cwd, store[j], lcd, cells, a=masks[i], b=masks[j],
                    corridor_pct=corridor_pct, landcover=cover,
                )  # fmt: skip
                on = set(np.unique(labels[cells[:, 0], cells[:, 1]]).tolist()) - {0, i + 1, j + 1}
                row = {
                    "from_core": core_names[i],
                    "to_core": core_names[j],
                    **metrics,
                    "euclidean_m": float(core_geoms[i].distance(core_geoms[j])),
                    "geometry": path_line(cells, grid.transform),
                }
                if on:
                    row["via_cores"] = ", ".join(core_names[k - 1] for k in sorted(on))
                    dropped.append(row)
                else:
                    kept.append(row)
    finally:
        store.close()
    crs = grid.crs.to_wkt()
    links = gpd.GeoDataFrame(
        kept, columns=[*_LINK_COLUMNS, "geometry"], geometry="geometry", crs=crs
    )
    dropped_frame = gpd.GeoDataFrame(
        dropped, columns=[*_LINK_COLUMNS, "via_cores", "geometry"], geometry="geometry", crs=crs
    )
    areas = [float(m.sum()) * grid.cell_area_km2 for m in masks]
    core_frame = gpd.GeoDataFrame(
        {
            "name": core_names,
            "merged_from": [", ".join(names[i] for i in g) for g in groups],
            "area_km2": areas,
        },
        geometry=core_geoms,
        crs=crs,
    )
    crs_text = crs_string(grid.crs, fallback="proj4")
    graph = nx.Graph(crs=crs_text, resistance=grid.name, neighbors=neighbors)
    for name, area, geom in zip(core_names, areas, core_geoms, strict=True):
        p = geom.representative_point()
        graph.add_node(name, area_km2=area, x=float(p.x), y=float(p.y))
    for row in kept:
        graph.add_edge(
            row["from_core"],
            row["to_core"],
            **{k: (None if row[k] is None else float(row[k])) for k in _LINK_COLUMNS[2:]},
        )
    summary = {
        "resistance": grid.name,
        "crs": crs_text,
        "crs_label": crs_label(grid.crs),
        "max_scale_error_pct": grid.max_scale_error_pct,
        "neighbors": neighbors,
        "corridor_pct": float(corridor_pct),
        "cores": core_names,
        "merged_cores": [
            {
                "core": core_names[k],
                "merged_from": [names[i] for i in g],
                "shared_cells": _shared_cells([each[i] for i in g]),
            }
            for k, g in enumerate(groups)
            if len(g) > 1
        ],
        "links_kept": len(kept),
        "links_dropped": len(dropped),
        "pairs_unreachable": [list(p) for p in unreachable],
        "connected_components": nx.number_connected_components(graph),
        **landcover_metrics(cover),
        "links": [
            {k: v for k, v in row.items() if k != "geometry"} | {"kept": keep}
            for rows, keep in ((kept, True), (dropped, False))
            for row in rows
        ],
        "units": dict(METRIC_UNITS),
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
