"""Run a report from a study file: read its layers, then :func:`~.compute.compute` on them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from leopardrange.errors import InvalidGeometryError
from leopardrange.io import read_layer, sha256_file
from leopardrange.iucn import IUCNOptions
from leopardrange.report.compute import Progress, compute
from leopardrange.report.result import ReportInfo, ReportResult
from leopardrange.study import LayerConfig, Study, read_study
from leopardrange.wdpa import WDPAOptions

__all__ = ["info_of", "read_layers", "read_role", "run"]

#: Geometry each role is read as (the park may mix polygons and WDPA points).
_READ_AS: dict[str, Any] = {"breeding": "polygon_or_point", "park": "polygon_or_point"}


def read_role(
    cfg: LayerConfig, *, repair: bool | None = None, geometry: Any = "role"
) -> gpd.GeoDataFrame:
    """Read the layer (or layers, joined) a study gives one role.

    Parameters
    ----------
    cfg
        The role's configuration (:class:`~leopardrange.study.LayerConfig`).
    repair
        Repair invalid geometries; ``None``: as the study says (``repair = true``).
    geometry
        Geometry kind to require; ``"role"``: the role's (polygons; polygons or points for
        the park and breeding sites); ``None``: any.

    Returns
    -------
    GeoDataFrame
        One frame (several layers are joined in the CRS of the first), with ``attrs``
        ``source`` and ``repairs`` (one record per layer with repaired geometries).

    Raises
    ------
    InvalidGeometryError
        Invalid geometries without repair; the message names the study key that repairs.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> from leopardrange.study import read_study
    >>> park = read_role(read_study(datasets.path("study")).layers["park"])
    >>> park.attrs["source"].endswith(":park"), len(park)
    (True, 1)
    """
    kind = _READ_AS.get(cfg.role, "polygon") if geometry == "role" else geometry
    frames = []
    for path, layer in cfg.all_sources():
        try:
            frame = read_layer(
                path,
                layer,
                where=cfg.where,
                geometry=kind,
                repair=cfg.repair if repair is None else repair,
                assume_crs=cfg.assume_crs,
                encoding=cfg.encoding,
            )
        except InvalidGeometryError as exc:
            raise InvalidGeometryError(
                f"{exc}; or set repair = true in [layers.{cfg.role}] of the study"
            ) from exc
        frames.append(frame)
    repairs = [
        {
            "source": f.attrs["source"],
            "features": f.attrs["repair"].n_repaired,
            "ids": list(f.attrs["repair"].ids),
        }
        for f in frames
        if f.attrs["repair"].n_repaired
    ]
    if len(frames) == 1:
        out = frames[0]
    else:
        first = frames[0].crs
        joined = pd.concat([f.to_crs(first) for f in frames], ignore_index=True)
        out = gpd.GeoDataFrame(joined, geometry=frames[0].geometry.name, crs=first)
        out.attrs["source"] = " + ".join(f.attrs["source"] for f in frames)
    out.attrs["repairs"] = repairs
    return out


def read_layers(study: Study, *, repair: bool | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Read and check every layer a study names, by role.

    Parameters
    ----------
    study
        A parsed study.
    repair
        Repair invalid geometries in every layer; ``None``: as each role's ``repair`` says.

    Returns
    -------
    dict
        GeoDataFrames by role, in the CRS they were read in (``where`` filters applied,
        repaired when asked; several layers of one role joined).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> from leopardrange.study import read_study
    >>> sorted(read_layers(read_study(datasets.path("study"))))
    ['borders', 'breeding', 'competitor', 'park', 'range']
    """
    return {role: read_role(cfg, repair=repair) for role, cfg in study.layers.items()}


def _inputs(study: Study, raw: dict[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    out = {}
    for role, frame in raw.items():
        cfg = study.layers[role]
        sources = cfg.all_sources()
        paths = [str(p) for p, _ in sources]
        layers = [layer for _, layer in sources]
        hashes = [sha256_file(p) for p, _ in sources]
        several = len(sources) > 1
        out[role] = {
            "path": paths if several else paths[0],
            "layer": layers if several else layers[0],
            "where": cfg.where,
            "features": len(frame),
            "crs": CRS(frame.crs).to_string(),
            "sha256": hashes if several else hashes[0],
        }
    return out


def _park_options(cfg: LayerConfig) -> WDPAOptions:
    names = {f.name for f in dataclasses.fields(WDPAOptions)}
    return WDPAOptions(**{k: v for k, v in cfg.options.items() if k in names})


def _range_options(cfg: LayerConfig) -> IUCNOptions:
    names = {f.name for f in dataclasses.fields(IUCNOptions)}
    return IUCNOptions(**{k: v for k, v in cfg.options.items() if k in names})


def info_of(study: Study) -> ReportInfo:
    """Title, species and legend labels of a study, for rendering.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> from leopardrange.study import read_study
    >>> info = info_of(read_study(datasets.path("study")))
    >>> info.name, info.species
    ('Amur leopard in Land of the Leopard NP', 'Panthera pardus orientalis')
    """
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
    repair: bool | None = None,
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
    repair
        Repair invalid geometries of every layer (recorded in the result); ``None``: as
        each role's ``repair`` key says.
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
    raw = read_layers(parsed, repair=repair)
    options = parsed.layers["range"].options
    info = info_of(parsed)
    result = compute(
        raw,
        epoch_field=options.get("epoch_field"),
        year_field=options.get("year_field"),
        current_epoch=options.get("current_epoch"),
        published_area_field=options.get("published_area_field"),
        borders_name_field=info.borders_name_field,
        claims=parsed.claims,
        area_method=area_method,
        analysis_crs=parsed.analysis_crs,
        info=info,
        inputs=_inputs(parsed, raw),
        progress=progress,
        park_options=_park_options(parsed.layers["park"]),
        range_options=_range_options(parsed.layers["range"]),
        name_fields={
            role: str(cfg.options["name_field"])
            for role, cfg in parsed.layers.items()
            if "name_field" in cfg.options and role not in ("park", "borders")
        },
        aoo_crs=parsed.aoo_crs,
        where=f"study file {str(parsed.source)!r}" if parsed.source else "the study",
    )
    return dataclasses.replace(result, study=parsed)
