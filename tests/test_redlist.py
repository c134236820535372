from __future__ import annotations

import itertools
from fractions import Fraction

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leopardrange.errors import CRSError
from leopardrange.fragmentation import patch_metrics
from leopardrange.redlist import AOO_CELL_M, AOO_SHIFTS_M, aoo, aoo_cells, criterion_b, eoo
from tests.conftest import LAEA, square


def pts(*xy: tuple[float, float]) -> gpd.GeoSeries:
    return gpd.GeoSeries([shapely.Point(x, y) for x, y in xy], crs=LAEA)


def test_aligned_square_is_one_cell_and_shifted_square_four() -> None:
    aligned = gpd.GeoSeries([square(2_000, 2_000, 2_000)], crs=LAEA)
    assert aoo(aligned).aoo_km2 == pytest.approx(4.0)
    shifted = gpd.GeoSeries([square(1_000, 1_000, 2_000)], crs=LAEA)
    result = aoo(shifted)
    assert result.aoo_km2 == pytest.approx(16.0)  # fixed grid: straddles 4 cells
    assert result.aoo_min_km2 == pytest.approx(4.0)  # the 1 km shift fits it in one
    assert result.grid.best_shift_m == (1_000.0, 1_000.0)
    assert result.grid.origin_m == (0.0, 0.0)
    assert len(result.grid.shifts_m) == 16


def test_touching_a_cell_edge_does_not_occupy_it() -> None:
    # a square exactly on cell (0..2 km); its edges touch 8 neighbours but their interiors no
    assert len(aoo_cells(gpd.GeoSeries([square(0, 0, 2_000)], crs=LAEA))) == 1


def test_points_count_the_cells_that_hold_them() -> None:
    assert aoo(pts((100, 100), (1_900, 1_900))).aoo_km2 == pytest.approx(4.0)
    assert aoo(pts((100, 100), (2_100, 100))).aoo_km2 == pytest.approx(8.0)


def test_eoo_of_a_single_point_is_raised_to_aoo() -> None:
    one = pts((500, 500))
    aoo_one = aoo(one).aoo_km2
    assert eoo(one).eoo_km2 == 0.0
    assert eoo(one, aoo_km2=aoo_one).eoo_km2 == pytest.approx(4.0)
    assert eoo(one, aoo_km2=aoo_one).raised_to_aoo


def test_eoo_of_collinear_points_is_raised_to_aoo() -> None:
    line = pts((1_000, 1_000), (5_000, 1_000), (9_000, 1_000))
    aoo_line = aoo(line).aoo_km2
    assert aoo_line == pytest.approx(12.0)
    assert eoo(line).eoo_km2 == 0.0
    assert eoo(line, aoo_km2=aoo_line).eoo_km2 == pytest.approx(12.0)


def test_eoo_is_the_hull_area() -> None:
    triangle = pts((0, 0), (10_000, 0), (0, 10_000))
    assert eoo(triangle).eoo_km2 == pytest.approx(50.0)
    two_squares = gpd.GeoSeries([square(0, 0, 10_000), square(20_000, 0, 10_000)], crs=LAEA)
    assert eoo(two_squares).eoo_km2 == pytest.approx(300.0)


def test_eoo_and_aoo_project_geographic_data_to_an_equal_area_crs() -> None:
    lonlat = gpd.GeoSeries([shapely.box(131, 43, 131.5, 43.5)], crs=4326)
    laea = lonlat.to_crs("+proj=laea +lat_0=43.25 +lon_0=131.25 +datum=WGS84 +units=m")
    assert eoo(lonlat).eoo_km2 == pytest.approx(eoo(laea).eoo_km2, rel=1e-6)
    assert aoo(lonlat).aoo_km2 == aoo(laea).aoo_km2


def test_eoo_and_aoo_need_a_crs() -> None:
    with pytest.raises(CRSError, match="no CRS"):
        eoo(gpd.GeoSeries([shapely.box(131, 43, 132, 44)]))
    with pytest.raises(CRSError, match="not an equal-area CRS"):
        aoo(gpd.GeoSeries([shapely.box(131, 43, 132, 44)], crs=4326), crs=3857)


@pytest.mark.parametrize(
    ("eoo_km2", "aoo_km2", "b1", "b2"),
    [
        (99.9, 9.9, "CR", "CR"),
        (100.0, 10.0, "EN", "EN"),
        (4_999.0, 499.0, "EN", "EN"),
        (5_000.0, 500.0, "VU", "VU"),
        (19_999.0, 1_999.0, "VU", "VU"),
        (20_000.0, 2_000.0, None, None),
    ],
)
def test_criterion_b_thresholds_are_strict(
    eoo_km2: float, aoo_km2: float, b1: str, b2: str
) -> None:
    result = criterion_b(eoo_km2=eoo_km2, aoo_km2=aoo_km2)
    assert result.b1.meets == b1
    assert result.b2.meets == b2
    assert "at least two" in result.note


def test_fragmentation_of_two_patches() -> None:
    two = gpd.GeoSeries([square(0, 0, 10_000), shapely.box(50_000, 0, 80_000, 10_000)], crs=LAEA)
    m = patch_metrics(two)
    assert m.n_patches == 2
    assert m.largest_patch_pct == pytest.approx(75.0)
    assert m.mean_patch_km2 == pytest.approx(200.0)
    assert m.effective_mesh_size_km2 == pytest.approx((100**2 + 300**2) / 400)


def test_touching_patches_merge() -> None:
    touching = gpd.GeoSeries([square(0, 0, 10_000), square(10_000, 0, 10_000)], crs=LAEA)
    assert patch_metrics(touching).n_patches == 1


# --------------------------------------------------------------------------------------------
# The grid sweep against the box-by-box method it replaced (kept here as the reference)
# --------------------------------------------------------------------------------------------
def box_by_box_cells(
    geom: shapely.Geometry, cell_m: float, origin: tuple[float, float]
) -> set[tuple[float, float]]:
    """Every cell of the bounding box whose interior the polygon's interior meets (GEOS)."""
    x0, y0 = origin
    minx, miny, maxx, maxy = geom.bounds
    i = np.arange(np.floor((minx - x0) / cell_m), np.ceil((maxx - x0) / cell_m) + 1)
    j = np.arange(np.floor((miny - y0) / cell_m), np.ceil((maxy - y0) / cell_m) + 1)
    ii, jj = np.meshgrid(i, j)
    xs, ys = x0 + ii.ravel() * cell_m, y0 + jj.ravel() * cell_m
    cells = shapely.box(xs, ys, xs + cell_m, ys + cell_m)
    hit = shapely.intersects(geom, cells) & ~shapely.touches(geom, cells)
    return {(float(x), float(y)) for x, y in zip(xs[hit], ys[hit], strict=True)}


def swept_cells(geom: shapely.Geometry, origin: tuple[float, float]) -> set[tuple[float, float]]:
    cells = aoo_cells(gpd.GeoSeries([geom], crs=LAEA), origin_m=origin)
    return {(float(x), float(y)) for x, y in cells.bounds[["minx", "miny"]].to_numpy()}


def star(
    cx: float, cy: float, radii: list[float], *, step_m: float, turn: float = 0.0
) -> shapely.Polygon:
    """A star-shaped ring around (cx, cy), vertices snapped to multiples of ``step_m``."""
    theta = turn + np.linspace(0.0, 2 * np.pi, len(radii), endpoint=False)
    xy = np.column_stack([cx + np.cos(theta) * radii, cy + np.sin(theta) * radii])
    if step_m:
        xy = np.round(xy / step_m) * step_m
    return shapely.Polygon(xy)


# Vertices on multiples of 500 m put edges on the lines of every shifted grid and through
# their corners; 1 m and unsnapped vertices cut cells anywhere. Ranges are stars (some with a
# star-shaped hole), two stars (apart or touching), or slivers down to 1 m wide.
steps = st.sampled_from([500.0, 250.0, 1.0, 0.0])
centres = st.integers(-8, 8).map(lambda k: k * 500.0)
radii = st.lists(st.floats(300.0, 9_000.0), min_size=3, max_size=14)


@st.composite
def ranges(draw: st.DrawFn) -> shapely.Geometry:
    kind = draw(st.sampled_from(["star", "holed", "two", "sliver"]))
    step = draw(steps)
    shell = star(draw(centres), draw(centres), draw(radii), step_m=step, turn=draw(st.floats(0, 1)))
    if kind == "holed":
        c = shell.centroid
        hole = star(c.x, c.y, draw(st.lists(st.floats(50.0, 1_500.0), min_size=3, max_size=8)),
                    step_m=step)  # fmt: skip
        geom: shapely.Geometry = shapely.Polygon(shell.exterior, [hole.exterior])
    elif kind == "two":
        other = star(draw(centres) + 12_000.0, draw(centres), draw(radii), step_m=step)
        geom = shapely.MultiPolygon([shell, other])
    elif kind == "sliver":
        x, y = draw(centres), draw(centres)
        length, width = draw(st.integers(1, 30)) * 500.0, draw(st.sampled_from([1.0, 3.0, 250.0]))
        geom = shapely.Polygon([(x, y), (x + length, y + width), (x + length, y - width * 7)])
    else:
        geom = shell
    assume(geom.is_valid and not geom.is_empty and geom.area > 0)
    return geom


@settings(max_examples=150, deadline=None)
@given(ranges(), st.sampled_from(AOO_SHIFTS_M))
def test_sweep_finds_the_cells_the_box_by_box_method_finds(
    geom: shapely.Geometry, shift: tuple[float, float]
) -> None:
    for origin in ((0.0, 0.0), shift):
        assert swept_cells(geom, origin) == box_by_box_cells(geom, AOO_CELL_M, origin)


@settings(max_examples=40, deadline=None)
@given(ranges())
def test_aoo_counts_every_shifted_grid_as_the_box_by_box_method(geom: shapely.Geometry) -> None:
    result = aoo(gpd.GeoSeries([geom], crs=LAEA))
    counts = [len(box_by_box_cells(geom, AOO_CELL_M, s)) for s in AOO_SHIFTS_M]
    assert result.grid.cells == len(box_by_box_cells(geom, AOO_CELL_M, (0.0, 0.0)))
    assert result.grid.cells_min == min([result.grid.cells, *counts])


def exact_area_in_box(geom: shapely.Geometry, box: tuple[float, float, float, float]) -> Fraction:
    """Area of geom ∩ box in exact rational arithmetic (Sutherland–Hodgman on each ring)."""

    def clip(points: list[tuple[Fraction, Fraction]], axis: int, at: Fraction, keep_above: bool):
        out = []
        for a, b in itertools.pairwise([points[-1], *points]):
            a_in, b_in = (a[axis] >= at) == keep_above, (b[axis] >= at) == keep_above
            if a_in != b_in:
                t = (at - a[axis]) / (b[axis] - a[axis])
                out.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
            if b_in:
                out.append(b)
        return out

    x0, y0, x1, y1 = (Fraction(v) for v in box)
    total = Fraction(0)
    for part in shapely.get_parts(geom):
        for n, ring in enumerate([part.exterior, *part.interiors]):
            pts = [(Fraction(x), Fraction(y)) for x, y in ring.coords[:-1]]
            for axis, at, above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
                pts = clip(pts, axis, at, above) if pts else pts
            ring_pairs = itertools.pairwise([*pts, *pts[:1]])
            twice = sum((a[0] * b[1] - b[0] * a[1] for a, b in ring_pairs), Fraction(0))
            total += abs(twice) / 2 if n == 0 else -abs(twice) / 2
    return total


def test_an_edge_a_hair_past_a_cell_corner_occupies_the_cell() -> None:
    # Overlays leave vertices such as -1900/3, rounded to the nearest double: the edge from
    # (-300, -633.33…) to (-2750, 1000) then passes the corner (-2000, 500) a hair to its
    # south-west and cuts a sliver of 1e-28 m² from the cell below and left of it. GEOS
    # rounds that crossing to a touch; the sweep decides it in exact arithmetic.
    geom = shapely.from_wkt(
        "POLYGON ((-2750 1000, -3000 1000, -1250 2250, 2250 -1000, 1750 -2000, "
        "0 -833.3333333333334, 0 700, -300 700, -300 -633.3333333333334, -2750 1000))"
    )
    cell = (-4_000.0, -1_500.0, -2_000.0, 500.0)
    assert 0 < exact_area_in_box(geom, cell) < Fraction(1, 10**27)
    assert (-4_000.0, -1_500.0) in swept_cells(geom, (0.0, 500.0))
    # the cells on either side of the corner that the exact area rules out stay out
    for other in swept_cells(geom, (0.0, 500.0)) ^ box_by_box_cells(geom, 2_000.0, (0.0, 500.0)):
        assert exact_area_in_box(geom, (*other, other[0] + 2_000, other[1] + 2_000)) > 0


def test_shifts_off_any_common_finer_grid_are_swept_one_grid_at_a_time() -> None:
    geom = star(1_234.5, -987.25, [4_000.0, 7_500.0, 3_000.0, 6_000.0, 5_000.0], step_m=0.0)
    shifts = [(333.0, 0.0), (0.0, 777.7), (1_999.0, 1.0)]
    result = aoo(gpd.GeoSeries([geom], crs=LAEA), shifts_m=shifts)
    counts = [len(box_by_box_cells(geom, AOO_CELL_M, s)) for s in shifts]
    assert result.grid.cells_min == min([result.grid.cells, *counts])
    odd = aoo(gpd.GeoSeries([geom], crs=LAEA), cell_m=1_500.5, shifts_m=[(750.25, 0.0)])
    assert odd.grid.cells == len(box_by_box_cells(geom, 1_500.5, (0.0, 0.0)))
    assert odd.grid.cells_min <= odd.grid.cells


def test_an_empty_range_occupies_no_cell() -> None:
    empty = gpd.GeoSeries([shapely.Polygon()], crs=LAEA)
    assert aoo(empty).aoo_km2 == 0.0
    assert len(aoo_cells(empty)) == 0
