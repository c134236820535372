"""Report maps and charts: structure, cartographic furniture, encoding and bad input.

Maps at display resolution: simplified before drawing, and the same to the eye.

The pixel tests render each map twice, once with every vertex (``max_dpi=None``) and once
simplified for display (the default), and compare the two PNGs pixel by pixel. A negative
control renders with a far too coarse simplification and checks that the same comparison
rejects it, so the tolerance is known to be able to fail.
"""

from __future__ import annotations

import io
import itertools
import math
import subprocess
import sys
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.path import Path
from matplotlib.text import Text
from PIL import Image, ImageFilter
from pyproj import CRS, Transformer

from leopardrange import _cartography as carto
from leopardrange.crs import format_lon
from leopardrange.errors import CRSError, EmptyLayerError, SchemaError
from leopardrange.report import maps

EQUAL_AREA_CRS = "EPSG:3035"


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
    return gpd.GeoDataFrame(
        {"name": ["Northland", "Southland"]}, geometry=[north, south], crs=EQUAL_AREA_CRS
    )


@pytest.fixture(scope="module")
def rough_layers() -> dict[str, gpd.GeoDataFrame]:
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
        crs=EQUAL_AREA_CRS,
    )
    centres = shapely.points(rng.uniform(-350_000.0, 350_000.0, size=(400, 2)))
    park = gpd.GeoDataFrame(
        geometry=shapely.buffer(centres, rng.uniform(2_000.0, 30_000.0, 400), quad_segs=64),
        crs=EQUAL_AREA_CRS,
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
    rough_layers: dict[str, gpd.GeoDataFrame], draw: str
) -> None:
    def render(max_dpi: float | None) -> tuple[np.ndarray, int]:
        if draw == "overview":
            fig = maps.overview_map(
                epochs=rough_layers["epochs"],
                park=rough_layers["park"],
                borders=rough_layers["borders"],
                extent="all",
                max_dpi=max_dpi,
            )
        else:
            fig = maps.contraction_map(
                epochs=rough_layers["epochs"],
                park=rough_layers["park"],
                borders=rough_layers["borders"],
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
    rough_layers: dict[str, gpd.GeoDataFrame],
) -> None:
    fig = maps.contraction_map(epochs=rough_layers["epochs"], park=rough_layers["park"])
    ax = fig.axes[0]
    # no patch walked its path to grow the data limits: they are still the empty box
    assert not np.isfinite(ax.dataLim.get_points()).any()
    x0, y0, x1, y1 = rough_layers["epochs"].total_bounds
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
    geoms = gpd.GeoSeries(
        [with_hole, rings[1], None, shapely.Point(0, 0), rings[2]], crs=EQUAL_AREA_CRS
    )
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
    geoms = gpd.GeoSeries([shapely.box(0, 0, 1, 1)], crs=EQUAL_AREA_CRS)
    with pytest.raises(ValueError, match="tolerance must be a positive number of map units"):
        maps.simplify_for_display(geoms, tolerance=tolerance)


@pytest.mark.parametrize("max_dpi", [0.0, -300.0, float("nan")])
def test_maps_reject_a_bad_max_dpi(
    rough_layers: dict[str, gpd.GeoDataFrame], max_dpi: float
) -> None:
    with pytest.raises(ValueError, match="max_dpi must be a positive number of dots per inch"):
        maps.contraction_map(
            epochs=rough_layers["epochs"], park=rough_layers["park"], max_dpi=max_dpi
        )


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
    geoms = gpd.GeoSeries([crossing, pinhole, tiny], crs=EQUAL_AREA_CRS)
    out = maps.simplify_for_display(geoms, tolerance=100.0)
    assert shapely.is_valid(out.values).all() and not shapely.is_empty(out.values).any()
    assert [len(g.geoms[0].interiors) for g in out] == [1, 1, 0]
    assert out.iloc[2].within(tiny.buffer(1e-6))


LAEA = "+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
KM = 1_000.0
LABELS = {
    "park": "Land of the Leopard NP",
    "competitor": "Amur tiger range",
    "breeding": "Known breeding areas",
    "range": "Amur leopard range",
}


def centred_box(cx: float, cy: float, side_m: float) -> shapely.Polygon:
    half = side_m / 2
    return shapely.box(cx - half, cy - half, cx + half, cy + half)


def make_layers(n_epochs: int = 3, *, dx: float = 0.0) -> dict[str, gpd.GeoDataFrame]:
    """Nested square epochs (400, 200, 100, 60 km) around (dx, 0), shifted east by ``dx`` m."""
    sides = [400 * KM, 200 * KM, 100 * KM, 60 * KM][:n_epochs]
    epochs = gpd.GeoDataFrame(
        {
            "epoch": [f"{1900 + 40 * i}s" for i in range(n_epochs)],
            "year": [1900 + 40 * i for i in range(n_epochs)],
            "area_km2": [(s / KM) ** 2 for s in sides],
        },
        geometry=[centred_box(dx, 0, s) for s in sides],
        crs=LAEA,
    )
    park = gpd.GeoDataFrame(
        {"name": ["park"]}, geometry=[centred_box(dx + 10 * KM, 0, 50 * KM)], crs=LAEA
    )
    competitor = gpd.GeoDataFrame(
        geometry=[shapely.box(dx - 150 * KM, 20 * KM, dx + 50 * KM, 150 * KM)], crs=LAEA
    )
    breeding = gpd.GeoDataFrame(
        geometry=[
            shapely.Point(dx, 5 * KM),
            shapely.Point(dx + 15 * KM, -10 * KM),
            centred_box(dx - 10 * KM, -15 * KM, 8 * KM),
        ],
        crs=LAEA,
    )
    borders = gpd.GeoDataFrame(
        {"name": ["中国 China", "Россия"]},
        geometry=[
            shapely.box(dx - 900 * KM, -900 * KM, dx - 20 * KM, 900 * KM),
            shapely.box(dx - 20 * KM, -900 * KM, dx + 900 * KM, 900 * KM),
        ],
        crs=LAEA,
    )
    return {
        "epochs": epochs,
        "park": park,
        "competitor": competitor,
        "breeding": breeding,
        "borders": borders,
    }


@pytest.fixture
def layers() -> dict[str, gpd.GeoDataFrame]:
    return make_layers()


def table(n: int = 3, *, published: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "epoch": [f"{1900 + 40 * i}s" for i in range(n)],
            "year": [1900 + 40 * i for i in range(n)],
            "area_km2": [30_000.0, 20_000.0, 12_000.0, 8_000.0][:n],
            "park_share_pct": [5.0, 42.0, 95.0, 60.0][:n],
            "competitor_overlap_pct": [30.0, 0.0, 55.0, 10.0][:n],
        }
    )
    if published:
        frame["area_published_km2"] = [25_000.0, np.nan, 11_000.0, 9_000.0][:n]
    return frame


def draw(fig: Figure) -> None:
    fig.canvas.draw()


def legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def scale_bars(ax: Axes) -> list[AnchoredOffsetbox]:
    return [
        a for a in ax.artists if isinstance(a, AnchoredOffsetbox) and a.get_gid() == "scale_bar"
    ]


def bar_parts(bar: AnchoredOffsetbox) -> tuple[float, list[str]]:
    child = bar.get_child()
    assert child is not None
    children = child.get_children()
    width = sum(c.get_width() for c in children if isinstance(c, Rectangle))
    texts = [c.get_text() for c in children if isinstance(c, Text)]
    return width, texts


def north_vector(ax: Axes) -> tuple[float, float]:
    (arrow,) = [p for p in ax.patches if p.get_gid() == "north_arrow"]
    assert isinstance(arrow, MplPolygon)
    xy = arrow.get_xy()
    tip, notch = xy[0], xy[2]
    return float(tip[0] - notch[0]), float(tip[1] - notch[1])


def bar_width(patch: object) -> float:
    assert isinstance(patch, Rectangle)
    return float(patch.get_width())


def gid_texts(fig: Figure, gid: str) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_gid() == gid and t.get_text()]


def assert_no_overlap(texts: list[Text], fig: Figure) -> None:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in texts]
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert not a.overlaps(b), (texts[i].get_text(), texts[j].get_text())


# ---------------------------------------------------------------------------- overview
def test_overview_structure_and_legend(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.overview_map(**layers, labels=LABELS, title="Amur leopard")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    texts = legend_texts(fig)
    for role in ("park", "competitor", "breeding"):
        assert LABELS[role] in texts
    range_entries = [t for t in texts if t.startswith("Amur leopard range, ")]
    assert range_entries == [
        "Amur leopard range, 1900s",
        "Amur leopard range, 1940s",
        "Amur leopard range, 1980s (current)",
    ]
    assert maps.DEFAULT_LABELS["borders"] in texts
    assert fig.get_suptitle() == "Amur leopard"
    w, h = fig.get_size_inches()
    assert w == pytest.approx(10.0) and 6.0 <= h <= 10.0


def test_overview_without_optional_layers(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.overview_map(epochs=layers["epochs"].iloc[[-1]], park=layers["park"])
    texts = legend_texts(fig)
    assert texts == ["Range, 1980s", "Protected area"]  # single epoch: no "(current)"
    draw(fig)
    assert not gid_texts(fig, "country_label")


def test_overview_empty_competitor_is_skipped(layers: dict[str, gpd.GeoDataFrame]) -> None:
    empty = layers["competitor"].iloc[:0]
    fig = maps.overview_map(
        epochs=layers["epochs"], park=layers["park"], competitor=empty, labels=LABELS
    )
    assert LABELS["competitor"] not in legend_texts(fig)


def test_graticule_labels_have_degree_signs(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.overview_map(**layers, labels=LABELS)
    draw(fig)
    ax = fig.axes[0]
    xlabels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    ylabels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert len(xlabels) >= 2 and len(ylabels) >= 2
    assert all("°" in t and t.endswith(("E", "W", "°")) for t in xlabels)
    assert all("°" in t and t.endswith(("N", "S", "°")) for t in ylabels)
    assert_no_overlap(list(ax.get_xticklabels()) + list(ax.get_yticklabels()), fig)
    assert [c for c in ax.collections if c.get_gid() == "graticule"]


def test_graticule_ticks_sit_on_the_meridians(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.overview_map(epochs=layers["epochs"], park=layers["park"], extent="all")
    draw(fig)
    ax = fig.axes[0]
    crs = CRS.from_user_input(LAEA)
    to_geo = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    y0 = min(ax.get_ylim())
    for x, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):
        lon, _ = to_geo.transform(x, y0)
        assert format_lon(round(lon * 4) / 4) == label.get_text()


def test_scale_bar_is_round_and_in_data_units(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.overview_map(**layers, labels=LABELS)
    draw(fig)
    ax = fig.axes[0]
    (bar,) = scale_bars(ax)
    width_m, texts = bar_parts(bar)
    label = next(t for t in texts if t.endswith(" km"))
    length_km = float(label.removesuffix(" km").replace(",", ""))
    assert width_m == pytest.approx(length_km * KM)
    mantissa = length_km / 10 ** math.floor(math.log10(length_km))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    view_m = abs(ax.get_xlim()[1] - ax.get_xlim()[0])
    assert 0.05 < width_m / view_m < 0.3


def test_north_arrow_up_on_central_meridian(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.overview_map(**layers)
    dx, dy = north_vector(fig.axes[0])
    assert dy > 0
    assert abs(math.degrees(math.atan2(dx, dy))) < 0.5


def test_north_arrow_tilts_far_from_central_meridian() -> None:
    far = make_layers(dx=1_500 * KM)  # ~19° east of lon_0: north leans west (left)
    fig = maps.overview_map(epochs=far["epochs"], park=far["park"], borders=far["borders"])
    dx, dy = north_vector(fig.axes[0])
    angle = math.degrees(math.atan2(dx, dy))
    assert angle < -8.0
    ax = fig.axes[0]
    cx, cy = float(np.mean(ax.get_xlim())), float(np.mean(ax.get_ylim()))
    expected = carto.north_angle_deg(CRS.from_user_input(LAEA), cx, cy)
    assert angle == pytest.approx(expected, abs=0.5)
    west = carto.north_angle_deg(CRS.from_user_input(LAEA), -1_500 * KM, 0.0)
    assert west == pytest.approx(-angle, abs=1.0)


def test_extent_all_is_wider_than_current(layers: dict[str, gpd.GeoDataFrame]) -> None:
    widths = {}
    for extent in ("current", "all"):
        fig = maps.overview_map(**layers, extent=extent)
        draw(fig)
        xlim = fig.axes[0].get_xlim()
        widths[extent] = xlim[1] - xlim[0]
    assert widths["all"] > 2 * widths["current"]
    with pytest.raises(ValueError, match="extent must be one of current, all"):
        maps.overview_map(**layers, extent="world")


def test_non_ascii_names_render_without_warnings(layers: dict[str, gpd.GeoDataFrame]) -> None:
    # pytest turns warnings into errors: a "Glyph missing" warning would fail this test,
    # also when the figure is drawn directly rather than through figure_to_png.
    fig = maps.overview_map(**layers, labels={"park": "Земля леопарда 东北虎豹"}, title="豹 $x$")
    draw(fig)
    assert maps.figure_to_png(fig, dpi=50).startswith(b"\x89PNG")
    names = {t.get_text() for t in gid_texts(fig, "country_label")}
    assert "Россия" in names
    assert carto.safe_text("Россия") == "Россия"
    assert carto.safe_text("a $b$") == r"a \$b\$"
    if ord("中") not in carto._covered_codepoints():  # no CJK font here: dropped, tidied
        assert carto.safe_text("中国 (China)") == "China"
        assert carto.safe_text("China (中国)") == "China"
        assert "China" in names


def test_multipolygons_and_holes(layers: dict[str, gpd.GeoDataFrame]) -> None:
    ring = centred_box(0, 0, 100 * KM).difference(centred_box(0, 0, 40 * KM))
    multi = shapely.MultiPolygon([centred_box(-150 * KM, 0, 50 * KM), ring])
    epochs = gpd.GeoDataFrame(
        {"epoch": ["old", "now"], "year": [1950, 2020]},
        geometry=[multi, ring],
        crs=LAEA,
    )
    path = carto.polygon_path([multi])
    assert path is not None
    assert int(np.sum(path.codes == Path.MOVETO)) == 3  # two exteriors and one hole
    probe = Figure(figsize=(2, 2), dpi=50)
    FigureCanvasAgg(probe)
    ax = probe.add_axes((0, 0, 1, 1))
    ax.add_patch(PathPatch(path, facecolor="black", edgecolor="none"))
    ax.set(xlim=(-200 * KM, 200 * KM), ylim=(-200 * KM, 200 * KM))
    ax.set_axis_off()
    probe.canvas.draw()
    pixels = np.asarray(probe.canvas.buffer_rgba())  # type: ignore[attr-defined]
    assert pixels[50, 50, 0] == 255  # the hole (centre) stays white
    assert pixels[50, 50 + 10, 0] == 0  # the ring, 40 km east of the centre, is filled
    assert pixels[50, 50 - 37, 0] == 0  # the separate square at x = -150 km is filled
    fig = maps.overview_map(epochs=epochs, park=layers["park"], extent="all")
    assert maps.figure_to_png(fig, dpi=40).startswith(b"\x89PNG")


# ---------------------------------------------------------------------------- contraction
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_contraction_panels(n: int) -> None:
    lay = make_layers(n)
    fig = maps.contraction_map(
        epochs=lay["epochs"], park=lay["park"], borders=lay["borders"], title="Contraction"
    )
    assert len(fig.axes) == n
    assert sum(len(scale_bars(ax)) for ax in fig.axes) == 1
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0].startswith("1900s") and titles[0].endswith("160,000 km²")
    limits = {(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes}
    assert len(limits) == 1  # same extent in every panel
    draw(fig)
    (bar,) = scale_bars(fig.axes[0])
    width_m, texts = bar_parts(bar)
    assert any(t == f"{width_m / KM:,.0f} km" for t in texts)


def test_contraction_without_area_column(layers: dict[str, gpd.GeoDataFrame]) -> None:
    epochs = layers["epochs"].drop(columns="area_km2")
    fig = maps.contraction_map(epochs=epochs, park=layers["park"])
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["1900s", "1940s", "1980s"]


# ---------------------------------------------------------------------------- charts
def test_area_chart_bars_and_published_markers() -> None:
    fig = maps.area_by_epoch_chart(table(4), title="Area")
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert ax.get_yscale() == "linear"
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1900s", "1940s", "1980s", "2020s"]
    draw(fig)
    labels = gid_texts(fig, "value_label")
    assert [t.get_text() for t in labels] == [
        "30,000",
        "20,000",
        "12,000",
        "8,000",
        "25,000",
        "11,000",
        "9,000",
    ]
    assert_no_overlap(labels, fig)
    assert "km²" in ax.get_ylabel()
    assert legend_texts(fig) == ["Measured from the layers", "Published value"]


@pytest.mark.parametrize("n", [1, 9, 14])
def test_area_chart_labels_never_overlap(n: int) -> None:
    frame = pd.DataFrame(
        {
            "epoch": [f"{1900 + 10 * i}s" for i in range(n)],
            "year": range(n),
            "area_km2": np.linspace(361_000, 300_000, n),
            "area_published_km2": np.linspace(361_756, 299_000, n),
        }
    )
    fig = maps.area_by_epoch_chart(frame)
    draw(fig)
    labels = gid_texts(fig, "value_label")
    assert len(labels) == 2 * n
    assert_no_overlap(labels, fig)


def test_area_chart_switches_to_log_over_two_orders() -> None:
    frame = table(3).assign(area_km2=[361_756.0, 71_971.0, 2_800.0])
    fig = maps.area_by_epoch_chart(frame)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert not ax.patches  # points, not bars
    draw(fig)
    assert_no_overlap(gid_texts(fig, "value_label"), fig)


def test_area_chart_sorts_by_year_and_single_epoch() -> None:
    fig = maps.area_by_epoch_chart(table(3, published=False).iloc[::-1])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["1900s", "1940s", "1980s"]
    assert legend_texts(fig) == ["Measured from the layers"]
    one = maps.area_by_epoch_chart(table(1))
    assert len(one.axes[0].patches) == 1


def test_coverage_chart_with_reference_and_overlap() -> None:
    fig = maps.coverage_chart(table(3), title="Coverage", reference_pct=60.0, labels=LABELS)
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert len(ax.patches) == 6  # park share and competitor overlap per epoch
    assert [bar_width(p) for p in ax.patches[:3]] == [5.0, 42.0, 95.0]
    refs = [line for line in ax.lines if np.array_equal(line.get_xdata(), [60.0, 60.0])]
    assert len(refs) == 1
    (claim,) = gid_texts(fig, "reference_label")
    assert claim.get_text() == "published claim: 60%"
    assert ax.get_xlim() == (0.0, 100.0)
    texts = legend_texts(fig)
    assert "Inside Land of the Leopard NP" in texts
    assert "Overlapping Amur tiger range" in texts
    draw(fig)
    assert_no_overlap(gid_texts(fig, "value_label"), fig)


def test_coverage_chart_without_or_with_empty_overlap() -> None:
    no_overlap = table(2).assign(competitor_overlap_pct=np.nan)
    fig = maps.coverage_chart(no_overlap)
    assert len(fig.axes[0].patches) == 2
    assert not [line for line in fig.axes[0].lines if isinstance(line, Line2D)]
    zeros = table(2).assign(competitor_overlap_pct=0.0)
    fig = maps.coverage_chart(zeros)
    assert [bar_width(p) for p in fig.axes[0].patches[2:]] == [0.0, 0.0]
    assert "0.0%" in [t.get_text() for t in gid_texts(fig, "value_label")]


def test_coverage_chart_rejects_shares_outside_0_100() -> None:
    with pytest.raises(ValueError, match="park_share_pct must be within 0–100"):
        maps.coverage_chart(table(2).assign(park_share_pct=[10.0, 120.0]))
    with pytest.raises(ValueError, match="reference_pct must be within 0–100"):
        maps.coverage_chart(table(2), reference_pct=-1.0)


# ---------------------------------------------------------------------------- encoding
@pytest.mark.parametrize(
    "build",
    [
        lambda lay: maps.overview_map(**lay, labels=LABELS, title="Overview"),
        lambda lay: maps.contraction_map(epochs=lay["epochs"], park=lay["park"]),
        lambda lay: maps.area_by_epoch_chart(table(3)),
        lambda lay: maps.coverage_chart(table(3), reference_pct=60.0),
    ],
    ids=["overview", "contraction", "area", "coverage"],
)
def test_figure_to_png_is_a_non_blank_png(
    layers: dict[str, gpd.GeoDataFrame], build: Callable[[dict[str, gpd.GeoDataFrame]], Figure]
) -> None:
    fig = build(layers)
    png = maps.figure_to_png(fig, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(io.BytesIO(png))
    w, h = fig.get_size_inches()
    assert image.shape[:2] == (round(h * 60), round(w * 60))
    assert float(image[..., :3].var()) > 1e-3


def test_figure_to_png_rejects_bad_dpi(layers: dict[str, gpd.GeoDataFrame]) -> None:
    fig = maps.area_by_epoch_chart(table(2))
    with pytest.raises(ValueError, match="dpi must be positive"):
        maps.figure_to_png(fig, dpi=0)


def test_no_pyplot_imported() -> None:
    code = (
        "import sys, geopandas as gpd, shapely\n"
        "from leopardrange.report import maps\n"
        "e = gpd.GeoDataFrame({'epoch': ['a'], 'year': [1]},"
        " geometry=[shapely.box(0, 0, 1e4, 1e4)], crs='+proj=laea +lat_0=43 +lon_0=131')\n"
        "maps.figure_to_png(maps.overview_map(epochs=e, park=e), dpi=20)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------- bad input
def test_geographic_input_raises(layers: dict[str, gpd.GeoDataFrame]) -> None:
    with pytest.raises(ValueError, match="layer 'epochs' is in the geographic CRS"):
        maps.overview_map(epochs=layers["epochs"].to_crs(4326), park=layers["park"])
    with pytest.raises(CRSError, match="layer 'breeding' is in the geographic CRS"):
        maps.overview_map(
            epochs=layers["epochs"], park=layers["park"], breeding=layers["breeding"].to_crs(4326)
        )
    with pytest.raises(ValueError, match="geographic CRS"):
        maps.contraction_map(epochs=layers["epochs"], park=layers["park"].to_crs(4326))


def test_mismatched_or_missing_crs_raises(layers: dict[str, gpd.GeoDataFrame]) -> None:
    mercator = r"EPSG:3857 \(WGS 84 / Pseudo-Mercator\)"
    with pytest.raises(ValueError, match=rf"'park' is in {mercator} but 'epochs' is in LAEA 43°N"):
        maps.overview_map(epochs=layers["epochs"], park=layers["park"].to_crs(3857))
    nocrs = layers["park"].set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="layer 'park' has no CRS"):
        maps.contraction_map(epochs=layers["epochs"], park=nocrs)


def test_bad_epochs_and_labels_raise(layers: dict[str, gpd.GeoDataFrame]) -> None:
    with pytest.raises(SchemaError, match="epochs has no 'epoch' column"):
        maps.overview_map(epochs=layers["epochs"].drop(columns="epoch"), park=layers["park"])
    with pytest.raises(EmptyLayerError, match="epochs is empty"):
        maps.overview_map(epochs=layers["epochs"].iloc[:0], park=layers["park"])
    with pytest.raises(ValueError, match="unknown label role 'tiger'; valid roles: borders"):
        maps.overview_map(**layers, labels={"tiger": "Amur tiger"})
    with pytest.raises(SchemaError, match="table lacks column"):
        maps.area_by_epoch_chart(table(2).drop(columns="area_km2"))


def test_inputs_are_not_mutated(layers: dict[str, gpd.GeoDataFrame]) -> None:
    before = {k: v.copy(deep=True) for k, v in layers.items()}
    frame = table(3)
    frame_before = frame.copy(deep=True)
    maps.overview_map(**layers, labels=LABELS, extent="all")
    maps.contraction_map(epochs=layers["epochs"], park=layers["park"], borders=layers["borders"])
    maps.area_by_epoch_chart(frame)
    maps.coverage_chart(frame, reference_pct=60.0)
    for key, value in layers.items():
        assert_geodataframe_equal(value, before[key])
    pd.testing.assert_frame_equal(frame, frame_before)


# ---------------------------------------------------------------------------- helpers
@given(st.floats(min_value=1e-3, max_value=1e5, allow_nan=False))
def test_nice_length_is_round_and_close(max_km: float) -> None:
    length = carto.nice_length_km(max_km)
    assert length <= max_km * (1 + 1e-9)
    assert length > max_km / 2.5
    mantissa = length / 10 ** math.floor(math.log10(length) + 1e-12)
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)


@pytest.mark.parametrize(
    ("span", "step"), [(0.3, 0.25), (1.2, 0.5), (3.0, 1.0), (8.0, 2.0), (20.0, 5.0), (50.0, 10.0)]
)
def test_graticule_step(span: float, step: float) -> None:
    assert carto.graticule_step_deg(span) == step
