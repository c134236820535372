"""Range-loss and coverage reports.

>>> from leopardrange import report
>>> result = report.run()                 # the embedded Amur leopard study  # doctest: +SKIP
>>> result.metrics["park_share_of_current_range_pct"]                       # doctest: +SKIP
>>> result.write("out/report")                                               # doctest: +SKIP
"""

from __future__ import annotations

from leopardrange.report.run import ReportResult, compute, run

__all__ = ["ReportResult", "compute", "run"]
