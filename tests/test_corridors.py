"""Tests of the leopardrange.corridors package: its public names, and the one-call workflow."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest
import shapely
from rasterio.transform import from_origin

from leopardrange import corridors


def test_every_public_name_resolves_to_its_module() -> None:
    assert corridors.__all__
    for name in corridors.__all__:
        obj = getattr(corridors, name)
        module = getattr(obj, "__module__", None)
        if module is not None and module.startswith("leopardrange.corridors."):
            assert getattr(importlib.import_module(module), name) is obj


def test_resistance_to_corridor_through_the_package(tmp_path: Path) -> None:
    # a uniform 3×6 grid of 100 m cells: the path from the first to the last cell of the
    # middle row runs straight along it, 5 steps of 100 m at cost 1
    corridors.write_resistance(
        np.ones((3, 6)),
        tmp_path / "R.tif",
        crs="EPSG:32645",
        transform=from_origin(500_000, 3_000_300, 100, 100),
    )
    result = corridors.least_cost_corridor(
        tmp_path / "R.tif", shapely.Point(500_050, 3_000_150), shapely.Point(500_550, 3_000_150)
    )
    assert result.metrics["path_length_m"] == pytest.approx(500.0)
