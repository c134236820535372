"""What a report computed: typed metric parts, tables and analysis layers.

Rendering (:mod:`leopardrange.report.render`) and export depend on this module, never the
reverse. The metric parts are the frozen dataclasses of :mod:`leopardrange.metrics`;
:attr:`ReportResult.metrics` is the content of metrics.json, generated from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leopardrange.fragmentation import PatchMetrics
from leopardrange.metrics import (
    Breeding,
    ClaimResult,
    CompetitorOverlap,
    Coverage,
    EpochMetrics,
    NationalShare,
    ProtectedAreaCoverage,
    RangeFilterInfo,
    RedListMetrics,
    Repairs,
    RunInfo,
    to_json_dict,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from leopardrange.study import Study

__all__ = ["ReportInfo", "ReportResult"]


@dataclass(frozen=True)
class ReportInfo:
    """What the report is about, for titles and legends.

    Attributes
    ----------
    name
        Title of the report.
    species, description, competitor_species
        Shown under the title and in legends.
    labels
        Legend text per role (``park``, ``range``, ``competitor``, ``breeding``,
        ``borders``); roles without one get a default.
    borders_name_field
        Name field of the borders layer (country names).
    credits
        Credits the data's licences ask for (e.g. ``"© OpenStreetMap contributors"``), shown
        on every map and in the report; :func:`~leopardrange.report.run.info_of` reads them
        from the layers' files.

    Examples
    --------
    >>> ReportInfo(name="Snow leopard", labels={"park": "Sagarmatha NP"}).labels["park"]
    'Sagarmatha NP'
    """

    name: str = "study"
    species: str | None = None
    description: str | None = None
    competitor_species: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    borders_name_field: str = "name"
    credits: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportResult:
    """Everything a report run computed.

    Attributes
    ----------
    info
        Title, species and legend labels.
    run_info
        Analysis CRS, area method, version and inputs.
    coverage
        The current range and the park's share of it.
    epochs
        One :class:`~leopardrange.metrics.EpochMetrics` per epoch, oldest first.
    national, breeding, competitor
        Parts that need the borders, breeding and competitor roles (fields ``None``
        without them).
    redlist
        EOO, AOO and criterion B.
    fragmentation
        Patch metrics of the current range.
    claims
        The study's claims, checked.
    protected_areas
        Each protected area: how the WDPA conventions cleaned the park, what each area
        covers, what was dropped and which epochs count which areas.
    range_filter
        The IUCN code filter that made the current range (``None`` inside when none did).
    repairs
        Every geometry repaired with ``make_valid``.
    tables
        DataFrames written as ``tables/<name>.csv``.
    layers
        Analysis layers (GeoDataFrames in the analysis CRS) for maps and export. The derived
        ones (range lost and retained, park inside and outside the range, AOO cells) are
        computed when first read, and kept.
    study
        The parsed study when the report was run from a study file.

    Examples
    --------
    >>> from leopardrange import report
    >>> result = report.run()
    >>> result.current.epoch, round(result.epoch("2015").area_pct_of_first, 2)
    ('2021', 2.96)
    >>> result.metrics["current_epoch"], result.claims_passed
    ('2021', False)
    """

    info: ReportInfo
    run_info: RunInfo
    coverage: Coverage
    epochs: tuple[EpochMetrics, ...]
    national: NationalShare
    breeding: Breeding
    competitor: CompetitorOverlap
    redlist: RedListMetrics
    fragmentation: PatchMetrics
    claims: tuple[ClaimResult, ...] = ()
    protected_areas: ProtectedAreaCoverage = field(default_factory=ProtectedAreaCoverage)
    range_filter: RangeFilterInfo = field(default_factory=RangeFilterInfo)
    repairs: Repairs = field(default_factory=Repairs)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    layers: Mapping[str, gpd.GeoDataFrame] = field(default_factory=dict)
    study: Study | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        """The content of metrics.json (NaN as ``None``)."""
        return to_json_dict(self)

    @property
    def claims_passed(self) -> bool:
        """True when every claim held (or there were none)."""
        return all(c.passed for c in self.claims)

    @property
    def current(self) -> EpochMetrics:
        """The metrics of the current epoch."""
        return self.epoch(self.coverage.current_epoch)

    def epoch(self, name: str) -> EpochMetrics:
        """The metrics of one epoch.

        Raises
        ------
        KeyError
            If there is no such epoch.
        """
        for e in self.epochs:
            if e.epoch == name:
                return e
        raise KeyError(f"no epoch {name!r}; epochs: {', '.join(e.epoch for e in self.epochs)}")
