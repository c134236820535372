"""Shared inputs, results and geometries of the geodata build (see build.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import shapely
import shapely.ops

from _geometry import Bands, Calibration, lonlat_box, lonlat_polygon, to_laea, to_lonlat

WEST, EAST = 100.0, 150.0  # longitudes well outside the region, for half-planes
SOUTH, NORTH = 30.0, 56.0


@dataclass
class Inputs:
    """Base data and anchor tables, as read by build.py."""

    countries: gpd.GeoDataFrame
    settlements: gpd.GeoDataFrame
    forest: shapely.Geometry
    points: dict[str, tuple[float, float]]
    params: dict[str, str]
    published: dict[tuple[str, str], dict[str, str]]
    lines: dict[str, list[str]]
    park_outline: shapely.Geometry
    park_osm: dict[str, Any]
    rivers: list[dict[str, Any]]

    def p(self, name: str) -> float:
        return float(self.params[name])


@dataclass
class Result:
    """The built layers plus the solved parameters and consistency checks."""

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    calibrations: list[Calibration] = field(default_factory=list)
    checks: list[tuple[str, str]] = field(default_factory=list)


def south_of(lat: float) -> shapely.Geometry:
    return lonlat_box(WEST, SOUTH, EAST, lat)


def north_of(lat: float) -> shapely.Geometry:
    return lonlat_box(WEST, lat, EAST, NORTH)


def published_km2(inp: Inputs, layer: str, name: str) -> float:
    return float(inp.published[(layer, name)]["area_published_km2"])


def source_ids(inp: Inputs, layer: str, name: str) -> str:
    return inp.published[(layer, name)]["source_ids"]


class Context:
    """Geometries shared by several layers."""

    def __init__(self, inp: Inputs) -> None:
        self.inp = inp
        by_iso = {row.iso_a3: row.geometry for row in inp.countries.itertuples()}
        self.rus, self.chn = by_iso["RUS"], by_iso["CHN"]
        self.prk, self.kor = by_iso["PRK"], by_iso["KOR"]
        self.range_land = shapely.union_all([self.rus, self.chn, self.prk, self.kor])
        ru_cn = shapely.intersection(self.rus.boundary, self.chn.boundary)
        ru_kp = shapely.intersection(self.rus.boundary, self.prk.boundary)
        self.border_ru_cn = to_laea(shapely.line_merge(_lines(ru_cn)))
        self.border_ru_cnkp = to_laea(shapely.line_merge(_lines(shapely.union(ru_cn, ru_kp))))
        self.band_ru_cn = Bands(self.border_ru_cn)
        self.band_ru_cnkp = Bands(self.border_ru_cnkp)
        self.sw_line = sw_primorye_east(inp)
        sw = self.sw_line
        self.west_of_line = lonlat_polygon(
            [(WEST, SOUTH), (sw[0][1], SOUTH)]
            + [(lon, lat) for lat, lon in sw]
            + [(sw[-1][1], NORTH), (WEST, NORTH)]
        )
        self.east_of_line = lonlat_polygon(
            [(sw[0][1], SOUTH), (EAST, SOUTH), (EAST, NORTH), (sw[-1][1], NORTH)]
            + [(lon, lat) for lat, lon in reversed(sw)]
        )
        self.sw_primorye = self.rus.intersection(self.west_of_line).intersection(
            south_of(inp.p("sw_primorye_north_lat"))
        )


def sw_primorye_east(inp: Inputs) -> list[tuple[float, float]]:
    """Vertices (lat, lon) of the Razdolnaya/Amur Bay line, the river course expanded.

    A ``river:<name>`` vertex of ``lines.csv`` stands for that river of the ``rivers`` layer
    from its mouth (the end nearest the previous vertex) upstream to its point nearest the
    next vertex.
    """
    ids = inp.lines["sw_primorye_east"]
    out: list[tuple[float, float]] = []
    for i, pid in enumerate(ids):
        if not pid.startswith("river:"):
            out.append(inp.points[pid])
            continue
        line = river_line(inp, pid.removeprefix("river:"))
        prev, nxt = inp.points[ids[i - 1]], inp.points[ids[i + 1]]
        start, end = line.coords[0], line.coords[-1]
        mouth_first = shapely.Point(start).distance(shapely.Point(prev[1], prev[0])) <= (
            shapely.Point(end).distance(shapely.Point(prev[1], prev[0]))
        )
        if not mouth_first:
            line = shapely.LineString(list(line.coords)[::-1])
        upto = line.project(shapely.Point(nxt[1], nxt[0]))
        course = shapely.ops.substring(line, 0.0, upto)
        out.extend((lat, lon) for lon, lat in course.coords)
    return out


def river_line(inp: Inputs, name: str) -> shapely.LineString:
    """The named river of the ``rivers`` layer as one line (its parts merged)."""
    geom = next(r["geometry"] for r in inp.rivers if r["name"] == name)
    merged = shapely.line_merge(geom)
    if not isinstance(merged, shapely.LineString):
        raise ValueError(f"river {name!r} is not one line after merging its parts")
    return merged


def _lines(geom: shapely.Geometry) -> shapely.MultiLineString:
    parts = [
        g
        for g in shapely.get_parts(shapely.get_parts(geom))
        if isinstance(g, shapely.LineString) and not g.is_empty
    ]
    return shapely.MultiLineString(parts)


def buffer_lonlat(geom: shapely.Geometry, km: float) -> shapely.Geometry:
    return to_lonlat(to_laea(geom).buffer(km * 1_000.0, quad_segs=32))


def frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def cal_value(res: Result, name: str) -> float:
    """The solved value of a calibrated parameter."""
    return next(c.value for c in res.calibrations if c.name == name)
