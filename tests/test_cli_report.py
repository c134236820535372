"""Tests of leopardrange.cli.report: the report command, its exit codes, and bad studies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from leopardrange.cli.main import main_group
from tests.conftest import LAEA
from tests.test_report import BAD_STUDIES, STUDY, _study, write_layers


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    write_layers(tmp_path)
    path = tmp_path / "study.toml"
    path.write_text(STUDY.format(laea=LAEA), encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main_group, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_cli_report_and_strict(study_file: Path, tmp_path: Path) -> None:
    code, out, err = cli("report", str(study_file), "--out", str(tmp_path / "r"))
    assert code == 0, err
    assert "Report written to" in out
    assert "does not hold" in out
    code, _, err = cli(
        "report", str(study_file), "--out", str(tmp_path / "r"), "--overwrite", "--strict"
    )
    assert code == 3
    assert "park-covers-60pct" in err
    code, _, err = cli("report", str(study_file), "--out", str(tmp_path / "r"))
    assert code == 1
    assert err.startswith("Error: ") and "--overwrite" in err


def test_cli_quiet_prints_nothing(study_file: Path, tmp_path: Path) -> None:
    code, out, err = cli("-q", "report", str(study_file), "--out", str(tmp_path / "q"))
    assert code == 0
    assert out == "" and err == ""


def test_report_help_teaches() -> None:
    code, out, _ = cli("report", "--help")
    assert code == 0
    assert "Examples:" in out and "--strict" in out and "STUDY" in out


@pytest.mark.parametrize(("text", "error", "message"), BAD_STUDIES)
def test_bad_studies_on_the_cli(
    tmp_path: Path, text: str, error: type[Exception], message: str
) -> None:
    path = _study(tmp_path, text)
    out = tmp_path / "never"
    code, _, err = cli("report", str(path), "--out", str(out))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and err.startswith("Error: ")
    assert re.search(message, err)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]
