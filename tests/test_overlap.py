"""Coverage and overlap: known answers, CRS alignment, invariants."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from leopardrange.crs import is_equal_area
from leopardrange.errors import CRSError, InvalidGeometryError, SchemaError
from leopardrange.measure import densify, total_area_km2
from leopardrange.overlap import (
    area_by_zone,
    coverage,
    dissolve,
    dissolve_groups,
    intersection,
    overlap,
    share_pct,
    subdivide,
    union_overlap,
    zone_coverage,
)
from tests.conftest import LAEA, square


def series(*geoms: shapely.Geometry, crs: object = LAEA) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=crs)


def test_overlap_known_answer() -> None:
    # range: two 10×10 km squares that overlap by half (union 15×10 km = 150 km²);
    # zone: 10×10 km shifted north by 5 km, so range ∩ zone is 10×5 km = 50 km²
    rng = series(square(0, 0, 10_000), square(5_000, 0, 10_000))
    zone = series(square(0, 5_000, 10_000))
    result = overlap(rng, zone)
    assert result.range_km2 == pytest.approx(150.0)
    assert result.zone_km2 == pytest.approx(100.0)
    assert result.overlap_km2 == pytest.approx(50.0)
    assert result.overlap_pct_of_range == pytest.approx(100 / 3)
    assert result.overlap_pct_of_zone == pytest.approx(50.0)
    # the areas are the dissolved areas measure.total_area_km2 gives, to the last digit
    assert result.range_km2 == total_area_km2(rng)
    assert result.overlap_km2 == total_area_km2(intersection(rng, zone))


def test_overlap_of_disjoint_and_empty_layers() -> None:
    a = series(square(0, 0, 10_000))
    assert overlap(a, series(square(50_000, 0, 10_000))).overlap_km2 == 0.0
    empty = overlap(a, series(crs=LAEA))
    assert (empty.zone_km2, empty.overlap_km2, empty.overlap_pct_of_zone) == (0.0, 0.0, 0.0)


def test_layers_in_different_crss_are_aligned_before_any_overlay() -> None:
    rng = series(square(0, 0, 10_000))
    zone = densify(series(square(5_000, 0, 10_000))).to_crs(4326)  # still that square
    result = overlap(rng, zone)
    assert result.overlap_km2 == pytest.approx(50.0, rel=1e-4)
    assert is_equal_area(intersection(rng, zone).crs)  # overlaid in one equal-area CRS
    countries = gpd.GeoDataFrame({"name": ["x"]}, geometry=zone)
    assert area_by_zone(rng, countries).to_dict() == pytest.approx({"x": 50.0}, rel=1e-4)


def test_data_in_degrees_is_measured_in_an_equal_area_crs() -> None:
    lonlat = series(shapely.box(131.0, 43.0, 131.5, 43.5), crs=4326)
    half = series(shapely.box(131.0, 43.0, 131.25, 43.5), crs=4326)
    result = overlap(lonlat, half)
    assert result.range_km2 == pytest.approx(total_area_km2(lonlat, method="geodesic"), rel=1e-3)
    assert result.overlap_pct_of_range == pytest.approx(50.0, rel=1e-3)


def test_a_layer_without_crs_is_a_crs_error() -> None:
    a = series(square(0, 0, 10_000))
    with pytest.raises(CRSError, match=r"^the zone has no CRS; pass --assume-crs"):
        overlap(a, series(square(0, 0, 10_000), crs=None))
    with pytest.raises(ValueError, match="the first layer has no CRS"):  # CRSError is a ValueError
        intersection(series(square(0, 0, 10_000), crs=None), a)
    with pytest.raises(CRSError, match="not an equal-area CRS"):
        overlap(a, a, crs=3857)


def test_coverage_is_aligned_to_the_ranges_and_counts_overlapping_zones_once() -> None:
    ranges = series(square(0, 0, 40_000), square(0, 0, 20_000))
    ranges.index = ["1970", "2020"]
    parks = series(square(0, 0, 10_000), square(5_000, 0, 10_000))  # union 15 × 10 km... as rows
    table = coverage(ranges, parks)
    assert list(table.index) == ["1970", "2020"]
    assert list(table.columns) == ["range_km2", "covered_km2", "covered_pct", "uncovered_km2"]
    # parks: two 10 km squares overlapping by half → 10 km × 15 km = 150 km²
    assert table["covered_km2"].tolist() == pytest.approx([150.0, 150.0])
    assert table["covered_pct"].tolist() == pytest.approx([150 / 1600 * 100, 150 / 400 * 100])
    assert table["uncovered_km2"].tolist() == pytest.approx([1450.0, 250.0])


def test_area_by_zone_merges_names_drops_slivers_and_needs_the_field() -> None:
    zones = gpd.GeoDataFrame(
        {"name": ["A", "A", "B", "C"]},
        geometry=[
            square(0, 0, 10_000),
            square(10_000, 0, 10_000),
            square(20_000, 0, 10_000),
            square(30_000, 0, 10_000),
        ],
        crs=LAEA,
    )
    rng = series(shapely.box(5_000, 0, 30_010, 10_000))  # 10 m × 10 km into C: 0.1 km²
    areas = area_by_zone(rng, zones)
    assert areas.name == "area_km2"
    assert areas.to_dict() == pytest.approx({"A": 150.0, "B": 100.0, "C": 0.1})
    sliver = series(shapely.box(0, 0, 20_000.01, 10_000))  # 0.1 m into B: 0.001 km², a sliver
    assert list(area_by_zone(sliver, zones).index) == ["A"]
    with pytest.raises(SchemaError, match="no field 'country'; fields: name"):
        area_by_zone(rng, zones, name_field="country")


def test_dissolve_keeps_polygons_only() -> None:
    touching = series(square(0, 0, 10), square(10, 0, 10))
    assert dissolve(touching).iloc[0].area == pytest.approx(200.0)
    assert dissolve(series(crs=LAEA)).iloc[0].is_empty


coords = st.integers(min_value=0, max_value=40).map(lambda v: v * 1_000.0)


@settings(max_examples=40, deadline=None)
@given(coords, coords, coords, coords, st.integers(1, 30), st.integers(1, 30))
def test_overlap_never_exceeds_either_area(
    x0: float, y0: float, x1: float, y1: float, w: int, h: int
) -> None:
    a = series(square(x0, y0, w * 1_000.0))
    b = series(shapely.box(x1, y1, x1 + w * 1_000.0, y1 + h * 1_000.0))
    o = overlap(a, b)
    assert 0.0 <= o.overlap_km2 <= min(o.range_km2, o.zone_km2) + 1e-9
    assert o.overlap_pct_of_range == pytest.approx(share_pct(o.overlap_km2, o.range_km2))
    swapped = overlap(b, a)
    assert swapped.overlap_km2 == pytest.approx(o.overlap_km2)


# ------------------------------------------------------------------ per-zone coverage
def test_zone_coverage_gives_each_zone_its_own_and_its_unique_part() -> None:
    rng = gpd.GeoSeries([shapely.box(0, 0, 100_000, 100_000)], crs=LAEA)
    zones = gpd.GeoSeries(
        [
            shapely.box(10_000, 10_000, 40_000, 40_000),  # 900 km², 300 shared with the next
            shapely.box(30_000, 10_000, 60_000, 40_000),  # 900 km²
            shapely.box(80_000, 80_000, 120_000, 120_000),  # 1,600 km², 400 in the range
            shapely.box(200_000, 0, 210_000, 10_000),  # outside the range
            shapely.box(
                30_000, 10_000, 60_000, 40_000
            ),  # a duplicate of the second: nothing unique
        ],
        index=list("abcde"),
        crs=LAEA,
    )
    table = zone_coverage(rng, zones)
    assert table.index.tolist() == list("abcde")
    assert table["area_km2"].tolist() == pytest.approx([900, 900, 1_600, 100, 900])
    assert table["in_range_km2"].tolist() == pytest.approx([900, 900, 400, 0, 900])
    assert table["share_of_range_pct"].tolist() == pytest.approx([9, 9, 4, 0, 9])
    assert table["unique_in_range_km2"].tolist() == pytest.approx([600, 0, 400, 0, 0])


def test_zone_coverage_aligns_crss() -> None:
    rng = gpd.GeoSeries([shapely.box(0, 0, 100_000, 100_000)], crs=LAEA)
    zones = densify(gpd.GeoSeries([shapely.box(0, 0, 50_000, 100_000)], crs=LAEA)).to_crs(4326)
    table = zone_coverage(rng, zones)
    assert table["share_of_range_pct"].iloc[0] == pytest.approx(50.0, rel=1e-4)


def test_whole_percentages_are_exact() -> None:
    assert share_pct(6099.918554127244, 6099.9185541272445) == 100.0
    assert share_pct(1.0, 2.0) == 50.0
    assert share_pct(1.0 / 3.0 * 3.0, 3.0) == pytest.approx(100 / 3)
    assert share_pct(50.00000000000001, 100.0) == 50.0
    assert share_pct(50.001, 100.0) == pytest.approx(50.001)


@settings(max_examples=30)
@given(
    st.lists(
        st.tuples(st.floats(0, 80), st.floats(0, 80), st.floats(1, 40), st.floats(1, 40)),
        min_size=1,
        max_size=5,
    )
)
def test_zone_coverage_invariants(boxes: list[tuple[float, float, float, float]]) -> None:
    km = 1_000.0
    rng = series(shapely.box(10 * km, 10 * km, 90 * km, 90 * km))
    zones = series(
        *(shapely.box(x * km, y * km, (x + w) * km, (y + h) * km) for x, y, w, h in boxes)
    )
    table = zone_coverage(rng, zones)
    assert (table["unique_in_range_km2"] <= table["in_range_km2"] + 1e-9).all()
    assert (table["in_range_km2"] <= table["area_km2"] + 1e-9).all()
    union_in = total_area_km2(intersection(rng, zones))
    assert table["unique_in_range_km2"].sum() <= union_in + 1e-6
    assert table["in_range_km2"].max() <= union_in + 1e-6


# ------------------------------------------------------------------ WDPA-scale overlap
def test_dissolve_groups_equals_the_union_in_pieces() -> None:
    km = 1_000.0
    zones = series(
        shapely.box(0, 0, 2 * km, 2 * km),
        shapely.box(1 * km, 0, 3 * km, 2 * km),
        shapely.box(3 * km, 0, 4 * km, 1 * km),  # touches the second: same group
        shapely.box(10 * km, 10 * km, 11 * km, 11 * km),
        shapely.box(10 * km, 10 * km, 11 * km, 11 * km),  # a duplicate
        shapely.Polygon(),
    )
    groups = dissolve_groups(zones, threads=2)
    assert (groups.area / 1e6).tolist() == pytest.approx([7.0, 1.0])
    union = dissolve(zones).iloc[0]
    assert shapely.equals(shapely.union_all(groups.values), union)


@settings(max_examples=30)
@given(
    st.lists(
        # corners on a 1 m grid (km to three decimals): GEOS warns of a division by zero on
        # coordinates like 1e-164 m, which no survey produces
        st.tuples(
            *(st.floats(lo, hi).map(lambda v: round(v, 3)) for lo, hi in ((-20, 100),) * 2),
            *(st.floats(0.5, 40).map(lambda v: round(v, 3)) for _ in range(2)),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(3, 40),
)
def test_union_overlap_equals_overlap(
    boxes: list[tuple[float, float, float, float]], sides: int
) -> None:
    km = 1_000.0
    rng = series(shapely.Point(40 * km, 40 * km).buffer(45 * km, quad_segs=sides))
    zones = series(
        *(shapely.box(x * km, y * km, (x + w) * km, (y + h) * km) for x, y, w, h in boxes)
    )
    fast, plain = union_overlap(rng, zones), overlap(rng, zones)
    assert fast.zone_km2 == pytest.approx(plain.zone_km2, rel=1e-9)
    assert fast.overlap_km2 == pytest.approx(plain.overlap_km2, rel=1e-9, abs=1e-9)
    assert fast.range_km2 == pytest.approx(plain.range_km2, rel=1e-12)


def test_subdivide_keeps_every_square_metre() -> None:
    blob = shapely.Point(0, 0).buffer(1_000, quad_segs=2_000)  # 8,001 vertices
    pieces = subdivide(blob, max_vertices=500)
    assert all(shapely.get_num_coordinates(p) <= 500 for p in pieces)
    assert sum(p.area for p in pieces) == pytest.approx(blob.area, rel=1e-12)
    assert shapely.union_all(pieces).symmetric_difference(blob).area < 1e-6


def test_subdivide_repairs_a_piece_cut_through_a_vertex() -> None:
    # the spike's tip lies on the first cut (y = 5): clipping leaves a self-touching ring
    spike = shapely.Polygon(
        [(x / 4, 0) for x in range(33)] + [(8, 10), (5, 10), (5, 5), (4.9, 10), (0, 10)]
    )
    assert not shapely.clip_by_rect(spike, 0, 5, 8, 10).is_valid
    pieces = subdivide(spike, max_vertices=8)
    assert all(p.is_valid for p in pieces)
    assert sum(p.area for p in pieces) == pytest.approx(spike.area, rel=1e-12)


def test_subdivide_refuses_pieces_too_small_to_hold_a_box() -> None:
    with pytest.raises(ValueError, match="max_vertices must be at least 8, not 4"):
        subdivide(shapely.box(0, 0, 1, 1), max_vertices=4)


def test_dissolve_groups_skips_nested_areas_and_keeps_the_union() -> None:
    km = 1_000.0
    zones = series(
        shapely.box(2 * km, 2 * km, 3 * km, 3 * km),  # inside the next two
        shapely.box(1 * km, 1 * km, 4 * km, 4 * km),  # inside the next one
        shapely.box(0, 0, 5 * km, 5 * km),
        shapely.box(0, 0, 5 * km, 5 * km),  # the same site designated twice
        shapely.box(4 * km, 4 * km, 8 * km, 6 * km),  # across the edge of the outer box
    )
    groups = dissolve_groups(zones, threads=1)
    assert (groups.area / 1e6).tolist() == pytest.approx([25.0 + 8.0 - 1.0])
    assert shapely.equals(groups.iloc[0], dissolve(zones).iloc[0])


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 20), st.integers(1, 20)),
        min_size=1,
        max_size=12,
    ),
    st.integers(3, 40),
)
def test_each_area_s_own_part_equals_removing_every_other_area(
    boxes: list[tuple[int, int, int, int]], corners: int
) -> None:
    """One planar overlay, whole or in tiles, gives each area its part of the range and the
    part of that no other area covers: what removing every other area leaves."""
    from leopardrange.overlap import _zone_faces_km2

    geoms = [shapely.box(x * 1e3, y * 1e3, (x + w) * 1e3, (y + h) * 1e3) for x, y, w, h in boxes]
    zones = np.asarray(geoms, dtype=object)
    # a range with a rough outline (a star of `corners` points) over part of the areas
    angle = np.linspace(0, 2 * np.pi, 2 * corners, endpoint=False)
    radius = np.where(np.arange(2 * corners) % 2, 12e3, 25e3)
    rng = shapely.Polygon(np.c_[30e3 + radius * np.cos(angle), 30e3 + radius * np.sin(angle)])
    whole = _zone_faces_km2(zones, rng, crs=LAEA, method="equal_area")
    tiled = _zone_faces_km2(zones, rng, crs=LAEA, method="equal_area", tile_vertices=8)
    for i, geom in enumerate(geoms):
        in_range = shapely.intersection(geom, rng)
        others = shapely.union_all([g for j, g in enumerate(geoms) if j != i])
        own = shapely.difference(in_range, others)
        for got in (whole, tiled):
            assert got[0][i] == pytest.approx(in_range.area / 1e6, abs=1e-9), (i, boxes)
            assert got[1][i] == pytest.approx(own.area / 1e6, abs=1e-9), (i, boxes)


#: A face of a planar overlay of three protected areas of benchmarks/bench_report.py's
#: synthetic study (generated data): GEOS's point on surface lies on its boundary.
THIN_FACE = [
    (-91967.1589338236, 258617.09553585542),
    (-91922.05359110484, 259215.68615785913),
    (-91921.87521958044, 259217.94492143422),
    (-91854.74038684514, 259249.6973325534),
    (-91667.66056119386, 259316.6355645139),
    (-91667.7213596811, 259300.97931525914),
    (-91660.50842500154, 259318.51970614286),
    (-91473.168206897, 259365.44598789746),
    (-91275.7173224709, 259394.73505982914),
    (-91076.34638694848, 259404.52952582695),
    (-90876.97545142607, 259394.73505982914),
    (-90679.52456699997, 259365.44598789746),
    (-90485.89529362485, 259316.94437980567),
    (-90480.49226837372, 259315.01114645842),
    (-91143.70478913894, 259216.6328622429),
    (-91936.9547172787, 259017.9340990712),
    (-91967.1589338236, 258617.09553585542),
]


def test_every_face_gets_a_point_inside_it() -> None:
    """A face whose GEOS point on surface is not inside it still gets a point inside."""
    from leopardrange.overlap import _interior_points

    face = shapely.Polygon(THIN_FACE)
    assert not shapely.within(shapely.point_on_surface(face), face)  # the GEOS miss
    faces = np.array([face, shapely.box(0, 0, 1, 1)], dtype=object)
    assert shapely.within(_interior_points(faces), faces).all()


def test_a_thin_face_still_counts_for_the_area_holding_it() -> None:
    from leopardrange.overlap import _zone_faces_km2

    face = shapely.Polygon(THIN_FACE)
    zone = np.array([face], dtype=object)
    inside, own = _zone_faces_km2(zone, face.buffer(10.0), crs=LAEA, method="equal_area")
    assert inside[0] == pytest.approx(face.area / 1e6) and own[0] == pytest.approx(face.area / 1e6)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_dissolving_many_areas_in_threads_equals_one_union(seed: int) -> None:
    """From PARALLEL_DISSOLVE_MIN areas on, groups and chunks give the union of all."""
    from leopardrange.overlap import PARALLEL_DISSOLVE_MIN, _united_in_chunks

    rng = np.random.default_rng(seed)
    n = PARALLEL_DISSOLVE_MIN + 300
    # a chain of overlapping squares (one group, cut into chunks), scattered squares (many
    # groups, some touching, some nested) and one square inside another
    chain = [shapely.box(i * 900.0, 0.0, i * 900.0 + 1_000.0, 1_000.0) for i in range(200)]
    xy = rng.integers(0, 400, size=(n - 202, 2)) * 500.0
    scattered = [shapely.box(x, 5_000 + y, x + 500.0, 5_500 + y) for x, y in xy]
    nested = [shapely.box(0, -9_000, 3_000, -6_000), shapely.box(1_000, -8_000, 2_000, -7_000)]
    areas = gpd.GeoSeries(chain + scattered + nested, crs=LAEA)
    got = dissolve(areas).iloc[0]
    assert _united_in_chunks(areas) is not None  # valid without the fallback to one union
    want = shapely.union_all(areas.values)
    assert got.is_valid and got.geom_type in ("Polygon", "MultiPolygon")
    assert got.area == pytest.approx(want.area, rel=1e-12)
    assert shapely.difference(want, got).area == pytest.approx(0.0, abs=1e-3)


def test_validity_is_remembered_only_for_valid_shapes() -> None:
    """Large valid polygons are checked once; an invalid one is refused every time."""
    from leopardrange._validate import _REMEMBER_VERTICES, check_valid, is_dissolved

    n = _REMEMBER_VERTICES + 10
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    circle = shapely.Polygon(np.c_[1e4 * np.cos(angle), 1e4 * np.sin(angle)])
    # a bow-tie with as many vertices: its two lobes cross at the origin
    x = np.linspace(-1e4, 1e4, n // 2)
    bow = shapely.Polygon(np.r_[np.c_[x, x * 0.5], np.c_[x[::-1], -x[::-1] * 0.5]])
    assert shapely.get_num_coordinates(bow) >= _REMEMBER_VERTICES and not bow.is_valid
    layer = gpd.GeoDataFrame(geometry=[circle], crs=LAEA)
    for _ in range(2):
        assert check_valid(layer, name="circle")[0] is layer
        assert is_dissolved(circle)
        with pytest.raises(InvalidGeometryError):
            check_valid(gpd.GeoDataFrame(geometry=[bow], crs=LAEA), name="bow")
        assert not is_dissolved(bow)


def test_a_group_too_large_for_one_thread_is_united_in_chunks() -> None:
    """dissolve_groups cuts a giant group into chunks and still returns its one union."""
    chain = [shapely.box(i * 900.0, 0.0, i * 900.0 + 1_000.0, 1_000.0) for i in range(300)]
    alone = [shapely.box(0.0, 5_000.0, 100.0, 5_100.0)]
    zones = gpd.GeoSeries(chain + alone, crs=LAEA)
    groups = dissolve_groups(zones, threads=2)
    assert len(groups) == 2 and groups.is_valid.all()
    want = shapely.union_all(chain)
    assert groups.iloc[0].area == pytest.approx(want.area, rel=1e-12)
    assert groups.iloc[0].geom_type == "Polygon" and groups.iloc[1].equals(alone[0])
