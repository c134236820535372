"""Tests of leopardrange.corridors.legend: built-in and user land-cover legends."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from leopardrange.corridors.legend import (
    BUILTIN_LEGENDS,
    habitat_selection,
    parse_class_list,
    read_legend,
)
from leopardrange.errors import DataSourceError, LegendError


@pytest.mark.parametrize("name", BUILTIN_LEGENDS)
def test_builtin_legends_are_complete(name: str) -> None:
    legend = read_legend(name)
    assert legend.source == "built-in"
    assert len(set(legend.values)) == len(legend.values)
    assert legend.habitat_classes
    assert all(c.colour is not None for c in legend.classes)  # QGIS and maps draw them


def test_builtin_legends_know_their_products() -> None:
    igbp = read_legend("igbp")
    assert igbp.habitat_classes == (1, 2, 3, 4, 5)
    assert igbp.class_name(13) == "Urban and built-up lands"
    assert set(range(0, 18)) <= set(igbp.values)  # MCD12C1 water 0 and MCD12Q1 water 17
    worldcover = read_legend("worldcover")
    assert worldcover.habitat_classes == (10, 95)
    assert worldcover.values == (10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100)
    corine = read_legend("corine")
    assert corine.habitat_classes == (23, 24, 25, 311, 312, 313)
    assert len(corine.values) == 88  # 44 grid codes and 44 CLC codes
    assert corine.class_name(312) == "Coniferous forest"
    assert corine.class_name(24) == "Coniferous forest (CLC 312)"


def test_embedded_landcover_names_match_the_igbp_legend() -> None:
    import json

    import rasterio

    from leopardrange import datasets

    with rasterio.open(datasets.path("landcover")) as src:
        names = json.loads(src.tags(1)["class_names"])
    igbp = read_legend("igbp")
    for value, name in names.items():
        assert igbp.class_name(int(value)).lower().startswith(name.lower()), value


def test_csv_legend(tmp_path: Path) -> None:
    f = tmp_path / "lc.csv"
    f.write_text(
        "value,name,habitat,colour\n1,Forest,yes,#1b7837\n2,Grassland,no,\n3,Rock,,\n"
        "4,Ice,false,\n5,Urban,0,#ff0000\n",
        encoding="utf-8",
    )
    legend = read_legend(f)
    assert legend.values == (1, 2, 3, 4, 5)
    assert legend.habitat_classes == (1,)
    assert legend.class_name(4) == "Ice"
    assert legend.classes[0].colour is not None and legend.classes[0].colour.hex == "#1b7837"
    assert legend.name == "lc"


def test_toml_legend(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        '[legend]\ntitle = "Mine"\nhabitat = "forest"\nnodata = [0]\n'
        '[[classes]]\nvalue = 1\nname = "Forest"\nhabitat = true\n'
        '[[classes]]\nvalue = 2\nname = "Field"\n',
        encoding="utf-8",
    )
    legend = read_legend(f)
    assert (legend.title, legend.habitat_label, legend.nodata) == ("Mine", "forest", (0,))
    legend.check_values([0, 1, 2], what="x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("value,name\n1,Forest\n1,Again\n", r"class 1 appears twice"),
        ("value,name\n1.5,Forest\n", r"class value '1.5' is not an integer"),
        ("value,name\nforest,Forest\n", r"'forest' is not an integer"),
        ("value,name,habitat\n1,Forest,maybe\n", r"habitat 'maybe' is not true or false"),
        ("value,name,colour\n1,Forest,green\n", r"not a colour of the form #rrggbb"),
        ("class,name\n1,Forest\n", r"needs a header row with a 'value' column"),
        ("value,name\n", r"has no classes"),
    ],
)
def test_bad_csv_legends(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(LegendError, match=message):
        read_legend(f)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[classes]]\nvalue = 1\n[[classes]]\nvalue = 1\n", "class 1 appears twice"),
        ('[[classes]]\nvalue = "a"\n', "'a' is not an integer"),
        ("[[classes]]\nvalue = true\n", "True is not an integer"),
        ("[legend]\nname = 'x'\n", r"needs its classes as \[\[classes\]\] tables"),
        ("[[classes]]\nvalue = [1\n", "is not valid TOML"),
    ],
)
def test_bad_toml_legends(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(LegendError, match=message):
        read_legend(f)


def test_unknown_legend_name_or_missing_file() -> None:
    with pytest.raises(DataSourceError, match=r"'modis' is neither a built-in legend"):
        read_legend("modis")


def test_habitat_classes_must_be_in_the_legend() -> None:
    with pytest.raises(LegendError, match=r"habitat classes 30, 99 are not in the IGBP"):
        read_legend("igbp").with_habitat([1, 30, 99])


def test_unknown_raster_values_are_named() -> None:
    with pytest.raises(LegendError, match=r"'lc.tif' has values the ESA WorldCover legend does"):
        read_legend("worldcover").check_values(np.array([10.0, 1.0, 2.0, np.nan]), what="'lc.tif'")
    with pytest.raises(LegendError, match=r"does not know: 1, 2;"):
        read_legend("worldcover").check_values(np.array([10.0, 1.0, 2.0]), what="x")
    read_legend("worldcover").check_values(np.array([0.0, 10.0, np.nan]), what="x")  # nodata 0


def test_habitat_selection() -> None:
    with pytest.raises(LegendError, match=r"needs its legend: name it"):
        habitat_selection()
    bare = habitat_selection(habitat_classes=[3, 1])
    assert bare.habitat_classes == (1, 3) and not bare.complete
    bare.check_values([1, 2, 3, 77], what="x")  # a bare class list knows no other values
    assert habitat_selection("igbp", "8-9").habitat_classes == (8, 9)


@pytest.mark.parametrize("text", ["1,x", "5-2", "", " , "])
def test_bad_class_lists(text: str) -> None:
    with pytest.raises(LegendError, match=r"class"):
        parse_class_list(text)
