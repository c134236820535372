"""Rasters in QGIS: what a raster is, and the style it opens with.

The corridor commands' rasters say what they hold in their band's ``units`` tag, so each gets
its own look (colours from :mod:`leopardrange.palette`, the ramps the corridor maps draw with):

``resistance``
    cost units per metre: the grey ramp, light (easy) to dark (costly), minimum to maximum.
``cost_distance``
    cost units (resistance x metres): ColorBrewer YlGnBu, near (light) to far (dark).
``corridor``
    percent above the least-cost distance: ColorBrewer YlGn reversed, 0 % (dark green, the
    least-cost route) to the corridor's cut-off.
``landcover``
    a class raster with a legend (:mod:`leopardrange.corridors.legend`): one colour per class,
    named, from the legend (else from the raster's ``class_names`` tag and
    :data:`leopardrange.palette.FALLBACK`).
``raster``
    anything else: the grey ramp over its values.

Styles are plain data (:class:`RasterStyle`); :func:`raster_qml` writes one as a QML document
(QGIS loads ``<raster>.qml`` beside a raster as its default style) and
:func:`pipe_element` as the ``<pipe>`` of a project's ``<maplayer>``.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from leopardrange import palette
from leopardrange.errors import DataSourceError
from leopardrange.palette import RGBA, Colour

__all__ = [
    "RASTER_SUFFIXES",
    "RasterKind",
    "RasterStyle",
    "is_raster",
    "pipe_element",
    "raster_kind",
    "raster_qml",
    "raster_style",
]

RasterKind = Literal["resistance", "cost_distance", "corridor", "landcover", "raster"]
#: File endings read as rasters by ``export --add``.
RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".jp2", ".asc", ".nc")
_UNITS = {
    "cost units per metre": "resistance",
    "cost units (resistance": "cost_distance",
    "percent above the least-cost": "corridor",
}
_TITLES = {
    "resistance": "Resistance",
    "cost_distance": "Cost distance",
    "corridor": "Corridor (% above the least cost)",
    "landcover": "Land cover",
    "raster": "Raster",
}
#: Pixels read to find a ramp's range (a decimated read: large rasters stay cheap).
_SAMPLE_SIDE = 1024
_MAX_CLASSES = 256


@dataclass(frozen=True)
class RasterStyle:
    """How a single-band raster looks in QGIS.

    Attributes
    ----------
    kind : RasterKind
    renderer : {"singlebandpseudocolor", "paletted"}
        A colour ramp over values, or one colour per class.
    stops : tuple of (float, RGBA, str)
        Ramp stops (value, colour, label) ascending, or the classes (value, colour, name).
    title : str
        The layer's name in QGIS.
    opacity : float
        0–1.

    Examples
    --------
    A resistance raster from 1 to 20 opens as a ramp of seven stops over that range:

    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> from leopardrange.corridors import write_resistance
    >>> tif = write_resistance(np.array([[1.0, 5.0, 20.0]]), Path(tempfile.mkdtemp()) / "R.tif",
    ...     crs="EPSG:32645", transform=from_origin(500_000, 3_000_100, 100, 100))
    >>> style = raster_style(tif)
    >>> style.kind, style.renderer, style.title, len(style.colours)
    ('resistance', 'singlebandpseudocolor', 'Resistance', 7)
    >>> [label for _, _, label in style.stops][::3]
    ['1', '10.5', '20']
    """

    kind: RasterKind
    renderer: str
    stops: tuple[tuple[float, RGBA, str], ...]
    title: str
    opacity: float = 1.0

    @property
    def colours(self) -> list[RGBA]:
        """The colours of the stops or classes, in order."""
        return [c for _, c, _ in self.stops]


def is_raster(path: str | os.PathLike[str]) -> bool:
    """Tell whether ``path`` names a raster file (by its ending, else by opening it).

    Examples
    --------
    >>> is_raster("landcover.tif"), is_raster("parks.gpkg:wdpa")
    (True, False)
    """
    text = str(path)
    if Path(text).suffix.lower() in RASTER_SUFFIXES:
        return True
    if ":" in Path(text).name or not Path(text).is_file():
        return False
    import rasterio
    from rasterio.errors import RasterioIOError

    try:
        with rasterio.open(text) as src:
            return bool(src.count >= 1 and src.width > 0)
    except (RasterioIOError, ValueError):
        return False


def raster_kind(tags: dict[str, str], dtype: str) -> RasterKind:
    """What a raster holds, from its band's ``units`` tag and its data type.

    Examples
    --------
    >>> raster_kind({"units": "cost units (resistance x metres)"}, "float32")
    'cost_distance'
    >>> raster_kind({}, "uint8"), raster_kind({}, "float32")
    ('landcover', 'raster')
    """
    units = tags.get("units", "")
    for prefix, kind in _UNITS.items():
        if units.startswith(prefix):
            return kind  # type: ignore[return-value]
    if np.issubdtype(np.dtype(dtype), np.integer):
        return "landcover"
    return "raster"


def _sample(src: Any) -> np.ndarray:
    """Valid values of band 1, read at most ~1024 x 1024 (decimated)."""
    scale = max(1.0, max(src.height, src.width) / _SAMPLE_SIDE)
    shape = (max(1, int(src.height / scale)), max(1, int(src.width / scale)))
    data = src.read(1, out_shape=shape, masked=True).astype(np.float64)
    values = np.asarray(np.ma.compressed(data), dtype=np.float64)
    return np.asarray(values[np.isfinite(values)])


def _ramp_stops(
    ramp: tuple[Colour, ...], lo: float, hi: float, *, unit: str
) -> tuple[tuple[float, RGBA, str], ...]:
    if not hi > lo:
        hi = lo + 1.0
    values = np.linspace(lo, hi, len(ramp))
    return tuple((float(v), c.rgba(), f"{v:,.4g}{unit}") for v, c in zip(values, ramp, strict=True))


def _classes(
    values: np.ndarray, legend: Any, tags: dict[str, str]
) -> tuple[tuple[float, RGBA, str], ...]:
    present = sorted({int(v) for v in np.unique(values)})
    names = json.loads(tags["class_names"]) if "class_names" in tags else {}
    stops = []
    for i, value in enumerate(present[:_MAX_CLASSES]):
        colour = palette.FALLBACK[i % len(palette.FALLBACK)]
        name = names.get(str(value), f"class {value}")
        if legend is not None and value in legend.values:
            cls = legend.classes[legend.values.index(value)]
            colour = cls.colour or colour
            name = cls.name + (" (habitat)" if cls.habitat else "")
        stops.append((float(value), colour.rgba(), f"{value}: {name}"))
    return tuple(stops)


def raster_style(
    path: str | os.PathLike[str], *, legend: Any = None, title: str | None = None
) -> RasterStyle:
    """The style a raster opens with in QGIS.

    Parameters
    ----------
    path : path
        A single-band raster (the first band is styled).
    legend : Legend, str or path, optional
        For a class raster: its legend (``"igbp"``, ``"worldcover"``, ``"corine"``, a file or a
        :class:`~leopardrange.corridors.legend.Legend`): classes take its names and colours.
        Rasters the corridor commands wrote (resistance, cost distance, corridor) keep their
        own ramps.
    title : str, optional
        The layer's name; default from what the raster is.

    Returns
    -------
    RasterStyle

    Raises
    ------
    DataSourceError
        Missing or unreadable file.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> style = raster_style(datasets.path("landcover"), legend="igbp")
    >>> style.kind, style.renderer, style.stops[1][2]
    ('landcover', 'paletted', '1: Evergreen needleleaf forests (habitat)')
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    p = Path(path)
    try:
        with rasterio.open(p) as src:
            tags = dict(src.tags(1))
            dtype = src.dtypes[0]
            values = _sample(src)
    except RasterioIOError as exc:
        raise DataSourceError(f"cannot read raster '{p}': {exc}") from exc
    kind = raster_kind(tags, dtype)
    if legend is not None and kind == "raster":  # a class raster stored as floats
        kind = "landcover"
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    name = title or _TITLES[kind]
    if kind == "landcover":
        from leopardrange.corridors.legend import Legend, read_legend

        chosen = legend if isinstance(legend, Legend) or legend is None else read_legend(legend)
        return RasterStyle(kind, "paletted", _classes(values, chosen, tags), name)
    ramp, unit, opacity = {
        "resistance": (palette.RESISTANCE_RAMP, "", 1.0),
        "cost_distance": (palette.COST_DISTANCE_RAMP, "", 0.85),
        "corridor": (palette.CORRIDOR_RAMP, " %", 0.85),
        "raster": (palette.RESISTANCE_RAMP, "", 1.0),
    }[kind]
    if kind == "corridor":
        lo = 0.0
    return RasterStyle(kind, "singlebandpseudocolor", _ramp_stops(ramp, lo, hi, unit=unit), name,
                       opacity)  # fmt: skip


# ------------------------------------------------------------------------------ QML


def _hex(colour: RGBA) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour[:3])


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _min_max_origin(parent: ET.Element) -> None:
    origin = _el(parent, "minMaxOrigin")
    for tag, text in (
        ("limits", "None"),
        ("extent", "WholeRaster"),
        ("statAccuracy", "Estimated"),
        ("cumulativeCutLower", "0.02"),
        ("cumulativeCutUpper", "0.98"),
        ("stdDevFactor", "2"),
    ):
        _el(origin, tag, text)


def pipe_element(style: RasterStyle) -> ET.Element:
    """The ``<pipe>`` (renderer and resampling) of a raster style, as QGIS 3.22 writes it.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> pipe = pipe_element(raster_style(datasets.path("landcover"), legend="igbp"))
    >>> pipe.find("rasterrenderer").get("type"), len(pipe.find(".//colorPalette"))
    ('paletted', 17)
    """
    pipe = ET.Element("pipe")
    provider = _el(pipe, "provider")
    _el(
        provider, "resampling", enabled="false", maxOversampling="2",
        zoomedInResamplingMethod="nearestNeighbour", zoomedOutResamplingMethod="nearestNeighbour",
    )  # fmt: skip
    renderer = _el(
        pipe, "rasterrenderer", type=style.renderer, band="1", opacity=f"{style.opacity:g}",
        alphaBand="-1", nodataColor="",
    )  # fmt: skip
    _el(renderer, "rasterTransparency")
    _min_max_origin(renderer)
    if style.renderer == "paletted":
        entries = _el(renderer, "colorPalette")
        for value, colour, label in style.stops:
            _el(entries, "paletteEntry", value=f"{value:g}", color=_hex(colour),
                alpha=str(colour[3]), label=label)  # fmt: skip
    else:
        lo, hi = style.stops[0][0], style.stops[-1][0]
        renderer.set("classificationMin", repr(lo))
        renderer.set("classificationMax", repr(hi))
        shader = _el(_el(renderer, "rastershader"), "colorrampshader",
                     colorRampType="INTERPOLATED", classificationMode="1", clip="0",
                     minimumValue=repr(lo), maximumValue=repr(hi), labelPrecision="4")  # fmt: skip
        for value, colour, label in style.stops:
            _el(shader, "item", value=repr(value), color=_hex(colour), alpha=str(colour[3]),
                label=label)  # fmt: skip
    _el(pipe, "brightnesscontrast", brightness="0", contrast="0", gamma="1")
    hue = {"saturation": "0", "grayscaleMode": "0", "colorizeOn": "0", "colorizeStrength": "100"}
    _el(pipe, "huesaturation", colorizeRed="255", colorizeGreen="128", colorizeBlue="128", **hue)
    _el(pipe, "rasterresampler", maxOversampling="2")
    _el(pipe, "resamplingStage", "resamplingFilter")
    return pipe


def raster_qml(style: RasterStyle) -> str:
    """A QGIS QML style document for a raster (QGIS loads ``<raster>.qml`` by default).

    Examples
    --------
    >>> style = RasterStyle("corridor", "singlebandpseudocolor",
    ...                     ((0.0, (0, 69, 41, 255), "0 %"), (10.0, (247, 252, 185, 255), "10 %")),
    ...                     "Corridor")
    >>> text = raster_qml(style)
    >>> 'type="singlebandpseudocolor"' in text and 'value="10.0"' in text
    True
    """
    from leopardrange.export.qgis import QGIS_FORMAT_VERSION, document

    root = ET.Element(
        "qgis",
        {
            "version": QGIS_FORMAT_VERSION,
            "styleCategories": "AllStyleCategories",
            "hasScaleBasedVisibilityFlag": "0",
            "minScale": "1e+08",
            "maxScale": "0",
        },
    )
    root.append(pipe_element(style))
    _el(root, "blendMode", "0")
    return document(root)
