"""Tests of leopardrange.corridors.maps: corridor and network maps share the report's
cartography (scale bar, north arrow, graticule, projection note, a full legend) and name the
areas, never a file path."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from leopardrange.corridors import build_resistance, least_cost_corridor, linkage_network
from leopardrange.io import read_layer
from tests.corridor_scenario import build

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Figure]:
    folder = tmp_path_factory.mktemp("maps")
    s = build(folder)
    resistance = build_resistance(s.recipe).write(folder / "R.tif")
    parks = read_layer(s.layer)
    cor = least_cost_corridor(
        resistance, parks.iloc[[0]], parks.iloc[[2]], landcover=s.landcover, legend=s.legend
    )
    net = linkage_network(resistance, parks)
    credited = linkage_network(resistance, parks)
    credited.credits = ("© OpenStreetMap contributors", "© GeoNames")
    return {"corridor": cor.figure(), "network": net.figure(), "credited": credited.figure()}


def texts(fig: Figure) -> list[str]:
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def gids(fig: Figure) -> set[Any]:
    return {a.get_gid() for a in fig.findobj() if a.get_gid()}


@pytest.mark.parametrize("kind", ["corridor", "network"])
def test_the_report_cartography(figures: dict[str, Figure], kind: str) -> None:
    fig = figures[kind]
    assert {"scale_bar", "north_arrow", "graticule", "legend"} <= gids(fig)
    words = texts(fig)
    assert any(w.startswith("Projection: Transverse Mercator") for w in words)
    assert any(w.endswith("°E") for w in words)  # graticule labels, not km offsets
    assert not any(w in ("x (km)", "y (km)") for w in words)


def test_corridor_legend_names_every_layer_and_the_background(figures: dict[str, Figure]) -> None:
    legend = next(a for a in figures["corridor"].findobj() if a.get_gid() == "legend")
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:3] == ["resistance 1 (easy)", "resistance 60 (costly)", "impassable / no data"]
    assert "Sagarmatha" in labels and "Makalu Barun" in labels
    assert "least-cost path" in labels and any(t.startswith("corridor (≤ 10 %") for t in labels)


@pytest.mark.parametrize("kind", ["corridor", "network"])
def test_titles_show_names_never_paths(figures: dict[str, Figure], kind: str) -> None:
    words = " ".join(texts(figures[kind]))
    assert "Sagarmatha" in words and "Makalu Barun" in words
    assert ".gpkg" not in words and "wdpa" not in words and "maps" not in words


def test_a_map_credits_its_data_when_its_inputs_ask_for_it(figures: dict[str, Figure]) -> None:
    """ODbL data (the embedded park) must be credited on every map that shows it."""
    credit = [t.get_text() for t in figures["credited"].texts if t.get_gid() == "credit"]
    assert credit == ["Data: © OpenStreetMap contributors; © GeoNames"]
    assert "credit" not in gids(figures["network"])  # inputs without credits: no line
