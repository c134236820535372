"""The metric registry: every metric of a report declared once, with its unit and meaning.

A report's results are frozen dataclasses (below). Each field that is a metric is declared
with :func:`metric`, which records its unit, its meaning and which outputs show it; everything
else is generated from those declarations:

- ``metrics.json`` (:func:`to_json_dict`), in the order the parts and fields are declared;
- the metrics a study's claims may name (:func:`claimable`, :func:`check_metric_name`) and
  their values (:func:`metric_value`);
- the report's coverage table and the command-line summary (:func:`shown_in`);
- the attributes of the exported per-epoch layer (:data:`EPOCH_EXPORT_FIELDS`).

Metric names carry their unit (``_km2``, ``_pct`` 0–100, counts unsuffixed), so a name alone
says what a number is.

Examples
--------
>>> from leopardrange import metrics
>>> m = metrics.registry()["park_share_of_current_range_pct"]
>>> m.unit, m.claim
('%', True)
>>> "range_epochs.2015.park_share_pct" in metrics.claimable()
False
>>> metrics.check_metric_name("range_epochs.2015.park_share_pct", "claim #1")
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from leopardrange.errors import StudyError
from leopardrange.fragmentation import PatchMetrics
from leopardrange.iucn import RangeFilter
from leopardrange.redlist import AOOGrid, CriterionB
from leopardrange.wdpa import CleanStep, DroppedArea

__all__ = [
    "EPOCH_EXPORT_FIELDS",
    "SCHEMA_VERSION",
    "AreaRef",
    "Breeding",
    "BreedingSite",
    "ClaimResult",
    "CompetitorOverlap",
    "Coverage",
    "EpochAreas",
    "EpochMetrics",
    "Metric",
    "NationalShare",
    "ProtectedAreaCoverage",
    "ProtectedAreaRecord",
    "RangeFilterInfo",
    "RedListMetrics",
    "RepairRecord",
    "Repairs",
    "RunInfo",
    "check_metric_name",
    "claimable",
    "comparison_text",
    "metric",
    "metric_unit",
    "metric_value",
    "registry",
    "shown_in",
    "to_json_dict",
]

#: Version of the metrics.json layout; raised when a key changes meaning or disappears.
SCHEMA_VERSION = 1

Output = Literal["summary", "coverage_table", "export"]


@dataclass(frozen=True)
class Metric:
    """One metric: its name, unit, meaning and where it is shown.

    Attributes
    ----------
    name
        Key in metrics.json (and the name a claim uses).
    unit
        ``"km²"``, ``"%"`` (0–100), ``"count"``, ``"year"`` or ``""`` (text, structures).
    meaning
        One sentence, shown in the README table and ``--help``.
    claim
        A study's claim may name it.
    outputs
        Where else it is shown: ``"summary"`` (the CLI summary), ``"coverage_table"``
        (tables/coverage.csv) and ``"export"`` (attributes of exported layers).
    label
        Short text for the summary (default: the name); ``{key}`` fields are filled from
        metrics.json (e.g. ``{current_epoch}``).
    needs
        The study role without which the metric is missing (for messages).

    Examples
    --------
    >>> m = registry()["competitor_overlap_km2"]
    >>> m.unit, m.needs, m.title()
    ('km²', 'competitor', 'overlap with competitor')
    """

    name: str
    unit: str
    meaning: str
    claim: bool = False
    outputs: tuple[Output, ...] = ()
    label: str = ""
    needs: str | None = None

    def title(self) -> str:
        """The label, or the name with underscores as spaces."""
        return self.label or self.name.replace("_", " ")


_KEY = "leopardrange_metric"


def metric(
    unit: str,
    meaning: str,
    *,
    claim: bool = True,
    outputs: Sequence[Output] = (),
    label: str = "",
    needs: str | None = None,
    default: Any = dataclasses.MISSING,
    json: bool = True,
) -> Any:
    """Declare a dataclass field as a metric (the name is the field's name).

    Parameters
    ----------
    unit, meaning, claim, outputs, label, needs
        As in :class:`Metric`.
    default
        Default value of the field (none: the field is required).
    json
        Written to metrics.json.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Part:
    ...     area_km2: float = metric("km²", "Area of the thing.")
    >>> Part(1.5).area_km2
    1.5
    """
    spec = {"unit": unit, "meaning": meaning, "claim": claim, "outputs": tuple(outputs)}
    spec |= {"label": label, "needs": needs, "json": json}
    return field(default=default, metadata={_KEY: spec})


def _info(unit: str = "", meaning: str = "", *, default: Any = dataclasses.MISSING) -> Any:
    """A field written to metrics.json that is not a claimable number (text, structures)."""
    return metric(unit, meaning, claim=False, default=default)


# ---------------------------------------------------------------------------- result parts
@dataclass(frozen=True)
class RunInfo:
    """How a report was computed: study, CRS, method, version and inputs.

    Examples
    --------
    >>> [m for m in registry() if m in {f.name for f in dataclasses.fields(RunInfo)}][:3]
    ['study', 'species', 'analysis_crs']
    """

    study: str = _info(meaning="Name of the study.")
    species: str | None = _info(meaning="Species studied.")
    analysis_crs: str = _info(meaning="The equal-area CRS every layer was projected to (WKT).")
    analysis_crs_proj4: str = _info(meaning="The analysis CRS as a PROJ string.")
    area_method: str = _info(meaning="How areas were measured: equal_area or geodesic.")
    leopardrange_version: str = _info(meaning="Version of leopardrange that wrote the report.")
    inputs: Mapping[str, Any] = _info(meaning="Per role: path, layer, filter, count, CRS, hash.")
    crs_alignment: Mapping[str, Any] = _info(meaning="Which layers were reprojected, and how.")
    schema_version: int = _info(meaning="Version of the metrics.json layout.")


@dataclass(frozen=True)
class Coverage:
    """The current range and the park's share of it.

    Examples
    --------
    >>> registry()["park_share_of_current_range_pct"].meaning
    'Park ∩ current range ÷ current range × 100.'
    """

    current_epoch: str = _info(meaning="The epoch taken as the current range.")
    current_range_km2: float = metric(
        "km²",
        "Area of the dissolved current range.",
        outputs=("summary", "coverage_table"),
        label="current range ({current_epoch})",
    )
    park_area_km2: float = metric(
        "km²", "Area of the dissolved park.", outputs=("summary", "coverage_table")
    )
    park_in_current_range_km2: float = metric(
        "km²", "Area of park ∩ current range.", outputs=("coverage_table",)
    )
    park_share_of_current_range_pct: float = metric(
        "%",
        "Park ∩ current range ÷ current range × 100.",
        outputs=("summary", "coverage_table"),
        label="park share of current range",
    )
    park_outside_current_range_km2: float = metric(
        "km²", "Area of the park outside the current range.", outputs=("coverage_table",)
    )


@dataclass(frozen=True)
class EpochMetrics:
    """One epoch of the range: area, loss against the first epoch, the park's share.

    Examples
    --------
    >>> registry()["range_epochs.annual_loss_pct"].unit
    '%'
    >>> EPOCH_EXPORT_FIELDS
    ('area_km2', 'loss_vs_first_pct', 'annual_loss_pct', 'park_share_pct')
    """

    epoch: str = _info(meaning="Epoch label.")
    year: int | None = _info("year", "Year of the epoch (None for epochs built from codes).")
    area_km2: float = metric("km²", "Area of the epoch's dissolved range.", outputs=("export",))
    loss_vs_first_km2: float | None = metric(
        "km²", "First epoch's area − this epoch's area (None with a single epoch)."
    )
    loss_vs_first_pct: float | None = metric(
        "%", "Loss against the first epoch, in % of the first epoch's area.", outputs=("export",)
    )
    area_pct_of_first: float | None = metric("%", "This epoch's area ÷ the first epoch's × 100.")
    annual_loss_pct: float | None = metric(
        "%",
        "Compound yearly rate of loss from the first epoch, 100·(1 − (A/A₀)^(1/Δyears)).",
        outputs=("export",),
    )
    park_in_range_km2: float = _info("km²", "Area of park ∩ this epoch's range.")
    park_share_pct: float = metric(
        "%",
        "Park ∩ this epoch's range ÷ this epoch's range × 100; with years of establishment, "
        "only the areas established by the epoch's year (or in an unknown year) count.",
        outputs=("export",),
    )
    area_published_km2: float | None = _info("km²", "Published area of the epoch, if given.")
    diff_vs_published_pct: float | None = _info("%", "Measured ÷ published area × 100 − 100.")
    by_country_km2: Mapping[str, float] = _info("km²", "Area of the range in each country.")


@dataclass(frozen=True)
class NationalShare:
    """The park's share of the current range within the country (or countries) it lies in.

    Examples
    --------
    >>> NationalShare().park_share_of_national_range_pct is None  # no borders layer
    True
    """

    park_countries: Sequence[str] | None = _info(
        meaning="Countries holding at least 1 % of the park.", default=None
    )
    national_current_range_km2: float | None = metric(
        "km²",
        "Area of the current range in the park's countries.",
        outputs=("coverage_table",),
        needs="borders",
        default=None,
    )
    park_share_of_national_range_pct: float | None = metric(
        "%",
        "Park ∩ current range ÷ the current range in the park's countries × 100.",
        outputs=("summary", "coverage_table"),
        label="park share of the range in {park_countries}",
        needs="borders",
        default=None,
    )
    park_in_current_range_by_country_km2: Mapping[str, float] | None = _info(
        "km²",
        "Per country the current range touches: park ∩ current range ∩ country.",
        default=None,
    )
    park_share_by_country_pct: Mapping[str, float] | None = _info(
        "%",
        "Per country the current range touches: park ∩ current range ∩ country ÷ "
        "current range ∩ country × 100.",
        default=None,
    )


@dataclass(frozen=True)
class BreedingSite:
    """One breeding site: where it lies.

    ``status`` is ``"in park ∩ current range"``, ``"in park, outside current range"`` or
    ``"outside the park"``.

    Examples
    --------
    >>> site = BreedingSite("Kedrovaya Pad", in_park=True, in_current_range=True,
    ...     status="in park ∩ current range")
    >>> site.in_park and site.in_current_range
    True
    """

    name: str
    in_park: bool
    in_current_range: bool
    status: str


@dataclass(frozen=True)
class Breeding:
    """Known breeding areas inside the park, and inside the current range.

    Examples
    --------
    >>> Breeding().breeding_in_park_pct is None  # no breeding layer
    True
    """

    breeding_basis: str | None = _info(
        meaning="'count of points' or 'area of polygons'.", default=None
    )
    breeding_features: int | None = metric(
        "count",
        "Number of breeding features.",
        outputs=("coverage_table",),
        needs="breeding",
        default=None,
    )
    breeding_features_in_park: int | None = metric(
        "count",
        "Breeding features inside the park (polygons: at least 99 % of their area).",
        outputs=("coverage_table",),
        needs="breeding",
        default=None,
    )
    breeding_in_park_pct: float | None = metric(
        "%",
        "Share of breeding habitat inside the park: by area for polygons, by count for points.",
        outputs=("summary", "coverage_table"),
        label="breeding areas in park",
        needs="breeding",
        default=None,
    )
    breeding_area_km2: float | None = metric(
        "km²", "Area of the dissolved breeding polygons.", needs="breeding", default=None
    )
    breeding_in_park_and_current_range: int | None = metric(
        "count",
        "Breeding sites in park ∩ current range (polygons: at least 99 % of their area).",
        outputs=("coverage_table",),
        needs="breeding",
        default=None,
    )
    breeding_in_park_outside_current_range: int | None = metric(
        "count",
        "Breeding sites in the park but not in the current range.",
        outputs=("coverage_table",),
        needs="breeding",
        default=None,
    )
    breeding_outside_park: int | None = metric(
        "count", "Breeding sites outside the park.", needs="breeding", default=None
    )
    breeding_outside_current_range: int | None = metric(
        "count",
        "Breeding sites not in the current range, in the park or not.",
        outputs=("summary", "coverage_table"),
        label="breeding sites outside the current range",
        needs="breeding",
        default=None,
    )
    breeding_sites: Sequence[BreedingSite] | None = _info(
        meaning="Per site: name, in the park, in the current range, and which of the three it is.",
        default=None,
    )


@dataclass(frozen=True)
class CompetitorOverlap:
    """Overlap of the current range with a competitor's range.

    Examples
    --------
    >>> registry()["competitor_overlap_pct_of_range"].needs
    'competitor'
    """

    competitor_overlap_km2: float | None = metric(
        "km²",
        "Area of current range ∩ competitor's range.",
        outputs=("summary", "coverage_table"),
        label="overlap with competitor",
        needs="competitor",
        default=None,
    )
    competitor_overlap_pct_of_range: float | None = metric(
        "%",
        "The overlap ÷ the current range × 100.",
        outputs=("coverage_table",),
        needs="competitor",
        default=None,
    )
    competitor_overlap_pct_of_competitor: float | None = metric(
        "%",
        "The overlap ÷ the competitor's range × 100.",
        outputs=("coverage_table",),
        needs="competitor",
        default=None,
    )
    competitor_area_km2: float | None = metric(
        "km²", "Area of the competitor's dissolved range.", needs="competitor", default=None
    )


@dataclass(frozen=True)
class RedListMetrics:
    """IUCN range metrics of the current range.

    Examples
    --------
    >>> registry()["aoo_min_km2"].meaning
    'The AOO minimised over the grid shifts.'
    """

    eoo_km2: float = metric(
        "km²",
        "Extent of occurrence: convex hull of the current range, raised to the AOO if smaller.",
        outputs=("summary",),
        label="EOO",
    )
    aoo_km2: float = metric(
        "km²",
        "Area of occupancy: 2×2 km cells the range's interior touches, on the fixed grid.",
        outputs=("summary",),
        label="AOO",
    )
    aoo_min_km2: float = metric("km²", "The AOO minimised over the grid shifts.")
    aoo_grid: AOOGrid = _info(  # noqa: RUF009 - a dataclasses.field, not a default value
        meaning="CRS, origin, cell size, shifts and cell counts of the AOO grid. The CRS "
        "depends on the current range alone: its own CRS when equal-area in metres, else a "
        "LAEA centred on it (or the study's aoo_crs); the grid has a corner at its origin."
    )
    iucn_b: CriterionB = _info(  # noqa: RUF009 - a dataclasses.field, not a default value
        meaning="Criterion B thresholds met by the EOO (B1) and AOO (B2)."
    )


@dataclass(frozen=True)
class ProtectedAreaRecord:
    """One kept protected area and what it covers of the current range.

    Examples
    --------
    >>> record = ProtectedAreaRecord("A", 1, area_km2=100.0, in_current_range_km2=40.0,
    ...     share_of_current_range_pct=20.0, unique_in_current_range_km2=30.0)
    >>> record.in_current_range_km2 - record.unique_in_current_range_km2  # shared with others
    10.0
    """

    name: str | None
    id: int | str | None
    area_km2: float
    in_current_range_km2: float
    share_of_current_range_pct: float
    unique_in_current_range_km2: float


@dataclass(frozen=True)
class AreaRef:
    """A protected area named in a list: name, id and year of establishment (0: unknown).

    Examples
    --------
    >>> AreaRef("Land of the Leopard", 1, 2012)
    AreaRef(name='Land of the Leopard', id=1, established_year=2012)
    """

    name: str | None
    id: int | str | None
    established_year: int | None


@dataclass(frozen=True)
class EpochAreas:
    """Which protected areas count in one epoch.

    Examples
    --------
    >>> later = AreaRef("Land of the Leopard", 1, 2012)
    >>> epoch = EpochAreas(year=2000, counted=1, not_yet_established=(later,))
    >>> [a.name for a in epoch.not_yet_established]
    ['Land of the Leopard']
    """

    year: int | None
    counted: int
    not_yet_established: Sequence[AreaRef] = ()


@dataclass(frozen=True)
class ProtectedAreaCoverage:
    """The protected areas one by one: how they were cleaned, what each covers, when each counts.

    Examples
    --------
    >>> coverage = ProtectedAreaCoverage(protected_areas_kept=2, protected_areas_dropped_count=1)
    >>> coverage.protected_areas_conventions, registry()["protected_areas_kept"].unit
    ('none', 'count')
    """

    protected_areas_conventions: str = _info(
        meaning="Conventions applied to the park layer: 'wdpa' or 'none'.", default="none"
    )
    protected_areas_cleaning: Sequence[CleanStep] = _info(
        meaning="The WDPA steps in order: whether each ran, what it did, how many it dropped.",
        default=(),
    )
    protected_areas_kept: int = metric(
        "count",
        "Protected areas kept (features sharing an id count once).",
        outputs=("coverage_table",),
        default=0,
    )
    protected_areas_from_points: int = metric(
        "count", "Kept areas made from points: geodesic circles of their reported area.", default=0
    )
    protected_areas_dropped_count: int = metric(
        "count",
        "Protected-area features dropped (status, biosphere reserve, point without an area).",
        outputs=("coverage_table",),
        default=0,
    )
    protected_areas: Sequence[ProtectedAreaRecord] = _info(
        meaning="Per kept area: name, id, area_km2, in_current_range_km2, "
        "share_of_current_range_pct and unique_in_current_range_km2 (covered by no other).",
        default=(),
    )
    protected_areas_dropped: Sequence[DroppedArea] = _info(
        meaning="Every dropped feature: name, id and reason.", default=()
    )
    establishment_field: str | None = _info(
        meaning="Field with each area's year of establishment (None: years not used).",
        default=None,
    )
    protected_areas_year_unknown: Sequence[AreaRef] = _info(
        meaning="Areas whose year of establishment is unknown (0): counted in every epoch.",
        default=(),
    )
    protected_areas_by_epoch: Mapping[str, EpochAreas] | None = _info(
        meaning="Per epoch: the areas counted, and those established after its year.",
        default=None,
    )


@dataclass(frozen=True)
class RangeFilterInfo:
    """The IUCN code filter that made the current range (None when none applied).

    Examples
    --------
    >>> RangeFilterInfo().range_filter is None  # the range had no IUCN codes
    True
    """

    range_filter: RangeFilter | None = _info(  # noqa: RUF009 - a dataclasses.field
        meaning="Codes kept (presence, origin, seasonal), codes present, and what the filter "
        "left out: features and km² per combination of codes.",
        default=None,
    )


@dataclass(frozen=True)
class RepairRecord:
    """Geometries of one input layer repaired with ``make_valid``.

    Examples
    --------
    >>> record = RepairRecord("park", "parks.gpkg:park", features=2, ids=(3, 7))
    >>> f"{record.features} {record.role} geometries repaired: {list(record.ids)}"
    '2 park geometries repaired: [3, 7]'
    """

    role: str
    source: str | None
    features: int
    ids: Sequence[int | str]


@dataclass(frozen=True)
class Repairs:
    """Every geometry repair of the run.

    Examples
    --------
    >>> park = RepairRecord("park", None, features=1, ids=(0,))
    >>> range_ = RepairRecord("range", None, features=2, ids=(4, 5))
    >>> repairs = Repairs((park, range_))
    >>> sum(r.features for r in repairs.repairs)
    3
    """

    repairs: Sequence[RepairRecord] = _info(
        meaning="Geometries repaired with make_valid: role, layer, count and feature ids.",
        default=(),
    )


@dataclass(frozen=True)
class ClaimResult:
    """A published claim checked against the computed metric.

    Examples
    --------
    >>> c = ClaimResult("c1", "eoo_km2", None, None, "about", 100.0, 5.0, 103.0, 3.0, True)
    >>> c.to_dict()["pass"]
    True
    """

    id: str
    metric: str
    statement: str | None
    source: str | None
    comparison: str
    expected: float
    tolerance: float
    measured: float
    difference: float
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        """The claim as written to metrics.json (``passed`` is written as ``pass``)."""
        out = dataclasses.asdict(self)
        out["pass"] = out.pop("passed")
        return out


# ---------------------------------------------------------------------------- the registry
#: Parts of a report in metrics.json order: (attribute of the result, JSON key or None when
#: the part's fields are top-level keys, part type).
_PARTS: tuple[tuple[str, str | None, type], ...] = (
    ("run_info", None, RunInfo),
    ("repairs", None, Repairs),
    ("range_filter", None, RangeFilterInfo),
    ("coverage", None, Coverage),
    ("protected_areas", None, ProtectedAreaCoverage),
    ("epochs", "range_epochs", EpochMetrics),
    ("national", None, NationalShare),
    ("breeding", None, Breeding),
    ("competitor", None, CompetitorOverlap),
    ("redlist", None, RedListMetrics),
    ("fragmentation", "fragmentation", PatchMetrics),
    ("claims", "claims", ClaimResult),
)
_FRAGMENTATION_FIELDS = (
    "n_patches",
    "largest_patch_pct",
    "mean_patch_km2",
    "effective_mesh_size_km2",
)
_PATCH_MEANINGS = {
    "n_patches": ("count", "Number of patches of the current range (FRAGSTATS NP)."),
    "largest_patch_pct": ("%", "Largest patch ÷ the current range × 100 (LPI)."),
    "mean_patch_km2": ("km²", "Mean patch area (AREA_MN)."),
    "effective_mesh_size_km2": ("km²", "Σ patch area² ÷ range area (Jaeger's MESH)."),
}
_EPOCH_PREFIX = "range_epochs."
_FRAGMENTATION_PREFIX = "fragmentation."
_EPOCH_METRIC = re.compile(r"^range_epochs\.(?P<epoch>.+)\.(?P<field>[a-z0-9_]+)$")


def _declared(cls: type) -> Iterator[tuple[dataclasses.Field[Any], Metric, bool]]:
    for f in dataclasses.fields(cls):
        spec = f.metadata.get(_KEY)
        if spec is None:
            continue
        yield (
            f,
            Metric(
                name=f.name,
                unit=spec["unit"],
                meaning=spec["meaning"],
                claim=spec["claim"],
                outputs=spec["outputs"],
                label=spec["label"],
                needs=spec["needs"],
            ),
            spec["json"],
        )


def registry() -> dict[str, Metric]:
    """Every metric of a report by name, in metrics.json order.

    Per-epoch metrics are named ``range_epochs.<field>`` and fragmentation metrics
    ``fragmentation.<field>``.

    Examples
    --------
    >>> reg = registry()
    >>> reg["eoo_km2"].unit
    'km²'
    >>> reg["fragmentation.n_patches"].claim
    True
    """
    out: dict[str, Metric] = {}
    for _attr, key, cls in _PARTS:
        if cls is PatchMetrics:
            for name in _FRAGMENTATION_FIELDS:
                unit, meaning = _PATCH_MEANINGS[name]
                full = _FRAGMENTATION_PREFIX + name
                out[full] = Metric(full, unit, meaning, claim=True)
            continue
        for _f, m, _json in _declared(cls):
            name = f"{key}.{m.name}" if key else m.name
            out[name] = dataclasses.replace(m, name=name)
    return out


def claimable() -> tuple[str, ...]:
    """Top-level metrics a claim may name (per-epoch and fragmentation ones aside).

    Examples
    --------
    >>> "park_share_of_current_range_pct" in claimable()
    True
    """
    return tuple(
        name
        for name, m in registry().items()
        if m.claim and not name.startswith((_EPOCH_PREFIX, _FRAGMENTATION_PREFIX))
    )


def _epoch_fields() -> tuple[str, ...]:
    return tuple(m.name for _f, m, _j in _declared(EpochMetrics) if m.claim)


def check_metric_name(name: str, where: str) -> None:
    """Raise :class:`~leopardrange.errors.StudyError` unless a claim may name ``name``.

    Parameters
    ----------
    name
        A top-level metric, ``range_epochs.<epoch>.<field>`` or ``fragmentation.<field>``.
    where
        Where the name was found, for the message.

    Examples
    --------
    >>> check_metric_name("eoo_km2", "claim #1")
    >>> check_metric_name("eoo", "claim #1")
    Traceback (most recent call last):
    ...
    leopardrange.errors.StudyError: unknown metric 'eoo' in claim #1; ...
    """
    if name in claimable():
        return
    if name.startswith(_FRAGMENTATION_PREFIX) and name.split(".", 1)[1] in _FRAGMENTATION_FIELDS:
        return
    match = _EPOCH_METRIC.match(name)
    if match and match["field"] in _epoch_fields():
        return
    raise StudyError(
        f"unknown metric {name!r} in {where}; use one of: {', '.join(claimable())}, "
        f"fragmentation.<{'|'.join(_FRAGMENTATION_FIELDS)}>, "
        f"range_epochs.<epoch>.<{'|'.join(_epoch_fields())}>"
    )


def metric_value(result: Any, name: str) -> Any:
    """The value of the metric ``name`` in a report result (``None`` when it is missing).

    Parameters
    ----------
    result
        An object with the parts of :data:`_PARTS` as attributes (a report result).
    name
        As for :func:`check_metric_name`.

    Raises
    ------
    StudyError
        If a per-epoch name names an epoch the range does not have.

    Examples
    --------
    >>> from leopardrange import report
    >>> result = report.run()
    >>> round(metric_value(result, "range_epochs.2015.area_pct_of_first"), 2)
    2.96
    >>> metric_value(result, "fragmentation.n_patches")
    16
    """
    match = _EPOCH_METRIC.match(name)
    if match:
        for epoch in result.epochs:
            if epoch.epoch == match["epoch"]:
                return getattr(epoch, match["field"])
        known = ", ".join(e.epoch for e in result.epochs)
        raise StudyError(f"{name!r} names epoch {match['epoch']!r}; epochs are: {known}")
    if name.startswith(_FRAGMENTATION_PREFIX):
        return getattr(result.fragmentation, name.split(".", 1)[1])
    for attr, key, cls in _PARTS:
        if key is None and name in {f.name for f in dataclasses.fields(cls)}:
            return getattr(getattr(result, attr), name)
    return None


def shown_in(output: Output) -> tuple[Metric, ...]:
    """The top-level metrics an output shows, in registry order.

    Examples
    --------
    >>> [m.name for m in shown_in("summary")][:2]
    ['current_range_km2', 'park_area_km2']
    """
    return tuple(m for m in registry().values() if output in m.outputs)


def metric_unit(name: str) -> str:
    """The unit of a metric a claim may name: ``"%"``, ``"km²"``, ``"count"`` … (``""``: none).

    Examples
    --------
    >>> metric_unit("park_share_of_current_range_pct"), metric_unit("range_epochs.2015.area_km2")
    ('%', 'km²')
    """
    match = _EPOCH_METRIC.match(name)
    found = registry().get(_EPOCH_PREFIX + match["field"] if match else name)
    return found.unit if found else ""


def _number(value: float) -> str:
    """A number as people write it: ``70``, ``2.96``, ``10,709`` (no trailing zeros)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def comparison_text(claim: ClaimResult) -> str:
    """What a claim says, written as what it is: ``60 % ± 5``, ``≥ 70 %``, ``≤ 500 km²``.

    An ``about`` claim reads ``expected ± tolerance`` (``= expected`` without a tolerance);
    ``at_least`` and ``at_most`` read as the bound the measured value must meet, with the
    published figure and the tolerance beside it when there is one.

    Examples
    --------
    >>> def claim(comparison, expected, tolerance, metric="park_share_of_current_range_pct"):
    ...     return ClaimResult("c", metric, None, None, comparison, expected, tolerance,
    ...                        0.0, 0.0, False)
    >>> comparison_text(claim("about", 60.0, 5.0)), comparison_text(claim("at_least", 70.0, 0.0))
    ('60 % ± 5', '≥ 70 %')
    >>> comparison_text(claim("at_most", 500.0, 50.0, "aoo_km2"))
    '≤ 550 km² (500 + 50)'
    """
    unit = {"%": " %", "km²": " km²"}.get(metric_unit(claim.metric), "")
    expected, tolerance = claim.expected, claim.tolerance
    if claim.comparison == "about":
        if not tolerance:
            return f"= {_number(expected)}{unit}"
        return f"{_number(expected)}{unit} ± {_number(tolerance)}"
    at_least = claim.comparison == "at_least"
    bound = expected - tolerance if at_least else expected + tolerance
    text = f"{'≥' if at_least else '≤'} {_number(bound)}{unit}"
    if not tolerance:
        return text
    return f"{text} ({_number(expected)} {'−' if at_least else '+'} {_number(tolerance)})"


#: Per-epoch fields written as attributes of the exported range-by-epoch layer.
EPOCH_EXPORT_FIELDS: tuple[str, ...] = tuple(
    m.name for _f, m, _j in _declared(EpochMetrics) if "export" in m.outputs
)


def _plain(value: Any) -> Any:
    """Dataclasses, mappings and tuples as JSON-ready dicts and lists."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if value is None or isinstance(value, str | int):  # leaves first: most values are
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return to_dict()
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fragmentation_json(part: PatchMetrics) -> dict[str, Any]:
    """The ``fragmentation`` entry of metrics.json: the patch metrics, NaN as ``None``.

    Examples
    --------
    >>> from leopardrange.fragmentation import patch_metrics
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> patches = gpd.GeoSeries([shapely.box(0, 0, 10_000, 10_000)], crs=laea)
    >>> fragmentation_json(patch_metrics(patches))["n_patches"]
    1
    """
    return {name: _plain(getattr(part, name)) for name in _FRAGMENTATION_FIELDS}


def _part_dict(part: Any) -> dict[str, Any]:
    return {
        f.name: _plain(getattr(part, f.name))
        for f in dataclasses.fields(part)
        if f.metadata.get(_KEY, {}).get("json", True)
    }


def to_json_dict(result: Any) -> dict[str, Any]:
    """The content of metrics.json for a report result, generated from the registry.

    Parameters
    ----------
    result
        An object with the parts of :data:`_PARTS` as attributes (a report result).

    Returns
    -------
    dict
        Top-level keys in declaration order; NaN as ``None``.

    Examples
    --------
    >>> from leopardrange import report
    >>> content = to_json_dict(report.run())
    >>> list(content)[:3], content["schema_version"]
    (['study', 'species', 'analysis_crs'], 1)
    """
    out: dict[str, Any] = {}
    for attr, key, cls in _PARTS:
        part = getattr(result, attr)
        if cls is PatchMetrics:
            out[key or attr] = fragmentation_json(part)
        elif key is None:
            out.update(_part_dict(part))
        else:
            out[key] = [_plain(p) if cls is ClaimResult else _part_dict(p) for p in part]
    return out
