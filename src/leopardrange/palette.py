"""Every colour the toolkit draws with, defined once: hex for matplotlib, RGBA for QGIS.

The report's PNG maps (matplotlib) and the QGIS styles of an export draw the same things in
the same colours, because both take them from here:

- **Epochs** of a range: the sequential, colour-blind-safe ColorBrewer YlOrBr ramp, pale
  (oldest) to strong (newest), sampled for ``n`` epochs by :func:`epoch_colours`; outlines are
  :func:`outline_of` the fill.
- **Study layers**: the park as a bold Okabe–Ito bluish-green outline, breeding areas in
  Okabe–Ito blue (opposite the yellow–brown epochs), the competitor's range as dark-grey
  hatching, so layers differ in form as well as hue; borders in mid grey on a pale land.
- **Analysis layers** of an export: range lost (red), retained (green), park ∩ current range
  (dark green), current range outside the park (orange), range ∩ competitor (red hatching),
  AOO cells (a thin grey grid).
- **Fallback** colours (ColorBrewer Set2) for layers without a style of their own.
- **Chrome**: ink, axes, notes, graticule and grid lines of maps and charts; the corridor
  maps' source, target, path and water.
- **Rasters** of the corridor commands, on the maps and in QGIS alike: resistance on a grey
  ramp (ColorBrewer Greys, light = easy), cost distance on ColorBrewer YlGnBu (light = near),
  the corridor on ColorBrewer YlGn reversed (dark green = the least-cost route); land-cover
  classes take their colours from their legend, else :data:`FALLBACK`.

Colours are :class:`Colour` values: ``.hex`` for matplotlib, ``.rgba(alpha)`` (0–255) for
QGIS. This module imports nothing but the standard library and numpy.

Examples
--------
>>> PARK.hex, PARK.rgba()
('#00785a', (0, 120, 90, 255))
>>> [c.hex for c in epoch_colours(3)]
['#fee89b', '#fb9225', '#b03f03']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "AOO_CELLS",
    "AXIS",
    "BORDER",
    "BREEDING",
    "COMPETITOR",
    "COMPETITOR_OVERLAP",
    "CORE",
    "CORRIDOR_CMAP",
    "CORRIDOR_RAMP",
    "COST_DISTANCE_RAMP",
    "COUNTRY_LABEL",
    "CURRENT_CMAP",
    "DROPPED_LINK",
    "EARLIER_RANGE",
    "EPOCH_RAMP",
    "FALLBACK",
    "GRATICULE",
    "GRID",
    "INK",
    "LAND",
    "LEAST_COST_PATH",
    "NOTE",
    "OUTLINE_DARKER",
    "PARK",
    "PARK_IN_RANGE",
    "PARK_IN_RANGE_LINE",
    "PUBLISHED",
    "RANGE_LOST",
    "RANGE_LOST_LINE",
    "RANGE_OUTSIDE_PARK",
    "RANGE_OUTSIDE_PARK_LINE",
    "RANGE_RETAINED",
    "RANGE_RETAINED_LINE",
    "RESISTANCE_CMAP",
    "RESISTANCE_RAMP",
    "RGBA",
    "SETTLEMENT",
    "SOURCE",
    "TARGET",
    "TEXT",
    "WATER",
    "WHITE",
    "Colour",
    "epoch_colours",
    "outline_of",
]

#: A colour as red, green, blue, alpha, each 0–255 (QGIS's form).
RGBA = tuple[int, int, int, int]


@dataclass(frozen=True)
class Colour:
    """An opaque sRGB colour; 0–255 per channel.

    Examples
    --------
    >>> c = Colour.from_hex("#0072B2")
    >>> c.hex, c.rgba(107), c.darker(0.5).hex
    ('#0072b2', (0, 114, 178, 107), '#003959')
    """

    red: int
    green: int
    blue: int

    def __post_init__(self) -> None:
        for value in (self.red, self.green, self.blue):
            if not (isinstance(value, int) and 0 <= value <= 255):
                raise ValueError(f"a colour channel must be an integer 0–255, not {value!r}")

    @classmethod
    def from_hex(cls, text: str) -> Colour:
        """Parse ``#rrggbb``."""
        digits = text.removeprefix("#")
        if len(digits) != 6:
            raise ValueError(f"{text!r} is not a colour of the form #rrggbb")
        try:
            channels = [int(digits[i : i + 2], 16) for i in (0, 2, 4)]
        except ValueError:
            raise ValueError(f"{text!r} is not a colour of the form #rrggbb") from None
        return cls(*channels)

    @property
    def hex(self) -> str:
        """``#rrggbb``, for matplotlib and HTML."""
        return f"#{self.red:02x}{self.green:02x}{self.blue:02x}"

    def rgba(self, alpha: int = 255) -> RGBA:
        """``(red, green, blue, alpha)``, each 0–255, for QGIS."""
        if not 0 <= alpha <= 255:
            raise ValueError(f"alpha must be 0–255, not {alpha!r}")
        return (self.red, self.green, self.blue, int(alpha))

    def darker(self, amount: float) -> Colour:
        """The colour with each channel scaled by ``1 - amount`` (0 = same, 1 = black)."""
        scale = 1.0 - amount
        # the same arithmetic as scaling matplotlib's 0–1 channels, so maps keep their pixels
        return Colour(*(round(v / 255 * scale * 255) for v in (self.red, self.green, self.blue)))


def _hex(*values: str) -> tuple[Colour, ...]:
    return tuple(Colour.from_hex(v) for v in values)


# ---------------------------------------------------------------------------- epochs
#: ColorBrewer YlOrBr, 9 classes (Cynthia Brewer, colorbrewer2.org), light to dark.
EPOCH_RAMP: tuple[Colour, ...] = _hex(
    "#ffffe5",
    "#fff7bc",
    "#fee391",
    "#fec44f",
    "#fe9929",
    "#ec7014",
    "#cc4c02",
    "#993404",
    "#662506",
)
#: Where on the ramp (0–1) the oldest and the newest of several epochs, and a single epoch, sit:
#: the palest and darkest ends are left out so every fill shows on white and under labels.
_RAMP_FIRST, _RAMP_LAST, _RAMP_SINGLE = 0.22, 0.82, 0.72
#: Steps of the ramp: colours are taken from a 256-entry table, as matplotlib's colormaps are.
_RAMP_STEPS = 256
#: How much darker an outline is than its fill (epochs, fallback polygons).
OUTLINE_DARKER = 0.35


def _ramp_table() -> np.ndarray:
    """The ramp as a ``(256, 3)`` table of 0–1 channels, linear between the anchors."""
    anchors = np.array([(c.red, c.green, c.blue) for c in EPOCH_RAMP], dtype=float) / 255
    stops = np.linspace(0.0, 1.0, len(anchors)) * (_RAMP_STEPS - 1)
    steps = np.arange(_RAMP_STEPS, dtype=float)
    upper = np.searchsorted(stops, steps[1:-1])
    share = (steps[1:-1] - stops[upper - 1]) / (stops[upper] - stops[upper - 1])
    inner = share[:, None] * (anchors[upper] - anchors[upper - 1]) + anchors[upper - 1]
    return np.clip(np.vstack([anchors[:1], inner, anchors[-1:]]), 0.0, 1.0)


def _on_ramp(position: float, table: np.ndarray) -> Colour:
    index = min(int(position * _RAMP_STEPS), _RAMP_STEPS - 1)
    red, green, blue = (round(float(v) * 255) for v in table[index])
    return Colour(red, green, blue)


def epoch_colours(n: int) -> list[Colour]:
    """``n`` fill colours for epochs, oldest (pale) to newest (strong), all distinct.

    The ramp is sampled evenly from 0.22 to 0.82 of its length (0.72 for a single epoch).

    Examples
    --------
    >>> [c.hex for c in epoch_colours(1)]
    ['#d35406']
    >>> [c.hex for c in epoch_colours(2)]
    ['#fee89b', '#b03f03']
    >>> epoch_colours(0)
    []
    """
    if n <= 0:
        return []
    table = _ramp_table()
    positions = [_RAMP_SINGLE] if n == 1 else np.linspace(_RAMP_FIRST, _RAMP_LAST, n).tolist()
    return [_on_ramp(float(p), table) for p in positions]


def outline_of(fill: Colour) -> Colour:
    """The outline drawn around a fill: the same hue, :data:`OUTLINE_DARKER` darker.

    Examples
    --------
    >>> outline_of(Colour.from_hex("#fe9929")).hex
    '#a5631b'
    """
    return fill.darker(OUTLINE_DARKER)


# ---------------------------------------------------------------------------- study layers
PARK = Colour.from_hex("#00785a")  # Okabe–Ito bluish green, darkened for a bold outline
BREEDING = Colour.from_hex("#0072b2")  # Okabe–Ito blue: opposite the yellow–brown epochs
COMPETITOR = Colour.from_hex("#3d3d3d")  # dark-grey hatching: an overlay, neutral on any fill
PUBLISHED = Colour.from_hex("#222222")  # published figures beside measured ones
BORDER = Colour.from_hex("#8c8c8c")
COUNTRY_LABEL = Colour.from_hex("#6e6e6e")
LAND = Colour.from_hex("#f1efea")
EARLIER_RANGE = Colour.from_hex("#8a8a8a")  # dashed outlines of earlier epochs
SETTLEMENT = Colour.from_hex("#323232")

# ---------------------------------------------------------------------------- analysis layers
RANGE_LOST, RANGE_LOST_LINE = _hex("#d7191c", "#a50f15")
RANGE_RETAINED, RANGE_RETAINED_LINE = _hex("#1a9641", "#006837")
PARK_IN_RANGE, PARK_IN_RANGE_LINE = _hex("#006d2c", "#00441b")
RANGE_OUTSIDE_PARK, RANGE_OUTSIDE_PARK_LINE = _hex("#fdae61", "#d95f0e")
COMPETITOR_OVERLAP = Colour.from_hex("#d73027")
AOO_CELLS = Colour.from_hex("#5a5a5a")

#: ColorBrewer Set2: layers without a style of their own, picked by name.
FALLBACK: tuple[Colour, ...] = _hex(
    "#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#e5c494", "#b3b3b3"
)

# ---------------------------------------------------------------------------- chrome
INK = Colour.from_hex("#1a1a1a")  # text, scale bar, north arrow, default outlines
WHITE = Colour.from_hex("#ffffff")
TEXT = Colour.from_hex("#333333")  # axis labels, reference lines
AXIS = Colour.from_hex("#4d4d4d")  # frames and ticks
NOTE = Colour.from_hex("#5f5f5f")  # projection note, secondary labels
GRATICULE = Colour.from_hex("#7a7a7a")
GRID = Colour.from_hex("#e3e3e3")  # chart grid lines

# ---------------------------------------------------------------------------- corridor maps
SOURCE = Colour.from_hex("#1f77b4")
TARGET = Colour.from_hex("#9467bd")
CORE = SOURCE
LEAST_COST_PATH = Colour.from_hex("#d62728")
DROPPED_LINK = Colour.from_hex("#ff7f0e")
WATER = Colour.from_hex("#dbe9f6")  # nodata: sea, outside the data
#: Resistance, low to high: ColorBrewer Greys without its white and black ends.
RESISTANCE_RAMP: tuple[Colour, ...] = _hex(
    "#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696", "#737373", "#525252", "#252525"
)
#: Cost distance, near to far: ColorBrewer YlGnBu (9 classes).
COST_DISTANCE_RAMP: tuple[Colour, ...] = _hex(
    "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494",
    "#081d58",
)  # fmt: skip
#: Corridor value, 0 % (the least-cost route) to the cut-off: ColorBrewer YlGn, reversed.
CORRIDOR_RAMP: tuple[Colour, ...] = _hex(
    "#004529", "#006837", "#238443", "#41ab5d", "#78c679", "#addd8e", "#d9f0a3", "#f7fcb9"
)
#: matplotlib colormap names the ramps above were taken from (for reference).
RESISTANCE_CMAP = "Greys"
CORRIDOR_CMAP = "YlGn_r"
CURRENT_CMAP = "inferno"  # current density (circuit theory), log scale
