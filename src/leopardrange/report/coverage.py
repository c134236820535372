"""Coverage one protected area, one epoch, one country and one breeding site at a time.

Everything here works on layers already projected to the report's equal-area analysis CRS:

- :func:`epoch_parks`: the park each epoch counts — with years of establishment, only the
  areas established by the epoch's year (or in an unknown year, 0);
- :func:`area_records`: each kept area's own coverage of the current range and the part no
  other area covers (a gap analysis's table);
- :func:`country_shares`: the park's share of the current range in every country it touches;
- :func:`breeding_sites`: whether each breeding site lies in the park and in the current range.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from leopardrange._fields import plain_id
from leopardrange._validate import polygonal_part
from leopardrange.measure import area_km2
from leopardrange.metrics import AreaRef, BreedingSite, EpochAreas, ProtectedAreaRecord
from leopardrange.overlap import area_by_zone, dissolve, intersection, share_pct, zone_coverage
from leopardrange.wdpa import established_by

__all__ = [
    "INSIDE_FRAC",
    "STATUS_IN_PARK_AND_RANGE",
    "STATUS_IN_PARK_OUTSIDE_RANGE",
    "STATUS_OUTSIDE_PARK",
    "area_records",
    "breeding_sites",
    "country_shares",
    "epoch_parks",
    "year_unknown",
]

#: A polygon lies in a zone when at least this share of its area does (1 % slack for
#: digitising differences between independently drawn boundaries).
INSIDE_FRAC = 0.99
STATUS_IN_PARK_AND_RANGE = "in park ∩ current range"
STATUS_IN_PARK_OUTSIDE_RANGE = "in park, outside current range"
STATUS_OUTSIDE_PARK = "outside the park"


def _ref(row: Any) -> AreaRef:
    year = row.established_year
    return AreaRef(
        name=row.name,
        id=plain_id(row.id),
        established_year=None if year is None or pd.isna(year) else int(year),
    )


def _years(areas: gpd.GeoDataFrame) -> list[int | None] | None:
    values = [None if v is None or pd.isna(v) else int(v) for v in areas["established_year"]]
    return None if all(v is None for v in values) else values


def epoch_parks(
    areas: gpd.GeoDataFrame,
    epochs: gpd.GeoDataFrame,
    *,
    by_establishment: bool = True,
    dissolved: gpd.GeoSeries | None = None,
) -> tuple[dict[str, gpd.GeoSeries], dict[str, EpochAreas] | None]:
    """The dissolved park each epoch counts, and which areas each leaves out.

    Parameters
    ----------
    areas
        Kept protected areas (``id``, ``name``, ``established_year``: 0 unknown, ``None``
        when years are not used), in the analysis CRS.
    epochs
        Epochs indexed by name with a ``year`` (``None`` for epochs without a year, which
        count every area).
    by_establishment
        Count in each epoch only the areas established by its year.
    dissolved
        ``areas`` already dissolved (:func:`~leopardrange.overlap.dissolve`), when known:
        not dissolved again.

    Returns
    -------
    (dict, dict or None)
        The park (a one-row GeoSeries) per epoch; per epoch, the areas counted and those
        established after its year (``None`` when years are not used).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"id": [1, 2], "name": ["old", "new"],
    ...     "established_year": [1950, 2019]}, crs=3035,
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 3, 1)])
    >>> epochs = gpd.GeoDataFrame({"year": [2000, 2021]}, index=["a", "b"], crs=3035,
    ...     geometry=[shapely.box(0, 0, 3, 1)] * 2)
    >>> parks, counted = epoch_parks(areas, epochs)
    >>> float(parks["a"].area.iloc[0]), float(parks["b"].area.iloc[0]), counted["a"].counted
    (1.0, 3.0, 1)
    """
    whole = dissolve(areas) if dissolved is None else dissolved
    years = _years(areas) if by_establishment else None
    if years is None:
        return {str(e): whole for e in epochs.index}, None
    cache: dict[bytes, gpd.GeoSeries] = {}
    parks: dict[str, gpd.GeoSeries] = {}
    counted: dict[str, EpochAreas] = {}
    for epoch, year in zip(epochs.index, epochs["year"], strict=True):
        epoch_year = None if year is None or pd.isna(year) else int(year)
        mask = established_by(years, epoch_year)
        key = mask.tobytes()
        if key not in cache:
            cache[key] = whole if mask.all() else dissolve(areas[mask])
        parks[str(epoch)] = cache[key]
        counted[str(epoch)] = EpochAreas(
            year=epoch_year,
            counted=int(mask.sum()),
            not_yet_established=tuple(_ref(r) for r in areas[~mask].itertuples()),
        )
    return parks, counted


def year_unknown(areas: gpd.GeoDataFrame) -> tuple[AreaRef, ...]:
    """The areas whose year of establishment is unknown (0), which every epoch counts.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"id": [1, 2], "name": ["a", "b"], "established_year": [0, 1990]},
    ...     geometry=[shapely.box(0, 0, 1, 1)] * 2, crs=3035)
    >>> year_unknown(areas)
    (AreaRef(name='a', id=1, established_year=0),)
    """
    known = areas["established_year"].map(lambda v: v is not None and not pd.isna(v))
    return tuple(_ref(r) for r in areas[known & (areas["established_year"] == 0)].itertuples())


def area_records(
    areas: gpd.GeoDataFrame, current_range: gpd.GeoSeries, *, method: str = "equal_area"
) -> tuple[ProtectedAreaRecord, ...]:
    """Each kept area: its area, its part of the current range, and the part only it covers.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> areas = gpd.GeoDataFrame({"id": [7], "name": ["A"]}, crs=laea,
    ...     geometry=[shapely.box(0, 0, 10_000, 10_000)])
    >>> rng = gpd.GeoSeries([shapely.box(0, 0, 20_000, 10_000)], crs=laea)
    >>> area_records(areas, rng)[0].share_of_current_range_pct
    50.0
    """
    table = zone_coverage(current_range, areas.geometry, method=method)
    return tuple(
        ProtectedAreaRecord(
            name=name,
            id=plain_id(ident),
            area_km2=float(a),
            in_current_range_km2=float(inside),
            share_of_current_range_pct=float(share),
            unique_in_current_range_km2=float(unique),
        )
        for name, ident, a, inside, share, unique in zip(
            areas["name"],
            areas["id"],
            table["area_km2"].to_numpy(dtype=float),
            table["in_range_km2"].to_numpy(dtype=float),
            table["share_of_range_pct"].to_numpy(dtype=float),
            table["unique_in_range_km2"].to_numpy(dtype=float),
            strict=True,
        )
    )


def country_shares(
    borders: gpd.GeoDataFrame,
    name_field: str,
    park: gpd.GeoSeries,
    current_range: gpd.GeoSeries,
    *,
    method: str = "equal_area",
) -> tuple[dict[str, float], dict[str, float]]:
    """Per country the current range touches: park ∩ range in it, and its share of the range.

    Returns
    -------
    (dict, dict)
        ``{country: park ∩ current range ∩ country, km²}`` and ``{country: that ÷ current
        range ∩ country × 100}``, for every country holding some of the current range
        (slivers under :data:`leopardrange.overlap.SLIVER_KM2` aside), largest part first.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> countries = gpd.GeoDataFrame({"name": ["A", "B"]}, crs=laea, geometry=[
    ...     shapely.box(0, 0, 10_000, 10_000), shapely.box(10_000, 0, 20_000, 10_000)])
    >>> rng = gpd.GeoSeries([shapely.box(0, 0, 20_000, 10_000)], crs=laea)
    >>> park = gpd.GeoSeries([shapely.box(0, 0, 15_000, 10_000)], crs=laea)
    >>> country_shares(countries, "name", park, rng)[1]
    {'A': 100.0, 'B': 50.0}
    """
    in_range = area_by_zone(current_range, borders, name_field=name_field, method=method)
    covered = area_by_zone(
        intersection(park, current_range), borders, name_field=name_field, method=method
    )
    park_km2 = {str(c): float(covered.get(c, 0.0)) for c in in_range.index}
    shares = {str(c): share_pct(park_km2[str(c)], float(a)) for c, a in in_range.items()}
    return park_km2, shares


def _inside(
    sites: gpd.GeoDataFrame, zone: shapely.Geometry, *, points: bool, method: str
) -> np.ndarray:
    if points:
        return np.asarray(shapely.covered_by(sites.geometry.values, zone), dtype=bool)
    whole = area_km2(sites.geometry, method=method).to_numpy()
    parts = gpd.GeoSeries(
        [polygonal_part(shapely.intersection(g, zone)) for g in sites.geometry.values],
        crs=sites.crs,
    )
    inside = area_km2(parts, method=method).to_numpy()
    return np.array([w > 0 and i / w >= INSIDE_FRAC for i, w in zip(inside, whole, strict=True)])


def breeding_sites(
    breeding: gpd.GeoDataFrame,
    park: gpd.GeoSeries,
    current_range: gpd.GeoSeries,
    names: Sequence[str],
    *,
    method: str = "equal_area",
) -> tuple[BreedingSite, ...]:
    """Where each breeding site lies: in park ∩ current range, in the park only, or outside.

    A point lies in a zone when the zone covers it; a polygon when at least
    :data:`INSIDE_FRAC` of its area is inside.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    >>> park = gpd.GeoSeries([shapely.box(0, 0, 10, 10)], crs=laea)
    >>> rng = gpd.GeoSeries([shapely.box(0, 0, 5, 10)], crs=laea)
    >>> dens = gpd.GeoDataFrame(geometry=[shapely.Point(1, 1), shapely.Point(7, 1),
    ...     shapely.Point(20, 1)], crs=laea)
    >>> [s.status for s in breeding_sites(dens, park, rng, ["a", "b", "c"])]
    ['in park ∩ current range', 'in park, outside current range', 'outside the park']
    """
    points = bool(breeding.geom_type.isin(["Point", "MultiPoint"]).all())
    in_park = _inside(breeding, park.iloc[0], points=points, method=method)
    in_range = _inside(breeding, current_range.iloc[0], points=points, method=method)
    out = []
    for name, p, r in zip(names, in_park, in_range, strict=True):
        status = (
            STATUS_OUTSIDE_PARK
            if not p
            else (STATUS_IN_PARK_AND_RANGE if r else STATUS_IN_PARK_OUTSIDE_RANGE)
        )
        out.append(
            BreedingSite(name=name, in_park=bool(p), in_current_range=bool(r), status=status)
        )
    return tuple(out)
