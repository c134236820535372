"""Cartographic furniture for maps: CRS checks, fonts, paths, scale bar, north arrow, graticule.

Private helpers shared by the report's maps (:mod:`leopardrange.report.maps`) and the corridor
and linkage maps (:mod:`leopardrange.corridors.maps`). Maps are drawn in the projected
"analysis CRS" (normally metres); longitudes and latitudes appear only in the graticule and
in the computation of true north. Nothing here uses pyplot or touches disk.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal, cast

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.offsetbox import AnchoredOffsetbox, AuxTransformBox
from matplotlib.patches import Circle, PathPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.path import Path
from matplotlib.patheffects import Normal, Stroke, withStroke
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, Locator
from matplotlib.transforms import Affine2DBase, ScaledTranslation
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from leopardrange import palette
from leopardrange.crs import crs_label, format_lat, format_lon
from leopardrange.errors import CRSError

#: Font families tried in order; matplotlib falls back along the list glyph by glyph, so
#: Cyrillic comes from DejaVu Sans and Chinese/Japanese/Korean from the first CJK font found.
FONT_FAMILIES: tuple[str, ...] = (
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
)
#: Graticule spacings tried, in degrees (finer ones only when 1° gives fewer than two lines).
GRATICULE_STEPS_DEG: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0)
_FINE_STEPS_DEG: tuple[float, ...] = (0.5, 0.25)
_MAX_GRATICULE_LINES = 6
_M_PER_KM = 1_000.0
INK = palette.INK.hex
WHITE = palette.WHITE.hex
GREY = palette.NOTE.hex
HALO = [withStroke(linewidth=2.5, foreground=WHITE)]
View = tuple[float, float, float, float]  # x0, y0, x1, y1 in map units


# ---------------------------------------------------------------------------- style and text
@functools.cache
def font_families() -> tuple[str, ...]:
    """Return the families of :data:`FONT_FAMILIES` installed here (at least one name)."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    found = tuple(name for name in FONT_FAMILIES if name in installed)
    return found or ("sans-serif",)


@functools.cache
def _covered_codepoints() -> frozenset[int]:
    codes: set[int] = set()
    for family in font_families():
        try:
            path = font_manager.fontManager.findfont(
                FontProperties(family=family), fallback_to_default=False
            )
            codes.update(FT2Font(path).get_charmap())
        except (ValueError, OSError, RuntimeError):
            continue
    return frozenset(codes)


def safe_text(value: object) -> str:
    """Return ``value`` as text the installed fonts can draw, without mathtext surprises.

    Characters no installed font covers (e.g. Chinese without a CJK font) are dropped and
    the leftovers tidied ("China (中国)" → "China"), so no "Glyph missing" warning or tofu
    box appears. ``$`` is escaped so that labels are never parsed as mathtext.
    """
    text = str(value)
    covered = _covered_codepoints()
    if covered:
        kept = "".join(ch for ch in text if ch.isspace() or ord(ch) in covered)
        if kept != text:
            kept = re.sub(r"\(\s*\)|\[\s*\]|«\s*»|\"\s*\"", "", kept)
            text = re.sub(r"\s+", " ", kept).strip(" -–—/,;:·|")
            text = re.sub(r"^\((.*)\)$", r"\1", text)  # "中国 (China)" → "China"
    return text.replace("$", r"\$")


_RC: dict[str, Any] = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.0,
    "axes.labelcolor": palette.TEXT.hex,
    "axes.edgecolor": palette.AXIS.hex,
    "axes.linewidth": 0.8,
    "figure.titlesize": 13.0,
    "figure.titleweight": "bold",
    "legend.fontsize": 9.0,
    "legend.frameon": False,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "xtick.color": palette.AXIS.hex,
    "ytick.color": palette.AXIS.hex,
    "hatch.linewidth": 0.6,
    "axes.unicode_minus": True,
    "savefig.facecolor": WHITE,
}


@contextmanager
def style() -> Iterator[None]:
    """Apply the report's fonts and sizes and silence glyph warnings while building/drawing."""
    rc = dict(_RC, **{"font.family": list(font_families())})
    with mpl.rc_context(cast(Any, rc)), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        warnings.filterwarnings(
            "ignore", message=r"Matplotlib currently does not support", category=UserWarning
        )
        yield


# ---------------------------------------------------------------------------- CRS
def common_projected_crs(layers: Mapping[str, gpd.GeoDataFrame | None]) -> CRS:
    """Return the one projected CRS shared by all given layers (``None`` entries are skipped).

    Raises
    ------
    CRSError
        (a ``ValueError``) if a layer has no CRS, is geographic, or the layers disagree.
    """
    found: list[tuple[str, CRS]] = []
    for name, frame in layers.items():
        if frame is None:
            continue
        if frame.crs is None:
            raise CRSError(
                f"layer {name!r} has no CRS; project every layer into the analysis CRS "
                "(frame.to_crs(analysis_crs)) before drawing maps"
            )
        crs = CRS.from_user_input(frame.crs)
        if not crs.is_projected:
            raise CRSError(
                f"layer {name!r} is in the geographic CRS {crs_label(crs)}; maps are drawn in the "
                "projected equal-area analysis CRS: pass frame.to_crs(analysis_crs)"
            )
        found.append((name, crs))
    if not found:
        raise CRSError("no layer to draw")
    first_name, first = found[0]
    for name, crs in found[1:]:
        if crs != first:
            raise CRSError(
                f"layer {name!r} is in {crs_label(crs)} but {first_name!r} is in "
                f"{crs_label(first)}; project all layers into the one analysis CRS"
            )
    return first


def metres_per_unit(crs: CRS) -> float:
    """Return how many metres one map unit of the projected ``crs`` is (1.0 for metres)."""
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return float(factor) if factor and math.isfinite(factor) else 1.0


def projection_note(crs: CRS) -> str:
    """Describe the map projection in one line, e.g. "Lambert Azimuthal Equal Area, …"."""
    op = crs.coordinate_operation
    if op is None:
        return f"Projection: {crs.name}"
    params = {p.name.lower(): p.value for p in op.params}
    lat0 = next((v for k, v in params.items() if k.startswith("latitude of")), None)
    lon0 = next((v for k, v in params.items() if k.startswith("longitude of")), None)
    parts = [f"Projection: {op.method_name}"]
    if lat0 is not None and lon0 is not None:
        parts.append(f"centre {format_lat(float(lat0))} {format_lon(float(lon0))}")
    if crs.ellipsoid is not None:
        parts.append(crs.ellipsoid.name)
    return ", ".join(parts)


# ---------------------------------------------------------------------------- geometry → paths
def iter_polygons(geom: BaseGeometry | None) -> Iterator[shapely.Polygon]:
    """Yield the non-empty polygons of a (multi)polygon or geometry collection."""
    if geom is None or geom.is_empty:
        return
    if isinstance(geom, shapely.Polygon):
        yield geom
    elif isinstance(geom, shapely.MultiPolygon | shapely.GeometryCollection):
        for part in geom.geoms:
            yield from iter_polygons(part)


def point_coords(geoms: Iterable[BaseGeometry | None]) -> NDArray[np.float64]:
    """Return an (n, 2) array of the points and multipoints' coordinates."""
    rows: list[tuple[float, float]] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if isinstance(geom, shapely.Point):
            rows.append((geom.x, geom.y))
        elif isinstance(geom, shapely.MultiPoint | shapely.GeometryCollection):
            rows.extend((p.x, p.y) for p in geom.geoms if isinstance(p, shapely.Point))
    return np.asarray(rows, dtype=float).reshape(-1, 2)


def polygon_path(geoms: Iterable[BaseGeometry | None]) -> Path | None:
    """Return one compound path of all polygons (holes kept), or ``None`` if there are none."""
    vertices: list[NDArray[np.float64]] = []
    codes: list[NDArray[np.uint8]] = []
    for geom in geoms:
        for poly in iter_polygons(geom):
            poly = shapely.geometry.polygon.orient(poly, 1.0)  # holes wind the other way
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords, dtype=float)[:, :2]
                if len(xy) < 4:
                    continue
                code = np.full(len(xy), Path.LINETO, dtype=np.uint8)
                code[0], code[-1] = Path.MOVETO, Path.CLOSEPOLY
                vertices.append(xy)
                codes.append(code)
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


# ---------------------------------------------------------------------------- map frame and layers
def is_empty(frame: gpd.GeoDataFrame | None) -> bool:
    """Tell whether a layer is missing, has no rows or only empty geometries."""
    if frame is None or len(frame) == 0:
        return True
    return bool(frame.geometry.is_empty.all())


def bounds(*frames: gpd.GeoDataFrame | None) -> View | None:
    """Return the joint bounds of the non-empty layers, or ``None`` if all are empty."""
    boxes = []
    for frame in frames:
        if frame is None or is_empty(frame):
            continue
        box = frame.geometry[~frame.geometry.is_empty].total_bounds
        if np.all(np.isfinite(box)):
            boxes.append(box)
    if not boxes:
        return None
    arr = np.asarray(boxes, dtype=float)
    return (
        float(arr[:, 0].min()),
        float(arr[:, 1].min()),
        float(arr[:, 2].max()),
        float(arr[:, 3].max()),
    )


def padded_view(bounds: View, *, aspect: float, margin: float, min_pad: float) -> View:
    """Grow ``bounds`` by a margin, then to the height/width ratio ``aspect``, about its centre."""
    x0, y0, x1, y1 = bounds
    pad = max(max(x1 - x0, y1 - y0) * margin, min_pad)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if h / w < aspect:
        h = w * aspect
    else:
        w = h / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def map_axes(ax: Axes, view: View, *, adjustable: Literal["box", "datalim"]) -> None:
    """Set a map axes to ``view`` at equal scale on x and y, without ticks."""
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect("equal", adjustable=adjustable)
    ax.set_facecolor(WHITE)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set(linewidth=0.8, color=palette.AXIS.hex)


def hold_view(ax: Axes, view: View) -> None:
    """Make ``view`` the autoscaled limits, so an equal aspect may widen it without a warning.

    With ``adjustable="datalim"`` matplotlib grows the limits to fill the axes box, and logs a
    warning if they were fixed; so the data limits are set to the view and autoscaling (without
    margins) reproduces it at every draw.
    """
    ax.dataLim.set_points(np.array([[view[0], view[1]], [view[2], view[3]]], dtype=float))
    ax.ignore_existing_data_limits = False
    ax.set_xmargin(0.0)
    ax.set_ymargin(0.0)
    ax.set_autoscale_on(True)
    ax.autoscale_view()


def add_polygons(
    ax: Axes, geoms: Sequence[Any], *, halo: bool = False, autolim: bool = True, **style: Any
) -> PathPatch | None:
    """Add the polygons of ``geoms`` as one patch (``None`` if none); ``halo`` adds a white rim.

    ``autolim=False`` leaves the axes' data limits alone, for maps whose view is set from the
    layers' bounds: updating them walks every vertex of the path (seconds for a large layer).
    """
    path = polygon_path(geoms)
    if path is None:
        return None
    patch = PathPatch(path, **style)
    if halo:
        width = float(style.get("linewidth", 1.0)) + 2.5
        patch.set_path_effects([Stroke(linewidth=width, foreground=WHITE), Normal()])
    if autolim:
        ax.add_patch(patch)
    else:
        ax.add_artist(patch)  # as add_patch (clipped to the axes), without the limits walk
    return patch


def draw_borders(
    ax: Axes, borders: gpd.GeoDataFrame | None, *, faint: bool = False, autolim: bool = True
) -> None:
    """Fill countries in a light land colour and draw their borders on top of the range."""
    if borders is None or is_empty(borders):
        return
    geoms = list(borders.geometry)
    add_polygons(
        ax, geoms, facecolor=palette.LAND.hex, edgecolor="none", zorder=0.5, autolim=autolim
    )
    add_polygons(
        ax,
        geoms,
        autolim=autolim,
        facecolor="none",
        edgecolor=palette.BORDER.hex,
        linewidth=0.5 if faint else 0.8,
        alpha=0.7 if faint else 1.0,
        zorder=4,
    )


def label_countries(ax: Axes, borders: gpd.GeoDataFrame | None, view: View) -> None:
    """Write each country's name at a representative point of its part inside the view."""
    if borders is None or is_empty(borders) or "name" not in borders.columns:
        return
    box = shapely.box(*view).buffer(-(view[2] - view[0]) * 0.06)
    spots: list[tuple[float, shapely.Point, str]] = []
    for name, geom in zip(borders["name"], borders.geometry, strict=True):
        text = safe_text(name) if isinstance(name, str) else ""
        if not text or geom is None or geom.is_empty:
            continue
        inside = geom.intersection(box)
        if inside.is_empty or inside.area <= 0:
            continue
        spots.append((inside.area, inside.representative_point(), text))
    placed: list[shapely.Point] = []
    min_gap = (view[2] - view[0]) * 0.15
    for _, point, text in sorted(spots, key=lambda s: -s[0]):
        if any(point.distance(p) < min_gap for p in placed):
            continue
        placed.append(point)
        ax.text(
            point.x,
            point.y,
            text,
            ha="center",
            va="center",
            fontsize=10,
            fontstyle="italic",
            color=palette.COUNTRY_LABEL.hex,
            zorder=8,
            path_effects=HALO,
            gid="country_label",
        )


# ---------------------------------------------------------------------------- scale bar
def nice_length_km(max_km: float) -> float:
    """Return the largest round length (1, 2 or 5 × 10ⁿ km) not longer than ``max_km``."""
    if not (math.isfinite(max_km) and max_km > 0):
        raise ValueError(f"scale bar needs a positive finite length, got {max_km!r} km")
    exponent = math.floor(math.log10(max_km))
    for mantissa in (5, 2, 1):
        length = round(mantissa * 10.0**exponent, 12)
        if length <= max_km * (1 + 1e-9):
            return length
    return round(10.0**exponent, 12)


def format_km(length_km: float) -> str:
    """Format a round scale-bar length, e.g. ``20`` → "20 km", ``0.5`` → "0.5 km"."""
    return f"{length_km:,.0f} km" if length_km >= 1 else f"{length_km:g} km"


def add_scale_bar(
    ax: Axes, *, metres_per_unit: float = 1.0, fraction: float = 0.22, loc: str = "lower left"
) -> AnchoredOffsetbox:
    """Draw an alternating black/white scale bar of a round length in km.

    The bar is about ``fraction`` of the view's width long and is measured in map units at
    the projection's nominal scale (true in an equal-area CRS near its centre). Its rectangles
    are in data coordinates, so their widths sum to the labelled length in map units.
    """
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    length_km = nice_length_km((x1 - x0) * metres_per_unit / _M_PER_KM * fraction)
    length = length_km * _M_PER_KM / metres_per_unit
    mantissa = round(length_km / 10.0 ** math.floor(math.log10(length_km)))
    segments = 5 if mantissa == 5 else 4
    height = (y1 - y0) * 0.012
    box = AuxTransformBox(ax.transData)
    for i in range(segments):
        colour = INK if i % 2 == 0 else WHITE
        box.add_artist(
            Rectangle(
                (i * length / segments, 0.0),
                length / segments,
                height,
                facecolor=colour,
                edgecolor=INK,
                linewidth=0.7,
            )
        )
    for x, text in ((0.0, "0"), (length, format_km(length_km))):
        box.add_artist(Text(x, -height * 0.8, text, ha="center", va="top", fontsize=8, color=INK))
    anchored = AnchoredOffsetbox(
        loc=loc, child=box, pad=0.5, borderpad=0.8, frameon=True, bbox_transform=ax.transAxes
    )
    anchored.patch.set(facecolor=WHITE, alpha=0.8, edgecolor="none")
    anchored.set_gid("scale_bar")
    anchored.set_zorder(20)
    ax.add_artist(anchored)
    return anchored


# ---------------------------------------------------------------------------- north arrow
def add_credit(fig: Figure, credits: Iterable[str]) -> None:
    """Write the data's credits in small grey type at the figure's lower right.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> add_credit(fig, ["© OpenStreetMap contributors", "© GeoNames"])
    >>> [t.get_text() for t in fig.texts if t.get_gid() == "credit"]
    ['Data: © OpenStreetMap contributors; © GeoNames']
    >>> add_credit(fig, [])  # nothing to credit: nothing drawn
    >>> len(fig.texts)
    1
    """
    parts = [str(c) for c in credits if str(c)]
    if not parts:
        return
    fig.text(
        0.995, 0.003, safe_text("Data: " + "; ".join(parts)), ha="right", va="bottom",
        fontsize=6.5, color=GREY, gid="credit",
    )  # fmt: skip


def north_angle_deg(crs: CRS, x: float, y: float) -> float:
    """Return the clockwise angle (degrees) from the map's up direction to true north at x, y.

    Computed by projecting a small step northward along the meridian through the point;
    0 on the central meridian of an azimuthal projection, negative (north leans left) east of it.
    """
    geographic = crs.geodetic_crs
    if geographic is None:
        return 0.0
    to_geo = Transformer.from_crs(crs, geographic, always_xy=True)
    to_map = Transformer.from_crs(geographic, crs, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    step = 1e-3 if lat + 1e-3 <= 90.0 else -1e-3
    x2, y2 = to_map.transform(lon, lat + step)
    dx, dy = (x2 - x) * math.copysign(1.0, step), (y2 - y) * math.copysign(1.0, step)
    if not (math.isfinite(dx) and math.isfinite(dy)) or (dx == 0 and dy == 0):
        return 0.0
    return math.degrees(math.atan2(dx, dy))


def add_north_arrow(
    ax: Axes, angle_deg: float, *, xy: tuple[float, float] = (0.94, 0.86), size_in: float = 0.42
) -> MplPolygon:
    """Draw a two-tone north arrow rotated by ``angle_deg`` (clockwise) at axes fraction ``xy``.

    Returns the left (dark) half; its first vertex is the tip and its third the notch, in
    inches around the anchor, so tip − notch is the drawn northward direction.
    """
    fig = ax.get_figure()
    assert fig is not None
    theta = math.radians(angle_deg)
    rot = np.array([[math.cos(theta), math.sin(theta)], [-math.sin(theta), math.cos(theta)]])
    half_l, half_w = size_in / 2, size_in * 0.32
    tip, notch = (0.0, half_l), (0.0, -half_l * 0.45)
    left = np.array([tip, (-half_w, -half_l), notch]) @ rot.T
    right = np.array([tip, notch, (half_w, -half_l)]) @ rot.T
    anchor = cast(Affine2DBase, ax.transAxes)  # a BboxTransformTo: affine
    transform = fig.dpi_scale_trans + ScaledTranslation(xy[0], xy[1], anchor)
    dark = MplPolygon(left, closed=True, facecolor=INK, edgecolor=INK, lw=0.8)
    light = MplPolygon(right, closed=True, facecolor=WHITE, edgecolor=INK, lw=0.8)
    disc = Circle((0.0, 0.06), half_l + 0.2, facecolor=WHITE, alpha=0.75, edgecolor="none")
    disc.set_transform(transform)
    disc.set_zorder(19)
    ax.add_patch(disc)
    for patch in (dark, light):
        patch.set_transform(transform)
        patch.set_zorder(20)
        patch.set_path_effects([withStroke(linewidth=2.5, foreground=WHITE)])
        ax.add_patch(patch)
    label_at = np.array([0.0, half_l + 0.11]) @ rot.T
    ax.text(
        float(label_at[0]),
        float(label_at[1]),
        "N",
        transform=transform,
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        color=INK,
        zorder=20,
        path_effects=HALO,
    )
    dark.set_gid("north_arrow")
    return dark


# ---------------------------------------------------------------------------- graticule
def graticule_step_deg(span_deg: float) -> float:
    """Return the spacing (1, 2, 5 or 10°; 0.5 or 0.25° for tiny views) for a view span."""
    step = GRATICULE_STEPS_DEG[-1]
    for candidate in GRATICULE_STEPS_DEG:
        if span_deg / candidate <= _MAX_GRATICULE_LINES:
            step = candidate
            break
    for finer in _FINE_STEPS_DEG:
        if span_deg / step >= 2:
            break
        step = finer
    return step


class _EdgeLocator(Locator):
    """Ticks where graticule lines cross the bottom (x) or left (y) frame edge.

    Computed at draw time from the final view limits, so they stay right when the layout
    engine or an equal aspect changes the limits.
    """

    def __init__(self, lines: list[tuple[str, NDArray[np.float64]]], *, axis: str) -> None:
        self._lines = lines
        self._which = axis
        self.labels: dict[float, str] = {}

    def __call__(self) -> Sequence[float]:
        ax = getattr(self.axis, "axes", None)
        if not isinstance(ax, Axes):
            return []
        x0, x1 = sorted(ax.get_xlim())
        y0, y1 = sorted(ax.get_ylim())
        if self._which == "x":
            edge, lo, hi, along, across = y0, x0, x1, 1, 0
        else:
            edge, lo, hi, along, across = x0, y0, y1, 0, 1
        spacing = (hi - lo) * 0.07
        self.labels = {}
        for label, xy in self._lines:
            pos = _first_crossing(xy[:, along], xy[:, across], edge)
            if pos is None or not lo <= pos <= hi:
                continue
            if any(abs(pos - other) < spacing for other in self.labels):
                continue
            self.labels[pos] = label
        return sorted(self.labels)

    def tick_values(self, vmin: float, vmax: float) -> Sequence[float]:
        return self()

    def label_for(self, value: float, _pos: int | None = None) -> str:
        """Return the graticule label of tick ``value``."""
        if not self.labels:
            return ""
        nearest = min(self.labels, key=lambda p: abs(p - value))
        return self.labels[nearest]


def _first_crossing(
    coord: NDArray[np.float64], other: NDArray[np.float64], value: float
) -> float | None:
    """Where a polyline first crosses ``coord == value``: the ``other`` coordinate there."""
    diff = coord - value
    sign_change = np.nonzero(np.signbit(diff[:-1]) != np.signbit(diff[1:]))[0]
    if len(sign_change) == 0:
        return None
    i = int(sign_change[0])
    if diff[i + 1] == diff[i]:
        return float(other[i])
    t = diff[i] / (diff[i] - diff[i + 1])
    return float(other[i] + t * (other[i + 1] - other[i]))


def add_graticule(ax: Axes, crs: CRS, bounds: View, *, labels: bool = True) -> float:
    """Draw meridians and parallels over ``bounds`` (x0, y0, x1, y1) in map units.

    Lines are labelled where they cross the bottom (meridians) and left (parallels) frame
    edges. Returns the spacing in degrees (0 if no graticule could be drawn).
    """
    geographic = crs.geodetic_crs
    if geographic is None:
        return 0.0
    to_geo = Transformer.from_crs(crs, geographic, always_xy=True)
    to_map = Transformer.from_crs(geographic, crs, always_xy=True)
    view = _lonlat_range(to_geo, bounds)
    x0, y0, x1, y1 = bounds
    pad_x, pad_y = (x1 - x0) * 0.75, (y1 - y0) * 0.75
    wide = _lonlat_range(to_geo, (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y))
    if view is None or wide is None:
        return 0.0
    step = graticule_step_deg(max(view[2] - view[0], view[3] - view[1]))
    lon_min, lat_min, lon_max, lat_max = wide
    lat_min, lat_max = max(lat_min, -89.9), min(lat_max, 89.9)
    meridians: list[tuple[str, NDArray[np.float64]]] = []
    parallels: list[tuple[str, NDArray[np.float64]]] = []
    lats = np.linspace(lat_min, lat_max, 200)
    lons = np.linspace(lon_min, lon_max, 200)
    for lon in _multiples(lon_min, lon_max, step):
        xs, ys = to_map.transform(np.full_like(lats, lon), lats)
        meridians.append((format_lon(lon), np.column_stack([xs, ys])))
    for lat in _multiples(lat_min, lat_max, step):
        xs, ys = to_map.transform(lons, np.full_like(lons, lat))
        parallels.append((format_lat(lat), np.column_stack([xs, ys])))
    segments = [xy[np.all(np.isfinite(xy), axis=1)] for _, xy in meridians + parallels]
    lines = LineCollection(
        segments,
        colors=palette.GRATICULE.hex,
        linewidths=0.45,
        alpha=0.6,
        zorder=4.5,
        linestyles="-",
    )
    lines.set_gid("graticule")
    ax.add_collection(lines, autolim=False)
    if labels:
        for axis, found, which in ((ax.xaxis, meridians, "x"), (ax.yaxis, parallels, "y")):
            locator = _EdgeLocator(found, axis=which)
            axis.set_major_locator(locator)
            axis.set_major_formatter(FuncFormatter(locator.label_for))
            axis.set_minor_locator(_NoTicks())
        ax.tick_params(length=3, width=0.6, color=palette.GRATICULE.hex, labelsize=8, pad=2)
    return step


class _NoTicks(Locator):
    def __call__(self) -> Sequence[float]:
        return []

    def tick_values(self, vmin: float, vmax: float) -> Sequence[float]:
        return []


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    start, stop = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 6) for k in range(start, stop + 1)]


def _lonlat_range(to_geo: Transformer, bounds: View) -> View | None:
    x0, y0, x1, y1 = bounds
    t = np.linspace(0.0, 1.0, 50)
    along_x, along_y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    xs = np.concatenate([along_x, np.full_like(t, x1), along_x, np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), along_y, np.full_like(t, y1), along_y])
    lon, lat = to_geo.transform(xs, ys)
    lon, lat = np.asarray(lon), np.asarray(lat)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    lon, lat = lon[ok], lat[ok]
    if lon.max() - lon.min() > 180.0:  # crosses the antimeridian: work in 0–360
        lon = np.mod(lon, 360.0)
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())
