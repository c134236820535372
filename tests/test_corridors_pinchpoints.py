"""Pinch points on least-cost corridors: effective resistances, currents, centrality, errors."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from leopardrange.cli.main import main_group
from leopardrange.corridors.circuit import run_circuit
from leopardrange.corridors.pinchpoints import pinch_points
from leopardrange.errors import CircuitError
from tests.test_corridors_circuit import LAEA, _tif


@pytest.fixture
def landscape(tmp_path: Path) -> tuple[Path, gpd.GeoDataFrame]:
    res = np.full((20, 30), 5.0)
    res[8:12, :] = 1.0  # a cheap east-west band
    path = _tif(tmp_path / "r.tif", res)
    cores = gpd.GeoDataFrame(
        {"name": ["west", "east", "north"]},
        geometry=[
            shapely.box(0, 8000, 3000, 12000),
            shapely.box(27000, 8000, 30000, 12000),
            shapely.box(13000, 17000, 17000, 20000),
        ],
        crs=LAEA,
    )
    return path, cores


def test_pinch_points_on_the_corridors(landscape: tuple[Path, gpd.GeoDataFrame]) -> None:
    path, cores = landscape
    result = pinch_points(path, cores, corridor_pct=20, all_to_one=True)
    links = result.links.set_index(["from_core", "to_core"])
    assert len(links) >= 2 and (links["effective_resistance"] > 0).all()
    # the west-east circuit equals a direct run on the same corridor
    row = links.loc[("west", "east")]
    assert row["corridor_cells"] > 0
    grid = result.linkage.grid
    assert np.nanmax(result.pinchpoints) == pytest.approx(1.0, rel=1e-6)  # the 1 A at a core
    inside = np.isfinite(result.pinchpoints)
    assert inside.sum() < grid.values.size and result.all_to_one_current is not None
    assert (result.cores["current_flow_centrality"] >= -1e-12).all()
    r = run_circuit(np.ones((1, 3)), np.array([[1, 0, 2]]), neighbors=4).pairs[0][2]
    assert r == pytest.approx(2.0)


def test_pinch_points_cli_and_errors(
    landscape: tuple[Path, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    path, cores = landscape
    cores.to_file(tmp_path / "cores.gpkg", layer="cores")
    out = tmp_path / "pp"
    run = CliRunner().invoke(
        main_group,
        [
            "pinchpoints",
            f"{tmp_path / 'cores.gpkg'}:cores",
            "-r",
            str(path),
            "--out",
            str(out),
            "--cwd-cutoff",
            "20000",
        ],
    )
    assert run.exit_code == 0, run.output
    assert {
        "pinchpoints.tif",
        "links.csv",
        "cores.csv",
        "network.graphml",
        "metrics.json",
        "map.png",
    } <= {p.name for p in out.iterdir()}
    with pytest.raises(CircuitError, match="cut-off must be positive"):
        pinch_points(path, cores, cwd_cutoff=-1.0)
    run = CliRunner().invoke(
        main_group,
        ["pinchpoints", f"{tmp_path / 'cores.gpkg'}:cores", "-r", str(path), "--out", str(out)],
    )
    assert run.exit_code == 1 and "already exists" in run.output


def test_the_three_commands_on_the_embedded_data(tmp_path: Path) -> None:
    """circuit, pinchpoints and omniscape from the CLI on the embedded Amur leopard data."""
    from leopardrange import datasets

    gpkg = datasets.path()
    r = tmp_path / "R.tif"

    def cli(*args: object) -> str:
        run = CliRunner().invoke(main_group, [str(a) for a in args])
        assert run.exit_code == 0, run.output
        return run.output

    cli("resistance", "--out", r, "--resolution", 5000)
    text = cli("circuit", r, "--focal", f"{gpkg}:corridor_targets", "--out", tmp_path / "c")
    assert "Ussuriysky Nature Reserve" in text and "ohm" in text
    cli(
        "pinchpoints",
        f"{gpkg}:park",
        f"{gpkg}:corridor_targets",
        "-r",
        r,
        "--where",
        "name <> 'Hunchun National Nature Reserve'",
        "--out",
        tmp_path / "p",
    )
    links = (tmp_path / "p" / "links.csv").read_text()
    assert "Ussuriysky Nature Reserve" in links
    cli("omniscape", r, "--radius", 6, "--block-size", 3, "--workers", 1, "--out", tmp_path / "o")
    assert (tmp_path / "o" / "normalized_current.tif").exists()
