"""Tests of the leopardrange package itself: its modules load on first use, and only those."""

from __future__ import annotations

import subprocess
import sys

import pytest

import leopardrange


def test_every_listed_module_is_an_attribute() -> None:
    import importlib

    for name in leopardrange.MODULES:
        assert getattr(leopardrange, name) is importlib.import_module(f"leopardrange.{name}")
    assert set(leopardrange.MODULES) <= set(leopardrange.__all__)
    assert "report" in leopardrange.MODULES and "corridors" in leopardrange.MODULES


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_module"):
        _ = leopardrange.no_such_module  # type: ignore[attr-defined]


def test_import_is_cheap() -> None:
    code = (
        "import sys, leopardrange; print(*(m in sys.modules for m in ('geopandas', 'matplotlib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_version_is_a_release_string() -> None:
    parts = leopardrange.__version__.split(".")
    assert len(parts) >= 2 and parts[0].isdigit()
