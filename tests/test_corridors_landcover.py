"""Tests of leopardrange.corridors.landcover: path lengths per cell, habitat, reading a raster."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leopardrange import datasets
from leopardrange.corridors.grid import recipe_grid
from leopardrange.corridors.landcover import LandCover, cell_weights, read_landcover
from leopardrange.corridors.legend import read_legend
from leopardrange.corridors.recipe import GridSpec


def test_cell_weights_of_straight_and_diagonal_steps() -> None:
    # one 100 m step east, then one diagonal step of a 100 × 50 m cell
    w = cell_weights(np.array([[0, 0], [0, 1], [1, 2]]), (100.0, 50.0))
    diagonal = math.hypot(100.0, 50.0)
    assert w.tolist() == pytest.approx([50.0, 50.0 + diagonal / 2, diagonal / 2])


@given(st.lists(st.tuples(st.integers(-1, 1), st.integers(-1, 1)), min_size=1, max_size=30))
def test_cell_weights_sum_to_the_path_length(steps: list[tuple[int, int]]) -> None:
    path = np.cumsum(np.array([(0, 0), *steps]), axis=0)
    length = sum(math.hypot(dr * 30.0, dc * 20.0) for dr, dc in steps)
    assert cell_weights(path, (20.0, 30.0)).sum() == pytest.approx(length, abs=1e-9)


def test_habitat_is_the_legend_habitat_classes() -> None:
    # WorldCover: 10 tree cover (habitat), 30 grassland (not), NaN unknown
    lc = LandCover(
        np.array([[10.0, 30.0], [10.0, np.nan]]), read_legend("worldcover"), Path("lc.tif"), False
    )
    assert lc.habitat.tolist() == [[True, False], [True, False]]


def test_read_the_embedded_landcover_onto_a_coarser_grid() -> None:
    grid = recipe_grid(GridSpec(bounds=(130.5, 42.5, 131.5, 43.5), resolution_m=5000))
    lc = read_landcover(datasets.path("landcover"), grid, legend="igbp")
    assert lc.resampled
    assert lc.codes.shape == grid.shape
    assert set(np.unique(lc.codes[~np.isnan(lc.codes)]).astype(int)) <= set(
        datasets.landcover_classes()
    )
