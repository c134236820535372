"""Prepare a report's layers: check every field at once, apply WDPA and IUCN conventions.

Runs before anything is projected or overlaid: the fields the study names are checked all
together (one error lists every missing one); the park is cleaned by the WDPA conventions
(:func:`leopardrange.wdpa.clean`) and the range filtered by its IUCN codes
(:mod:`leopardrange.iucn`), building the epochs from the codes when the layer has none; and
every geometry repair of the inputs is collected for the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd

from leopardrange._fields import Need, check_needs, find_field, plain_id
from leopardrange.iucn import (
    CURRENT_EPOCH,
    HISTORICAL_EPOCH,
    IUCNOptions,
    RangeFilter,
    code_epochs,
    filter_range,
    is_iucn,
)
from leopardrange.metrics import RepairRecord
from leopardrange.wdpa import CleanedAreas, WDPAOptions, clean

__all__ = ["Prepared", "prepare"]

_DEFAULT_EPOCH_FIELD = "epoch"
_DEFAULT_YEAR_FIELD = "year"


@dataclass(frozen=True)
class Prepared:
    """Layers ready for the report, and what preparing them did.

    Attributes
    ----------
    layers
        By role, in the CRS they came in: the park as its kept areas (polygons with ``id``,
        ``name``, ``established_year``), the range with its epoch (and year) fields.
    park
        What the WDPA conventions kept and dropped.
    range_filter
        The IUCN filter, or ``None`` when the range has no codes (or conventions are off).
    epoch_field, year_field
        The range's epoch and year fields (``year_field`` is ``None`` for epochs built from
        IUCN codes).
    repairs
        Every geometry repair of the inputs.
    epoch_years
        Years of the epochs built from IUCN codes (``None`` where not given).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> prepared = prepare({"park": datasets.load("park"), "range": datasets.load("leopard_range")})
    >>> sorted(prepared.layers), prepared.repairs
    (['park', 'range'], ())
    """

    layers: dict[str, gpd.GeoDataFrame]
    park: CleanedAreas
    range_filter: RangeFilter | None
    epoch_field: str
    year_field: str | None
    repairs: tuple[RepairRecord, ...]
    epoch_years: Mapping[str, int | None] | None = None


def _layer_name(role: str, frame: gpd.GeoDataFrame) -> str:
    source = frame.attrs.get("source")
    return f"{role} layer {source!r}" if source else f"the {role} layer"


def _iucn_active(frame: gpd.GeoDataFrame, options: IUCNOptions) -> bool:
    return options.conventions == "iucn" or (options.conventions == "auto" and is_iucn(frame))


def _needs(
    raw: Mapping[str, gpd.GeoDataFrame],
    *,
    epoch_field: str | None,
    year_field: str | None,
    published_area_field: str | None,
    borders_name_field: str,
    name_fields: Mapping[str, str],
    park_options: WDPAOptions,
    epochs_from_codes: bool,
    where: str,
) -> list[tuple[gpd.GeoDataFrame, Need]]:
    """Every field the study names, with the frame that must have it."""

    def need(role: str, key: str, field: str | None) -> list[tuple[gpd.GeoDataFrame, Need]]:
        if field is None or role not in raw:
            return []
        table = f"[layers.{role}] of {where}"
        return [(raw[role], Need(_layer_name(role, raw[role]), key, field, table))]

    out = []
    if not epochs_from_codes:
        out += need("range", "epoch_field", epoch_field or _DEFAULT_EPOCH_FIELD)
        out += need("range", "year_field", year_field or _DEFAULT_YEAR_FIELD)
    out += need("range", "published_area_field", published_area_field)
    out += need("park", "name_field", park_options.name_field)
    out += need("park", "id_field", park_options.id_field)
    if park_options.establishment_by_epoch:
        out += need("park", "established_field", park_options.established_field)
    out += need("borders", "name_field", borders_name_field)
    for role, field in name_fields.items():
        out += need(role, "name_field", field)
    return out


def _repairs(raw: Mapping[str, gpd.GeoDataFrame]) -> tuple[RepairRecord, ...]:
    out = []
    for role, frame in raw.items():
        for record in frame.attrs.get("repairs", ()):
            out.append(
                RepairRecord(
                    role=role,
                    source=record.get("source"),
                    features=int(record["features"]),
                    ids=[i for i in (plain_id(v) for v in record["ids"]) if i is not None],
                )
            )
    return tuple(out)


def prepare(
    raw: Mapping[str, gpd.GeoDataFrame],
    *,
    epoch_field: str | None = None,
    year_field: str | None = None,
    published_area_field: str | None = None,
    borders_name_field: str = "name",
    name_fields: Mapping[str, str] | None = None,
    park_options: WDPAOptions | None = None,
    range_options: IUCNOptions | None = None,
    method: str = "equal_area",
    where: str = "the study",
) -> Prepared:
    """Check the fields a report needs, then apply the WDPA and IUCN conventions.

    Parameters
    ----------
    raw
        Checked layers by role (``park`` and ``range`` required), any CRS.
    epoch_field, year_field
        The range's epoch and year fields; ``None``: ``epoch`` and ``year``, or, when the
        range has no ``epoch`` field but IUCN presence codes, epochs built from the codes.
    published_area_field, borders_name_field, name_fields
        Other fields the study names (``name_fields`` by role).
    park_options, range_options
        The WDPA and IUCN conventions.
    method
        How areas left out by the IUCN filter are measured.
    where
        The study, for messages (``"study file 'x.toml'"``).

    Returns
    -------
    Prepared

    Raises
    ------
    MissingFieldError
        Fields the study names that the layers lack — all of them in one message.
    AttributeValueError, EmptyLayerError, GeometryTypeError
        As :func:`leopardrange.wdpa.clean` and :func:`leopardrange.iucn.filter_range` raise.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> prepared = prepare({"park": datasets.load("park"), "range": datasets.load("leopard_range")})
    >>> prepared.park.conventions, prepared.range_filter, prepared.epoch_field
    ('none', None, 'epoch')
    """
    park_options = park_options or WDPAOptions()
    range_options = range_options or IUCNOptions()
    rng = raw["range"]
    iucn = _iucn_active(rng, range_options)
    from_codes = (
        iucn
        and epoch_field is None
        and find_field(rng, _DEFAULT_EPOCH_FIELD) is None
        and find_field(rng, "presence") is not None
    )
    needs = _needs(
        raw,
        epoch_field=epoch_field,
        year_field=year_field,
        published_area_field=published_area_field,
        borders_name_field=borders_name_field,
        name_fields=name_fields or {},
        park_options=park_options,
        epochs_from_codes=from_codes,
        where=where,
    )
    try:
        check_needs(needs)
    except Exception as exc:
        if not iucn and epoch_field is None and find_field(rng, _DEFAULT_EPOCH_FIELD) is None:
            raise type(exc)(
                f"{exc}; or give the range IUCN presence codes (a presence field)"
            ) from exc
        raise
    layers = dict(raw)
    park = clean(raw["park"], options=park_options)
    layers["park"] = park.areas
    range_filter = None
    epoch_years = None
    if from_codes:
        epoch_years = {
            HISTORICAL_EPOCH: range_options.historical_year,
            CURRENT_EPOCH: range_options.current_year,
        }
        layers["range"], range_filter = code_epochs(
            rng, options=range_options, epoch_field=_DEFAULT_EPOCH_FIELD, method=method
        )
        epochs, years = _DEFAULT_EPOCH_FIELD, None
    else:
        epochs = find_field(rng, epoch_field or _DEFAULT_EPOCH_FIELD) or _DEFAULT_EPOCH_FIELD
        years = find_field(rng, year_field or _DEFAULT_YEAR_FIELD) or _DEFAULT_YEAR_FIELD
        if iucn:
            layers["range"], range_filter = filter_range(rng, options=range_options, method=method)
    return Prepared(
        layers=layers,
        park=park,
        range_filter=range_filter,
        epoch_field=epochs,
        year_field=years,
        repairs=_repairs(raw),
        epoch_years=epoch_years,
    )
