"""Tests of leopardrange.cli.circuit: the circuit command writes its outputs, in every mode."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio

from leopardrange.corridors.circuit import run_circuit
from tests.test_corridors_circuit import LAEA, _cli, _tif, circuit_files


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return circuit_files(tmp_path)


def test_cli_writes_the_outputs(files: dict[str, Path]) -> None:
    out = files["dir"] / "out"
    code, text = _cli(
        "circuit", files["habitat"], "--focal", files["focal"], "--out", out, "--pair-maps"
    )
    assert code == 0, text
    assert "1 – 2" in text
    names = {p.name for p in out.iterdir()}
    assert {
        "resistances.csv",
        "cumulative_current.tif",
        "max_current.tif",
        "metrics.json",
        "current_1_2.tif",
        "voltage_3_4.tif",
    } <= names
    lines = (out / "resistances.csv").read_text().splitlines()
    assert lines[0] == "from,to,resistance" and len(lines) == 7
    api = run_circuit(files["habitat"], files["focal"])
    assert float(lines[1].split(",")[2]) == pytest.approx(api.pairs[0][2], rel=1e-12)
    with rasterio.open(out / "voltage_1_2.tif") as src:
        volt = src.read(1)
        assert src.crs is not None and src.nodata == -9999
    assert volt[1, 1] == pytest.approx(0.0, abs=1e-6)
    assert volt[10, 13] == pytest.approx(api.pairs[0][2], rel=1e-5)
    assert volt[5, 4] == -9999  # nodata habitat stays nodata
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["focal_regions"] == [4] and metrics["connected_components"] == 1
    code, text = _cli("circuit", files["habitat"], "--focal", files["focal"], "--out", out)
    assert code == 1 and "already exists" in text and "Traceback" not in text


def test_cli_vector_focal_with_field(files: dict[str, Path]) -> None:
    import geopandas as gpd
    import shapely

    pts = gpd.GeoDataFrame(
        {"site": [5, 9]},
        geometry=[shapely.Point(1500, 10500), shapely.Point(13500, 1500)],
        crs=LAEA,
    )
    pts.to_file(files["dir"] / "sites.gpkg", layer="sites")
    out = files["dir"] / "vec"
    code, text = _cli(
        "circuit",
        files["habitat"],
        "--focal",
        f"{files['dir'] / 'sites.gpkg'}:sites",
        "--focal-field",
        "site",
        "--out",
        out,
        "--mode",
        "one-to-all",
    )
    assert code == 0, text
    assert (out / "resistances.csv").read_text().splitlines()[1].startswith("5,all,")


@pytest.mark.parametrize("mode", ["one-to-all", "all-to-one"])
def test_cli_one_to_all_and_all_to_one(files: dict[str, Path], mode: str) -> None:
    out = files["dir"] / mode
    code, text = _cli(
        "-q",
        "circuit",
        files["habitat"],
        "--focal",
        files["focal"],
        "--mode",
        mode,
        "--out",
        out,
        "--pair-maps",
    )
    assert code == 0, text
    assert (out / "current_3.tif").exists() and (out / "voltage_4.tif").exists()


def test_cli_advanced(files: dict[str, Path]) -> None:
    src = np.zeros((12, 15))
    src[1, 1] = 2.0
    gnd = np.full((12, 15), -9999.0)
    gnd[10, 13] = 0.0
    gnd[1, 1] = 5.0
    s = _tif(files["dir"] / "s.tif", src, nodata=None)
    g = _tif(files["dir"] / "g.tif", gnd)
    code, text = _cli(
        "circuit",
        files["habitat"],
        "--mode",
        "advanced",
        "--sources",
        s,
        "--grounds",
        g,
        "--out",
        files["dir"] / "adv",
    )
    assert code == 1 and "both a current source and a ground" in text and "--remove" in text
    assert not (files["dir"] / "adv").exists()
    code, text = _cli(
        "circuit",
        files["habitat"],
        "--mode",
        "advanced",
        "--sources",
        s,
        "--grounds",
        g,
        "--remove",
        "rmvgnd",
        "--out",
        files["dir"] / "adv",
    )
    assert code == 0, text
    with rasterio.open(files["dir"] / "adv" / "current.tif") as f:
        assert f.read(1)[1, 1] == pytest.approx(2.0, rel=1e-5)
