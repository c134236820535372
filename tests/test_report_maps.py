"""Maps at display resolution: simplified before drawing, and the same to the eye.

The pixel tests render each map twice, once with every vertex (``max_dpi=None``) and once
simplified for display (the default), and compare the two PNGs pixel by pixel. A negative
control renders with a far too coarse simplification and checks that the same comparison
rejects it, so the tolerance is known to be able to fail.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image, ImageFilter

from leopardrange.report import maps

CRS = "EPSG:3035"


def _rough_ring(
    rng: np.random.Generator, n: int, *, cx: float, cy: float, radius_m: float
) -> shapely.Polygon:
    """A star-shaped polygon of ``n`` vertices with a rough, coastline-like outline."""
    k = np.arange(n // 2 + 1)
    spectrum = np.zeros(n // 2 + 1, complex)
    top = max(3, n // 4)
    spectrum[2:top] = (0.25 / k[2:top]) * np.exp(2j * np.pi * rng.random(top - 2))
    r = radius_m * np.clip(1.0 + np.fft.irfft(spectrum, n) * n / 2, 0.35, None)
    theta = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return shapely.Polygon(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)]))


def _countries(rng: np.random.Generator, n: int) -> gpd.GeoDataFrame:
    """Two countries sharing a wiggly border of ``n`` vertices (a valid coverage)."""
    x = np.linspace(-600_000.0, 600_000.0, n)
    y = np.cumsum(rng.normal(0.0, 1_500.0, n))
    y -= np.linspace(y[0], y[-1], n)  # the border ends on y = 0 at both sides
    line = np.column_stack([x, y])
    north = shapely.Polygon([*line, (600_000, 600_000), (-600_000, 600_000)])
    south = shapely.Polygon([*line, (600_000, -600_000), (-600_000, -600_000)])
    return gpd.GeoDataFrame({"name": ["Northland", "Southland"]}, geometry=[north, south], crs=CRS)


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(7)
    historic = _rough_ring(rng, 40_000, cx=0.0, cy=0.0, radius_m=400_000.0)
    current = shapely.MultiPolygon(
        [
            _rough_ring(rng, 20_000, cx=-80_000.0, cy=40_000.0, radius_m=150_000.0),
            _rough_ring(rng, 6_000, cx=220_000.0, cy=-200_000.0, radius_m=50_000.0),
        ]
    )
    epochs = gpd.GeoDataFrame(
        {"epoch": ["historic", "current"], "year": [1900, 2020], "area_km2": [5e5, 8e4]},
        geometry=[historic, current],
        crs=CRS,
    )
    centres = shapely.points(rng.uniform(-350_000.0, 350_000.0, size=(400, 2)))
    park = gpd.GeoDataFrame(
        geometry=shapely.buffer(centres, rng.uniform(2_000.0, 30_000.0, 400), quad_segs=64),
        crs=CRS,
    )
    assert epochs.is_valid.all() and park.is_valid.all()
    return {"epochs": epochs, "park": park, "borders": _countries(rng, 20_000)}


def _pixels(fig: object) -> np.ndarray:
    """The PNG at 150 dpi, seen as the eye sees it: each pixel with its 5 x 5 neighbourhood.

    The blur makes the comparison blind to where a dash pattern starts (a simplified outline
    is a little shorter, so its dashes shift along it), not to a moved or missing line.
    """
    png = maps.figure_to_png(fig, dpi=150)  # type: ignore[arg-type]
    image = Image.open(io.BytesIO(png)).convert("RGB").filter(ImageFilter.BoxBlur(2))
    return np.asarray(image, dtype=np.int16)


def _differs(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Share of pixels off by more than 24/255 in a channel, and the mean difference /255."""
    assert a.shape == b.shape
    diff = np.abs(a - b)
    return float((diff.max(axis=2) > 24).mean()), float(diff.mean() / 255)


def _same_to_the_eye(a: np.ndarray, b: np.ndarray) -> bool:
    share, mean = _differs(a, b)
    return share < 0.002 and mean < 0.002


def _path_vertices(fig: object) -> int:
    return sum(
        len(p.get_path().vertices)
        for ax in fig.axes  # type: ignore[attr-defined]
        for p in ax.patches
        if p.get_path() is not None
    )


@pytest.mark.parametrize("draw", ["overview", "contraction"])
def test_display_resolution_map_matches_full_resolution_pixel_by_pixel(
    layers: dict[str, gpd.GeoDataFrame], draw: str
) -> None:
    def render(max_dpi: float | None) -> tuple[np.ndarray, int]:
        if draw == "overview":
            fig = maps.overview_map(
                epochs=layers["epochs"],
                park=layers["park"],
                borders=layers["borders"],
                extent="all",
                max_dpi=max_dpi,
            )
        else:
            fig = maps.contraction_map(
                epochs=layers["epochs"],
                park=layers["park"],
                borders=layers["borders"],
                max_dpi=max_dpi,
            )
        return _pixels(fig), _path_vertices(fig)

    full, full_vertices = render(None)
    display, display_vertices = render(maps.MAX_DPI)
    coarse, _ = render(2.0)  # negative control: a quarter of a 2-dpi pixel is far too coarse
    assert display_vertices < full_vertices / 2  # simplification did happen
    print(draw, full_vertices, display_vertices, _differs(full, display), _differs(full, coarse))
    assert _same_to_the_eye(full, display), _differs(full, display)
    assert not _same_to_the_eye(full, coarse), _differs(full, coarse)


def test_map_limits_come_from_bounds_not_from_patches(
    layers: dict[str, gpd.GeoDataFrame],
) -> None:
    fig = maps.contraction_map(epochs=layers["epochs"], park=layers["park"])
    ax = fig.axes[0]
    # no patch walked its path to grow the data limits: they are still the empty box
    assert not np.isfinite(ax.dataLim.get_points()).any()
    x0, y0, x1, y1 = layers["epochs"].total_bounds
    lo_x, hi_x = ax.get_xlim()
    lo_y, hi_y = ax.get_ylim()
    assert lo_x < x0 and hi_x > x1 and lo_y < y0 and hi_y > y1
    # the view is the layers' bounds plus a margin of 6 % of the larger side, not more
    pad = 0.06 * max(x1 - x0, y1 - y0)
    assert min(x0 - lo_x, hi_x - x1, y0 - lo_y, hi_y - y1) == pytest.approx(pad, rel=1e-6)


def test_simplify_for_display_keeps_shared_borders_shared() -> None:
    countries = _countries(np.random.default_rng(3), 5_000)
    out = maps.simplify_for_display(countries.geometry, tolerance=2_000.0)
    assert shapely.get_num_coordinates(out.values).sum() < 0.2 * 2 * 5_000
    assert bool(shapely.coverage_is_valid(out.values))
    north, south = out.values
    shared = shapely.intersection(north.boundary, south.boundary)
    # one common border, simplified once: its length matches on both sides, no gap, no overlap
    assert shapely.area(shapely.intersection(north, south)) == pytest.approx(0.0, abs=1e-3)
    assert shared.length > 1_200_000.0
    assert shapely.union(north, south).area == pytest.approx(1_200_000.0**2, rel=1e-9)


def test_simplify_for_display_keeps_each_polygon_valid_and_within_tolerance() -> None:
    rng = np.random.default_rng(11)
    rings = [_rough_ring(rng, 4_000, cx=i * 50_000.0, cy=0.0, radius_m=30_000.0) for i in range(3)]
    with_hole = shapely.Polygon(
        rings[0].exterior, [shapely.Point(0, 0).buffer(5_000.0, quad_segs=256).exterior]
    )
    geoms = gpd.GeoSeries([with_hole, rings[1], None, shapely.Point(0, 0), rings[2]], crs=CRS)
    out = maps.simplify_for_display(geoms, tolerance=300.0)
    assert out.index.equals(geoms.index) and out.crs == geoms.crs
    assert out.iloc[2] is None and out.iloc[3].equals(shapely.Point(0, 0))
    for i in (0, 1, 4):
        before, after = geoms.iloc[i], out.iloc[i]
        assert after.is_valid
        assert shapely.get_num_coordinates(after) < shapely.get_num_coordinates(before) / 3
        # every original vertex near the drawn outline: within the tolerance, except that
        # GEOS may drop a ring's start vertex at up to ~1.3 tolerance (seen on ring 1)
        vertices = shapely.points(shapely.get_coordinates(before))
        assert shapely.distance(vertices, after.boundary).max() <= 1.5 * 300.0
        assert len(after.geoms[0].interiors) == len(before.interiors)


@pytest.mark.parametrize("tolerance", [0.0, -1.0, float("nan"), float("inf")])
def test_simplify_for_display_rejects_a_bad_tolerance(tolerance: float) -> None:
    geoms = gpd.GeoSeries([shapely.box(0, 0, 1, 1)], crs=CRS)
    with pytest.raises(ValueError, match="tolerance must be a positive number of map units"):
        maps.simplify_for_display(geoms, tolerance=tolerance)


@pytest.mark.parametrize("max_dpi", [0.0, -300.0, float("nan")])
def test_maps_reject_a_bad_max_dpi(layers: dict[str, gpd.GeoDataFrame], max_dpi: float) -> None:
    with pytest.raises(ValueError, match="max_dpi must be a positive number of dots per inch"):
        maps.contraction_map(epochs=layers["epochs"], park=layers["park"], max_dpi=max_dpi)


def test_simplify_for_display_repairs_what_douglas_peucker_breaks() -> None:
    # a hole reaching into a bump of the shell that Douglas-Peucker flattens (the hole would
    # cross the shell), a hole and a park far smaller than the tolerance (it drops them)
    bump = [(0, 0), (500, -90), (1000, 0), (1000, 1000), (0, 1000)]
    crossing = shapely.Polygon(bump, [[(350, -50), (650, -50), (650, 300), (350, 300)]])
    pinhole = shapely.Polygon(bump, [[(490, 500), (510, 500), (510, 520), (490, 520)]])
    tiny = shapely.Point(5_000, 0).buffer(10.0, quad_segs=16)
    douglas_peucker = shapely.simplify([crossing, pinhole, tiny], 100.0, preserve_topology=False)
    # GEOS repairs the crossing by opening the hole into a notch: valid, but a hole lost
    assert [len(g.interiors) for g in douglas_peucker[:2]] == [0, 0]
    assert douglas_peucker[2].is_empty
    geoms = gpd.GeoSeries([crossing, pinhole, tiny], crs=CRS)
    out = maps.simplify_for_display(geoms, tolerance=100.0)
    assert shapely.is_valid(out.values).all() and not shapely.is_empty(out.values).any()
    assert [len(g.geoms[0].interiors) for g in out] == [1, 1, 0]
    assert out.iloc[2].within(tiny.buffer(1e-6))
