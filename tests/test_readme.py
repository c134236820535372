"""The README's API examples run as written, and give the report's numbers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def api_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## API\n") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_frame_example_is_at_most_ten_lines_of_documented_calls() -> None:
    code = api_blocks()[0]
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) <= 10
    calls = set(re.findall(r"lr\.(\w+\.\w+)\(", code))
    assert calls == {"datasets.path", "rangeloss.epoch_ranges", "overlap.coverage"}


def test_the_frame_example_gives_the_reports_shares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from leopardrange import report

    monkeypatch.chdir(tmp_path)
    scope: dict[str, Any] = {}
    exec(api_blocks()[0], scope)
    shares = scope["shares"]
    assert "covered_pct" in capsys.readouterr().out
    result = report.run()
    # The API densifies edges before it projects; the report projects its layers as read.
    for epoch in result.epochs:
        got = shares.loc[epoch.epoch]
        assert got["covered_pct"] == pytest.approx(epoch.park_share_pct, rel=1e-4)
        assert got["range_km2"] == pytest.approx(epoch.area_km2, rel=1e-4)


def test_the_result_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    scope: dict[str, Any] = {"lr": __import__("leopardrange")}
    exec(api_blocks()[1], scope)
    assert (tmp_path / "out" / "report" / "metrics.json").exists()
