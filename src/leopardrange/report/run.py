"""Compute a range-loss and coverage report: read the study's layers, measure, check claims.

Order of work (wdpar's for protected areas): read and check each layer, project everything to
one equal-area analysis CRS, dissolve the park, then intersect it with each epoch's range;
measure every area with the chosen method; compute IUCN and fragmentation metrics on the
current range; finally check the study's claims against the computed metrics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from leopardrange import __version__
from leopardrange._validate import polygonal_part
from leopardrange.crs import equal_area_crs, is_equal_area
from leopardrange.errors import EmptyLayerError, GeometryTypeError, StudyError
from leopardrange.fragmentation import patch_metrics
from leopardrange.io import read_layer, sha256_file
from leopardrange.measure import area_km2
from leopardrange.overlap import dissolve, intersection, overlap, share_pct, split_by_zone
from leopardrange.rangeloss import epoch_ranges, lost_and_retained, range_loss
from leopardrange.redlist import aoo_cells, aoo_km2, criterion_b, eoo_km2
from leopardrange.study import Study, read_study

__all__ = ["BREEDING_INSIDE_FRAC", "ReportResult", "compute", "run"]

#: A breeding polygon counts as inside the park when at least this share of its area is inside
#: (1 % slack for digitising differences between independently drawn boundaries).
BREEDING_INSIDE_FRAC = 0.99

Progress = Callable[[str], None]


@dataclass
class ReportResult:
    """What a report run computed: metrics (as in metrics.json), tables and analysis layers."""

    study: Study
    metrics: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    @property
    def claims_passed(self) -> bool:
        """True when every claim held (or there were none)."""
        return all(c["pass"] for c in self.metrics["claims"])

    def write(
        self, out_dir: str | Path, *, overwrite: bool = False, progress: Progress | None = None
    ) -> Path:
        """Write report.html, report.md, metrics.json, tables/*.csv and maps/*.png atomically."""
        from leopardrange.report.render import write_report

        return write_report(self, out_dir, overwrite=overwrite, progress=progress)


def _note(progress: Progress | None, text: str) -> None:
    if progress is not None:
        progress(text)


def _read_role(study: Study, role: str, kind: Any) -> gpd.GeoDataFrame:
    cfg = study.layers[role]
    return read_layer(
        cfg.path,
        cfg.layer,
        where=cfg.where,
        geometry=kind,
        repair=cfg.repair,
        assume_crs=cfg.assume_crs,
    )


def _analysis_crs(study: Study, frames: list[gpd.GeoDataFrame]) -> CRS:
    if study.analysis_crs:
        try:
            crs = CRS.from_user_input(study.analysis_crs)
        except Exception as exc:
            raise StudyError(f"analysis_crs {study.analysis_crs!r} is not a CRS ({exc})") from exc
        if not is_equal_area(crs):
            raise StudyError(
                f"analysis_crs {study.analysis_crs!r} is not an equal-area projection; use e.g. "
                "a LAEA ('+proj=laea +lat_0=.. +lon_0=..') or leave it out"
            )
        return crs
    lonlat = pd.concat([f.geometry.to_crs(4326) for f in frames], ignore_index=True)
    return equal_area_crs(gpd.GeoSeries(lonlat, crs=4326))


def _current_epoch(study: Study, epochs: gpd.GeoDataFrame) -> str:
    wanted = study.layers["range"].options.get("current_epoch")
    names = list(epochs["epoch"])
    if wanted is None:
        return str(names[-1])
    if str(wanted) not in names:
        raise StudyError(
            f"current_epoch {wanted!r} is not an epoch of the range layer; epochs: "
            f"{', '.join(names)}"
        )
    return str(wanted)


def _published_areas(ranges: gpd.GeoDataFrame, study: Study) -> dict[str, float]:
    cfg = study.layers["range"]
    fname = cfg.options.get("published_area_field")
    if not fname:
        return {}
    if fname not in ranges.columns:
        raise StudyError(
            f"published_area_field {fname!r} is not a field of the range layer; fields: "
            f"{', '.join(c for c in ranges.columns if c != ranges.geometry.name)}"
        )
    epoch_field = cfg.options.get("epoch_field", "epoch")
    out: dict[str, float] = {}
    for epoch, group in ranges.groupby(ranges[epoch_field].astype(str)):
        values = pd.to_numeric(group[fname], errors="coerce").dropna()
        if len(values):
            out[str(epoch)] = float(values.sum() if values.nunique() > 1 else values.iloc[0])
    return out


def compute(
    study: Study, *, area_method: str = "equal_area", progress: Progress | None = None
) -> ReportResult:
    """Compute every metric and table of the report for a parsed study (no file output)."""
    method = area_method.replace("-", "_")
    cfg_range = study.layers["range"]
    epoch_field = cfg_range.options.get("epoch_field", "epoch")
    year_field = cfg_range.options.get("year_field", "year")

    _note(progress, "reading layers")
    raw: dict[str, gpd.GeoDataFrame] = {
        "park": _read_role(study, "park", "polygon"),
        "range": _read_role(study, "range", "polygon"),
    }
    if "competitor" in study.layers:
        raw["competitor"] = _read_role(study, "competitor", "polygon")
    if "breeding" in study.layers:
        raw["breeding"] = _read_role(study, "breeding", "polygon_or_point")
        kinds = set(raw["breeding"].geom_type.str.replace("Multi", ""))
        if len(kinds) > 1:
            raise GeometryTypeError(
                f"breeding layer {raw['breeding'].attrs['source']!r} mixes points and polygons; "
                "split it into one layer of each"
            )
    if "borders" in study.layers:
        raw["borders"] = _read_role(study, "borders", "polygon")

    _note(progress, "aligning CRSs")
    crs = _analysis_crs(study, [raw["park"], raw["range"]])
    layers = {role: frame.to_crs(crs) for role, frame in raw.items()}
    aligned = {role: frame.crs.to_string() for role, frame in raw.items() if CRS(frame.crs) != crs}

    _note(progress, "measuring range epochs")
    epochs = epoch_ranges(
        layers["range"],
        epoch_field=epoch_field,
        year_field=year_field,
        name=f"range layer {raw['range'].attrs['source']!r}",
    )
    current = _current_epoch(study, epochs)
    current_geom = epochs.loc[epochs["epoch"] == current, "geometry"]
    current_range = gpd.GeoSeries(current_geom.values, crs=crs)
    if current_range.iloc[0].is_empty:
        raise EmptyLayerError(f"the current range (epoch {current!r}) is empty")
    park = dissolve(layers["park"])
    park_km2 = float(area_km2(park, method=method).iloc[0])

    loss = range_loss(epochs, method=method)
    published = _published_areas(layers["range"], study)
    name_field = _borders_name_field(study, layers)
    park_rows, country_rows = [], []
    for _, row in epochs.iterrows():
        rng = gpd.GeoSeries([row.geometry], crs=crs)
        ov = overlap(rng, park, method=method)
        park_rows.append(ov["overlap_km2"])
        country_rows.append(
            split_by_zone(rng, layers["borders"], name_field=name_field, method=method)
            if name_field
            else {}
        )
    loss["park_in_range_km2"] = park_rows
    loss["park_share_pct"] = [
        share_pct(p, a) for p, a in zip(park_rows, loss["area_km2"], strict=True)
    ]
    loss["area_published_km2"] = [published.get(e, math.nan) for e in loss["epoch"]]
    loss["diff_vs_published_pct"] = 100.0 * (loss["area_km2"] / loss["area_published_km2"] - 1.0)

    current_row = loss.loc[loss["epoch"] == current].iloc[0]
    current_km2 = float(current_row["area_km2"])
    park_in_current_km2 = float(current_row["park_in_range_km2"])

    metrics: dict[str, Any] = {
        "study": study.name,
        "species": study.species,
        "analysis_crs": crs.to_wkt(),
        "analysis_crs_proj4": _proj4(crs),
        "area_method": method,
        "leopardrange_version": __version__,
        "inputs": _inputs(study, raw),
        "crs_alignment": {
            "analysis_crs": _proj4(crs),
            "reprojected": aligned,
            "note": "every layer was projected to the analysis CRS before any overlay",
        },
        "current_epoch": current,
        "current_range_km2": current_km2,
        "park_area_km2": park_km2,
        "park_in_current_range_km2": park_in_current_km2,
        "park_share_of_current_range_pct": share_pct(park_in_current_km2, current_km2),
        "park_outside_current_range_km2": max(0.0, park_km2 - park_in_current_km2),
        "range_epochs": _epoch_records(loss, country_rows),
    }

    metrics.update(_national_share(layers, study, park, current_range, method=method))

    _note(progress, "breeding areas and competitor overlap")
    breeding_table = None
    if "breeding" in layers:
        breeding_metrics, breeding_table = _breeding(layers["breeding"], park, method=method)
        metrics.update(breeding_metrics)
    else:
        metrics.update(
            {
                "breeding_in_park_pct": None,
                "breeding_features": None,
                "breeding_features_in_park": None,
            }
        )
    if "competitor" in layers:
        comp = overlap(current_range, dissolve(layers["competitor"]), method=method)
        metrics.update(
            {
                "competitor_overlap_km2": comp["overlap_km2"],
                "competitor_overlap_pct_of_range": comp["overlap_pct_of_a"],
                "competitor_overlap_pct_of_competitor": comp["overlap_pct_of_b"],
                "competitor_area_km2": comp["b_km2"],
            }
        )
    else:
        metrics.update(
            {
                "competitor_overlap_km2": None,
                "competitor_overlap_pct_of_range": None,
                "competitor_overlap_pct_of_competitor": None,
            }
        )

    _note(progress, "IUCN range metrics (EOO, AOO)")
    aoo = aoo_km2(current_range)
    eoo = eoo_km2(current_range, aoo=aoo["aoo_km2"], method=method)
    metrics.update(
        {
            "eoo_km2": eoo,
            "aoo_km2": aoo["aoo_km2"],
            "aoo_min_km2": aoo["aoo_min_km2"],
            "aoo_grid": {
                k: aoo[k]
                for k in ("cell_km2", "origin_m", "shifts_m", "best_shift_m", "cells", "cells_min")
            },
            "iucn_b": criterion_b(eoo=eoo, aoo=aoo["aoo_km2"]),
        }
    )
    _note(progress, "fragmentation")
    frag = patch_metrics(current_range, method=method)
    metrics["fragmentation"] = {k: v for k, v in frag.items() if k != "total_km2"}

    _note(progress, "checking claims")
    metrics["claims"] = _check_claims(study, metrics)

    tables = _tables(metrics, loss, country_rows, breeding_table)
    analysis_layers = _analysis_layers(epochs, current, park, layers, current_range, crs)
    return ReportResult(study=study, metrics=metrics, tables=tables, layers=analysis_layers)


def run(
    study: Study | str | Path | None = None,
    *,
    area_method: str = "equal_area",
    progress: Progress | None = None,
) -> ReportResult:
    """Run the report for a study file, a parsed :class:`Study`, or the embedded default.

    Parameters
    ----------
    study
        Path of a study TOML file, a :class:`Study`, or ``None`` for the embedded Amur leopard
        study (``geodata/amur_leopard.toml``).
    area_method
        ``"equal_area"`` (default) or ``"geodesic"``.
    progress
        Called with the name of each step as it starts.

    Returns
    -------
    ReportResult
        ``.metrics`` (the content of metrics.json), ``.tables`` (DataFrames) and ``.layers``
        (analysis layers in the analysis CRS); ``.write(dir)`` writes the report.

    Examples
    --------
    >>> from leopardrange import report
    >>> result = report.run()  # doctest: +SKIP
    >>> round(result.metrics["park_share_of_current_range_pct"], 1)  # doctest: +SKIP
    """
    if study is None:
        from leopardrange import datasets

        study = datasets.path("study")
    parsed = study if isinstance(study, Study) else read_study(study)
    return compute(parsed, area_method=area_method, progress=progress)


def _national_share(
    layers: dict[str, gpd.GeoDataFrame],
    study: Study,
    park: gpd.GeoSeries,
    current_range: gpd.GeoSeries,
    *,
    method: str,
) -> dict[str, Any]:
    """The park's share of the current range inside the country (or countries) it lies in.

    Published coverage figures often refer to one country's part of a range; this metric
    lets a claim say so. A country counts when it holds at least 1 % of the park.
    """
    name_field = _borders_name_field(study, layers)
    if name_field is None:
        return {
            "park_countries": None,
            "national_current_range_km2": None,
            "park_share_of_national_range_pct": None,
        }
    borders = layers["borders"]
    in_country = split_by_zone(park, borders, name_field=name_field, method=method)
    park_km2 = sum(in_country.values())
    countries = [c for c, a in in_country.items() if park_km2 and a >= 0.01 * park_km2]
    zone = dissolve(borders[borders[name_field].astype(str).isin(countries)])
    national = intersection(current_range, zone)
    national_km2 = float(area_km2(national, method=method).iloc[0])
    park_in_km2 = float(area_km2(intersection(national, park), method=method).iloc[0])
    return {
        "park_countries": countries,
        "national_current_range_km2": national_km2,
        "park_share_of_national_range_pct": share_pct(park_in_km2, national_km2),
    }


def _borders_name_field(study: Study, layers: dict[str, gpd.GeoDataFrame]) -> str | None:
    """The checked name field of the borders layer, or None when the study has none."""
    if "borders" not in layers:
        return None
    name_field = str(study.layers["borders"].options.get("name_field", "name"))
    _require_field(layers["borders"], name_field, "borders", "name_field")
    return name_field


def _require_field(frame: gpd.GeoDataFrame, name: str, role: str, key: str) -> None:
    if name not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != frame.geometry.name)
        raise StudyError(
            f"{role} layer {frame.attrs.get('source', '')!r} has no field {name!r}; set "
            f"{key} in [layers.{role}] to one of: {fields}"
        )


def _proj4(crs: CRS) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return str(crs.to_proj4())


def _inputs(study: Study, raw: dict[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    out = {}
    for role, frame in raw.items():
        cfg = study.layers[role]
        out[role] = {
            "path": str(cfg.path),
            "layer": cfg.layer,
            "where": cfg.where,
            "features": len(frame),
            "crs": CRS(frame.crs).to_string(),
            "sha256": sha256_file(cfg.path),
        }
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _epoch_records(loss: pd.DataFrame, countries: list[dict[str, float]]) -> list[dict[str, Any]]:
    keys = [
        "epoch",
        "year",
        "area_km2",
        "area_published_km2",
        "diff_vs_published_pct",
        "loss_vs_first_km2",
        "loss_vs_first_pct",
        "area_pct_of_first",
        "annual_loss_pct",
        "park_in_range_km2",
        "park_share_pct",
    ]
    records = []
    for (_, row), by_country in zip(loss.iterrows(), countries, strict=True):
        record = {k: _clean(row[k].item() if hasattr(row[k], "item") else row[k]) for k in keys}
        record["by_country_km2"] = by_country
        records.append(record)
    return records


def _breeding(
    breeding: gpd.GeoDataFrame, park: gpd.GeoSeries, *, method: str
) -> tuple[dict[str, Any], pd.DataFrame]:
    park_geom = park.iloc[0]
    names = _feature_names(breeding)
    if breeding.geom_type.isin(["Point", "MultiPoint"]).all():
        inside = shapely.covered_by(breeding.geometry.values, park_geom)
        table = pd.DataFrame({"feature": names, "in_park": inside})
        n_in = int(inside.sum())
        return {
            "breeding_basis": "count of points",
            "breeding_features": len(breeding),
            "breeding_features_in_park": n_in,
            "breeding_in_park_pct": share_pct(n_in, len(breeding)),
        }, table
    whole = area_km2(breeding.geometry, method=method).to_numpy()
    parts = gpd.GeoSeries(
        [shapely.intersection(g, park_geom) for g in breeding.geometry.values], crs=breeding.crs
    )
    parts = gpd.GeoSeries([polygonal_part(g) for g in parts.values], crs=breeding.crs)
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
    union_km2 = float(area_km2(dissolve(breeding), method=method).iloc[0])
    union_in_km2 = float(area_km2(intersection(dissolve(breeding), park), method=method).iloc[0])
    return {
        "breeding_basis": "area of polygons",
        "breeding_features": len(breeding),
        "breeding_features_in_park": int(table["in_park"].sum()),
        "breeding_in_park_pct": share_pct(union_in_km2, union_km2),
        "breeding_area_km2": union_km2,
    }, table


def _feature_names(frame: gpd.GeoDataFrame) -> list[str]:
    for col in ("name", "Name", "NAME", "label", "id"):
        if col in frame.columns:
            return [str(v) for v in frame[col]]
    return [f"feature {i}" for i in frame.index]


def _metric_value(metrics: dict[str, Any], name: str, study: Study, claim_id: str) -> Any:
    if name.startswith("range_epochs."):
        epoch, _, fld = name[len("range_epochs.") :].rpartition(".")
        for record in metrics["range_epochs"]:
            if record["epoch"] == epoch:
                return record[fld]
        epochs = ", ".join(r["epoch"] for r in metrics["range_epochs"])
        raise StudyError(f"claim {claim_id!r} names epoch {epoch!r}; epochs are: {epochs}")
    if name.startswith("fragmentation."):
        return metrics["fragmentation"][name.split(".", 1)[1]]
    return metrics.get(name)


_ROLE_OF_METRIC = {
    "breeding": "breeding",
    "competitor": "competitor",
    "park_share_of_national": "borders",
    "national": "borders",
}


def _check_claims(study: Study, metrics: dict[str, Any]) -> list[dict[str, Any]]:
    results = []
    for claim in study.claims:
        measured = _metric_value(metrics, claim.metric, study, claim.id)
        if measured is None:
            role = next((r for k, r in _ROLE_OF_METRIC.items() if claim.metric.startswith(k)), None)
            need = f"a [layers.{role}] layer" if role else "data this study does not have"
            raise StudyError(f"claim {claim.id!r} on {claim.metric!r} needs {need}")
        measured = float(measured)
        results.append(
            {
                "id": claim.id,
                "metric": claim.metric,
                "statement": claim.statement,
                "source": claim.source,
                "comparison": claim.comparison,
                "expected": claim.expected,
                "tolerance": claim.tolerance,
                "measured": measured,
                "difference": measured - claim.expected,
                "pass": bool(claim.check(measured)),
            }
        )
    return results


def _tables(
    metrics: dict[str, Any],
    loss: pd.DataFrame,
    countries: list[dict[str, float]],
    breeding: pd.DataFrame | None,
) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {"range_epochs": loss.copy()}
    rows = [
        {"epoch": e, "country": c, "area_km2": a, "share_pct": share_pct(a, total)}
        for e, by_c, total in zip(loss["epoch"], countries, loss["area_km2"], strict=True)
        for c, a in by_c.items()
    ]
    if rows:
        tables["range_by_country"] = pd.DataFrame(rows)
    coverage = [
        ("park_area_km2", metrics["park_area_km2"]),
        ("current_range_km2", metrics["current_range_km2"]),
        ("park_in_current_range_km2", metrics["park_in_current_range_km2"]),
        ("park_share_of_current_range_pct", metrics["park_share_of_current_range_pct"]),
        ("park_outside_current_range_km2", metrics["park_outside_current_range_km2"]),
        ("national_current_range_km2", metrics.get("national_current_range_km2")),
        ("park_share_of_national_range_pct", metrics.get("park_share_of_national_range_pct")),
        ("breeding_in_park_pct", metrics.get("breeding_in_park_pct")),
        ("breeding_features", metrics.get("breeding_features")),
        ("breeding_features_in_park", metrics.get("breeding_features_in_park")),
        ("competitor_overlap_km2", metrics.get("competitor_overlap_km2")),
        ("competitor_overlap_pct_of_range", metrics.get("competitor_overlap_pct_of_range")),
        (
            "competitor_overlap_pct_of_competitor",
            metrics.get("competitor_overlap_pct_of_competitor"),
        ),
    ]
    tables["coverage"] = pd.DataFrame(
        [(k, v) for k, v in coverage if v is not None], columns=["metric", "value"]
    )
    if breeding is not None:
        tables["breeding"] = breeding
    b = metrics["iucn_b"]
    tables["iucn"] = pd.DataFrame(
        [
            {
                "criterion": crit,
                "metric": "eoo_km2" if crit == "B1" else "aoo_km2",
                "value_km2": b[crit]["value_km2"],
                **{f"{cat}_below_km2": lim for cat, lim in b[crit]["thresholds_km2"].items()},
                "meets_threshold_of": b[crit]["meets"] or "none",
            }
            for crit in ("B1", "B2")
        ]
    )
    tables["fragmentation"] = pd.DataFrame([metrics["fragmentation"]])
    tables["claims"] = pd.DataFrame(
        metrics["claims"],
        columns=[
            "id",
            "metric",
            "statement",
            "source",
            "comparison",
            "expected",
            "tolerance",
            "measured",
            "difference",
            "pass",
        ],
    )
    return tables


def _analysis_layers(
    epochs: gpd.GeoDataFrame,
    current: str,
    park: gpd.GeoSeries,
    layers: dict[str, gpd.GeoDataFrame],
    current_range: gpd.GeoSeries,
    crs: CRS,
) -> dict[str, gpd.GeoDataFrame]:
    first = gpd.GeoSeries([epochs.geometry.iloc[0]], crs=crs)
    lost, retained, _gained = lost_and_retained(first, current_range)
    park_in = intersection(park, current_range)
    outside = gpd.GeoSeries([shapely.difference(current_range.iloc[0], park.iloc[0])], crs=crs)
    out: dict[str, gpd.GeoDataFrame] = {
        "range_epochs": epochs,
        "park": gpd.GeoDataFrame({"role": ["park"]}, geometry=park.values, crs=crs),
        "range_lost": _frame(lost, "lost since the first epoch"),
        "range_retained": _frame(retained, "retained since the first epoch"),
        "park_in_current_range": _frame(park_in, "park ∩ current range"),
        "current_range_outside_park": _frame(dissolve(outside), "current range outside the park"),
        "aoo_cells": gpd.GeoDataFrame(geometry=aoo_cells(current_range), crs=crs),
    }
    if "competitor" in layers:
        out["competitor"] = layers["competitor"]
        out["competitor_overlap"] = _frame(
            intersection(current_range, dissolve(layers["competitor"])),
            "current range ∩ competitor",
        )
    for role in ("breeding", "borders"):
        if role in layers:
            out[role] = layers[role]
    out["current_epoch"] = epochs.loc[epochs["epoch"] == current].reset_index(drop=True)
    return out


def _frame(geoms: gpd.GeoSeries, label: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"label": [label] * len(geoms)}, geometry=geoms.values, crs=geoms.crs)
