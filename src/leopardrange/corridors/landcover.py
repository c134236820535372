"""A land-cover raster on a resistance grid, read with its legend; the path's habitat share.

The raster is read onto the grid (as it is when its cells are the grid's, else warped with
nearest-neighbour resampling, which keeps class codes), its values are checked against the
legend (:mod:`.legend`: values the legend does not know are an error naming them), and the
legend's nodata values count as unknown land cover.

``path_habitat_pct``
    The share of a least-cost path's length on habitat classes, among the path cells whose
    land cover is known. Each path cell stands for half of each of its two steps (the first
    and last cells for half a step), so the shares are shares of length, not of cells.
``path_landcover_known_pct``
    The share of the path's length where the land cover is known.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._ongrid import warp_to_grid
from .legend import Legend, habitat_selection

__all__ = ["LandCover", "cell_weights", "read_landcover"]


def cell_weights(path: np.ndarray, cell_size_m: tuple[float, float]) -> np.ndarray:
    """Length (m) each cell of a path stands for: half of each step it ends.

    Parameters
    ----------
    path : ndarray of int, shape (n, 2)
        ``(row, col)`` cells of a path.
    cell_size_m : (float, float)
        Cell width and height in metres.

    Returns
    -------
    ndarray of float64, shape (n,)
        Sums to the path's length.

    Examples
    --------
    >>> cell_weights(np.array([[0, 0], [0, 1], [1, 2]]), (100.0, 100.0)).round(1).tolist()
    [50.0, 120.7, 70.7]
    """
    d = np.diff(np.asarray(path, dtype=np.float64), axis=0)
    steps = np.hypot(d[:, 0] * cell_size_m[1], d[:, 1] * cell_size_m[0])
    w = np.zeros(len(path))
    w[:-1] += steps / 2
    w[1:] += steps / 2
    return w


@dataclass(frozen=True)
class LandCover:
    """A land-cover raster on a grid.

    Attributes
    ----------
    codes : ndarray of float64, shape (rows, cols)
        Class codes; NaN where unknown (the raster's nodata, outside it, the legend's nodata).
    legend : Legend
        The legend and habitat classes it is read with.
    path : Path
        The raster file.
    resampled : bool
        False when the raster's own cells were read (its grid is the grid).

    Examples
    --------
    >>> from leopardrange.corridors.legend import read_legend
    >>> lc = LandCover(np.array([[10.0, 30.0], [10.0, np.nan]]), read_legend("worldcover"),
    ...                Path("lc.tif"), resampled=False)
    >>> lc.legend.class_name(10), int(lc.habitat.sum())
    ('Tree cover', 2)
    """

    codes: np.ndarray
    legend: Legend
    path: Path
    resampled: bool

    @property
    def habitat(self) -> np.ndarray:
        """Cells on a habitat class (bool).

        Examples
        --------
        >>> from leopardrange.corridors.legend import habitat_selection
        >>> lc = LandCover(np.array([[1.0, 2.0]]), habitat_selection(habitat_classes=[2]),
        ...                Path("lc.tif"), False)
        >>> lc.habitat.tolist()
        [[False, True]]
        """
        classes = np.asarray(self.legend.habitat_classes, dtype=np.float64)
        return np.asarray(np.isin(self.codes, classes))

    def path_shares(
        self, cells: np.ndarray, cell_size_m: tuple[float, float]
    ) -> tuple[float | None, float]:
        """``(path_habitat_pct, path_landcover_known_pct)`` of a cell path.

        ``path_habitat_pct`` is None where no path cell has a known land cover; both are
        None-free for a one-cell path (its single cell decides).

        Examples
        --------
        >>> from leopardrange.corridors.legend import habitat_selection
        >>> lc = LandCover(np.array([[1.0, 2.0, np.nan]]), habitat_selection(habitat_classes=[1]),
        ...                Path("lc.tif"), False)
        >>> lc.path_shares(np.array([[0, 0], [0, 1], [0, 2]]), (10.0, 10.0))  # 5, 10 and 5 m
        (33.3..., 75.0)
        """
        rows, cols = cells[:, 0], cells[:, 1]
        w = cell_weights(cells, cell_size_m) if len(cells) > 1 else np.ones(len(cells))
        known = np.isfinite(self.codes[rows, cols])
        total, known_len = float(w.sum()), float(w[known].sum())
        if known_len == 0:
            return None, 0.0
        on = known & self.habitat[rows, cols]
        return 100.0 * float(w[on].sum()) / known_len, 100.0 * known_len / total

    def record(self) -> dict[str, Any]:
        """What metrics.json says about the land cover and its legend.

        Examples
        --------
        >>> from leopardrange.corridors.legend import read_legend
        >>> LandCover(np.ones((1, 1)), read_legend("igbp"), Path("lc.tif"), True).record()[
        ...     "habitat_classes"]
        [1, 2, 3, 4, 5]
        """
        return {
            "landcover": self.path.name,
            "landcover_resampled": self.resampled,
            "legend": self.legend.to_json_dict(),
            "habitat_classes": list(self.legend.habitat_classes),
        }


def read_landcover(
    path: str | os.PathLike[str],
    grid: Any,
    *,
    legend: Legend | str | os.PathLike[str] | None = None,
    habitat_classes: Iterable[int] | str | None = None,
) -> LandCover:
    """Read a land-cover raster onto a grid, checked against its legend.

    Parameters
    ----------
    path : path
        Single-band class raster with a CRS.
    grid : ResistanceGrid or RasterGrid
        Anything with ``shape``, ``transform`` and ``crs``.
    legend : Legend, str or path, optional
        ``"igbp"``, ``"worldcover"``, ``"corine"``, a legend file or a :class:`Legend`.
    habitat_classes : iterable of int or str, optional
        Habitat classes (overriding the legend's; without a legend, the only classes named).

    Returns
    -------
    LandCover

    Raises
    ------
    LegendError
        Neither a legend nor habitat classes (a land cover is never assumed to be IGBP);
        habitat classes the legend lacks; raster values the legend does not know (all named).
    DataSourceError, CRSError
        A missing, unreadable or CRS-less raster.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> from leopardrange.corridors import read_resistance
    >>> from leopardrange.corridors.grid import recipe_grid
    >>> from leopardrange.corridors.recipe import GridSpec
    >>> grid = recipe_grid(GridSpec(bounds=(130.5, 42.5, 131.5, 43.5), resolution_m=5000))
    >>> lc = read_landcover(datasets.path("landcover"), grid, legend="igbp")
    >>> lc.legend.habitat_classes, lc.resampled
    ((1, 2, 3, 4, 5), True)
    """
    chosen = habitat_selection(legend, habitat_classes)
    p = Path(path)
    codes, _, resampled = warp_to_grid(
        p, shape=grid.shape, transform=grid.transform, crs=grid.crs, resampling="nearest",
        what="the land cover",
    )  # fmt: skip
    chosen.check_values(np.unique(codes[np.isfinite(codes)]), what=f"land cover '{p.name}'")
    if chosen.nodata:
        codes[np.isin(codes, np.asarray(chosen.nodata, dtype=np.float64))] = np.nan
    return LandCover(codes=codes, legend=chosen, path=p, resampled=resampled)
