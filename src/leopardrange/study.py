"""Study files: which layers play which role, and which published claims to check.

A study is a TOML file (schema in the README, example ``geodata/amur_leopard.toml``)::

    [study]
    name = "Amur leopard in Land of the Leopard NP"
    species = "Panthera pardus orientalis"

    [layers.park]                       # required; polygons, dissolved into one park
    path = "amur_leopard.gpkg"          # relative to the study file
    layer = "park"
    where = "name = 'Land of the Leopard'"

    [layers.range]                      # required; polygons, one or more per epoch
    path = "amur_leopard.gpkg"
    layer = "leopard_range"
    epoch_field = "epoch"
    year_field = "year"

    [[claims]]
    id = "park-covers-60pct"
    metric = "park_share_of_current_range_pct"
    expected = 60.0
    tolerance = 5.0

Unknown roles or keys are errors that name the key and list the valid ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leopardrange.documents import read_toml
from leopardrange.errors import StudyError

__all__ = [
    "CLAIM_METRICS",
    "ROLES",
    "Claim",
    "LayerConfig",
    "Study",
    "parse_study",
    "read_study",
]

_COMMON_KEYS = {"path", "layer", "where", "assume_crs", "label", "repair"}
#: Roles a layer can play, with the keys each accepts beyond the common ones.
ROLES: dict[str, set[str]] = {
    "park": set(),
    "range": {"epoch_field", "year_field", "current_epoch", "published_area_field"},
    "competitor": set(),
    "breeding": set(),
    "borders": {"name_field"},
}
REQUIRED_ROLES = ("park", "range")
_TOP_KEYS = {"study", "layers", "claims"}
_STUDY_KEYS = {"name", "species", "description", "analysis_crs", "competitor_species"}
_CLAIM_KEYS = {
    "id",
    "metric",
    "expected",
    "tolerance",
    "tolerance_pct",
    "comparison",
    "statement",
    "source",
}
_COMPARISONS = ("about", "at_least", "at_most")

#: Scalar metrics a claim can name. Per-epoch values are named
#: ``range_epochs.<epoch>.<field>``; fragmentation values ``fragmentation.<field>``.
CLAIM_METRICS: tuple[str, ...] = (
    "park_area_km2",
    "park_share_of_current_range_pct",
    "park_in_current_range_km2",
    "current_range_km2",
    "national_current_range_km2",
    "park_share_of_national_range_pct",
    "breeding_in_park_pct",
    "breeding_features",
    "breeding_features_in_park",
    "competitor_overlap_km2",
    "competitor_overlap_pct_of_range",
    "competitor_overlap_pct_of_competitor",
    "eoo_km2",
    "aoo_km2",
    "aoo_min_km2",
)
EPOCH_FIELDS = (
    "area_km2",
    "loss_vs_first_km2",
    "loss_vs_first_pct",
    "area_pct_of_first",
    "annual_loss_pct",
    "park_share_pct",
)
FRAGMENTATION_FIELDS = (
    "n_patches",
    "largest_patch_pct",
    "mean_patch_km2",
    "effective_mesh_size_km2",
)
_EPOCH_METRIC = re.compile(r"^range_epochs\.(?P<epoch>.+)\.(?P<field>[a-z0-9_]+)$")


@dataclass(frozen=True)
class LayerConfig:
    """Where a role's layer is and how to read it."""

    role: str
    path: Path
    layer: str | None = None
    where: str | None = None
    assume_crs: str | None = None
    label: str | None = None
    repair: bool = False
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """A published statement to check against a computed metric."""

    id: str
    metric: str
    expected: float
    tolerance: float = 0.0
    comparison: str = "about"
    statement: str | None = None
    source: str | None = None

    def check(self, measured: float) -> bool:
        """Tell whether the measured value bears the claim out."""
        if self.comparison == "at_least":
            return measured >= self.expected - self.tolerance
        if self.comparison == "at_most":
            return measured <= self.expected + self.tolerance
        return abs(measured - self.expected) <= self.tolerance


@dataclass(frozen=True)
class Study:
    """A parsed study: name, species, layers by role and claims."""

    name: str
    species: str | None
    layers: dict[str, LayerConfig]
    claims: list[Claim]
    source: Path | None = None
    analysis_crs: str | None = None
    description: str | None = None
    competitor_species: str | None = None


def _unknown(keys: set[str], valid: set[str], where: str) -> None:
    extra = sorted(keys - valid)
    if extra:
        raise StudyError(
            f"unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))} in "
            f"{where}; valid keys: {', '.join(sorted(valid))}"
        )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StudyError(f"{where} must be a non-empty string, not {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StudyError(f"{where} must be a number, not {value!r}")
    return float(value)


def _layer(role: str, table: Any, base_dir: Path, where: str) -> LayerConfig:
    if role not in ROLES:
        raise StudyError(f"unknown role {role!r} in {where}; valid roles: {', '.join(ROLES)}")
    if not isinstance(table, dict):
        raise StudyError(f"[layers.{role}] in {where} must be a table with at least `path`")
    _unknown(set(table), _COMMON_KEYS | ROLES[role], f"[layers.{role}] of {where}")
    if "path" not in table:
        raise StudyError(f"[layers.{role}] in {where} has no `path`; give the file of the layer")
    path = Path(_text(table["path"], f"layers.{role}.path"))
    options = {k: table[k] for k in ROLES[role] if k in table}
    for key, value in options.items():
        _text(value, f"layers.{role}.{key}")
    return LayerConfig(
        role=role,
        path=path if path.is_absolute() else base_dir / path,
        layer=table.get("layer"),
        where=table.get("where"),
        assume_crs=table.get("assume_crs"),
        label=table.get("label"),
        repair=bool(table.get("repair", False)),
        options=options,
    )


def check_metric_name(metric: str, where: str) -> None:
    """Raise :class:`StudyError` unless ``metric`` names a metric a claim can check."""
    if metric in CLAIM_METRICS:
        return
    if metric.startswith("fragmentation.") and metric.split(".", 1)[1] in FRAGMENTATION_FIELDS:
        return
    match = _EPOCH_METRIC.match(metric)
    if match and match["field"] in EPOCH_FIELDS:
        return
    raise StudyError(
        f"unknown metric {metric!r} in {where}; use one of: {', '.join(CLAIM_METRICS)}, "
        f"fragmentation.<{'|'.join(FRAGMENTATION_FIELDS)}>, "
        f"range_epochs.<epoch>.<{'|'.join(EPOCH_FIELDS)}>"
    )


def _claim(table: Any, index: int, where: str) -> Claim:
    here = f"claim #{index + 1} of {where}"
    if not isinstance(table, dict):
        raise StudyError(f"{here} must be a table ([[claims]])")
    _unknown(set(table), _CLAIM_KEYS, here)
    for key in ("id", "metric", "expected"):
        if key not in table:
            raise StudyError(f"{here} has no `{key}`")
    metric = _text(table["metric"], f"{here}: metric")
    check_metric_name(metric, here)
    expected = _number(table["expected"], f"{here}: expected")
    if "tolerance" in table and "tolerance_pct" in table:
        raise StudyError(f"{here}: give `tolerance` or `tolerance_pct`, not both")
    tolerance = _number(table.get("tolerance", 0.0), f"{here}: tolerance")
    if "tolerance_pct" in table:
        tolerance = abs(expected) * _number(table["tolerance_pct"], f"{here}: tolerance_pct") / 100
    if tolerance < 0:
        raise StudyError(f"{here}: tolerance must be ≥ 0, not {tolerance}")
    comparison = table.get("comparison", "about")
    if comparison not in _COMPARISONS:
        raise StudyError(
            f"{here}: comparison {comparison!r} is not one of {', '.join(_COMPARISONS)}"
        )
    return Claim(
        id=_text(table["id"], f"{here}: id"),
        metric=metric,
        expected=expected,
        tolerance=tolerance,
        comparison=comparison,
        statement=table.get("statement"),
        source=table.get("source"),
    )


def parse_study(data: dict[str, Any], *, base_dir: Path, source: Path | None = None) -> Study:
    """Build a :class:`Study` from a parsed TOML document.

    Parameters
    ----------
    data
        The document, as :func:`tomllib.loads` returns it.
    base_dir
        Folder that relative layer paths are resolved against (the study file's folder).
    source
        The study file, for messages.

    Raises
    ------
    StudyError
        Unknown roles or keys, a missing required role, values of the wrong type, claims on
        unknown metrics, duplicate claim ids.
    """
    where = f"study file {str(source)!r}" if source else "the study"
    _unknown(set(data), _TOP_KEYS, where)
    head = data.get("study", {})
    if not isinstance(head, dict):
        raise StudyError(f"[study] in {where} must be a table")
    _unknown(set(head), _STUDY_KEYS, f"[study] of {where}")
    layers_table = data.get("layers", {})
    if not isinstance(layers_table, dict):
        raise StudyError(f"[layers] in {where} must be a table of roles")
    layers = {role: _layer(role, t, base_dir, where) for role, t in layers_table.items()}
    missing = [r for r in REQUIRED_ROLES if r not in layers]
    if missing:
        raise StudyError(
            f"{where} has no [layers.{missing[0]}]; the roles "
            f"{' and '.join(REQUIRED_ROLES)} are required"
        )
    claims_list = data.get("claims", [])
    if not isinstance(claims_list, list):
        raise StudyError(f"claims in {where} must be an array of tables ([[claims]])")
    claims = [_claim(t, i, where) for i, t in enumerate(claims_list)]
    ids = [c.id for c in claims]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise StudyError(f"duplicate claim id {duplicates[0]!r} in {where}")
    return Study(
        name=str(head.get("name", source.stem if source else "study")),
        species=head.get("species"),
        layers=layers,
        claims=claims,
        source=source,
        analysis_crs=head.get("analysis_crs"),
        description=head.get("description"),
        competitor_species=head.get("competitor_species"),
    )


def read_study(path: str | Path) -> Study:
    """Read and check a study file.

    Raises
    ------
    DataSourceError
        If the file does not exist or is a directory.
    StudyError
        If it is not valid TOML (the message has the line and column) or not a valid study.
    """
    path = Path(path)
    data = read_toml(path, kind="study file", error=StudyError)
    return parse_study(data, base_dir=path.resolve().parent, source=path)
