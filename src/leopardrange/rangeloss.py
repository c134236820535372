"""Range contraction by epoch: areas, losses against the first epoch and annual rates.

A range layer holds one or more polygons per epoch, each with an epoch label and a year
(fields ``epoch`` and ``year`` by default). :func:`epoch_ranges` dissolves it into one row per
epoch; :func:`range_loss` measures each epoch against the first.

>>> from leopardrange import datasets
>>> loss = range_loss(datasets.load("leopard_range"))
>>> loss.index.tolist()
['c. 1900', '1970s', 'early 2000s', '2015', '2021']
>>> round(float(loss.loc["2021", "loss_vs_first_pct"]), 1)
98.3
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from leopardrange.crs import analysis_crs, project
from leopardrange.errors import SchemaError, StudyError
from leopardrange.measure import area_km2
from leopardrange.overlap import dissolve

__all__ = ["current_epoch", "epoch_ranges", "lost_and_retained", "range_loss"]


def _is_epoch_frame(ranges: gpd.GeoDataFrame, epoch_field: str) -> bool:
    """True for the output of :func:`epoch_ranges` (epochs as the index, a year column)."""
    return ranges.index.name == "epoch" and epoch_field not in ranges.columns


def epoch_ranges(
    ranges: gpd.GeoDataFrame,
    *,
    epoch_field: str = "epoch",
    year_field: str | None = "year",
    name: str = "range layer",
) -> gpd.GeoDataFrame:
    """Dissolve a range layer into one row per epoch, oldest first.

    Parameters
    ----------
    ranges
        Range polygons with an epoch label and a year per feature (several features per
        epoch are merged), any CRS.
    epoch_field, year_field
        Names of the epoch (text) and year (integer) fields. With ``year_field=None`` the
        epochs have no year (``None``) and keep the order in which they first appear.
    name
        How to name the layer in error messages.

    Returns
    -------
    GeoDataFrame
        Indexed by ``epoch`` (str), columns ``year`` (int), ``features`` (count) and the
        geometry, sorted by year; same CRS.

    Raises
    ------
    SchemaError
        If a field is missing.
    StudyError
        If an epoch has no year, features of one epoch disagree on the year, or the year field
        holds something else than whole years (text such as ``"c. 1900"``, fractions).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"epoch": ["now", "then", "then"], "year": [2020, 1950, 1950]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 1), shapely.box(2, 0, 3, 1)],
    ...     crs=4326)
    >>> epoch_ranges(layer)[["year", "features"]]
           year  features
    epoch
    then   1950         2
    now    2020         1
    """
    for field in (epoch_field, year_field):
        if field is not None and field not in ranges.columns:
            fields = ", ".join(c for c in ranges.columns if c != ranges.geometry.name)
            raise SchemaError(
                f"{name} has no field {field!r}; available fields: {fields}; set "
                f"{'epoch_field' if field == epoch_field else 'year_field'} in the study file"
            )
    year_values = _years(ranges, epoch_field, year_field, name) if year_field else None
    rows = []
    for epoch, group in ranges.groupby(ranges[epoch_field].astype(str), sort=False):
        found = year_values.loc[group.index].dropna() if year_values is not None else None
        years = sorted({int(y) for y in found}) if found is not None else [None]
        if len(years) != 1:
            detail = "no year" if not years else f"several years ({', '.join(map(str, years))})"
            raise StudyError(f"epoch {epoch!r} of {name} has {detail}; give one year per epoch")
        rows.append(
            {
                "epoch": str(epoch),
                "year": years[0],
                "features": len(group),
                "geometry": dissolve(group).iloc[0],
            }
        )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=ranges.crs)
    if year_field is not None:
        out = out.sort_values(["year", "epoch"], kind="stable")
    return out.set_index("epoch")


def _year(value: Any) -> int | None:
    """A year as an integer; ``None`` when the epoch has none."""
    return None if value is None or pd.isna(value) else int(value)


def _years(ranges: gpd.GeoDataFrame, epoch_field: str, year_field: str, name: str) -> pd.Series:
    """The year field as whole numbers (missing stays missing); anything else is an error."""
    raw = ranges[year_field]
    if pd.api.types.is_datetime64_any_dtype(raw):
        years: pd.Series = raw.dt.year.astype(float)
        return years
    values = pd.to_numeric(raw, errors="coerce")
    present = raw.notna().to_numpy()
    number = values.to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(number)
    whole = finite & (np.abs(np.where(finite, number, 0.0)) < 1e9)
    whole &= np.mod(np.where(whole, number, 0.0), 1.0) == 0.0
    bad = present & ~whole
    if bad.any():
        i = int(np.argmax(bad))
        label = ranges.index[i]
        shown = raw.iloc[i].item() if hasattr(raw.iloc[i], "item") else raw.iloc[i]
        raise StudyError(
            f"year field {year_field!r} of {name} holds {shown!r} (feature {label}, epoch "
            f"{str(ranges[epoch_field].iloc[i])!r}), not a whole year; it must hold years such as "
            "1900 — put text such as 'c. 1900' in the epoch field, or set year_field to a field "
            "of years"
        )
    out: pd.Series = values.astype(float)
    return out


def current_epoch(epochs: gpd.GeoDataFrame, wanted: str | None = None) -> str:
    """The current epoch: ``wanted``, or the one with the latest year.

    Parameters
    ----------
    epochs
        The output of :func:`epoch_ranges` (indexed by epoch, with a ``year`` column).
    wanted
        The epoch to take (``current_epoch`` in a study), if given.

    Returns
    -------
    str

    Raises
    ------
    StudyError
        If ``wanted`` is not an epoch, or two epochs share the latest year and ``wanted``
        does not say which one is current.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> layer = gpd.GeoDataFrame({"epoch": ["1950", "2020 survey", "2020 model"],
    ...     "year": [1950, 2020, 2020]}, geometry=[shapely.box(0, 0, 1, 1)] * 3, crs=4326)
    >>> current_epoch(epoch_ranges(layer), "2020 model")
    '2020 model'
    >>> current_epoch(epoch_ranges(layer))
    Traceback (most recent call last):
    ...
    leopardrange.errors.StudyError: epochs '2020 model' and '2020 survey' share the latest year ...
    """
    names = [str(e) for e in epochs.index]
    if wanted is not None:
        if str(wanted) not in names:
            raise StudyError(
                f"current_epoch {wanted!r} is not an epoch of the range layer; epochs: "
                f"{', '.join(names)}"
            )
        return str(wanted)
    if "year" not in epochs.columns or epochs["year"].isna().any():
        return names[-1]  # epochs without years (e.g. built from IUCN codes): the last one
    years = [int(y) for y in epochs["year"]]
    latest = [n for n, y in zip(names, years, strict=True) if y == max(years)]
    if len(latest) > 1:
        shown = " and ".join(repr(n) for n in latest)
        raise StudyError(
            f"epochs {shown} share the latest year ({max(years)}); set current_epoch in "
            "[layers.range] of the study (current_epoch=...) to say which one is current"
        )
    return latest[0]


def range_loss(
    ranges: gpd.GeoDataFrame,
    *,
    epoch_field: str = "epoch",
    year_field: str = "year",
    method: str = "equal_area",
    crs: Any = None,
) -> pd.DataFrame:
    """Area of each epoch's range and its loss against the first epoch.

    Parameters
    ----------
    ranges
        A range layer with epoch and year fields (any CRS), or the output of
        :func:`epoch_ranges`.
    epoch_field, year_field
        Names of the epoch and year fields.
    method
        Area method, see :func:`leopardrange.measure.area_km2`.
    crs
        Equal-area CRS to measure in with ``method="equal_area"``; default: the data's CRS
        when it is one, else a LAEA centred on the data.

    Returns
    -------
    DataFrame
        Indexed by epoch, oldest first: ``year``, ``area_km2``, ``loss_vs_first_km2``
        (first − this; negative when the range grew), ``loss_vs_first_pct`` (of the first
        epoch's area), ``area_pct_of_first`` and ``annual_loss_pct``: the compound yearly rate
        of loss from the first epoch, ``100 × (1 − (A / A₀)^(1 / (year − year₀)))`` (NaN for
        the first epoch, and when the epochs have no years; negative when the range grew).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> layer = gpd.GeoDataFrame({"epoch": ["then", "now"], "year": [1950, 2000]}, crs=laea,
    ...     geometry=[shapely.box(0, 0, 20_000, 10_000), shapely.box(0, 0, 5_000, 10_000)])
    >>> range_loss(layer)[["area_km2", "loss_vs_first_pct"]]
           area_km2  loss_vs_first_pct
    epoch
    then      200.0                0.0
    now        50.0               75.0
    """
    epochs = (
        ranges
        if _is_epoch_frame(ranges, epoch_field)
        else epoch_ranges(ranges, epoch_field=epoch_field, year_field=year_field)
    )
    target = analysis_crs(epochs, crs=crs) if method.replace("-", "_") == "equal_area" else None
    geoms = (
        epochs.geometry
        if target is None or epochs.crs == target
        else project(epochs.geometry, target)
    )
    areas = area_km2(geoms, method=method).to_numpy()
    first_km2, first_year = float(areas[0]), _year(epochs["year"].iloc[0])
    rows = []
    for (epoch, row), a_km2 in zip(epochs.iterrows(), areas, strict=True):
        year = _year(row["year"])
        years = 0 if year is None or first_year is None else year - first_year
        annual = math.nan
        if years > 0 and first_km2 > 0 and a_km2 > 0:
            annual = 100.0 * (1.0 - (a_km2 / first_km2) ** (1.0 / years))
        rows.append(
            {
                "epoch": str(epoch),
                "year": year,
                "area_km2": float(a_km2),
                "loss_vs_first_km2": first_km2 - float(a_km2),
                "loss_vs_first_pct": 100.0 * (first_km2 - a_km2) / first_km2 if first_km2 else 0.0,
                "area_pct_of_first": 100.0 * a_km2 / first_km2 if first_km2 else 0.0,
                "annual_loss_pct": annual,
            }
        )
    return pd.DataFrame(rows).set_index("epoch")


def lost_and_retained(
    first: gpd.GeoDataFrame | gpd.GeoSeries, current: gpd.GeoDataFrame | gpd.GeoSeries
) -> gpd.GeoDataFrame:
    """Split two ranges into lost (first only), retained (both) and gained (current only).

    Parameters
    ----------
    first, current
        The earlier and the later range (polygons, same CRS; dissolved first).

    Returns
    -------
    GeoDataFrame
        Three rows indexed ``lost``, ``retained`` and ``gained``, in the input CRS.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> then = gpd.GeoSeries([shapely.box(0, 0, 4, 1)], crs=3857)
    >>> now = gpd.GeoSeries([shapely.box(3, 0, 5, 1)], crs=3857)
    >>> lost_and_retained(then, now).area.to_dict()
    {'lost': 3.0, 'retained': 1.0, 'gained': 1.0}
    """
    a, b = dissolve(first).iloc[0], dissolve(current).iloc[0]
    parts = [shapely.difference(a, b), shapely.intersection(a, b), shapely.difference(b, a)]
    geoms = [dissolve(gpd.GeoSeries([g], crs=first.crs)).iloc[0] for g in parts]
    return gpd.GeoDataFrame(
        geometry=geoms, index=pd.Index(["lost", "retained", "gained"], name="part"), crs=first.crs
    )
