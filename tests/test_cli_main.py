from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from leopardrange import __version__
from leopardrange.cli.main import main_group


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert __version__ in out


def test_help_teaches_with_examples() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "info" in out
    assert "Examples:" in out
    assert "leopardrange info geodata/amur_leopard.gpkg" in out


def test_info_help_has_an_example() -> None:
    code, out, _ = run("info", "--help")
    assert code == 0
    assert "PATH[:LAYER]" in out
    assert "Examples:" in out
    assert "--assume-crs" in out


def test_info_table(gis_dir: Path) -> None:
    code, out, _ = run("info", str(gis_dir / "study.gpkg"))
    assert code == 0, out
    for text in ("park_wgs84", "EPSG:4326", "300.00", "towns", "Point", "area_km2"):
        assert text in out


def test_info_json(gis_dir: Path) -> None:
    code, out, _ = run("info", f"{gis_dir / 'study.gpkg'}:park", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["layer"] == "park"
    assert rows[0]["area_km2"] == pytest.approx(300.0)


def test_info_geodesic(gis_dir: Path) -> None:
    code, out, _ = run("info", str(gis_dir / "park.shp"), "--area-method", "geodesic", "--json")
    assert code == 0
    assert json.loads(out)[0]["area_km2"] == pytest.approx(300.0, rel=1e-3)


BAD_INPUTS = [
    ("nope.gpkg", [], "does not exist"),
    ("folder", [], "is a directory"),
    ("notes.txt", [], "is not a GIS file"),
    ("study.gpkg:parks", [], "layer 'parks' not found.*available layers"),
    ("study.gpkg:empty", [], "is empty"),
    ("nocrs.shp", [], "has no CRS; pass --assume-crs"),
    ("bowtie.gpkg", [], "invalid geometry.*--repair"),
]


@pytest.mark.parametrize(("name", "extra", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_1(
    gis_dir: Path, name: str, extra: list[str], message: str
) -> None:
    code, _, err = run("info", str(gis_dir / name), *extra)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in err
    import re

    assert re.search(message, lines[0]), lines[0]


def test_truncated_shapefile_is_one_line(gis_dir: Path) -> None:
    shp = gis_dir / "park.shp"
    shp.write_bytes(shp.read_bytes()[:150])
    code, _, err = run("info", str(shp))
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert "truncated" in err


def test_verbose_shows_traceback(gis_dir: Path) -> None:
    code, _, err = run("-v", "info", str(gis_dir / "nope.gpkg"))
    assert code == 1
    assert "Traceback" in err
    assert "Error: " in err


def test_repair_reports_and_succeeds(gis_dir: Path) -> None:
    code, out, err = run("info", str(gis_dir / "bowtie.gpkg"), "--repair")
    assert code == 0
    assert "repaired 1 invalid geometry (ids 0)" in err
    assert "MultiPolygon" in out


def test_assume_crs(gis_dir: Path) -> None:
    code, out, _ = run("info", str(gis_dir / "nocrs.shp"), "--assume-crs", "EPSG:3857")
    assert code == 0
    assert "EPSG:3857" in out


def test_usage_error_exits_2() -> None:
    code, _, err = run("info")
    assert code == 2
    assert "Missing argument" in err
    code, _, _ = run("info", "x.gpkg", "--area-method", "planar")
    assert code == 2
    code, _, _ = run("no-such-command")
    assert code == 2


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("leopardrange")
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert __version__ in proc.stdout
