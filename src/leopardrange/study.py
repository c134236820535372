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

Unknown roles or keys are errors that name the key, suggest the closest valid one and list
them all; values of the wrong type (text for a number, ``"true"`` for ``true``, ``nan``) are
errors that say what is expected (see :mod:`leopardrange.schema`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leopardrange.documents import read_toml
from leopardrange.errors import StudyError
from leopardrange.metrics import check_metric_name
from leopardrange.output import note_input
from leopardrange.schema import Checker

__all__ = [
    "ROLES",
    "Claim",
    "LayerConfig",
    "Study",
    "parse_study",
    "read_study",
]

_COMMON_KEYS = {"path", "layer", "where", "assume_crs", "label", "repair", "name_field", "encoding"}
#: Keys of the WDPA conventions (park) and of the IUCN conventions (range).
WDPA_KEYS = {
    "conventions",
    "status_filter",
    "status_keep",
    "drop_biosphere_reserves",
    "point_areas",
    "establishment_by_epoch",
    "established_field",
    "id_field",
}
IUCN_KEYS = {
    "conventions",
    "presence",
    "origin",
    "seasonal",
    "historical_presence",
    "historical_year",
    "current_year",
}
#: Roles a layer can play, with the keys each accepts beyond the common ones.
ROLES: dict[str, set[str]] = {
    "park": set(WDPA_KEYS),
    "range": {"epoch_field", "year_field", "current_epoch", "published_area_field"} | IUCN_KEYS,
    "competitor": set(),
    "breeding": set(),
    "borders": set(),
}
REQUIRED_ROLES = ("park", "range")
_TOP_KEYS = {"study", "layers", "claims"}
_STUDY_KEYS = {"name", "species", "description", "analysis_crs", "aoo_crs", "competitor_species"}
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
#: No metric reaches this (the Earth is 5.1e8 km²): a larger claimed value is a typo.
_MAX_CLAIMED = 1e12
_check = Checker(StudyError)


@dataclass(frozen=True)
class LayerConfig:
    """Where a role's layer is and how to read it.

    ``path`` and ``layer`` are the first source; ``sources`` lists every (path, layer) pair
    when the study names several layers for the role (they are read and joined).

    Examples
    --------
    >>> cfg = LayerConfig(role="park", path=Path("parks.gpkg"), layer="park")
    >>> cfg.all_sources()
    ((PosixPath('parks.gpkg'), 'park'),)
    """

    role: str
    path: Path
    layer: str | None = None
    where: str | None = None
    assume_crs: str | None = None
    label: str | None = None
    repair: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None
    sources: tuple[tuple[Path, str | None], ...] = ()

    def all_sources(self) -> tuple[tuple[Path, str | None], ...]:
        """Every (path, layer) pair of the role: ``sources``, or ``(path, layer)`` alone."""
        return self.sources or ((self.path, self.layer),)


@dataclass(frozen=True)
class Claim:
    """A published statement to check against a computed metric.

    Examples
    --------
    >>> claim = Claim("park-60pct", "park_share_of_current_range_pct", expected=60.0, tolerance=5.0)
    >>> claim.check(57.0), claim.check(42.6)
    (True, False)
    >>> Claim("floor", "aoo_km2", expected=100.0, comparison="at_least").check(120.0)
    True
    """

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
    """A parsed study: name, species, layers by role and claims.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> study = read_study(datasets.path("study"))
    >>> study.species, len(study.claims), study.claims[0].metric
    ('Panthera pardus orientalis', 5, 'park_share_of_current_range_pct')
    """

    name: str
    species: str | None
    layers: dict[str, LayerConfig]
    claims: list[Claim]
    source: Path | None = None
    analysis_crs: str | None = None
    description: str | None = None
    competitor_species: str | None = None
    aoo_crs: str | None = None


def _texts(value: Any, key: str, where: str) -> list[str]:
    """Text, or a non-empty array of text, as a list."""
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            _check.wrong(value, key, where, expected="non-empty text or a non-empty array of it")
        return list(value)
    return [_check.text(value, key, where)]


def _text_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    """A non-empty array of non-empty text."""
    items = _check.array(value, key, where, of="text", non_empty=True)
    if not all(isinstance(v, str) and v.strip() for v in items):
        _check.wrong(value, key, where, expected="a non-empty array of non-empty text")
    return tuple(items)


def _code_list(valid: range) -> Any:
    def check(value: Any, key: str, where: str) -> tuple[int, ...]:
        items = _check.array(value, key, where, of="integer codes", non_empty=True)
        if not all(isinstance(v, int) and not isinstance(v, bool) and v in valid for v in items):
            _check.wrong(
                value,
                key,
                where,
                expected=f"a non-empty array of codes {valid.start}–{valid.stop - 1}",
            )
        return tuple(items)

    return check


def _conventions(role: str) -> Any:
    choices = ("auto", "wdpa", "none") if role == "park" else ("auto", "iucn", "none")

    def check(value: Any, key: str, where: str) -> str:
        return _check.choice(value, key, where, choices=choices)

    return check


#: How each role-specific key is checked (default: non-empty text).
_KEY_CHECKS: dict[str, Any] = {
    "status_filter": _check.boolean,
    "status_keep": _text_list,
    "drop_biosphere_reserves": _check.boolean,
    "point_areas": _check.boolean,
    "establishment_by_epoch": _check.boolean,
    "presence": _code_list(range(1, 7)),
    "origin": _code_list(range(1, 7)),
    "seasonal": _code_list(range(1, 6)),
    "historical_presence": _code_list(range(1, 7)),
    "historical_year": _check.integer,
    "current_year": _check.integer,
}


def _sources(
    table: dict[str, Any], here: str, base_dir: Path
) -> tuple[tuple[Path, str | None], ...]:
    paths = _texts(table["path"], "path", here)
    layers: list[str | None] = (
        list(_texts(table["layer"], "layer", here)) if "layer" in table else [None]
    )
    if len(paths) > 1 and len(layers) > 1 and len(paths) != len(layers):
        _check.fail(
            f"path and layer of {here} are arrays of different lengths ({len(paths)} and "
            f"{len(layers)}); give one layer per path, or one path for several layers"
        )
    if len(paths) == 1:
        paths = paths * len(layers)
    if len(layers) == 1:
        layers = layers * len(paths)
    out = []
    for text, layer in zip(paths, layers, strict=True):
        path = Path(text)
        out.append((path if path.is_absolute() else base_dir / path, layer))
    return tuple(out)


def _layer(role: str, table: Any, base_dir: Path, where: str) -> LayerConfig:
    here = f"[layers.{role}] of {where}"
    table = _check.table(table, f"[layers.{role}]", where)
    _check.keys(
        table,
        here,
        valid=_COMMON_KEYS | ROLES[role],
        required={"path": "path (the file of the layer, or an array of files)"},
    )
    sources = _sources(table, here, base_dir)
    options = {
        k: (_conventions(role) if k == "conventions" else _KEY_CHECKS.get(k, _check.text))(
            table[k], k, here
        )
        for k in sorted(ROLES[role] | {"name_field"})
        if k in table
    }
    return LayerConfig(
        role=role,
        path=sources[0][0],
        layer=sources[0][1],
        where=_check.optional(table, "where", here, _check.text),
        assume_crs=_check.optional(table, "assume_crs", here, _crs_text),
        label=_check.optional(table, "label", here, _check.text),
        repair=bool(_check.optional(table, "repair", here, _check.boolean)),
        options=options,
        encoding=_check.optional(table, "encoding", here, _encoding),
        sources=sources if len(sources) > 1 else (),
    )


def _crs_text(value: Any, key: str, where: str, *, equal_area: bool = False) -> str:
    """Text naming a CRS (an equal-area one with ``equal_area``)."""
    from pyproj import CRS

    from leopardrange.crs import is_equal_area

    text = _check.text(value, key, where)
    expected = (
        "an equal-area CRS such as '+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84'"
        if equal_area
        else "a CRS such as 'EPSG:4326'"
    )
    try:
        crs = CRS.from_user_input(text)
    except Exception:
        _check.wrong(value, key, where, expected=expected)
    if equal_area and not is_equal_area(crs):
        _check.wrong(value, key, where, expected=expected)
    return text


def _equal_area_crs_text(value: Any, key: str, where: str) -> str:
    return _crs_text(value, key, where, equal_area=True)


def _encoding(value: Any, key: str, where: str) -> str:
    """A text encoding Python knows (``cp1251``, ``latin-1``, ``utf-8`` …)."""
    import codecs

    text = _check.text(value, key, where)
    try:
        codecs.lookup(text)
    except LookupError:
        _check.wrong(value, key, where, expected="a text encoding such as utf-8, cp1251, latin-1")
    return text


def _claim(table: Any, index: int, where: str) -> Claim:
    here = f"claim #{index + 1} of {where}"
    table = _check.table(table, f"claim #{index + 1}", where)
    _check.keys(table, here, valid=_CLAIM_KEYS, required=("id", "metric", "expected"))
    metric = _check.text(table["metric"], "metric", here)
    check_metric_name(metric, here)
    expected = _check.number(table["expected"], "expected", here)
    if abs(expected) > _MAX_CLAIMED:
        _check.wrong(expected, "expected", here, expected=f"a number within ±{_MAX_CLAIMED:.0e}")
    if "tolerance" in table and "tolerance_pct" in table:
        _check.fail(f"{here} gives tolerance and tolerance_pct; give one of them")
    tolerance = _check.optional(table, "tolerance", here, _check.non_negative) or 0.0
    if tolerance > _MAX_CLAIMED:
        _check.wrong(
            tolerance, "tolerance", here, expected=f"a number from 0 to {_MAX_CLAIMED:.0e}"
        )
    tolerance_pct = _check.optional(table, "tolerance_pct", here, _check.non_negative)
    if tolerance_pct is not None:
        if tolerance_pct > 100:
            _check.wrong(
                tolerance_pct, "tolerance_pct", here, expected="a percentage from 0 to 100"
            )
        tolerance = abs(expected) * tolerance_pct / 100
    comparison = _check.optional(table, "comparison", here, _comparison) or "about"
    return Claim(
        id=_check.text(table["id"], "id", here),
        metric=metric,
        expected=expected,
        tolerance=tolerance,
        comparison=comparison,
        statement=_check.optional(table, "statement", here, _check.text),
        source=_check.optional(table, "source", here, _check.text),
    )


def _comparison(value: Any, key: str, where: str) -> str:
    return _check.choice(value, key, where, choices=_COMPARISONS)


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

    Examples
    --------
    >>> study = parse_study({"study": {"name": "Test"},
    ...     "layers": {"range": {"path": "range.gpkg"}, "park": {"path": "parks.gpkg"}}},
    ...     base_dir=Path("/data"))
    >>> study.name, study.layers["park"].path
    ('Test', PosixPath('/data/parks.gpkg'))
    >>> parse_study({"layers": {"range": {"path": "range.gpkg"}}}, base_dir=Path("."))
    Traceback (most recent call last):
    ...
    leopardrange.errors.StudyError: [layers] of the study needs [layers.park]
    """
    where = f"study file {str(source)!r}" if source else "the study"
    _check.keys(data, where, valid=_TOP_KEYS)
    head = _check.table(data.get("study", {}), "[study]", where)
    _check.keys(head, f"[study] of {where}", valid=_STUDY_KEYS)
    layers_table = _check.table(data.get("layers", {}), "[layers]", where)
    _check.keys(
        layers_table,
        f"[layers] of {where}",
        valid=ROLES,
        required={role: f"[layers.{role}]" for role in REQUIRED_ROLES},
        noun="role",
    )
    layers = {role: _layer(role, t, base_dir, where) for role, t in layers_table.items()}
    claims_list = _check.array(data.get("claims", []), "claims", where, of="tables ([[claims]])")
    claims = [_claim(t, i, where) for i, t in enumerate(claims_list)]
    _check.unique([c.id for c in claims], things="claims", key="id", where=where)

    def text(key: str) -> str | None:
        return _check.optional(head, key, f"[study] of {where}", _check.text)

    analysis_crs = _check.optional(
        head, "analysis_crs", f"[study] of {where}", _equal_area_crs_text
    )

    return Study(
        name=text("name") or (source.stem if source else "study"),
        species=text("species"),
        layers=layers,
        claims=claims,
        source=source,
        analysis_crs=analysis_crs,
        aoo_crs=text("aoo_crs"),
        description=text("description"),
        competitor_species=text("competitor_species"),
    )


def read_study(path: str | Path) -> Study:
    """Read and check a study file.

    Raises
    ------
    DataSourceError
        If the file does not exist or is a directory.
    StudyError
        If it is not valid TOML (the message has the line and column) or not a valid study.

    Every layer file the study names is recorded as an input of the run reading it (see
    :func:`leopardrange.output.tracking_inputs`), so no output of that run can replace it.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> study = read_study(datasets.path("study"))
    >>> sorted(study.layers), study.layers["range"].options["year_field"]
    (['borders', 'breeding', 'competitor', 'park', 'range'], 'year')
    """
    path = Path(path)
    data = read_toml(path, kind="study file", error=StudyError)
    study = parse_study(data, base_dir=path.resolve().parent, source=path)
    for cfg in study.layers.values():  # the study's files are inputs of the run reading it
        note_input(cfg.path)
    return study
