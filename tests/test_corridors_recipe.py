"""Tests of leopardrange.corridors.recipe: the [grid] keys (bounds_crs, extent, snap_to,
margin_m, max_scale_error_pct) and a classes factor's legend."""

from __future__ import annotations

from pathlib import Path

import pytest

from leopardrange import datasets
from leopardrange.corridors.recipe import ClassFactor, parse_recipe, read_recipe
from leopardrange.errors import ResistanceError

FACTOR = {"name": "lc", "type": "classes", "path": "lc.tif", "costs": {"1": 1}}


def recipe(grid: dict, factor: dict | None = None) -> dict:
    return {"grid": grid, "factors": [factor or FACTOR]}


def test_grid_keys_are_read_and_paths_resolved(tmp_path: Path) -> None:
    r = parse_recipe(
        recipe(
            {"extent": "parks.gpkg:wdpa", "margin_m": 5000, "resolution_m": 100,
             "crs": "EPSG:32645", "max_scale_error_pct": 0.5},
            {**FACTOR, "legend": "my.csv"},
        ),
        base_dir=tmp_path,
    )  # fmt: skip
    g = r.grid
    assert g.extent == f"{tmp_path / 'parks.gpkg'}:wdpa"
    assert (g.margin_m, g.max_scale_error_pct, g.bounds) == (5000.0, 0.5, None)
    factor = r.factors[0]
    assert isinstance(factor, ClassFactor) and factor.legend == str(tmp_path / "my.csv")
    snapped = parse_recipe(recipe({"snap_to": "lc.tif"}), base_dir=tmp_path).grid
    assert snapped.snap_to == tmp_path / "lc.tif" and snapped.resolution_m is None
    builtin = parse_recipe(
        recipe({"snap_to": "lc.tif"}, {**FACTOR, "legend": "IGBP"}), base_dir=tmp_path
    )
    assert builtin.factors[0].legend == "IGBP"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({"resolution_m": 100}, r"needs bounds = \[west, south, east, north\], extent"),
        ({"bounds": [0, 0, 1, 1]}, r"needs resolution_m"),
        ({"bounds": [0, 0, 1, 1], "extent": "x.gpkg", "resolution_m": 1}, "both bounds and extent"),
        ({"extent": "x.gpkg", "bounds_crs": "EPSG:3857", "resolution_m": 1}, "bounds_crs but no"),
        ({"snap_to": "lc.tif", "margin_m": -5}, r"margin_m"),
        ({"snap_to": "lc.tif", "max_scale_error_pct": 0}, r"max_scale_error_pct"),
        ({"snap_to": "lc.tif", "snap": 1}, r"unknown key 'snap'"),
    ],
)
def test_bad_grids(tmp_path: Path, grid: dict, message: str) -> None:
    with pytest.raises(ResistanceError, match=message):
        parse_recipe(recipe(grid), base_dir=tmp_path)


def test_the_embedded_recipe_names_its_legend() -> None:
    r = read_recipe(datasets.path("resistance"))
    factor = next(f for f in r.factors if isinstance(f, ClassFactor))
    assert factor.legend == "igbp"
