"""Shared CLI options: the progress reporter."""

from __future__ import annotations

import logging

import pytest

from leopardrange.cli import options


def test_progress_is_off_with_quiet() -> None:
    with options.progress_reporter(quiet=True) as progress:
        assert progress is None


def test_progress_draws_nothing_off_a_terminal(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    with (
        caplog.at_level(logging.INFO, logger="leopardrange"),
        options.progress_reporter() as progress,
    ):
        assert progress is not None
        progress("dissolving the park layer (20,000 features)")
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert "dissolving the park layer (20,000 features)" in caplog.messages


def test_progress_shows_each_step_on_a_terminal_then_clears(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal
    with options.progress_reporter() as progress:
        assert progress is not None
        progress("dissolving the park layer (20,000 features)")
        progress("drawing overview")
    err = capsys.readouterr().err
    assert "drawing overview…" in err
    assert "0:00:00" in err  # the step's elapsed time
    assert err.endswith("\x1b[2K")  # transient: the line is erased at the end
