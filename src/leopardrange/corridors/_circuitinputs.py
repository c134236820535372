"""Checked inputs of a circuit run: the habitat grid, focal ids, aligned rasters, pair files.

Every reader here returns arrays on the habitat's grid and raises one-line errors that name
the file, the cell or the id at fault and say how to fix it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from leopardrange.errors import CircuitError, CRSError, ResistanceError, SourceError

__all__ = [
    "FocalSet",
    "HabitatGrid",
    "aligned_raster",
    "focal_cells",
    "read_habitat",
    "read_pairs",
    "read_strengths",
]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class HabitatGrid:
    """A habitat raster in memory.

    Attributes
    ----------
    values : ndarray of float64, shape (rows, cols)
        Habitat values (resistance or conductance per cell, as read); NaN at nodata.
    transform : affine.Affine
        North-up geotransform with square cells.
    crs : rasterio.crs.CRS or None
        Projected CRS (None only for arrays given directly).
    name : str
        File name, for messages.
    """

    values: np.ndarray
    transform: Any
    crs: Any
    name: str

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return (int(self.values.shape[0]), int(self.values.shape[1]))

    @property
    def cell_size_m(self) -> float:
        """Cell side in the CRS's unit (metres for the projected CRSs accepted)."""
        return float(abs(self.transform.a))


def _first_bad(bad: np.ndarray, values: np.ndarray) -> str:
    row, col = (int(v) for v in np.argwhere(bad)[0])
    return f"e.g. row {row}, col {col}: {float(values[row, col])!r}"


def _check_values(values: np.ndarray, name: str) -> None:
    bad = ~np.isnan(values) & ~(np.isfinite(values) & (values > 0))
    if bad.any():
        raise ResistanceError(
            f"habitat '{name}' has {int(bad.sum())} cells that are zero, negative or infinite "
            f"outside nodata ({_first_bad(bad, values)}); habitat values must be positive and "
            "finite -- mark cells with no habitat as nodata (or use --short-circuit for cells "
            "of zero resistance)"
        )
    if np.isnan(values).all():
        raise ResistanceError(f"habitat '{name}' has no cell with data (all nodata)")


def read_habitat(habitat: Any, *, assume_crs: Any = None) -> HabitatGrid:
    """Read and check a habitat raster (path), or wrap an array / grid.

    Parameters
    ----------
    habitat : path, HabitatGrid or ndarray
        A single-band raster in a projected CRS with square cells; an array (NaN = nodata)
        is taken on a unit grid without a CRS.
    assume_crs : CRS, optional
        CRS for a raster that has none.

    Returns
    -------
    HabitatGrid

    Raises
    ------
    DataSourceError
        Missing or unreadable file.
    CRSError
        No CRS (and no ``assume_crs``), or a geographic CRS.
    ResistanceError
        Several bands; a rotated grid; non-square cells; values that are zero, negative, NaN
        or infinite outside nodata.

    Examples
    --------
    >>> read_habitat(np.ones((2, 2))).shape
    (2, 2)
    """
    if isinstance(habitat, HabitatGrid):
        return habitat
    if isinstance(habitat, np.ndarray):
        from affine import Affine

        values = np.asarray(habitat, dtype=np.float64)
        if values.ndim != 2:
            raise ResistanceError(f"the habitat array must be 2-D, got shape {values.shape}")
        _check_values(values, "array")
        return HabitatGrid(values, Affine.identity(), None, "array")
    from ._rasterfile import open_raster

    p = Path(habitat)
    with open_raster(p, label=f"habitat raster '{p.name}'") as src:
        if src.count != 1:
            raise ResistanceError(f"habitat raster '{p.name}' has {src.count} bands, not 1")
        crs = src.crs
        if crs is None and assume_crs is not None:
            from rasterio.crs import CRS

            crs = CRS.from_user_input(assume_crs)
        if crs is None:
            raise CRSError(
                f"habitat raster '{p.name}' has no CRS; assign it (or pass --assume-crs) -- a "
                "projected CRS with square cells"
            )
        if crs.is_geographic:
            raise CRSError(
                f"habitat raster '{p.name}' is in a geographic CRS ({crs.to_string()}, degrees) "
                "whose cells are not square on the ground; warp it to a projected equal-area CRS "
                "with square cells (e.g. `gdalwarp -t_srs EPSG:6933 -tr 1000 1000`)"
            )
        t = src.transform
        if t.b != 0 or t.d != 0:
            raise ResistanceError(f"habitat raster '{p.name}' has a rotated grid; warp it north-up")
        if not math.isclose(abs(t.a), abs(t.e), rel_tol=1e-6):
            raise ResistanceError(
                f"habitat raster '{p.name}' has cells of {abs(t.a):g} x {abs(t.e):g}; circuit "
                "theory on a raster needs square cells (the edge conductances assume them) -- "
                "warp it to square cells"
            )
        values = src.read(1).astype(np.float64)
        nodata = src.nodata
    if nodata is not None and not np.isnan(nodata):
        stray = np.isnan(values)
        if stray.any():
            raise ResistanceError(
                f"habitat '{p.name}' has {int(stray.sum())} NaN cells outside nodata "
                f"({_first_bad(stray, values)}); habitat values must be positive and finite -- "
                f"mark cells with no habitat as nodata ({nodata!r})"
            )
        values[values == nodata] = np.nan
    _check_values(values, p.name)
    return HabitatGrid(values, t, crs, p.name)


def aligned_raster(layer: Any, grid: HabitatGrid, *, what: str) -> np.ndarray:
    """A raster (path or array) on the habitat grid, as float64 with NaN at nodata.

    Raises
    ------
    CircuitError
        Another shape, transform or CRS than the habitat.
    """
    if isinstance(layer, np.ndarray):
        arr = np.asarray(layer, dtype=np.float64)
        if arr.shape != grid.shape:
            raise CircuitError(
                f"the {what} array has shape {arr.shape}, the habitat {grid.shape}; give one "
                "value per habitat cell"
            )
        return arr
    from ._rasterfile import open_raster

    p = Path(layer)
    with open_raster(p, label=f"{what} raster '{p.name}'") as src:
        same_crs = src.crs is None or grid.crs is None or src.crs == grid.crs
        if (src.height, src.width) != grid.shape or not (
            src.transform.almost_equals(grid.transform) and same_crs
        ):
            raise CircuitError(
                f"the {what} raster '{p.name}' is not on the habitat grid '{grid.name}' (shape "
                f"{src.height}x{src.width} vs {grid.shape[0]}x{grid.shape[1]}, or another "
                "transform or CRS); warp it to the habitat grid first"
            )
        arr = src.read(1).astype(np.float64)
        if src.nodata is not None and not np.isnan(src.nodata):
            arr[arr == src.nodata] = np.nan
    return np.asarray(arr)


def _ids_from_array(arr: np.ndarray, what: str) -> np.ndarray:
    vals = np.nan_to_num(arr, nan=0.0)
    frac = vals != np.round(vals)
    if frac.any():
        raise CircuitError(
            f"{what} ids must be integers; found {_first_bad(frac, vals)}; use whole numbers "
            "(0 or nodata for none)"
        )
    if (vals < 0).any():
        raise CircuitError(
            f"{what} ids must be positive integers; found {_first_bad(vals < 0, vals)} "
            "(0 or nodata for none)"
        )
    return np.asarray(vals, dtype=np.int64)


def _vector_ids(
    frame: Any, grid: HabitatGrid, field: str | None
) -> tuple[dict[int, np.ndarray], dict[int, str]]:
    """Cells of each focal id of a vector layer (ids may share cells), and the ids' names."""
    from rasterio import features

    if grid.crs is None:
        raise CRSError("vector focal layers need a habitat raster with a CRS")
    if frame.crs is None:
        raise CRSError("the focal layer has no CRS; set it or pass --assume-crs")
    frame = frame.to_crs(grid.crs.to_wkt())
    if field is None:
        ids = np.arange(1, len(frame) + 1)
    else:
        if field not in frame.columns:
            cols = [c for c in frame.columns if c != frame.geometry.name]
            raise CircuitError(
                f"the focal layer has no field {field!r}; pass --focal-field with one of: "
                f"{', '.join(cols) or '(no attribute fields)'}"
            )
        raw = frame[field].tolist()
        bad = [v for v in raw if not _is_number(v)]
        if bad:
            raise CircuitError(
                f"focal ids must be integers; field {field!r} holds {bad[0]!r}; use a field of "
                "integer ids, or omit --focal-field to number the features 1..N"
            )
        ids = np.array([float(v) for v in raw])
        ok = np.isfinite(ids) & (ids == np.round(ids)) & (ids > 0)
        if not ok.all():
            raise CircuitError(
                f"focal ids must be positive integers; field {field!r} holds "
                f"{raw[int(np.flatnonzero(~ok)[0])]!r}"
            )
        ids = ids.astype(np.int64)
    names: dict[int, str] = {}
    if "name" in frame.columns:
        for fid, name in zip(ids.tolist(), frame["name"].tolist(), strict=True):
            names.setdefault(int(fid), str(name))
    cells: dict[int, list[np.ndarray]] = {}
    cell_area = abs(grid.transform.a * grid.transform.e)
    for geom, fid in zip(frame.geometry, ids.tolist(), strict=True):
        if geom is None or geom.is_empty:
            continue
        mask = features.rasterize(
            [(geom, 1)],
            out_shape=grid.shape,
            transform=grid.transform,
            all_touched=bool(geom.area < 2 * cell_area),
            dtype="uint8",
        )
        cells.setdefault(int(fid), []).append(np.flatnonzero(mask.ravel()))
    return {k: np.unique(np.concatenate(v)) for k, v in cells.items()}, names


def _cells_by_id(ids: np.ndarray) -> dict[int, np.ndarray]:
    flat = ids.ravel()
    order = np.argsort(flat, kind="stable")
    uniq, starts = np.unique(flat[order], return_index=True)
    bounds = [*starts.tolist(), flat.size]
    return {
        int(fid): np.sort(order[bounds[k] : bounds[k + 1]])
        for k, fid in enumerate(uniq.tolist())
        if fid != 0
    }


@dataclass(frozen=True)
class FocalSet:
    """Focal ids: the flat indices of each id's cells, and names where the layer has them."""

    cells: dict[int, np.ndarray]
    names: dict[int, str]


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def focal_cells(
    focal: Any,
    grid: HabitatGrid,
    on_network: np.ndarray,
    *,
    field: str | None = None,
    assume_crs: Any = None,
) -> FocalSet:
    """Focal ids and the flat indices of their cells.

    Parameters
    ----------
    focal : path, ``PATH:LAYER``, GeoDataFrame, ndarray or mapping
        A raster of integer ids (0/nodata: none), or a vector layer: polygons become focal
        regions (the cells whose centre they hold; all touched cells for polygons under two
        cells), points their cell; features may share cells (then their ids share a node).
        A mapping gives each id's flat cell indices (``np.ravel_multi_index``).
    grid : HabitatGrid
    on_network : ndarray of bool
        Cells that are circuit nodes (habitat, or a habitat short-circuit region).
    field : str, optional
        Field of integer ids (vector layers); default: features numbered 1..N.

    Returns
    -------
    FocalSet
        With the ``name`` field's values of a vector layer as names.

    Raises
    ------
    CircuitError
        Ids that are not positive integers; a raster off the grid.
    SourceError
        A focal id with no cell on the grid, or only on nodata.
    """
    names: dict[int, str] = {}
    if isinstance(focal, Mapping):
        return FocalSet(_checked_mapping(focal, grid, on_network), {})
    if isinstance(focal, np.ndarray):
        cells = _cells_by_id(_ids_from_array(aligned_raster(focal, grid, what="focal"), "focal"))
        label = "focal array"
    elif hasattr(focal, "geometry"):
        cells, names = _vector_ids(focal, grid, field)
        label = "focal layer"
    else:
        from leopardrange.io import parse_layer_spec

        spec = parse_layer_spec(focal)
        suffix = spec.path.suffix.lower()
        if spec.layer is None and suffix in (".tif", ".tiff", ".asc", ".img", ".vrt"):
            raw = aligned_raster(spec.path, grid, what="focal")
            cells = _cells_by_id(_ids_from_array(raw, "focal"))
            label = f"focal raster '{spec.path.name}'"
        else:
            from leopardrange.io import read_layer

            frame = read_layer(str(focal), assume_crs=assume_crs)
            cells, names = _vector_ids(frame, grid, field)
            label = f"focal layer '{spec}'"
    if not cells:
        raise SourceError(f"the {label} has no focal id on the habitat grid '{grid.name}'")
    net = on_network.ravel()
    for fid, where in cells.items():
        if not net[where].any():
            row, col = divmod(int(where[0]), grid.shape[1])
            raise SourceError(
                f"focal id {fid} of the {label} lies on nodata of the habitat '{grid.name}' "
                f"(row {row}, col {col}); move it onto habitat or remove it"
            )
    return FocalSet(dict(sorted(cells.items())), names)


def _checked_mapping(
    focal: Mapping[Any, Any], grid: HabitatGrid, on_network: np.ndarray
) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    size = grid.shape[0] * grid.shape[1]
    for key, cells in focal.items():
        if not (_is_number(key) and float(key) == round(float(key)) and float(key) > 0):
            raise CircuitError(f"focal ids must be positive integers; got {key!r}")
        arr = np.unique(np.asarray(cells, dtype=np.int64).ravel())
        if arr.size == 0 or arr.min() < 0 or arr.max() >= size:
            raise SourceError(f"focal id {key} has no cell on the habitat grid '{grid.name}'")
        if not on_network.ravel()[arr].any():
            row, col = divmod(int(arr[0]), grid.shape[1])
            raise SourceError(
                f"focal id {key} lies on nodata of the habitat '{grid.name}' (row {row}, col "
                f"{col}); move it onto habitat or remove it"
            )
        out[int(float(key))] = arr
    return out


def _rows(path: Path, what: str) -> list[list[str]]:
    if not path.is_file():
        from leopardrange.errors import DataSourceError

        raise DataSourceError(f"{what} '{path}' does not exist")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.replace(",", " ").replace(";", " ").split()
        if parts and not parts[0].startswith("#"):
            rows.append(parts)
    return rows


def read_pairs(pairs: Any, ids: Iterable[int]) -> set[frozenset[int]]:
    """The pairs to solve from a pair file or an iterable of ``(id, id)``.

    File formats: lines of two ids (whitespace or comma separated; an optional first line
    ``mode include`` or ``mode exclude`` -- exclude solves every pair but those listed; a
    header line ``from,to`` is skipped), or Circuitscape's matrix (``min X`` and ``max Y``
    lines, then a matrix whose first row and column are ids; a pair is included when either
    of its entries is within [X, Y]).

    Raises
    ------
    CircuitError
        A malformed file, a pair naming an id that is not a focal id, or a pair of one id.
    """
    known = sorted(set(ids))
    mode = "include"
    listed: list[tuple[Any, Any]] = []
    if isinstance(pairs, (str, os.PathLike)):
        path = Path(pairs)
        rows = _rows(path, "pair file")
        if not rows:
            raise CircuitError(f"pair file '{path.name}' is empty")
        try:
            if rows[0][0].lower() == "min":
                lo, hi = float(rows[0][1]), float(rows[1][1])
                cols = [float(v) for v in rows[2][1:]]
                for row in rows[3:]:
                    for j, val in zip(cols, row[1:], strict=False):
                        if lo <= float(val) <= hi and float(row[0]) != j:
                            listed.append((row[0], j))
            else:
                if rows[0][0].lower() == "mode":
                    mode = rows[0][1].lower()
                    rows = rows[1:]
                    if mode not in ("include", "exclude"):
                        raise CircuitError(
                            f"pair file '{path.name}': mode must be include or exclude, got "
                            f"{mode!r}"
                        )
                if rows and not _is_number(rows[0][0]):
                    rows = rows[1:]  # header
                listed = [(r[0], r[1]) for r in rows]
        except (IndexError, ValueError) as exc:
            raise CircuitError(
                f"pair file '{path.name}' is malformed ({exc}); give lines of two focal ids "
                "or Circuitscape's min/max matrix"
            ) from None
        where = f"pair file '{path.name}'"
    else:
        listed = [tuple(p) for p in pairs]  # type: ignore[misc]
        where = "include_pairs"
    out: set[frozenset[int]] = set()
    for a, b in listed:
        for v in (a, b):
            if not _is_number(v) or float(v) != round(float(v)) or int(float(v)) not in known:
                raise CircuitError(
                    f"{where} names focal id {v!r}, which is not a focal id (ids: "
                    f"{', '.join(map(str, known[:12]))}{' …' if len(known) > 12 else ''})"
                )
        ia, ib = int(float(a)), int(float(b))
        if ia == ib:
            raise CircuitError(f"{where} pairs focal id {ia} with itself")
        out.add(frozenset((ia, ib)))
    if mode == "exclude":
        every = {frozenset((i, j)) for k, i in enumerate(known) for j in known[k + 1 :]}
        return every - out
    return out


def read_strengths(strengths: Any, ids: Iterable[int]) -> dict[int, float]:
    """Source strength per focal id (amperes) from a file of ``id strength`` lines or a mapping.

    Ids not listed keep strength 1.

    Raises
    ------
    CircuitError
        An unknown id, or a strength that is negative or not finite.
    """
    known = set(ids)
    if isinstance(strengths, Mapping):
        items = list(strengths.items())
        where = "source_strengths"
    else:
        path = Path(strengths)
        rows = _rows(path, "source-strength file")
        if rows and not _is_number(rows[0][0]):
            rows = rows[1:]
        try:
            items = [(r[0], r[1]) for r in rows]
        except IndexError:
            raise CircuitError(
                f"source-strength file '{path.name}' needs lines of 'id strength'"
            ) from None
        where = f"source-strength file '{path.name}'"
    out: dict[int, float] = {}
    for k, s in items:
        if not _is_number(k) or int(float(k)) not in known:
            raise CircuitError(f"{where} names focal id {k!r}, which is not a focal id")
        value = float(s) if _is_number(s) else math.nan
        if not (math.isfinite(value) and value >= 0):
            raise CircuitError(f"{where}: the strength of focal id {k} must be >= 0, got {s!r}")
        out[int(float(k))] = value
    return out
