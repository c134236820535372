"""``leopardrange info``: the union area beside the sum when features overlap."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

from leopardrange.cli.main import main_group
from leopardrange.io import describe
from tests.conftest import LAEA
from tests.wdpa_landscape import box, write_gpkg


def info(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main_group, ["info", *args])
    return result.exit_code, result.stdout


def test_overlapping_features_show_the_union(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path)
    (row,) = describe(f"{gpkg}:wdpa_poly")
    # 900 + 900 + 2,500 + 10,000 + 1,600 + 400 + 100 + 100 = 16,500 km² summed; overlaps
    # counted once: 0..100 × 0..100 (10,000) ∪ 80..120² (1,600 − 400 shared) ∪ Zeta (400)
    assert row["area_km2"] == pytest.approx(16_500.0)
    assert row["union_area_km2"] == pytest.approx(10_000.0 + 1_200.0 + 400.0)
    code, out = info(f"{gpkg}:wdpa_poly")
    assert code == 0
    assert "16,500.00 (union 11,600.00)" in out
    assert "overlap: area_km2 is the sum of the features, the union counts each overlap once" in out
    code, out = info(f"{gpkg}:wdpa_poly", "--json")
    assert json.loads(out)[0]["union_area_km2"] == pytest.approx(11_600.0)


def test_touching_features_do_not_overlap(tmp_path: Path) -> None:
    path = tmp_path / "tiles.gpkg"
    gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=LAEA).to_file(path)
    (row,) = describe(path)
    assert row["area_km2"] == pytest.approx(200.0) and row["union_area_km2"] is None
    code, out = info(str(path))
    assert code == 0 and "union" not in out


def test_points_have_no_area(tmp_path: Path) -> None:
    gpkg = write_gpkg(tmp_path)
    (row,) = describe(f"{gpkg}:wdpa_point")
    assert row["area_km2"] is None and row["union_area_km2"] is None
