"""Tests of leopardrange.cli.export: the export command writes, refuses to overwrite, teaches."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leopardrange.cli.export import export as export_command
from leopardrange.cli.main import main_group
from tests.test_export import build_study


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("study")
    build_study(folder)
    return folder


@pytest.fixture(scope="module")
def study_file(study_dir: Path) -> Path:
    return study_dir / "study.toml"


@pytest.fixture(scope="module")
def extra(study_dir: Path) -> list[str]:
    return [f"{study_dir / 'land.gpkg'}:settlements"]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The ``leopardrange`` group with ``export`` registered (as its entry point will do)."""
    monkeypatch.setitem(main_group.commands, "export", export_command)
    return CliRunner()


def test_cli_help_teaches(cli: CliRunner) -> None:
    result = cli.invoke(main_group, ["export", "--help"])
    assert result.exit_code == 0
    for text in ("Examples:", "--format qgz", "--overwrite", "fields.csv", "layer_styles", "2 GB"):
        assert text in result.output


def test_cli_exports_qgz(
    cli: CliRunner, study_file: Path, tmp_path: Path, extra: list[str]
) -> None:
    out = tmp_path / "qgis"
    result = cli.invoke(
        main_group,
        ["-q", "export", str(study_file), "--out", str(out), "-f", "qgz", "--add", extra[0]],
    )
    assert result.exit_code == 0, result.output
    assert (out / "leopardrange.qgz").is_file()
    result = cli.invoke(main_group, ["export", str(study_file), "--out", str(out), "-f", "qgz"])
    assert result.exit_code == 1
    assert "already exists; pass --overwrite" in result.output
    assert "Traceback" not in result.output
    result = cli.invoke(
        main_group, ["export", str(study_file), "--out", str(out), "--format", "qgz", "--overwrite"]
    )
    assert result.exit_code == 0, result.output
    assert "open" in result.output and "leopardrange.qgz" in result.output


def test_cli_refuses_unknown_format(cli: CliRunner, study_file: Path, tmp_path: Path) -> None:
    result = cli.invoke(
        main_group, ["export", str(study_file), "--out", str(tmp_path / "x"), "-f", "kml"]
    )
    assert result.exit_code == 2
    assert "'kml' is not one of" in result.output
