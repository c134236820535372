"""Tests of leopardrange.datasets: paths, layers, filters and clear errors for missing data."""

from __future__ import annotations

from pathlib import Path

import pytest

from leopardrange import datasets
from leopardrange.errors import DataSourceError, LayerNotFoundError

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


def test_datasets_paths() -> None:
    assert datasets.path() == datasets.path("amur_leopard")
    assert datasets.path().name == "amur_leopard.gpkg"
    assert datasets.path("elevation").suffix == ".tif"
    assert datasets.path("sources").name == "SOURCES.md"
    assert datasets.path("licence").name == "LICENSE-DATA"
    assert datasets.data_dir() == GEODATA


def test_datasets_unknown_name_lists_valid_names() -> None:
    with pytest.raises(LayerNotFoundError, match=r"'parks'.*valid names: amur_leopard, elev"):
        datasets.path("parks")


def test_datasets_unknown_layer_lists_valid_layers() -> None:
    with pytest.raises(LayerNotFoundError, match=r"no layer 'parks'; valid layers: countries, p"):
        datasets.load("parks")


def test_datasets_load_filters() -> None:
    recent = datasets.load("leopard_range", where="year >= 2015")
    assert list(recent["epoch"]) == ["2015", "2021"]
    assert recent.attrs["source"].endswith("amur_leopard.gpkg:leopard_range")


def test_datasets_missing_file_is_a_data_source_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(datasets.DATASETS, "ghost", "ghost.toml")
    with pytest.raises(DataSourceError, match=r"'ghost' is missing.*restore geodata/ghost.toml"):
        datasets.path("ghost")
    monkeypatch.setitem(datasets.DATASETS, "landcover", "gone.tif")
    with pytest.raises(DataSourceError, match=r"'landcover' is missing.*geodata/build.py"):
        datasets.path("landcover")


def test_datasets_prefers_the_packaged_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "_geodata").mkdir()
    monkeypatch.setattr(datasets.importlib.resources, "files", lambda _pkg: tmp_path)
    assert datasets.data_dir() == tmp_path / "_geodata"


def test_datasets_without_any_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(datasets.importlib.resources, "files", lambda _pkg: tmp_path)
    monkeypatch.setattr(datasets, "_CLONE_DATA", tmp_path / "nowhere")
    with pytest.raises(DataSourceError, match="bundled data is missing"):
        datasets.data_dir()
