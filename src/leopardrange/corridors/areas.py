"""Areas on a resistance grid: their names, their cells, and what to do where they overlap.

Names
    Sources, targets and cores are named from a field: ``name_field`` when given (absent: an
    error listing the fields), else the first of :data:`NAME_FIELDS` the layer has (``NAME``
    of the WDPA, ``NAME_ENG``, …), else the layer's name — never a file path.
Cells
    :func:`area_mask` burns an area onto the grid: polygons take the cells whose centre they
    hold; points, lines and polygons smaller than two cells every cell they touch.
Overlap
    Two areas sharing cells cannot be joined by a corridor. :func:`resolve_overlap` refuses
    them (the default), subtracts one from the other (``"subtract"``: the target minus the
    source where the source's cost distance reaches the target, and the source minus the target
    where the target's reaches the source), or takes them as one area (``"dissolve"``: they are
    connected, at no cost). :func:`dissolve_overlaps` merges overlapping cores of a network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from leopardrange.errors import SchemaError, SourceError, UnreachableError

from .costdistance import _geometries

__all__ = [
    "NAME_FIELDS",
    "OVERLAP_MODES",
    "Overlap",
    "area_label",
    "area_mask",
    "area_names",
    "check_overlap_mode",
    "dissolve_overlaps",
    "find_name_field",
    "resolve_overlap",
    "union",
    "unreachable_error",
]

#: Fields that name an area, tried in this order when no name field is given.
NAME_FIELDS: tuple[str, ...] = ("name", "NAME", "Name", "NAME_ENG", "ORIG_NAME")
#: How overlapping source and target areas are handled.
OVERLAP_MODES: tuple[str, ...] = ("refuse", "dissolve", "subtract")


# ------------------------------------------------------------------------------ names


def find_name_field(
    frame: Any, name_field: str | None = None, *, what: str = "layer"
) -> str | None:
    """The field that names the features of ``frame``.

    Parameters
    ----------
    frame : GeoDataFrame
    name_field : str, optional
        The field to use; absent from ``frame`` is an error.
    what : str
        How to name the layer in messages.

    Returns
    -------
    str or None
        ``name_field``, else the first of :data:`NAME_FIELDS` present, else None.

    Raises
    ------
    SchemaError
        ``name_field`` is not a field of ``frame`` (the message lists its fields).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wdpa = gpd.GeoDataFrame({"WDPAID": [1], "NAME": ["Kedrovaya Pad"]},
    ...                         geometry=[shapely.box(0, 0, 1, 1)], crs=3857)
    >>> find_name_field(wdpa)
    'NAME'
    """
    columns = [c for c in frame.columns if c != frame.geometry.name]
    if name_field is not None:
        if name_field not in columns:
            raise SchemaError(
                f"{what} has no field {name_field!r}; pass --name-field with one of: "
                f"{', '.join(map(str, columns)) or '(no attribute fields)'}"
            )
        return name_field
    return next((f for f in NAME_FIELDS if f in columns), None)


def _layer_name(frame: Any, default: str) -> str:
    """The layer's name from ``attrs['source']`` (``PATH:LAYER``), never the path."""
    from pathlib import Path

    source = str(getattr(frame, "attrs", {}).get("source", "") or "")
    if not source:
        return default
    _, sep, layer = source.rpartition(":")
    if sep and layer and not layer.startswith(("\\", "/")):
        return layer
    return Path(source).stem or default


def area_names(
    frame: Any, name_field: str | None = None, *, what: str = "layer", default: str = "area"
) -> list[str]:
    """One name per feature: its name field, else ``"<layer> 1"``, ``"<layer> 2"``, ….

    Empty and missing names are numbered too.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cores = gpd.GeoDataFrame({"NAME_ENG": ["Land of the Leopard", None]},
    ...                          geometry=[shapely.box(0, 0, 1, 1)] * 2, crs=3857)
    >>> area_names(cores, default="core")
    ['Land of the Leopard', 'core 2']
    """
    field = find_name_field(frame, name_field, what=what)
    base = _layer_name(frame, default)
    values = frame[field].tolist() if field is not None else [None] * len(frame)
    names = []
    for i, value in enumerate(values):
        text = "" if value is None or value != value else str(value).strip()
        names.append(text or f"{base} {i + 1}")
    return names


def area_label(
    frame: Any, name_field: str | None = None, *, what: str = "layer", default: str = "area"
) -> str:
    """One name for all features of an area: their names joined, else the layer's name.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"NAME": ["A", "B", "C", "D"]},
    ...                          geometry=[shapely.box(0, 0, 1, 1)] * 4, crs=3857)
    >>> area_label(parks)
    'A + B + C …'
    >>> area_label(parks[[]].set_geometry(parks.geometry), default="source")
    'source'
    """
    if not hasattr(frame, "columns"):
        return default
    field = find_name_field(frame, name_field, what=what)
    if field is None:
        return _layer_name(frame, default)
    names = list(dict.fromkeys(area_names(frame, field, what=what, default=default)))
    return " + ".join(names[:3]) + (" …" if len(names) > 3 else "")


# ------------------------------------------------------------------------------ cells


def union(areas: Any, crs: Any) -> Any:
    """The union of the areas' geometries in ``crs`` (GeoDataFrames are reprojected).

    Examples
    --------
    >>> import shapely
    >>> union([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], "EPSG:32645").area
    2.0
    """
    import shapely

    return shapely.union_all([g for g in _geometries(areas, crs) if g is not None])


def area_mask(areas: Any, grid: Any, *, role: str) -> np.ndarray:
    """Cells of the grid covered by an area (a source, a target, a core).

    Polygons take the cells whose centre they contain; points, lines and polygons smaller
    than two cells take every cell they touch, so none vanishes.

    Parameters
    ----------
    areas : GeoDataFrame, GeoSeries or shapely geometries
        Reprojected to the grid's CRS when they carry another; bare geometries must be in it.
    grid : ResistanceGrid
    role : str
        How to name the area in messages, e.g. ``"source 'Kedrovaya Pad'"``.

    Returns
    -------
    ndarray of bool, shape (rows, cols)

    Raises
    ------
    SourceError
        No geometry, one lying outside the grid, none covering a cell, or all of the
        covered cells on nodata.

    Examples
    --------
    >>> import shapely
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors.corridor import ResistanceGrid
    >>> grid = ResistanceGrid(np.ones((3, 4)), from_origin(0, 300, 100, 100), "EPSG:32645",
    ...                       (100.0, 100.0), "R.tif")
    >>> area_mask(shapely.box(0, 100, 200, 300), grid, role="source").astype(int).tolist()
    [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]
    """
    import shapely
    from rasterio import features

    geoms = [g for g in _geometries(areas, grid.crs) if g is not None and not g.is_empty]
    if not geoms:
        raise SourceError(f"the {role} has no geometry (an empty layer or empty shapes)")
    box = shapely.box(*grid.bounds)
    for i, g in enumerate(geoms):
        if not g.intersects(box):
            g_bounds = tuple(round(b) for b in g.bounds)
            r_bounds = tuple(round(b) for b in grid.bounds)
            raise SourceError(
                f"the {role} (geometry {i + 1} of {len(geoms)}, bounds {g_bounds}) lies outside "
                f"the resistance grid '{grid.name}' (bounds {r_bounds}); clip it or extend the "
                "grid"
            )
    cell_area = abs(grid.transform.a * grid.transform.e)
    mask = np.zeros(grid.shape, dtype=np.uint8)
    for touched in (False, True):
        group = [g for g in geoms if (g.area < 2 * cell_area) == touched]
        if group:
            features.rasterize(
                ((g, 1) for g in group), out=mask, transform=grid.transform, all_touched=touched
            )
    cells = mask.astype(bool)
    if not cells.any():
        raise SourceError(f"the {role} covers no cell of the resistance grid '{grid.name}'")
    if np.isnan(grid.values[cells]).all():
        why = f" ({grid.impassable_note})" if grid.impassable_note else ""
        raise SourceError(
            f"the {role} lies entirely on nodata (impassable) cells of '{grid.name}'{why}; "
            "move it onto passable cells"
        )
    return cells


# ---------------------------------------------------------------------------- overlap


@dataclass(frozen=True)
class Overlap:
    """How two areas' shared cells were handled (recorded in metrics.json as ``overlap``).

    Attributes
    ----------
    mode : {"refuse", "dissolve", "subtract"}
    shared_cells : int
        Cells both areas cover.
    shared_km2 : float
        Their area (cells x cell area).
    note : str
        What was done, in one sentence.

    Examples
    --------
    >>> a = np.array([[1, 1, 0, 0]], dtype=bool)
    >>> b = np.array([[0, 1, 1, 0]], dtype=bool)
    >>> done = resolve_overlap(a, b, mode="dissolve", cell_area_km2=0.01).overlap
    >>> done.mode, done.shared_cells, done.shared_km2
    ('dissolve', 1, 0.01)
    """

    mode: str
    shared_cells: int
    shared_km2: float
    note: str

    def to_json_dict(self) -> dict[str, Any]:
        """The record written to metrics.json.

        Examples
        --------
        >>> Overlap("refuse", 0, 0.0, "the areas do not overlap").to_json_dict()["mode"]
        'refuse'
        """
        return {
            "mode": self.mode,
            "shared_cells": self.shared_cells,
            "shared_km2": self.shared_km2,
            "note": self.note,
        }


@dataclass(frozen=True)
class OverlapMasks:
    """Where each cost distance starts and which cells it must reach.

    Attributes
    ----------
    source, target : ndarray of bool
        The cells the source's and the target's cost distances start from.
    target_end, source_end : ndarray of bool
        The cells where the source's cost distance reaches the target (the least-cost
        distance and path end there), and where the target's reaches the source.
    overlap : Overlap
    """

    source: np.ndarray
    target: np.ndarray
    target_end: np.ndarray
    source_end: np.ndarray
    overlap: Overlap


def check_overlap_mode(mode: str) -> str:
    """``mode`` when it is one of :data:`OVERLAP_MODES`, else a ValueError naming them.

    Examples
    --------
    >>> check_overlap_mode("subtract")
    'subtract'
    """
    if mode not in OVERLAP_MODES:
        raise ValueError(f"overlap must be one of {', '.join(OVERLAP_MODES)}, got {mode!r}")
    return mode


def resolve_overlap(
    a: np.ndarray,
    b: np.ndarray,
    *,
    mode: str = "refuse",
    names: Sequence[str] = ("source", "target"),
    cell_area_km2: float = 0.0,
) -> OverlapMasks:
    """Decide what two area masks become where they share cells.

    Parameters
    ----------
    a, b : ndarray of bool
        The source's and the target's cells.
    mode : {"refuse", "dissolve", "subtract"}, default "refuse"
        ``refuse``: overlapping areas are an error. ``subtract``: the source's cost distance
        runs to the target minus the source, the target's to the source minus the target.
        ``dissolve``: the two are one area (``target_end`` is then the shared cells).
    names : (str, str)
        The areas' names, for messages.
    cell_area_km2 : float
        Area of one cell, for the record.

    Returns
    -------
    OverlapMasks

    Raises
    ------
    SourceError
        Overlapping areas with ``refuse``; ``subtract`` leaving an area empty.

    Examples
    --------
    >>> a = np.array([[1, 1, 0, 0]], dtype=bool); b = np.array([[0, 1, 1, 0]], dtype=bool)
    >>> m = resolve_overlap(a, b, mode="subtract")
    >>> m.target_end.astype(int).tolist(), m.source_end.astype(int).tolist(), m.overlap.shared_cells
    ([[0, 0, 1, 0]], [[1, 0, 0, 0]], 1)
    """
    check_overlap_mode(mode)
    shared = a & b
    n = int(shared.sum())
    km2 = n * cell_area_km2
    src, tgt = (repr(str(v)) for v in names)
    if n == 0:
        note = "the source and the target do not overlap"
        return OverlapMasks(a, b, b, a, Overlap(mode, 0, 0.0, note))
    what = f"the source {src} and the target {tgt} overlap ({n:,} shared cells, {km2:,.4g} km²)"
    if mode == "refuse":
        raise SourceError(
            f"{what}; a corridor needs two separate areas: pass --overlap subtract (the target "
            "minus the source) or --overlap dissolve (one area, connected at no cost), or pick "
            "other areas"
        )
    if mode == "dissolve":
        note = f"{what}: dissolved into one area, connected at no cost (no corridor)"
        both = a | b
        return OverlapMasks(both, both, shared, shared, Overlap(mode, n, km2, note))
    target_end, source_end = b & ~a, a & ~b
    for rest, role, other in ((target_end, "target", "source"), (source_end, "source", "target")):
        if not rest.any():
            raise SourceError(
                f"{what}, and --overlap subtract leaves the {role} empty: it lies entirely "
                f"inside the {other}; use --overlap dissolve, or pick other areas"
            )
    note = (
        f"{what}: the source's cost distance runs to the target minus the source, the "
        "target's to the source minus the target"
    )
    return OverlapMasks(a, b, target_end, source_end, Overlap(mode, n, km2, note))


def dissolve_overlaps(
    masks: Sequence[np.ndarray], names: Sequence[str]
) -> tuple[list[list[int]], list[np.ndarray]]:
    """Group cores whose cells overlap (transitively) and merge each group's cells.

    Parameters
    ----------
    masks : sequence of ndarray of bool
        One mask per core.
    names : sequence of str
        The cores' names (for the order of groups only).

    Returns
    -------
    groups : list of list of int
        Indices of the cores merged into each new core, in input order.
    merged : list of ndarray of bool
        The new cores' cells.

    Examples
    --------
    >>> m = [np.array([1, 1, 0, 0, 0], bool), np.array([0, 1, 1, 0, 0], bool),
    ...      np.array([0, 0, 0, 0, 1], bool)]
    >>> dissolve_overlaps(m, ["a", "b", "c"])[0]
    [[0, 1], [2]]
    """
    n = len(masks)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = np.full(masks[0].shape if n else (0,), -1, dtype=np.int64)
    for i, m in enumerate(masks):
        for j in np.unique(owner[m]):
            if j >= 0:
                parent[root(int(j))] = root(i)
        owner[m] = i
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    ordered = sorted(groups.values(), key=lambda g: g[0])
    del names
    merged = [np.logical_or.reduce([masks[i] for i in g]) for g in ordered]
    return ordered, merged


def unreachable_error(
    grid: Any, a: np.ndarray, b: np.ndarray, *, roles: tuple[str, str]
) -> UnreachableError:
    """An :class:`UnreachableError` that says why ``b`` cannot be reached from ``a``.

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors.corridor import ResistanceGrid
    >>> values = np.array([[1.0, np.nan, 1.0]])
    >>> grid = ResistanceGrid(values, from_origin(0, 100, 100, 100), "EPSG:32645",
    ...                       (100.0, 100.0), "R.tif")
    >>> a, b = np.array([[1, 0, 0]], bool), np.array([[0, 0, 1]], bool)
    >>> str(unreachable_error(grid, a, b, roles=("source", "target")))[:60]
    'the target is separated from the source by nodata (impassabl'
    """
    from scipy import ndimage

    passable = ~np.isnan(grid.values)
    labels, _ = ndimage.label(passable, structure=np.ones((3, 3), dtype=bool))
    la = set(np.unique(labels[a & passable]).tolist()) - {0}
    lb = set(np.unique(labels[b & passable]).tolist()) - {0}
    where = (
        f"; in '{grid.name}' nodata comes from: {grid.impassable_note}"
        if grid.impassable_note
        else ""
    )
    if not la & lb:
        return UnreachableError(
            f"the {roles[1]} is separated from the {roles[0]} by nodata (impassable) cells — "
            f"sea, outside the data, or a barrier with an impassable cost{where}; no cost "
            "distance exists (nothing written)"
        )
    return UnreachableError(  # pragma: no cover - only with max_cost, which is not used here
        f"the {roles[1]} cannot be reached from the {roles[0]} within the cost limit"
    )
