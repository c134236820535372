"""Run a report from a study file: read its layers, then :func:`~.compute.compute` on them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import geopandas as gpd
from pyproj import CRS

from leopardrange.io import read_layer, sha256_file
from leopardrange.report.compute import Progress, compute
from leopardrange.report.result import ReportInfo, ReportResult
from leopardrange.study import Study, read_study

__all__ = ["info_of", "read_layers", "run"]

#: Geometry each role is read as.
_READ_AS: dict[str, Any] = {"breeding": "polygon_or_point"}


def read_layers(study: Study) -> dict[str, gpd.GeoDataFrame]:
    """Read and check every layer a study names, by role.

    Parameters
    ----------
    study
        A parsed study.

    Returns
    -------
    dict
        GeoDataFrames by role, in the CRS they were read in (``where`` filters applied,
        repaired when the study asks).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> from leopardrange.study import read_study
    >>> sorted(read_layers(read_study(datasets.path("study"))))
    ['borders', 'breeding', 'competitor', 'park', 'range']
    """
    return {
        role: read_layer(
            cfg.path,
            cfg.layer,
            where=cfg.where,
            geometry=_READ_AS.get(role, "polygon"),
            repair=cfg.repair,
            assume_crs=cfg.assume_crs,
            encoding=cfg.encoding,
        )
        for role, cfg in study.layers.items()
    }


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


def info_of(study: Study) -> ReportInfo:
    """Title, species and legend labels of a study, for rendering."""
    labels = {role: cfg.label for role, cfg in study.layers.items() if cfg.label}
    borders = study.layers.get("borders")
    return ReportInfo(
        name=study.name,
        species=study.species,
        description=study.description,
        competitor_species=study.competitor_species,
        labels=labels,
        borders_name_field=str(borders.options.get("name_field", "name")) if borders else "name",
    )


def run(
    study: Study | str | Path | None = None,
    *,
    area_method: str = "equal_area",
    progress: Progress | None = None,
) -> ReportResult:
    """Run the report for a study file, a parsed :class:`~leopardrange.study.Study`, or the default.

    Parameters
    ----------
    study
        Path of a study TOML file, a :class:`~leopardrange.study.Study`, or ``None`` for the
        embedded Amur leopard study (``datasets.path("study")``).
    area_method
        ``"equal_area"`` (default) or ``"geodesic"``.
    progress
        Called with the name of each step as it starts.

    Returns
    -------
    ReportResult
        As :func:`~leopardrange.report.compute.compute` returns it, with ``.study`` set and
        each input's path and SHA-256 recorded.

    Examples
    --------
    >>> result = run()  # the embedded Amur leopard study
    >>> round(result.coverage.park_share_of_current_range_pct, 1)
    42.6
    >>> [c.id for c in result.claims if c.passed]
    ['range-2015-is-2.96pct-of-historical', 'park-covers-60pct-of-russian-range']
    """
    if study is None:
        from leopardrange import datasets

        study = datasets.path("study")
    parsed = study if isinstance(study, Study) else read_study(study)
    if progress is not None:
        progress("reading layers")
    raw = read_layers(parsed)
    options = parsed.layers["range"].options
    info = info_of(parsed)
    result = compute(
        raw,
        epoch_field=str(options.get("epoch_field", "epoch")),
        year_field=str(options.get("year_field", "year")),
        current_epoch=options.get("current_epoch"),
        published_area_field=options.get("published_area_field"),
        borders_name_field=info.borders_name_field,
        claims=parsed.claims,
        area_method=area_method,
        analysis_crs=parsed.analysis_crs,
        info=info,
        inputs=_inputs(parsed, raw),
        progress=progress,
    )
    return dataclasses.replace(result, study=parsed)
