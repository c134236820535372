"""Range-loss and coverage reports: compute from frames or a study file, then write.

>>> from leopardrange import report
>>> result = report.run()  # the embedded Amur leopard study
>>> round(result.coverage.park_share_of_current_range_pct, 1)
42.6
>>> result.current.epoch, result.redlist.iucn_b.b1.meets
('2021', 'VU')

``report.compute(layers)`` does the same from GeoDataFrames by role;
``report.write(result, "out/report")`` writes report.html, report.md, metrics.json,
tables/*.csv and maps/*.png.
"""

from __future__ import annotations

from leopardrange.report.compute import compute
from leopardrange.report.render import write
from leopardrange.report.result import ReportInfo, ReportResult
from leopardrange.report.run import read_layers, run

__all__ = ["ReportInfo", "ReportResult", "compute", "read_layers", "run", "write"]
