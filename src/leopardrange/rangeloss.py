"""Range contraction by epoch: areas, losses against the first epoch and annual rates."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely

from leopardrange.errors import SchemaError, StudyError
from leopardrange.measure import area_km2
from leopardrange.overlap import dissolve

__all__ = ["epoch_ranges", "lost_and_retained", "range_loss"]


def epoch_ranges(
    ranges: gpd.GeoDataFrame, *, epoch_field: str, year_field: str, name: str = "range layer"
) -> gpd.GeoDataFrame:
    """Dissolve a range layer into one row per epoch, oldest first.

    Parameters
    ----------
    ranges
        Range polygons with an epoch label and a year per feature (several features per
        epoch are merged).
    epoch_field, year_field
        Names of the epoch (text) and year (integer) fields.
    name
        How to name the layer in error messages.

    Returns
    -------
    GeoDataFrame
        Columns ``epoch`` (str), ``year`` (int), ``features`` (count) and the geometry, sorted
        by year, same CRS.

    Raises
    ------
    SchemaError
        If a field is missing.
    StudyError
        If an epoch has no year, or features of one epoch disagree on the year.
    """
    for field in (epoch_field, year_field):
        if field not in ranges.columns:
            fields = ", ".join(c for c in ranges.columns if c != ranges.geometry.name)
            raise SchemaError(
                f"{name} has no field {field!r}; available fields: {fields}; set "
                f"{'epoch_field' if field == epoch_field else 'year_field'} in the study file"
            )
    rows = []
    for epoch, group in ranges.groupby(ranges[epoch_field].astype(str), sort=False):
        years = sorted({int(y) for y in group[year_field].dropna()})
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
    return out.sort_values(["year", "epoch"], kind="stable").reset_index(drop=True)


def range_loss(epochs: gpd.GeoDataFrame, *, method: str = "equal_area") -> pd.DataFrame:
    """Area of each epoch's range and its loss against the first epoch.

    Parameters
    ----------
    epochs
        Output of :func:`epoch_ranges` (one row per epoch, oldest first).
    method
        Area method, see :func:`leopardrange.measure.area_km2`.

    Returns
    -------
    DataFrame
        ``epoch``, ``year``, ``area_km2``, ``loss_vs_first_km2`` (first − this; negative when
        the range grew), ``loss_vs_first_pct`` (of the first epoch's area),
        ``area_pct_of_first`` and ``annual_loss_pct``: the compound yearly rate of loss from
        the first epoch, ``100 × (1 − (A / A₀)^(1 / (year − year₀)))`` (NaN for the first
        epoch; negative when the range grew).
    """
    areas = area_km2(epochs.geometry, method=method).to_numpy()
    first_km2, first_year = float(areas[0]), int(epochs["year"].iloc[0])
    rows = []
    for (_, row), a_km2 in zip(epochs.iterrows(), areas, strict=True):
        years = int(row["year"]) - first_year
        annual = math.nan
        if years > 0 and first_km2 > 0 and a_km2 > 0:
            annual = 100.0 * (1.0 - (a_km2 / first_km2) ** (1.0 / years))
        rows.append(
            {
                "epoch": row["epoch"],
                "year": int(row["year"]),
                "area_km2": float(a_km2),
                "loss_vs_first_km2": first_km2 - float(a_km2),
                "loss_vs_first_pct": 100.0 * (first_km2 - a_km2) / first_km2 if first_km2 else 0.0,
                "area_pct_of_first": 100.0 * a_km2 / first_km2 if first_km2 else 0.0,
                "annual_loss_pct": annual,
            }
        )
    return pd.DataFrame(rows)


def lost_and_retained(
    first: gpd.GeoSeries, current: gpd.GeoSeries
) -> tuple[gpd.GeoSeries, gpd.GeoSeries, gpd.GeoSeries]:
    """Split two ranges into lost (first only), retained (both) and gained (current only).

    Returns
    -------
    (lost, retained, gained)
        One-row GeoSeries each, in the input CRS.
    """
    a, b = dissolve(first).iloc[0], dissolve(current).iloc[0]
    crs = first.crs
    return (
        dissolve(gpd.GeoSeries([shapely.difference(a, b)], crs=crs)),
        dissolve(gpd.GeoSeries([shapely.intersection(a, b)], crs=crs)),
        dissolve(gpd.GeoSeries([shapely.difference(b, a)], crs=crs)),
    )
