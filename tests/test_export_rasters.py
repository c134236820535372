"""Tests of leopardrange.export.rasters: what a raster is, the style it opens with in QGIS."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from leopardrange import palette
from leopardrange.corridors.legend import read_legend
from leopardrange.errors import DataSourceError
from leopardrange.export.rasters import is_raster, raster_kind, raster_qml, raster_style


def write(
    path: Path, data: np.ndarray, *, units: str | None = None, tags: dict | None = None
) -> Path:
    profile = {"driver": "GTiff", "height": data.shape[0], "width": data.shape[1], "count": 1,
               "dtype": str(data.dtype), "crs": "EPSG:32645",
               "transform": from_origin(500_000, 3_000_000, 100, 100)}  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        if units:
            dst.update_tags(1, units=units)
        if tags:
            dst.update_tags(1, **tags)
    return path


@pytest.mark.parametrize(
    ("units", "kind", "ramp"),
    [
        ("cost units per metre (relative resistance)", "resistance", palette.RESISTANCE_RAMP),
        ("cost units (resistance x metres)", "cost_distance", palette.COST_DISTANCE_RAMP),
        ("percent above the least-cost distance", "corridor", palette.CORRIDOR_RAMP),
    ],
)
def test_corridor_rasters_take_their_palette_ramp(
    tmp_path: Path, units: str, kind: str, ramp: tuple[palette.Colour, ...]
) -> None:
    data = np.linspace(2.0, 8.0, 20, dtype=np.float32).reshape(4, 5)
    style = raster_style(write(tmp_path / "r.tif", data, units=units))
    assert style.kind == kind and style.renderer == "singlebandpseudocolor"
    assert style.colours == [c.rgba() for c in ramp]
    values = [v for v, _, _ in style.stops]
    assert values[0] == (0.0 if kind == "corridor" else 2.0) and values[-1] == 8.0
    root = ET.fromstring(raster_qml(style).split("\n", 1)[1])
    items = root.findall(".//colorrampshader/item")
    assert [i.get("color") for i in items] == [c.hex for c in ramp]


def test_land_cover_from_its_legend_tags_or_fallback(tmp_path: Path) -> None:
    data = np.array([[10, 20], [95, 10]], dtype=np.uint8)
    path = write(tmp_path / "wc.tif", data)
    style = raster_style(path, legend="worldcover")
    worldcover = read_legend("worldcover")
    assert style.renderer == "paletted"
    assert [label for _, _, label in style.stops] == [
        "10: Tree cover (habitat)",
        "20: Shrubland",
        "95: Mangroves (habitat)",
    ]
    assert style.colours[0] == worldcover.classes[0].colour.rgba()  # type: ignore[union-attr]
    tagged = write(tmp_path / "t.tif", data, tags={"class_names": '{"10": "Trees"}'})
    plain = raster_style(tagged)
    assert plain.kind == "landcover" and plain.stops[0][2] == "10: Trees"
    assert plain.colours[0] == palette.FALLBACK[0].rgba()
    resistance = write(
        tmp_path / "r.tif", np.ones((2, 2), np.float32), units="cost units per metre"
    )
    assert raster_style(resistance, legend="igbp").kind == "resistance"  # keeps its ramp


def test_raster_kind_and_is_raster(tmp_path: Path) -> None:
    assert raster_kind({}, "int16") == "landcover"
    assert raster_kind({"units": "metres"}, "float64") == "raster"
    assert is_raster(write(tmp_path / "x.dat", np.ones((2, 2), np.uint8)))  # by opening it
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert not is_raster(tmp_path / "notes.txt")
    with pytest.raises(DataSourceError, match="cannot read raster"):
        raster_style(tmp_path / "missing.tif")
