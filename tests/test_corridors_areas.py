"""Tests of leopardrange.corridors.areas: names, masks and overlapping areas, known answers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from rasterio.transform import from_origin

from leopardrange.corridors.areas import (
    area_mask,
    area_names,
    check_overlap_mode,
    dissolve_overlaps,
    find_name_field,
    resolve_overlap,
)
from leopardrange.corridors.corridor import ResistanceGrid

A = np.array([[1, 1, 0, 0]], dtype=bool)
B = np.array([[0, 1, 1, 0]], dtype=bool)


def test_subtract_gives_each_end_the_other_minus_itself() -> None:
    masks = resolve_overlap(A, B, mode="subtract")
    assert masks.target_end.astype(int).tolist() == [[0, 0, 1, 0]]
    assert masks.source_end.astype(int).tolist() == [[1, 0, 0, 0]]
    assert masks.overlap.shared_cells == 1


def test_dissolve_joins_the_two_at_no_cost() -> None:
    masks = resolve_overlap(A, B, mode="dissolve", cell_area_km2=0.01)
    assert masks.source.astype(int).tolist() == [[1, 1, 1, 0]]
    assert (masks.source == masks.target).all()
    assert masks.overlap.shared_km2 == pytest.approx(0.01)
    assert "no corridor" in masks.overlap.note


def test_unknown_overlap_mode() -> None:
    assert check_overlap_mode("dissolve") == "dissolve"
    with pytest.raises(ValueError, match="overlap must be one of refuse, dissolve, subtract"):
        check_overlap_mode("merge")


def test_dissolve_overlaps_groups_chains() -> None:
    masks = [
        np.array([1, 1, 0, 0, 0], bool),
        np.array([0, 1, 1, 0, 0], bool),
        np.array([0, 0, 0, 0, 1], bool),
    ]
    groups, merged = dissolve_overlaps(masks, ["a", "b", "c"])
    assert groups == [[0, 1], [2]]
    assert [m.astype(int).tolist() for m in merged] == [[1, 1, 1, 0, 0], [0, 0, 0, 0, 1]]


def test_names_and_name_fields() -> None:
    parks = gpd.GeoDataFrame(
        {"NAME_ENG": ["Land of the Leopard", None]},
        geometry=[shapely.box(0, 0, 1, 1)] * 2,
        crs=3857,
    )
    assert find_name_field(parks) == "NAME_ENG"
    assert area_names(parks, default="core") == ["Land of the Leopard", "core 2"]


def test_area_mask_takes_the_cells_whose_centres_are_inside() -> None:
    grid = ResistanceGrid(
        np.ones((3, 4)), from_origin(0, 300, 100, 100), "EPSG:32645", (100.0, 100.0), "R.tif"
    )
    mask = area_mask(shapely.box(0, 100, 200, 300), grid, role="source")
    assert mask.astype(int).tolist() == [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]
