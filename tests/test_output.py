"""Tests of leopardrange.output: atomic writes, nothing replaced without overwrite, no input."""

from __future__ import annotations

from pathlib import Path

import pytest

from leopardrange.errors import OutputExistsError, UnsafeOutputError
from leopardrange.output import (
    atomic_output_dir,
    atomic_output_file,
    check_output,
    note_input,
    tracking_inputs,
)


def test_atomic_file_appears_only_when_done(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    with atomic_output_file(target) as tmp:
        tmp.write_text("done", encoding="utf-8")
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_failed_write_leaves_the_earlier_output(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("before", encoding="utf-8")

    def fail_halfway() -> None:
        with atomic_output_file(target, overwrite=True) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_halfway()
    assert target.read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_existing_output_needs_overwrite(tmp_path: Path) -> None:
    (tmp_path / "report").mkdir()
    with pytest.raises(OutputExistsError, match="overwrite"):
        check_output(tmp_path / "report", overwrite=False)
    with atomic_output_dir(tmp_path / "report", overwrite=True) as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
    assert [p.name for p in (tmp_path / "report").iterdir()] == ["a.txt"]


def test_an_output_never_replaces_an_input(tmp_path: Path) -> None:
    study = tmp_path / "study.toml"
    study.write_text("", encoding="utf-8")
    with tracking_inputs() as inputs:
        note_input(study)
        assert {i.real for i in inputs} == {study.resolve()}
        with pytest.raises(UnsafeOutputError, match="input"):
            check_output(study, overwrite=True)
        with pytest.raises(UnsafeOutputError, match="input"):
            check_output(tmp_path, overwrite=True)
    assert study.exists()
