"""``report.run`` and ``report.write`` announce every step that can take long."""

from __future__ import annotations

from pathlib import Path

from leopardrange import report


def test_run_and_write_report_every_long_step(tmp_path: Path) -> None:
    steps: list[str] = []
    result = report.run(progress=steps.append)
    report.write(result, tmp_path / "out", progress=steps.append)
    assert steps[0] == "reading layers"
    assert any(s.startswith("dissolving the park layer (") for s in steps)
    for expected in (
        "measuring range epochs",
        "IUCN range metrics (EOO, AOO)",
        "range lost and retained, inside and outside the park",
        "drawing overview",
        "drawing contraction",
    ):
        assert expected in steps
    assert steps[-1] == "writing tables, metrics and the report"
    # each layer is dissolved once per run
    dissolves = [s for s in steps if s.startswith("dissolving")]
    assert len(dissolves) == len(set(dissolves))
