"""Compute a range-loss and coverage report from GeoDataFrames (no file input or output).

Order of work (wdpar's for protected areas): check each layer and every field the study
names, clean the park by the WDPA conventions and filter the range by its IUCN codes
(:mod:`leopardrange.report.prepare`), project everything to one equal-area analysis CRS,
dissolve the park, then intersect it with each epoch's range; measure every area with the
chosen method; compute IUCN and fragmentation metrics on the current range (the AOO on a grid
that depends on the current range alone); finally check the claims against the metrics.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from leopardrange._fields import feature_names, find_field
from leopardrange._validate import check_geometry_kind, check_not_empty, check_valid, polygonal_part
from leopardrange._version import __version__
from leopardrange.crs import analysis_crs as choose_analysis_crs
from leopardrange.errors import CRSError, EmptyLayerError, GeometryTypeError, StudyError
from leopardrange.fragmentation import patch_metrics
from leopardrange.iucn import IUCNOptions
from leopardrange.measure import area_km2, reproject
from leopardrange.metrics import (
    SCHEMA_VERSION,
    Breeding,
    ClaimResult,
    CompetitorOverlap,
    Coverage,
    EpochMetrics,
    NationalShare,
    ProtectedAreaCoverage,
    ProtectedAreaRecord,
    RangeFilterInfo,
    RedListMetrics,
    Repairs,
    RunInfo,
    fragmentation_json,
    metric_value,
    registry,
    shown_in,
)
from leopardrange.overlap import area_by_zone, dissolve, intersection, overlap, share_pct
from leopardrange.rangeloss import current_epoch as find_current_epoch
from leopardrange.rangeloss import epoch_ranges, lost_and_retained, range_loss
from leopardrange.redlist import aoo, aoo_cells, criterion_b, eoo
from leopardrange.report import coverage as by_area
from leopardrange.report.prepare import Prepared, prepare
from leopardrange.report.result import ReportInfo, ReportResult
from leopardrange.study import ROLES, Claim
from leopardrange.wdpa import WDPAOptions

__all__ = ["BREEDING_INSIDE_FRAC", "Progress", "compute"]

#: A breeding polygon counts as inside the park when at least this share of its area is inside
#: (1 % slack for digitising differences between independently drawn boundaries).
BREEDING_INSIDE_FRAC = 0.99

Progress = Callable[[str], None]

#: Geometry each role must have.
_KINDS: dict[str, Any] = {
    "park": "polygon_or_point",  # WDPA points become circles (leopardrange.wdpa)
    "range": "polygon",
    "competitor": "polygon",
    "breeding": "polygon_or_point",
    "borders": "polygon",
}


def _note(progress: Progress | None, text: str) -> None:
    if progress is not None:
        progress(text)


def _checked(
    layers: Mapping[str, gpd.GeoDataFrame], *, repair: bool = False
) -> dict[str, gpd.GeoDataFrame]:
    unknown = sorted(set(layers) - set(ROLES))
    if unknown:
        raise StudyError(f"unknown role {unknown[0]!r}; valid roles: {', '.join(ROLES)}")
    for role in ("park", "range"):
        if role not in layers:
            raise StudyError(
                f"a report needs a {role!r} layer; the roles park and range are required"
            )
    out = {}
    for role, frame in layers.items():
        if not isinstance(frame, gpd.GeoDataFrame):
            if isinstance(frame, gpd.GeoSeries):
                frame = gpd.GeoDataFrame(geometry=frame)
            else:
                raise TypeError(
                    f"layer {role!r} must be a GeoDataFrame, not {type(frame).__name__}"
                )
        name = (
            f"{role} layer {frame.attrs['source']!r}"
            if "source" in frame.attrs
            else f"the {role} layer"
        )
        if frame.crs is None:
            raise CRSError(f"{name} has no CRS; set one with frame.set_crs(...) if you know it")
        check_not_empty(frame, name=name)
        check_geometry_kind(frame, kind=_KINDS[role], name=name)
        frame = _repaired(frame, name=name, repair=repair)
        if role == "breeding":
            kinds = set(frame.geom_type.str.replace("Multi", ""))
            if len(kinds) > 1:
                raise GeometryTypeError(
                    f"{name} mixes points and polygons; split it into one layer of each"
                )
        out[role] = frame
    return out


def _repaired(frame: gpd.GeoDataFrame, *, name: str, repair: bool) -> gpd.GeoDataFrame:
    """The frame, repaired when asked; the repair is added to ``attrs["repairs"]``."""
    fixed, report = check_valid(frame, name=name, repair=repair)
    if not report.n_repaired:
        return frame
    fixed = fixed.copy()
    fixed.attrs = dict(frame.attrs)
    fixed.attrs["repairs"] = [
        *frame.attrs.get("repairs", ()),
        {"source": frame.attrs.get("source"), "features": report.n_repaired, "ids": report.ids},
    ]
    return fixed


def _analysis_crs(park: gpd.GeoDataFrame, ranges: gpd.GeoDataFrame, requested: Any) -> CRS:
    if requested is None:
        return choose_analysis_crs(park, ranges)
    try:
        return choose_analysis_crs(park, ranges, crs=requested)
    except CRSError as exc:
        raise StudyError(
            f"analysis_crs {requested!r} is not an equal-area projection; use e.g. "
            "a LAEA ('+proj=laea +lat_0=.. +lon_0=..') or leave it out"
        ) from exc


def _current_epoch(wanted: str | None, epochs: gpd.GeoDataFrame) -> str:
    return find_current_epoch(epochs, wanted)


def _published_areas(
    ranges: gpd.GeoDataFrame, field: str | None, epoch_field: str
) -> dict[str, float]:
    if not field:
        return {}
    _require_field(ranges, field, "range", "published_area_field")
    out: dict[str, float] = {}
    for epoch, group in ranges.groupby(ranges[epoch_field].astype(str)):
        values = pd.to_numeric(group[field], errors="coerce").dropna()
        if len(values):
            out[str(epoch)] = float(values.sum() if values.nunique() > 1 else values.iloc[0])
    return out


def _require_field(frame: gpd.GeoDataFrame, name: str, role: str, key: str) -> None:
    if name not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != frame.geometry.name)
        raise StudyError(
            f"{role} layer {frame.attrs.get('source', '')!r} has no field {name!r}; set "
            f"{key} in [layers.{role}] to one of: {fields}"
        )


def _finite(value: Any) -> Any:
    """Numpy scalars as Python numbers; NaN as ``None``."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _epochs(
    epochs: gpd.GeoDataFrame,
    park: gpd.GeoSeries | Mapping[str, gpd.GeoSeries],
    borders: gpd.GeoDataFrame | None,
    name_field: str,
    published: Mapping[str, float],
    method: str,
) -> tuple[EpochMetrics, ...]:
    loss = range_loss(epochs, method=method)
    crs = epochs.crs
    out = []
    for (epoch, row), geom in zip(loss.iterrows(), epochs.geometry.values, strict=True):
        rng = gpd.GeoSeries([geom], crs=crs)
        zone = park[str(epoch)] if isinstance(park, Mapping) else park
        park_in_km2 = overlap(rng, zone, method=method).overlap_km2
        by_country = (
            area_by_zone(rng, borders, name_field=name_field, method=method)
            if borders is not None
            else pd.Series(dtype=float)
        )
        published_km2 = published.get(str(epoch), math.nan)
        out.append(
            EpochMetrics(
                epoch=str(epoch),
                year=None if pd.isna(row["year"]) else int(row["year"]),
                area_km2=float(row["area_km2"]),
                loss_vs_first_km2=float(row["loss_vs_first_km2"]),
                loss_vs_first_pct=float(row["loss_vs_first_pct"]),
                area_pct_of_first=float(row["area_pct_of_first"]),
                annual_loss_pct=_finite(row["annual_loss_pct"]),
                park_in_range_km2=park_in_km2,
                park_share_pct=share_pct(park_in_km2, float(row["area_km2"])),
                area_published_km2=_finite(published_km2),
                diff_vs_published_pct=_finite(
                    100.0 * (float(row["area_km2"]) / published_km2 - 1.0)
                ),
                by_country_km2={str(k): float(v) for k, v in by_country.items()},
            )
        )
    return tuple(out)


def _national_share(
    borders: gpd.GeoDataFrame | None,
    name_field: str,
    park: gpd.GeoSeries,
    current_range: gpd.GeoSeries,
    *,
    method: str,
) -> NationalShare:
    """The park's share of the current range inside the country (or countries) it lies in.

    Published coverage figures often refer to one country's part of a range; this metric
    lets a claim say so. A country counts when it holds at least 1 % of the park.
    """
    if borders is None:
        return NationalShare()
    in_country = area_by_zone(park, borders, name_field=name_field, method=method)
    park_km2 = float(in_country.sum())
    countries = [str(c) for c, a in in_country.items() if park_km2 and a >= 0.01 * park_km2]
    zone = dissolve(borders[borders[name_field].astype(str).isin(countries)])
    national = intersection(current_range, zone)
    national_km2 = float(area_km2(national, method=method).iloc[0])
    park_in_km2 = float(area_km2(intersection(national, park), method=method).iloc[0])
    return NationalShare(
        park_countries=countries,
        national_current_range_km2=national_km2,
        park_share_of_national_range_pct=share_pct(park_in_km2, national_km2),
    )


def _feature_names(frame: gpd.GeoDataFrame) -> list[str]:
    for col in ("name", "Name", "NAME", "label", "id"):
        if col in frame.columns:
            return [str(v) for v in frame[col]]
    return [f"feature {i}" for i in frame.index]


def _breeding(
    breeding: gpd.GeoDataFrame | None,
    park: gpd.GeoSeries,
    *,
    method: str,
    names: Sequence[str] | None = None,
) -> tuple[Breeding, pd.DataFrame | None]:
    if breeding is None:
        return Breeding(), None
    park_geom = park.iloc[0]
    names = list(names) if names is not None else _feature_names(breeding)
    if breeding.geom_type.isin(["Point", "MultiPoint"]).all():
        inside = shapely.covered_by(breeding.geometry.values, park_geom)
        n_in = int(inside.sum())
        return Breeding(
            breeding_basis="count of points",
            breeding_features=len(breeding),
            breeding_features_in_park=n_in,
            breeding_in_park_pct=share_pct(n_in, len(breeding)),
        ), pd.DataFrame({"feature": names, "in_park": inside})
    whole = area_km2(breeding.geometry, method=method).to_numpy()
    parts = gpd.GeoSeries(
        [polygonal_part(shapely.intersection(g, park_geom)) for g in breeding.geometry.values],
        crs=breeding.crs,
    )
    inside_km2 = area_km2(parts, method=method).to_numpy()
    inside_frac = [i / w if w else 0.0 for i, w in zip(inside_km2, whole, strict=True)]
    table = pd.DataFrame(
        {
            "feature": names,
            "area_km2": whole,
            "in_park_km2": inside_km2,
            "in_park_pct": [100 * f for f in inside_frac],
            "in_park": [f >= BREEDING_INSIDE_FRAC for f in inside_frac],
        }
    )
    union = dissolve(breeding)
    union_km2 = float(area_km2(union, method=method).iloc[0])
    union_in_km2 = float(area_km2(intersection(union, park), method=method).iloc[0])
    return Breeding(
        breeding_basis="area of polygons",
        breeding_features=len(breeding),
        breeding_features_in_park=int(table["in_park"].sum()),
        breeding_in_park_pct=share_pct(union_in_km2, union_km2),
        breeding_area_km2=union_km2,
    ), table


def _competitor(
    competitor: gpd.GeoDataFrame | None, current_range: gpd.GeoSeries, *, method: str
) -> CompetitorOverlap:
    if competitor is None:
        return CompetitorOverlap()
    comp = overlap(current_range, dissolve(competitor), method=method)
    return CompetitorOverlap(
        competitor_overlap_km2=comp.overlap_km2,
        competitor_overlap_pct_of_range=comp.overlap_pct_of_range,
        competitor_overlap_pct_of_competitor=comp.overlap_pct_of_zone,
        competitor_area_km2=comp.zone_km2,
    )


def _redlist(
    current_range: gpd.GeoSeries,
    *,
    method: str,
    aoo_data: gpd.GeoDataFrame | None = None,
    aoo_crs: Any = None,
) -> RedListMetrics:
    occupancy = aoo(current_range if aoo_data is None else aoo_data, crs=aoo_crs)
    extent = eoo(current_range, aoo_km2=occupancy.aoo_km2, method=method)
    return RedListMetrics(
        eoo_km2=extent.eoo_km2,
        aoo_km2=occupancy.aoo_km2,
        aoo_min_km2=occupancy.aoo_min_km2,
        aoo_grid=occupancy.grid,
        iucn_b=criterion_b(eoo_km2=extent.eoo_km2, aoo_km2=occupancy.aoo_km2),
    )


def _check_claims(claims: Sequence[Claim], result: ReportResult) -> tuple[ClaimResult, ...]:
    reg = registry()
    out = []
    for claim in claims:
        try:
            measured = metric_value(result, claim.metric)
        except StudyError as exc:
            raise StudyError(f"claim {claim.id!r}: {exc}") from exc
        if measured is None:
            role = reg[claim.metric].needs if claim.metric in reg else None
            need = f"a [layers.{role}] layer" if role else "data this study does not have"
            raise StudyError(f"claim {claim.id!r} on {claim.metric!r} needs {need}")
        value = float(measured)
        out.append(
            ClaimResult(
                id=claim.id,
                metric=claim.metric,
                statement=claim.statement,
                source=claim.source,
                comparison=claim.comparison,
                expected=claim.expected,
                tolerance=claim.tolerance,
                measured=value,
                difference=value - claim.expected,
                passed=bool(claim.check(value)),
            )
        )
    return tuple(out)


def _tables(result: ReportResult, breeding: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    epoch_fields = [f.name for f in dataclasses.fields(EpochMetrics) if f.name != "by_country_km2"]
    tables: dict[str, pd.DataFrame] = {
        "range_epochs": pd.DataFrame(
            [{k: getattr(e, k) for k in epoch_fields} for e in result.epochs], columns=epoch_fields
        ).astype({k: float for k in epoch_fields if k not in ("epoch", "year")})
    }
    rows = [
        {"epoch": e.epoch, "country": c, "area_km2": a, "share_pct": share_pct(a, e.area_km2)}
        for e in result.epochs
        for c, a in e.by_country_km2.items()
    ]
    if rows:
        tables["range_by_country"] = pd.DataFrame(rows)
    coverage = [(m.name, metric_value(result, m.name)) for m in shown_in("coverage_table")]
    tables["coverage"] = pd.DataFrame(
        [(k, v) for k, v in coverage if v is not None], columns=["metric", "value"]
    )
    if breeding is not None:
        tables["breeding"] = breeding
    b = result.redlist.iucn_b
    tables["iucn"] = pd.DataFrame(
        [
            {
                "criterion": crit,
                "metric": metric,
                "value_km2": grade.value_km2,
                **{f"{cat}_below_km2": lim for cat, lim in grade.thresholds_km2.items()},
                "meets_threshold_of": grade.meets or "none",
            }
            for crit, metric, grade in (("B1", "eoo_km2", b.b1), ("B2", "aoo_km2", b.b2))
        ]
    )
    tables["fragmentation"] = pd.DataFrame([fragmentation_json(result.fragmentation)])
    tables.update(_area_tables(result))
    claim_columns = [f.name for f in dataclasses.fields(ClaimResult)]
    tables["claims"] = pd.DataFrame(
        [c.to_dict() for c in result.claims],
        columns=[c if c != "passed" else "pass" for c in claim_columns],
    )
    return tables


def _area_tables(result: ReportResult) -> dict[str, pd.DataFrame]:
    """Per protected area, per dropped area, per country and IUCN codes left out."""
    part = result.protected_areas
    columns = [f.name for f in dataclasses.fields(ProtectedAreaRecord)]
    row = operator.attrgetter(*columns)  # flat records: no deep copy as dataclasses.asdict
    out = {
        "protected_areas": pd.DataFrame([row(a) for a in part.protected_areas], columns=columns),
        "protected_areas_dropped": pd.DataFrame(
            [dataclasses.asdict(d) for d in part.protected_areas_dropped],
            columns=["name", "id", "reason"],
        ),
    }
    shares = result.national.park_share_by_country_pct
    if shares is not None:
        park_km2 = result.national.park_in_current_range_by_country_km2 or {}
        range_km2 = result.current.by_country_km2
        out["park_share_by_country"] = pd.DataFrame(
            [
                {
                    "country": c,
                    "current_range_km2": range_km2.get(c),
                    "park_in_current_range_km2": park_km2.get(c),
                    "park_share_pct": v,
                }
                for c, v in shares.items()
            ],
            columns=["country", "current_range_km2", "park_in_current_range_km2", "park_share_pct"],
        )
    rf = result.range_filter.range_filter
    if rf is not None:
        out["range_filter_left_out"] = pd.DataFrame(
            [dataclasses.asdict(x) for x in rf.left_out],
            columns=["presence", "origin", "seasonal", "features", "area_km2"],
        )
    return out


def _frame(geoms: gpd.GeoSeries, label: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"label": [label] * len(geoms)}, geometry=geoms.values, crs=geoms.crs)


class _Layers(Mapping[str, gpd.GeoDataFrame]):
    """The analysis layers, each computed on first use and kept.

    A report draws the study layers only; the overlays behind the derived layers (lost and
    retained range, the park inside and outside it, the AOO cells: seconds on a national
    study) are computed when an export or a script asks for them.
    """

    def __init__(self, layers: Mapping[str, gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame]]):
        self._layers = dict(layers)

    def __getitem__(self, key: str) -> gpd.GeoDataFrame:
        value = self._layers[key]
        if callable(value):
            value = self._layers[key] = value()
        return value

    def __iter__(self) -> Any:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __repr__(self) -> str:
        return f"<analysis layers: {', '.join(self._layers)}>"


def _analysis_layers(
    epochs: gpd.GeoDataFrame,
    current: str,
    park: gpd.GeoSeries,
    layers: Mapping[str, gpd.GeoDataFrame],
    current_range: gpd.GeoSeries,
    *,
    protected_areas: gpd.GeoDataFrame,
) -> _Layers:
    crs = epochs.crs
    first = gpd.GeoSeries([epochs.geometry.iloc[0]], crs=crs)
    parts = functools.cache(lambda: lost_and_retained(first, current_range))

    def outside() -> gpd.GeoDataFrame:
        rest = shapely.difference(current_range.iloc[0], park.iloc[0])
        return _frame(dissolve(gpd.GeoSeries([rest], crs=crs)), "current range outside the park")

    epoch_frame = epochs.reset_index()
    out: dict[str, Any] = {
        "range_epochs": epoch_frame,
        "park": gpd.GeoDataFrame({"role": ["park"]}, geometry=park.values, crs=crs),
        "range_lost": lambda: _frame(parts().geometry.loc[["lost"]], "lost since the first epoch"),
        "range_retained": lambda: _frame(
            parts().geometry.loc[["retained"]], "retained since the first epoch"
        ),
        "park_in_current_range": lambda: _frame(
            intersection(park, current_range), "park ∩ current range"
        ),
        "current_range_outside_park": outside,
        "aoo_cells": lambda: gpd.GeoDataFrame(geometry=aoo_cells(current_range), crs=crs),
    }
    if "competitor" in layers:
        competitor = layers["competitor"]
        out["competitor"] = competitor
        out["competitor_overlap"] = lambda: _frame(
            intersection(current_range, dissolve(competitor)), "current range ∩ competitor"
        )
    for role in ("breeding", "borders"):
        if role in layers:
            out[role] = layers[role]
    out["current_epoch"] = epoch_frame.loc[epoch_frame["epoch"] == current].reset_index(drop=True)
    out["protected_areas"] = protected_areas
    return _Layers(out)


def _inputs(raw: Mapping[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    return {
        role: {
            "source": frame.attrs.get("source"),
            "features": len(frame),
            "crs": CRS(frame.crs).to_string(),
        }
        for role, frame in raw.items()
    }


def _proj4(crs: CRS) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return str(crs.to_proj4())


def _without_loss(epochs: tuple[EpochMetrics, ...]) -> tuple[EpochMetrics, ...]:
    """A single epoch has no loss to report: its loss fields become ``None``."""
    if len(epochs) != 1:
        return epochs
    return (
        dataclasses.replace(
            epochs[0],
            loss_vs_first_km2=None,
            loss_vs_first_pct=None,
            area_pct_of_first=None,
            annual_loss_pct=None,
        ),
    )


def _protected_areas(
    prepared: Prepared,
    areas: gpd.GeoDataFrame,
    current_range: gpd.GeoSeries,
    counted: Mapping[str, Any] | None,
    *,
    method: str,
) -> ProtectedAreaCoverage:
    cleaned = prepared.park
    return ProtectedAreaCoverage(
        protected_areas_conventions=cleaned.conventions,
        protected_areas_cleaning=cleaned.steps,
        protected_areas_kept=len(areas),
        protected_areas_from_points=int(areas["from_point"].sum()),
        protected_areas_dropped_count=len(cleaned.dropped),
        protected_areas=by_area.area_records(areas, current_range, method=method),
        protected_areas_dropped=cleaned.dropped,
        establishment_field=cleaned.established_field if counted is not None else None,
        protected_areas_year_unknown=by_area.year_unknown(areas) if counted is not None else (),
        protected_areas_by_epoch=counted,
    )


def _breeding_where(
    breeding: Breeding,
    table: pd.DataFrame | None,
    frame: gpd.GeoDataFrame | None,
    park: gpd.GeoSeries,
    current_range: gpd.GeoSeries,
    names: Sequence[str] | None,
    *,
    method: str,
) -> tuple[Breeding, pd.DataFrame | None]:
    """Add where each breeding site lies (park, current range) to the part and its table."""
    if frame is None or table is None:
        return breeding, table
    sites = by_area.breeding_sites(
        frame, park, current_range, names or _feature_names(frame), method=method
    )
    status = [s.status for s in sites]
    table = table.assign(
        in_current_range=[s.in_current_range for s in sites],
        status=status,
    )
    return dataclasses.replace(
        breeding,
        breeding_in_park_and_current_range=status.count(by_area.STATUS_IN_PARK_AND_RANGE),
        breeding_in_park_outside_current_range=status.count(by_area.STATUS_IN_PARK_OUTSIDE_RANGE),
        breeding_outside_park=status.count(by_area.STATUS_OUTSIDE_PARK),
        breeding_outside_current_range=sum(not s.in_current_range for s in sites),
        breeding_sites=sites,
    ), table


def _by_country(
    national: NationalShare,
    borders: gpd.GeoDataFrame | None,
    name_field: str,
    park: gpd.GeoSeries,
    current_range: gpd.GeoSeries,
    *,
    method: str,
) -> NationalShare:
    if borders is None:
        return national
    park_km2, shares = by_area.country_shares(
        borders, name_field, park, current_range, method=method
    )
    return dataclasses.replace(
        national,
        park_in_current_range_by_country_km2=park_km2,
        park_share_by_country_pct=shares,
    )


def _aoo_input(prepared: Prepared, current: str, requested: Any) -> tuple[gpd.GeoDataFrame, CRS]:
    """The current range's own features, and the CRS of its AOO grid.

    The grid depends on the current range alone — never on the other layers or epochs of the
    study: its CRS is ``requested`` (the study's ``aoo_crs``) when given, else the range's own
    CRS when it is equal-area in metres, else a LAEA centred on the current range.
    """
    rng = prepared.layers["range"]
    features = rng[rng[prepared.epoch_field].astype(str) == current]
    try:
        return features, choose_analysis_crs(features, crs=requested)
    except CRSError as exc:
        raise StudyError(
            f"aoo_crs {requested!r} is not an equal-area projection in metres; use e.g. "
            "EPSG:3035 (Europe) or a LAEA, or leave it out"
        ) from exc


def compute(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    epoch_field: str | None = None,
    year_field: str | None = None,
    current_epoch: str | None = None,
    published_area_field: str | None = None,
    borders_name_field: str = "name",
    claims: Sequence[Claim] = (),
    area_method: str = "equal_area",
    analysis_crs: Any = None,
    info: ReportInfo | None = None,
    inputs: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    park_options: WDPAOptions | None = None,
    range_options: IUCNOptions | None = None,
    name_fields: Mapping[str, str] | None = None,
    repair: bool = False,
    aoo_crs: Any = None,
    where: str = "the study",
) -> ReportResult:
    """Compute every metric, table and analysis layer of a report from GeoDataFrames.

    Parameters
    ----------
    layers
        GeoDataFrames by role, in any CRS: ``park`` and ``range`` (required), ``competitor``
        (polygons), ``breeding`` (polygons or points) and ``borders`` (polygons with a name
        field). The park is polygons (and, under WDPA conventions, points with a reported
        area); its kept areas are dissolved into one park.
    epoch_field, year_field
        Fields of the range layer holding each feature's epoch and year; ``None``: ``epoch``
        and ``year``, or — for an IUCN range map without an ``epoch`` field — two epochs built
        from its presence codes (``historical`` and ``current``, without years).
    current_epoch
        The epoch taken as the current range (default: the last one, by year).
    published_area_field
        Field of the range layer with each epoch's published area in km², shown beside the
        measured one.
    borders_name_field
        Field of the borders layer with the country names.
    claims
        Published claims to check (:class:`~leopardrange.study.Claim`).
    area_method
        ``"equal_area"`` or ``"geodesic"``.
    analysis_crs
        Equal-area CRS (metres) to project every layer to; default: the park's and range's
        own CRS when they share one that is equal-area, else a LAEA centred on them.
    info
        Title, species and legend labels for rendering.
    inputs
        What to record in metrics.json about each role's input (default: its source,
        feature count and CRS).
    progress
        Called with the name of each step as it starts.
    park_options
        WDPA conventions for the park (:class:`~leopardrange.wdpa.WDPAOptions`; default: on
        when the park has a ``WDPAID`` field).
    range_options
        IUCN conventions for the range (:class:`~leopardrange.iucn.IUCNOptions`; default: on
        when the range has a ``presence`` field).
    name_fields
        Name field of the ``breeding``, ``competitor`` or ``range`` layer, by role.
    repair
        Repair invalid geometries (``make_valid``) instead of raising; every repair is
        recorded (``repairs`` in metrics.json).
    aoo_crs
        Equal-area CRS (metres) of the AOO grid; default: derived from the current range
        alone (its own CRS when equal-area, else a LAEA centred on it).
    where
        How to name the study in messages.

    Returns
    -------
    ReportResult
        Typed metrics (``.coverage``, ``.epochs``, ``.protected_areas``, ``.redlist`` …),
        ``.metrics`` (the content of metrics.json), ``.tables`` and ``.layers``; write it
        with :func:`leopardrange.report.write`.

    Raises
    ------
    StudyError
        A missing role, an unknown role or epoch, a claim the data cannot answer.
    MissingFieldError
        Fields named (or needed by default) that the layers lack — all of them at once.
    AttributeValueError
        A WDPA point with a negative ``REP_AREA``, a year of establishment that is no year,
        an IUCN code outside its list.
    CRSError, GeometryTypeError, InvalidGeometryError, EmptyLayerError
        A layer without a CRS, of the wrong geometry type, invalid, or empty (also: every
        protected area dropped, an IUCN filter that leaves no current range).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> result = compute({
    ...     "park": datasets.load("park", where="name = 'Land of the Leopard'"),
    ...     "range": datasets.load("leopard_range"),
    ... })
    >>> result.coverage.current_epoch, round(result.coverage.park_share_of_current_range_pct, 1)
    ('2021', 42.6)
    >>> areas = result.protected_areas.protected_areas
    >>> [(a.name, round(a.share_of_current_range_pct, 1)) for a in areas]
    [('Land of the Leopard', 42.6)]
    """
    method = area_method.replace("-", "_")
    raw = _checked(layers, repair=repair)
    _note(progress, "checking fields; WDPA and IUCN conventions")
    prepared = prepare(
        raw,
        epoch_field=epoch_field,
        year_field=year_field,
        published_area_field=published_area_field,
        borders_name_field=borders_name_field,
        name_fields=name_fields,
        park_options=park_options,
        range_options=range_options,
        method=method,
        where=where,
    )
    ready = prepared.layers
    epoch_field = prepared.epoch_field
    if "borders" in ready:  # field names as the layers spell them
        borders_name_field = find_field(ready["borders"], borders_name_field) or borders_name_field
    if published_area_field:
        published_area_field = find_field(ready["range"], published_area_field)

    _note(progress, "aligning CRSs")
    crs = _analysis_crs(ready["park"], ready["range"], analysis_crs)
    projected = {role: reproject(frame, crs) for role, frame in ready.items()}
    reprojected = {
        role: frame.crs.to_string() for role, frame in raw.items() if CRS(frame.crs) != crs
    }
    borders = projected.get("borders")

    _note(progress, "measuring range epochs")
    source = raw["range"].attrs.get("source")
    epochs = epoch_ranges(
        projected["range"],
        epoch_field=epoch_field,
        year_field=prepared.year_field,
        name=f"range layer {source!r}" if source else "the range layer",
    )
    if prepared.epoch_years is not None:  # epochs built from IUCN codes
        epochs["year"] = [prepared.epoch_years.get(str(e)) for e in epochs.index]
    current = _current_epoch(current_epoch, epochs)
    current_range = gpd.GeoSeries([epochs.geometry.loc[current]], crs=crs)
    if current_range.iloc[0].is_empty:
        raise EmptyLayerError(f"the current range (epoch {current!r}) is empty")
    areas = projected["park"]
    _note(progress, f"dissolving the park layer ({len(areas):,} features)")
    park = dissolve(areas)
    parks, counted = by_area.epoch_parks(
        areas,
        epochs,
        by_establishment=(park_options or WDPAOptions()).establishment_by_epoch,
        dissolved=park,
    )
    now_park = parks[current]
    park_km2 = float(area_km2(park, method=method).iloc[0])
    published = _published_areas(projected["range"], published_area_field, epoch_field)
    epoch_metrics = _without_loss(
        _epochs(epochs, parks, borders, borders_name_field, published, method)
    )
    now = next(e for e in epoch_metrics if e.epoch == current)
    whole_in_km2 = (
        now.park_in_range_km2
        if now_park is park
        else overlap(current_range, park, method=method).overlap_km2
    )
    coverage = Coverage(
        current_epoch=current,
        current_range_km2=now.area_km2,
        park_area_km2=park_km2,
        park_in_current_range_km2=now.park_in_range_km2,
        park_share_of_current_range_pct=share_pct(now.park_in_range_km2, now.area_km2),
        park_outside_current_range_km2=max(0.0, park_km2 - whole_in_km2),
    )
    national = _by_country(
        _national_share(borders, borders_name_field, now_park, current_range, method=method),
        borders,
        borders_name_field,
        now_park,
        current_range,
        method=method,
    )
    _note(progress, "protected areas one by one")
    protected = _protected_areas(prepared, areas, current_range, counted, method=method)

    _note(progress, "breeding areas and competitor overlap")
    names = (name_fields or {}).get("breeding")
    breeding_frame = projected.get("breeding")
    breeding_names = (
        feature_names(breeding_frame, name_field=names) if breeding_frame is not None else None
    )
    breeding, breeding_table = _breeding(
        breeding_frame, now_park, method=method, names=breeding_names
    )
    breeding, breeding_table = _breeding_where(
        breeding,
        breeding_table,
        breeding_frame,
        now_park,
        current_range,
        breeding_names,
        method=method,
    )
    competitor = _competitor(projected.get("competitor"), current_range, method=method)

    _note(progress, "IUCN range metrics (EOO, AOO)")
    aoo_data, grid_crs = _aoo_input(prepared, current, aoo_crs)
    redlist = _redlist(current_range, method=method, aoo_data=aoo_data, aoo_crs=grid_crs)
    _note(progress, "fragmentation")
    fragmentation = patch_metrics(current_range, method=method)

    run_info = RunInfo(
        study=(info or ReportInfo()).name,
        species=(info or ReportInfo()).species,
        analysis_crs=crs.to_wkt(),
        analysis_crs_proj4=_proj4(crs),
        area_method=method,
        leopardrange_version=__version__,
        inputs=dict(inputs) if inputs is not None else _inputs(raw),
        crs_alignment={
            "analysis_crs": _proj4(crs),
            "reprojected": reprojected,
            "note": "every layer was projected to the analysis CRS before any overlay",
        },
        schema_version=SCHEMA_VERSION,
    )
    result = ReportResult(
        info=info or ReportInfo(),
        run_info=run_info,
        coverage=coverage,
        epochs=epoch_metrics,
        national=national,
        breeding=breeding,
        competitor=competitor,
        redlist=redlist,
        fragmentation=fragmentation,
        protected_areas=protected,
        range_filter=RangeFilterInfo(range_filter=prepared.range_filter),
        repairs=Repairs(repairs=prepared.repairs),
    )
    _note(progress, "checking claims")
    result = dataclasses.replace(result, claims=_check_claims(claims, result))
    _note(progress, "tables")
    layers_out = _analysis_layers(
        epochs, current, park, projected, current_range, protected_areas=areas
    )
    return dataclasses.replace(
        result,
        tables=_tables(result, breeding_table),
        layers=layers_out,
    )
