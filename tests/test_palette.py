"""One palette: the PNG maps and the QGIS styles draw the same things in the same colours."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import Patch

from leopardrange import palette
from leopardrange.export import styles
from leopardrange.export.qgis import qml
from leopardrange.palette import Colour
from leopardrange.report import maps

LAEA = "+proj=laea +lat_0=43 +lon_0=131 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
SRC = Path(__file__).resolve().parents[1] / "src" / "leopardrange"


def nested_epochs(n: int) -> gpd.GeoDataFrame:
    """``n`` nested square epochs, largest (oldest) first, in a projected CRS."""
    sides = np.linspace(400_000, 40_000, n)
    return gpd.GeoDataFrame(
        {
            "epoch": [str(1900 + 15 * i) for i in range(n)],
            "year": [1900 + 15 * i for i in range(n)],
        },
        geometry=[shapely.box(-s / 2, -s / 2, s / 2, s / 2) for s in sides],
        crs=LAEA,
    )


def png_epoch_colours(n: int) -> tuple[list[str], list[str]]:
    """Fill and outline colours of the epochs as the overview map's legend draws them."""
    fig = maps.overview_map(epochs=nested_epochs(n), park=nested_epochs(1).iloc[:0])
    handles = [h for h in fig.legends[0].legend_handles if isinstance(h, Patch)][:n]
    return (
        [to_hex(h.get_facecolor(), keep_alpha=False) for h in handles],
        [to_hex(h.get_edgecolor(), keep_alpha=False) for h in handles],
    )


def qgis_epoch_colours(n: int) -> tuple[list[str], list[str]]:
    """Fill and outline colours of the epochs in the QML style QGIS reads."""
    epochs = [str(1900 + 15 * i) for i in range(n)]
    style = styles.study_style(
        "range", "polygon", fields=["epoch"], epoch_field="epoch", epochs=epochs
    )
    root = ET.fromstring(qml(style).split("\n", 1)[1])
    fills, lines = [], []
    for symbol in root.iter("symbol"):
        props = {p.get("k"): p.get("v") for p in symbol.iter("prop")}
        fills.append(props["color"])
        lines.append(props["outline_color"])

    def hexes(values: list[str | None]) -> list[str]:
        return ["#{:02x}{:02x}{:02x}".format(*map(int, str(v).split(",")[:3])) for v in values]

    return hexes(fills), hexes(lines)


@pytest.mark.parametrize("n", range(1, 9))
def test_png_and_qgis_draw_the_epochs_in_the_same_colours(n: int) -> None:
    png_fills, png_lines = png_epoch_colours(n)
    qgis_fills, qgis_lines = qgis_epoch_colours(n)
    assert png_fills == qgis_fills == [c.hex for c in palette.epoch_colours(n)]
    assert png_lines == qgis_lines == [palette.outline_of(c).hex for c in palette.epoch_colours(n)]
    assert len(set(png_fills)) == n


def test_the_2021_colour_no_longer_drifts() -> None:
    """Five epochs (c. 1900 … 2021): the current one is #b03f03 in the PNG and in QGIS."""
    assert png_epoch_colours(5)[0][-1] == qgis_epoch_colours(5)[0][-1] == "#b03f03"


@pytest.mark.parametrize("n", range(1, 41))
def test_the_ramp_is_matplotlibs_ylorbr_as_the_maps_drew_it(n: int) -> None:
    """The maps used to sample matplotlib's YlOrBr at 0.22…0.82 (0.72 for one epoch)."""
    stops = [0.72] if n == 1 else list(np.linspace(0.22, 0.82, n))
    expected = [to_hex(colormaps["YlOrBr"](float(v))) for v in stops]
    assert [c.hex for c in palette.epoch_colours(n)] == expected


def test_every_step_of_the_ramp_matches_matplotlib() -> None:
    cmap = colormaps["YlOrBr"]
    for step in range(256):
        (colour,) = [c.hex for c in [palette._on_ramp((step + 0.5) / 256, palette._ramp_table())]]
        assert colour == to_hex(cmap(step)), step


def test_ramp_anchors_are_colorbrewer_ylorbr() -> None:
    nine = colormaps["YlOrBr"].resampled(9)  # the 9 ColorBrewer classes matplotlib ships
    assert [c.hex for c in palette.EPOCH_RAMP] == [to_hex(nine(k)) for k in range(9)]


def test_study_layers_share_colours_across_renderers() -> None:
    def rgb(rgba: tuple[int, int, int, int]) -> str:
        return Colour(*rgba[:3]).hex

    kinds = {"fields": ["name"]}
    park = styles.study_style("park", "polygon", **kinds).symbol
    breeding = styles.study_style("breeding", "polygon", **kinds).symbol
    competitor = styles.study_style("competitor", "polygon", **kinds).symbol
    borders = styles.study_style("borders", "polygon", **kinds)
    assert park is not None and breeding is not None and competitor is not None
    assert rgb(park.outline) == maps.PARK == palette.PARK.hex
    assert rgb(breeding.colour) == maps.BREEDING == palette.BREEDING.hex
    assert breeding.colour[3] == round(0.42 * 255)  # the maps fill breeding areas at alpha .42
    assert rgb(competitor.colour) == maps.COMPETITOR == palette.COMPETITOR.hex
    assert competitor.fill == "hatch"
    assert borders.symbol is not None and rgb(borders.symbol.outline) == palette.BORDER.hex
    assert borders.label is not None and rgb(borders.label.colour) == palette.COUNTRY_LABEL.hex


def test_colour_values_and_errors() -> None:
    c = Colour.from_hex("#0072B2")
    assert (c.hex, c.rgba(), c.rgba(0)) == ("#0072b2", (0, 114, 178, 255), (0, 114, 178, 0))
    r, g, b = to_rgb(c.hex)
    assert c.darker(0.35).hex == to_hex((r * 0.65, g * 0.65, b * 0.65))
    assert Colour(10, 20, 30).darker(1.0).hex == "#000000"
    with pytest.raises(ValueError, match="not a colour of the form #rrggbb"):
        Colour.from_hex("#12345")
    with pytest.raises(ValueError, match="not a colour of the form #rrggbb"):
        Colour.from_hex("#12345g")
    with pytest.raises(ValueError, match="integer 0–255, not 256"):
        Colour(256, 0, 0)
    with pytest.raises(ValueError, match="alpha must be 0–255, not 300"):
        c.rgba(300)
    assert palette.epoch_colours(0) == [] and palette.epoch_colours(-3) == []


def test_palette_imports_no_matplotlib() -> None:
    code = "import sys, leopardrange.palette; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


#: Files that may write colours out: the palette itself and the HTML report's stylesheet.
_COLOUR_HOMES = {"palette.py", "report/render.py"}
_COLOUR_LITERAL = re.compile(
    r"['\"]#[0-9a-fA-F]{6}['\"]|['\"]tab:\w+['\"]|['\"](white|black)['\"]"
    r"|\(\s*\d{1,3},\s*\d{1,3},\s*\d{1,3},\s*\d{1,3}\s*\)"
)


def test_no_colour_is_defined_outside_the_palette() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in _COLOUR_HOMES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith((">>>", "...")):  # doctests: boxes, not colours
                continue
            if _COLOUR_LITERAL.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "colours outside leopardrange.palette:\n" + "\n".join(found)
