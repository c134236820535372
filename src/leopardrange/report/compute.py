"""Compute a range-loss and coverage report from GeoDataFrames (no file input or output).

Order of work (wdpar's for protected areas): check each layer, project everything to one
equal-area analysis CRS, dissolve the park, then intersect it with each epoch's range;
measure every area with the chosen method; compute IUCN and fragmentation metrics on the
current range; finally check the claims against the computed metrics.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, cast

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from leopardrange._validate import check_geometry_kind, check_not_empty, check_valid, polygonal_part
from leopardrange._version import __version__
from leopardrange.crs import analysis_crs as choose_analysis_crs
from leopardrange.crs import project
from leopardrange.errors import CRSError, EmptyLayerError, GeometryTypeError, StudyError
from leopardrange.fragmentation import patch_metrics
from leopardrange.measure import area_km2, densify
from leopardrange.metrics import (
    SCHEMA_VERSION,
    Breeding,
    ClaimResult,
    CompetitorOverlap,
    Coverage,
    EpochMetrics,
    NationalShare,
    RedListMetrics,
    RunInfo,
    metric_value,
    registry,
    shown_in,
)
from leopardrange.overlap import Overlap, area_by_zone, dissolve, intersection, share_pct
from leopardrange.rangeloss import current_epoch, epoch_ranges, lost_and_retained, range_loss
from leopardrange.redlist import aoo, aoo_cells, criterion_b, eoo
from leopardrange.report.result import ReportInfo, ReportResult
from leopardrange.study import ROLES, Claim

__all__ = ["BREEDING_INSIDE_FRAC", "Progress", "compute"]

#: A breeding polygon counts as inside the park when at least this share of its area is inside
#: (1 % slack for digitising differences between independently drawn boundaries).
BREEDING_INSIDE_FRAC = 0.99

Progress = Callable[[str], None]

#: Geometry each role must have.
_KINDS: dict[str, Any] = {
    "park": "polygon",
    "range": "polygon",
    "competitor": "polygon",
    "breeding": "polygon_or_point",
    "borders": "polygon",
}


def _note(progress: Progress | None, text: str) -> None:
    if progress is not None:
        progress(text)


#: A dissolved shape: a role and a filter, e.g. ``("park", None)`` (the whole layer),
#: ``("range", "2021")`` (one epoch), ``("borders", ("name", ("Russia",)))`` (the features
#: whose field ``name`` is one of the names).
Key = tuple[str, Hashable]
_PARK: Key = ("park", None)


class _Shapes:
    """Each layer dissolved once per run, and each intersection of two of them computed once.

    Shapes are one-row GeoSeries in the analysis CRS, dissolved when first asked for; the
    epochs, which :func:`epoch_ranges` dissolves, are added as they are.
    """

    def __init__(
        self, layers: Mapping[str, gpd.GeoDataFrame], progress: Progress | None = None
    ) -> None:
        self._layers = layers
        self._progress = progress
        self._shapes: dict[Key, gpd.GeoSeries] = {}
        self._overlays: dict[frozenset[Key], gpd.GeoSeries] = {}

    def add(self, key: Key, geom: shapely.Geometry) -> None:
        """Keep a shape dissolved elsewhere."""
        self._shapes[key] = gpd.GeoSeries([geom], crs=self._layers["range"].crs)

    def __getitem__(self, key: Key) -> gpd.GeoSeries:
        if key not in self._shapes:
            role, selection = key
            frame = self._layers[role]
            if selection is not None:
                field, names = cast(tuple[str, tuple[str, ...]], selection)
                frame = frame[frame[field].astype(str).isin(names)]
            _note(self._progress, f"dissolving the {role} layer ({len(frame):,} features)")
            self._shapes[key] = dissolve(frame)
        return self._shapes[key]

    def intersection(self, a: Key, b: Key) -> gpd.GeoSeries:
        """The polygonal intersection of two shapes."""
        key = frozenset((a, b))
        if key not in self._overlays:
            geom = shapely.intersection(self[a].iloc[0], self[b].iloc[0])
            self._overlays[key] = gpd.GeoSeries([polygonal_part(geom)], crs=self[a].crs)
        return self._overlays[key]

    def overlap(self, a: Key, b: Key, *, method: str) -> Overlap:
        """:func:`~leopardrange.overlap.overlap` of two shapes, from the cached intersection."""
        a_km2 = float(area_km2(self[a], method=method).iloc[0])
        b_km2 = float(area_km2(self[b], method=method).iloc[0])
        both = float(area_km2(self.intersection(a, b), method=method).iloc[0])
        both = min(both, a_km2, b_km2)
        return Overlap(a_km2, b_km2, both, share_pct(both, a_km2), share_pct(both, b_km2))


def _checked(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
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
        check_valid(frame, name=name, repair=False)
        if role == "breeding":
            kinds = set(frame.geom_type.str.replace("Multi", ""))
            if len(kinds) > 1:
                raise GeometryTypeError(
                    f"{name} mixes points and polygons; split it into one layer of each"
                )
        out[role] = frame
    return out


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
    return current_epoch(epochs, wanted)


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
    shapes: _Shapes,
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
        park_in_km2 = shapes.overlap(("range", str(epoch)), _PARK, method=method).overlap_km2
        by_country = (
            area_by_zone(rng, borders, name_field=name_field, method=method)
            if borders is not None
            else pd.Series(dtype=float)
        )
        published_km2 = published.get(str(epoch), math.nan)
        out.append(
            EpochMetrics(
                epoch=str(epoch),
                year=int(row["year"]),
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
    shapes: _Shapes,
    current: Key,
    *,
    method: str,
) -> NationalShare:
    """The park's share of the current range inside the country (or countries) it lies in.

    Published coverage figures often refer to one country's part of a range; this metric
    lets a claim say so. A country counts when it holds at least 1 % of the park.
    """
    if borders is None:
        return NationalShare()
    park = shapes[_PARK]
    in_country = area_by_zone(park, borders, name_field=name_field, method=method)
    park_km2 = float(in_country.sum())
    countries = [str(c) for c, a in in_country.items() if park_km2 and a >= 0.01 * park_km2]
    national = shapes.intersection(current, ("borders", (name_field, tuple(countries))))
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
    breeding: gpd.GeoDataFrame | None, shapes: _Shapes, *, method: str
) -> tuple[Breeding, pd.DataFrame | None]:
    if breeding is None:
        return Breeding(), None
    park_geom = shapes[_PARK].iloc[0]
    names = _feature_names(breeding)
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
    union = shapes[("breeding", None)]
    union_km2 = float(area_km2(union, method=method).iloc[0])
    union_in = shapes.intersection(("breeding", None), _PARK)
    union_in_km2 = float(area_km2(union_in, method=method).iloc[0])
    return Breeding(
        breeding_basis="area of polygons",
        breeding_features=len(breeding),
        breeding_features_in_park=int(table["in_park"].sum()),
        breeding_in_park_pct=share_pct(union_in_km2, union_km2),
        breeding_area_km2=union_km2,
    ), table


def _competitor(
    competitor: gpd.GeoDataFrame | None, shapes: _Shapes, current: Key, *, method: str
) -> CompetitorOverlap:
    if competitor is None:
        return CompetitorOverlap()
    comp = shapes.overlap(current, ("competitor", None), method=method)
    return CompetitorOverlap(
        competitor_overlap_km2=comp.overlap_km2,
        competitor_overlap_pct_of_range=comp.overlap_pct_of_range,
        competitor_overlap_pct_of_competitor=comp.overlap_pct_of_zone,
        competitor_area_km2=comp.zone_km2,
    )


def _redlist(current_range: gpd.GeoSeries, *, method: str) -> RedListMetrics:
    occupancy = aoo(current_range)
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
    tables["fragmentation"] = pd.DataFrame([result.metrics["fragmentation"]])
    claim_columns = [f.name for f in dataclasses.fields(ClaimResult)]
    tables["claims"] = pd.DataFrame(
        [c.to_dict() for c in result.claims],
        columns=[c if c != "passed" else "pass" for c in claim_columns],
    )
    return tables


def _frame(geoms: gpd.GeoSeries, label: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"label": [label] * len(geoms)}, geometry=geoms.values, crs=geoms.crs)


def _analysis_layers(
    epochs: gpd.GeoDataFrame,
    current: str,
    shapes: _Shapes,
    layers: Mapping[str, gpd.GeoDataFrame],
) -> dict[str, gpd.GeoDataFrame]:
    crs = epochs.crs
    park, current_range = shapes[_PARK], shapes[("range", current)]
    first = gpd.GeoSeries([epochs.geometry.iloc[0]], crs=crs)
    parts = lost_and_retained(first, current_range)
    outside = gpd.GeoSeries([shapely.difference(current_range.iloc[0], park.iloc[0])], crs=crs)
    epoch_frame = epochs.reset_index()
    out: dict[str, gpd.GeoDataFrame] = {
        "range_epochs": epoch_frame,
        "park": gpd.GeoDataFrame({"role": ["park"]}, geometry=park.values, crs=crs),
        "range_lost": _frame(parts.geometry.loc[["lost"]], "lost since the first epoch"),
        "range_retained": _frame(
            parts.geometry.loc[["retained"]], "retained since the first epoch"
        ),
        "park_in_current_range": _frame(
            shapes.intersection(_PARK, ("range", current)), "park ∩ current range"
        ),
        "current_range_outside_park": _frame(dissolve(outside), "current range outside the park"),
        "aoo_cells": gpd.GeoDataFrame(geometry=aoo_cells(current_range), crs=crs),
    }
    if "competitor" in layers:
        out["competitor"] = layers["competitor"]
        out["competitor_overlap"] = _frame(
            shapes.intersection(("range", current), ("competitor", None)),
            "current range ∩ competitor",
        )
    for role in ("breeding", "borders"):
        if role in layers:
            out[role] = layers[role]
    out["current_epoch"] = epoch_frame.loc[epoch_frame["epoch"] == current].reset_index(drop=True)
    return out


def _to_crs(frame: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """``frame`` in ``crs``, edges densified first, whole across the antimeridian (``project``)."""
    if CRS(frame.crs) == crs:
        return frame
    return project(frame.set_geometry(densify(frame.geometry)), crs)


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


def compute(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    epoch_field: str = "epoch",
    year_field: str = "year",
    current_epoch: str | None = None,
    published_area_field: str | None = None,
    borders_name_field: str = "name",
    claims: Sequence[Claim] = (),
    area_method: str = "equal_area",
    analysis_crs: Any = None,
    info: ReportInfo | None = None,
    inputs: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """Compute every metric, table and analysis layer of a report from GeoDataFrames.

    Parameters
    ----------
    layers
        GeoDataFrames by role, in any CRS: ``park`` and ``range`` (required; polygons),
        ``competitor`` (polygons), ``breeding`` (polygons or points) and ``borders``
        (polygons with a name field). The park's features are dissolved into one park.
    epoch_field, year_field
        Fields of the range layer holding each feature's epoch and year.
    current_epoch
        The epoch taken as the current range (default: the one with the latest year).
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

    Returns
    -------
    ReportResult
        Typed metrics (``.coverage``, ``.epochs``, ``.redlist`` …), ``.metrics`` (the
        content of metrics.json), ``.tables`` and ``.layers``; write it with
        :func:`leopardrange.report.write`.

    Raises
    ------
    StudyError
        A missing role, an unknown role, field or epoch, a claim the data cannot answer.
    CRSError, GeometryTypeError, InvalidGeometryError, EmptyLayerError
        A layer without a CRS, of the wrong geometry type, invalid or empty.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> result = compute({
    ...     "park": datasets.load("park", where="name = 'Land of the Leopard'"),
    ...     "range": datasets.load("leopard_range"),
    ... })
    >>> result.coverage.current_epoch, round(result.coverage.park_share_of_current_range_pct, 1)
    ('2021', 42.6)
    """
    method = area_method.replace("-", "_")
    raw = _checked(layers)

    _note(progress, "aligning CRSs")
    crs = _analysis_crs(raw["park"], raw["range"], analysis_crs)
    projected = {role: _to_crs(frame, crs) for role, frame in raw.items()}
    reprojected = {
        role: frame.crs.to_string() for role, frame in raw.items() if CRS(frame.crs) != crs
    }
    borders = projected.get("borders")
    if borders is not None:
        _require_field(borders, borders_name_field, "borders", "name_field")

    _note(progress, "measuring range epochs")
    source = raw["range"].attrs.get("source")
    epochs = epoch_ranges(
        projected["range"],
        epoch_field=epoch_field,
        year_field=year_field,
        name=f"range layer {source!r}" if source else "the range layer",
    )
    current = _current_epoch(current_epoch, epochs)
    shapes = _Shapes(projected, progress)
    for epoch, geom in epochs.geometry.items():
        shapes.add(("range", str(epoch)), geom)
    current_range = shapes[("range", current)]
    if current_range.iloc[0].is_empty:
        raise EmptyLayerError(f"the current range (epoch {current!r}) is empty")
    park_km2 = float(area_km2(shapes[_PARK], method=method).iloc[0])
    published = _published_areas(projected["range"], published_area_field, epoch_field)
    epoch_metrics = _epochs(epochs, shapes, borders, borders_name_field, published, method)
    now = next(e for e in epoch_metrics if e.epoch == current)
    coverage = Coverage(
        current_epoch=current,
        current_range_km2=now.area_km2,
        park_area_km2=park_km2,
        park_in_current_range_km2=now.park_in_range_km2,
        park_share_of_current_range_pct=share_pct(now.park_in_range_km2, now.area_km2),
        park_outside_current_range_km2=max(0.0, park_km2 - now.park_in_range_km2),
    )
    now_key = ("range", current)
    national = _national_share(borders, borders_name_field, shapes, now_key, method=method)

    _note(progress, "breeding areas and competitor overlap")
    breeding, breeding_table = _breeding(projected.get("breeding"), shapes, method=method)
    competitor = _competitor(projected.get("competitor"), shapes, now_key, method=method)

    _note(progress, "IUCN range metrics (EOO, AOO)")
    redlist = _redlist(current_range, method=method)
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
    )
    _note(progress, "checking claims")
    result = dataclasses.replace(result, claims=_check_claims(claims, result))
    _note(progress, "range lost and retained, inside and outside the park")
    return dataclasses.replace(
        result,
        tables=_tables(result, breeding_table),
        layers=_analysis_layers(epochs, current, shapes, projected),
    )
