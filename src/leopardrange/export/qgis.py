"""QGIS files written without QGIS: QML styles and ``.qgz`` projects.

Formats (checked against QGIS 3.22, the version in Debian 12; later versions read them too):

- **QML** — ``<qgis>`` document holding ``<renderer-v2>`` (``singleSymbol`` or
  ``categorizedSymbol``), ``<labeling type="simple">`` and the layer opacity. Symbol layer
  properties are written twice, as an ``<Option type="Map">`` and as legacy ``<prop k v>``
  elements, as QGIS 3.22 itself does.
- **.qgs** — the project XML: ``<projectCrs>``, a ``<layer-tree-group>`` of groups,
  ``<projectlayers>`` with one ``<maplayer>`` per layer (relative ``<datasource>`` such as
  ``./leopardrange.gpkg|layername=park``, its CRS, its style), ``<Paths><Absolute>false``,
  and the initial view as ``<mapcanvas>`` plus ``<ProjectViewSettings><DefaultViewExtent>``.
- **.qgz** — a zip archive holding the ``.qgs``.

A CRS is written as ``<spatialrefsys>`` with its WKT (always) and its ``authid`` when it has an
EPSG code; QGIS rebuilds it from the WKT, so custom projections (the study's LAEA) survive, and
the WKT carries a name (:func:`leopardrange.crs.named_crs`, e.g. "LAEA 43°N 131°E"), so QGIS
never calls it "unknown". Raster layers (``provider="gdal"``) carry a ``<pipe>`` from
:mod:`leopardrange.export.rasters`.
"""

from __future__ import annotations

import hashlib
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS

from leopardrange import palette
from leopardrange.crs import crs_label, named_crs
from leopardrange.export.rasters import RasterStyle, pipe_element
from leopardrange.export.styles import Label, LayerStyle, Symbol
from leopardrange.palette import RGBA

__all__ = [
    "QGIS_FORMAT_VERSION",
    "ProjectLayer",
    "document",
    "layer_id",
    "project_xml",
    "qml",
    "write_qgz",
]

#: The QGIS version written into QML and project files (the oldest we test against).
QGIS_FORMAT_VERSION = "3.22.0-Białowieża"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
_UNIT_SCALE = "3x:0,0,0,0,0,0"


def _rgba(colour: RGBA) -> str:
    return ",".join(str(int(v)) for v in colour)


def _num(value: float) -> str:
    return f"{value:g}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _empty_ddp(parent: ET.Element, tag: str = "data_defined_properties") -> None:
    ddp = _sub(parent, tag)
    option = _sub(ddp, "Option", type="Map")
    _sub(option, "Option", type="QString", value="", name="name")
    _sub(option, "Option", name="properties")
    _sub(option, "Option", type="QString", value="collection", name="type")


def _symbol_layer(parent: ET.Element, cls: str, props: dict[str, str]) -> ET.Element:
    layer = ET.SubElement(
        parent, "layer", {"enabled": "1", "pass": "0", "locked": "0", "class": cls}
    )
    options = _sub(layer, "Option", type="Map")
    for key, value in props.items():
        _sub(options, "Option", type="QString", value=value, name=key)
    for key, value in props.items():
        _sub(layer, "prop", k=key, v=value)
    _empty_ddp(layer)
    return layer


def _line_props(colour: RGBA, width_mm: float, *, dashed: bool) -> dict[str, str]:
    return {
        "capstyle": "square",
        "customdash": "3;2",
        "customdash_unit": "MM",
        "joinstyle": "bevel",
        "line_color": _rgba(colour),
        "line_style": "dash" if dashed else "solid",
        "line_width": _num(width_mm),
        "line_width_unit": "MM",
        "offset": "0",
        "offset_unit": "MM",
        "use_custom_dash": "0",
        "width_map_unit_scale": _UNIT_SCALE,
    }


def _symbol(parent: ET.Element, symbol: Symbol, name: str) -> ET.Element:
    element = _sub(
        parent, "symbol", type=symbol.kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    _empty_ddp(element)
    if symbol.kind == "line":
        _symbol_layer(
            element, "SimpleLine", _line_props(symbol.colour, symbol.width_mm, dashed=symbol.dashed)
        )
    elif symbol.kind == "marker":
        _symbol_layer(
            element,
            "SimpleMarker",
            {
                "angle": "0",
                "color": _rgba(symbol.colour),
                "joinstyle": "bevel",
                "name": "circle",
                "offset": "0,0",
                "offset_unit": "MM",
                "outline_color": _rgba(symbol.outline),
                "outline_style": "solid",
                "outline_width": _num(symbol.width_mm),
                "outline_width_unit": "MM",
                "scale_method": "diameter",
                "size": _num(symbol.size_mm),
                "size_unit": "MM",
            },
        )
    elif symbol.fill == "hatch":
        hatch = _symbol_layer(
            element,
            "LinePatternFill",
            {
                "angle": "45",
                "color": _rgba(symbol.colour),
                "distance": _num(symbol.hatch_spacing_mm),
                "distance_unit": "MM",
                "line_width": _num(symbol.width_mm),
                "line_width_unit": "MM",
                "offset": "0",
                "offset_unit": "MM",
            },
        )
        line = Symbol("line", symbol.colour, width_mm=symbol.width_mm)
        _symbol(hatch, line, f"@{name}@0")
        _symbol_layer(
            element, "SimpleLine", _line_props(symbol.outline, symbol.width_mm, dashed=False)
        )
    else:
        _symbol_layer(
            element,
            "SimpleFill",
            {
                "border_width_map_unit_scale": _UNIT_SCALE,
                "color": _rgba(symbol.colour),
                "joinstyle": "bevel",
                "offset": "0,0",
                "offset_unit": "MM",
                "outline_color": _rgba(symbol.outline),
                "outline_style": "dash" if symbol.dashed else "solid",
                "outline_width": _num(symbol.width_mm),
                "outline_width_unit": "MM",
                "style": "no" if symbol.fill == "no" else "solid",
            },
        )
    return element


def _renderer(style: LayerStyle) -> ET.Element:
    renderer = ET.Element(
        "renderer-v2",
        {
            "type": style.renderer,
            "forceraster": "0",
            "symbollevels": "0",
            "enableorderby": "0",
            "referencescale": "-1",
        },
    )
    symbols = ET.Element("symbols")
    if style.field is not None:
        renderer.set("attr", style.field)
        categories = _sub(renderer, "categories")
        for i, cat in enumerate(style.categories):
            _sub(
                categories,
                "category",
                value=cat.value,
                label=cat.label,
                symbol=str(i),
                render="true",
            )
            _symbol(symbols, cat.symbol, str(i))
        renderer.append(symbols)
    else:
        if style.symbol is None:
            raise ValueError("a single-symbol style needs a symbol")
        _symbol(symbols, style.symbol, "0")
        renderer.append(symbols)
    _sub(renderer, "rotation")
    _sub(renderer, "sizescale")
    return renderer


def _labeling(label: Label) -> ET.Element:
    labeling = ET.Element("labeling", type="simple")
    settings = _sub(labeling, "settings", calloutType="simple")
    text = _sub(
        settings,
        "text-style",
        fieldName=label.field,
        isExpression="0",
        fontFamily="DejaVu Sans",
        fontSize=_num(label.size_pt),
        fontSizeUnit="Point",
        fontWeight="75" if label.bold else "50",
        fontItalic="1" if label.italic else "0",
        textColor=_rgba(label.colour),
        textOpacity="1",
        multilineHeight="1",
        blendMode="0",
        previewBkgrdColor=_rgba(palette.WHITE.rgba()),
    )
    _sub(
        text,
        "text-buffer",
        bufferDraw="1",
        bufferSize="0.8",
        bufferSizeUnits="MM",
        bufferColor=_rgba(palette.WHITE.rgba()),
        bufferOpacity="0.8",
        bufferNoFill="1",
        bufferJoinStyle="128",
        bufferBlendMode="0",
    )
    _sub(settings, "text-format", multilineAlign="3", wrapChar="", autoWrapLength="0")
    _sub(
        settings,
        "placement",
        placement="0",
        placementFlags="10",
        polygonPlacementFlags="2",
        dist="0.5",
        distUnits="MM",
        priority="5",
        centroidInside="1",
        fitInPolygonOnly="0",
    )
    _sub(
        settings,
        "rendering",
        drawLabels="1",
        obstacle="1",
        obstacleFactor="1",
        obstacleType="1",
        displayAll="0",
        upsidedownLabels="0",
        labelPerPart="0",
        mergeLines="0",
        scaleVisibility="0",
        limitNumLabels="0",
        maxNumLabels="2000",
        minFeatureSize="0",
        zIndex="0",
    )
    _empty_ddp(settings, "dd_properties")
    return labeling


def style_elements(style: LayerStyle) -> list[ET.Element]:
    """The elements a style adds to a ``<qgis>`` QML root or a project ``<maplayer>``."""
    elements = [_renderer(style)]
    if style.label is not None:
        elements.append(_labeling(style.label))
    for tag, text in (
        ("blendMode", "0"),
        ("featureBlendMode", "0"),
        ("layerOpacity", _num(style.opacity)),
    ):
        element = ET.Element(tag)
        element.text = text
        elements.append(element)
    return elements


def document(root: ET.Element) -> str:
    """A ``<qgis>`` element as QGIS document text (doctype, indented).

    Examples
    --------
    >>> document(ET.Element("qgis")).splitlines()[0]
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
    """
    ET.indent(root, space="  ")
    return _DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


_to_text = document


def qml(style: LayerStyle) -> str:
    """A QGIS QML style document for ``style``.

    Examples
    --------
    >>> from leopardrange.export.styles import LayerStyle, PARK
    >>> text = qml(LayerStyle(symbol=PARK))
    >>> text.startswith("<!DOCTYPE qgis") and 'class="SimpleFill"' in text
    True
    """
    root = ET.Element(
        "qgis",
        {
            "version": QGIS_FORMAT_VERSION,
            "styleCategories": "Symbology|Labeling|Rendering",
            "labelsEnabled": "1" if style.label is not None else "0",
            "hasScaleBasedVisibilityFlag": "0",
            "minScale": "100000000",
            "maxScale": "0",
        },
    )
    for element in style_elements(style):
        root.append(element)
    return _to_text(root)


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectLayer:
    """One layer of a project.

    ``datasource`` is relative to the project file (``./x.gpkg|layername=y``, optionally with
    ``|subset=...``; ``./x.tif`` for a raster); ``wkb_type`` is an OGC name such as
    ``MultiPolygon`` (``""`` for a raster); ``group`` names the layer-tree group; ``visible``
    sets its check box. A :class:`~leopardrange.export.rasters.RasterStyle` makes it a raster
    layer. ``credits`` (what the data's licences ask to be shown) go into the layer's
    metadata as its rights.

    Examples
    --------
    >>> from leopardrange.export.styles import study_style
    >>> park = ProjectLayer(layer_id("park"), "Park", "./study.gpkg|layername=park",
    ...                     CRS("EPSG:4326"), study_style("park", "polygon", fields=["name"]),
    ...                     "Study", "MultiPolygon")
    >>> park.provider, park.is_raster, park.visible
    ('ogr', False, True)
    """

    id: str
    title: str
    datasource: str
    crs: CRS
    style: LayerStyle | RasterStyle
    group: str
    wkb_type: str
    visible: bool = True
    credits: tuple[str, ...] = ()

    @property
    def is_raster(self) -> bool:
        """Whether the layer is a raster (styled by a RasterStyle)."""
        return isinstance(self.style, RasterStyle)

    @property
    def provider(self) -> str:
        """QGIS data provider: ``gdal`` for rasters, ``ogr`` for vectors."""
        return "gdal" if self.is_raster else "ogr"


def layer_id(name: str) -> str:
    """A stable QGIS layer id for ``name`` (same input, same id: reproducible projects).

    Examples
    --------
    >>> layer_id("range epochs")
    'range_epochs_28817937_1768_910e_e60c_eaed247f704b'
    >>> layer_id("park") == layer_id("park")
    True
    """
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    safe = "".join(c if c.isalnum() else "_" for c in name)
    return f"{safe}_{digest[:8]}_{digest[8:12]}_{digest[12:16]}_{digest[16:20]}_{digest[20:32]}"


def _spatialrefsys(parent: ET.Element, crs: CRS) -> None:
    crs = named_crs(crs)  # a custom CRS is named in its WKT: QGIS shows it, never "unknown"
    srs = _sub(parent, "spatialrefsys")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        proj4 = crs.to_proj4()
    epsg = crs.to_epsg(min_confidence=100)
    _sub(srs, "wkt", crs.to_wkt("WKT2_2019"))
    _sub(srs, "proj4", proj4)
    _sub(srs, "srsid", "0")
    _sub(srs, "srid", str(epsg or 0))
    _sub(srs, "authid", f"EPSG:{epsg}" if epsg else "")
    _sub(srs, "description", crs.name if epsg else crs_label(crs))
    method = crs.coordinate_operation.method_name if crs.coordinate_operation else ""
    acronym = proj4.split("+proj=")[1].split()[0] if "+proj=" in proj4 else ""
    _sub(srs, "projectionacronym", acronym or method)
    _sub(srs, "ellipsoidacronym", "")
    _sub(srs, "geographicflag", "true" if crs.is_geographic else "false")


def _geometry_name(wkb_type: str) -> str:
    base = wkb_type.replace("Multi", "").replace("Z", "").replace("M", "")
    return {"Polygon": "Polygon", "LineString": "Line", "Point": "Point"}.get(base, "Unknown")


def _maplayer(parent: ET.Element, layer: ProjectLayer) -> None:
    common = {
        "styleCategories": "AllStyleCategories",
        "hasScaleBasedVisibilityFlag": "0",
        "minScale": "100000000",
        "maxScale": "0",
    }
    if isinstance(layer.style, RasterStyle):
        element = _sub(parent, "maplayer", type="raster", **common)
    else:
        element = _sub(
            parent,
            "maplayer",
            type="vector",
            geometry=_geometry_name(layer.wkb_type),
            wkbType=layer.wkb_type,
            labelsEnabled="1" if layer.style.label is not None else "0",
            readOnly="0",
            **common,
        )
    _sub(element, "id", layer.id)
    _sub(element, "datasource", layer.datasource)
    _sub(element, "layername", layer.title)
    _spatialrefsys(_sub(element, "srs"), layer.crs)
    if isinstance(layer.style, RasterStyle):
        _sub(element, "provider", "gdal")
        nodata = _sub(element, "noData")
        _sub(nodata, "noDataList", bandNo="1", useSrcNoData="1")
    else:
        _sub(element, "provider", "ogr", encoding="UTF-8")
    manager = _sub(element, "map-layer-style-manager", current="default")
    _sub(manager, "map-layer-style", name="default")
    if layer.credits:
        metadata = _sub(element, "resourceMetadata")
        for credit in layer.credits:
            _sub(metadata, "rights", credit)
    flags = _sub(element, "flags")
    for flag, value in (("Identifiable", "1"), ("Removable", "1"), ("Searchable", "1")):
        _sub(flags, flag, value)
    if isinstance(layer.style, RasterStyle):
        element.append(pipe_element(layer.style))
        _sub(element, "blendMode", "0")
        return
    for child in style_elements(layer.style):
        element.append(child)


def _extent(parent: ET.Element, bounds: Sequence[float], *, as_attributes: bool = False) -> None:
    names = ("xmin", "ymin", "xmax", "ymax")
    if as_attributes:
        for name, value in zip(names, bounds, strict=True):
            parent.set(name, repr(float(value)))
        return
    extent = _sub(parent, "extent")
    for name, value in zip(names, bounds, strict=True):
        _sub(extent, name, repr(float(value)))


def _expanded(style: LayerStyle | RasterStyle) -> bool:
    """Whether the layer tree shows the layer's legend (categories, classes or a ramp)."""
    return isinstance(style, RasterStyle) or style.field is not None


def project_xml(
    layers: Sequence[ProjectLayer],
    *,
    crs: CRS,
    extent: Sequence[float],
    title: str,
    groups: Sequence[str],
    credits: Sequence[str] = (),
) -> str:
    """The ``.qgs`` XML of a project.

    Parameters
    ----------
    layers
        Layers in layer-tree order (top of the tree first, drawn last).
    crs
        Project CRS.
    extent
        Initial view, ``(xmin, ymin, xmax, ymax)`` in the project CRS.
    title
        Project title.
    groups
        Layer-tree groups, in order; each layer names one of them.
    credits
        Credits the data's licences ask for, written into the project's metadata
        (Project ▸ Properties ▸ Metadata ▸ Abstract).

    Examples
    --------
    >>> from leopardrange.export.rasters import RasterStyle
    >>> crs = CRS("+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m")
    >>> style = RasterStyle("resistance", "singlebandpseudocolor",
    ...                     ((1.0, (240, 240, 240, 255), "1"), (9.0, (37, 37, 37, 255), "9")), "R")
    >>> layer = ProjectLayer("r", "Resistance", "./R.tif", crs, style, "Inputs", "")
    >>> text = project_xml([layer], crs=crs, extent=(0, 0, 1, 1), title="t", groups=["Inputs"])
    >>> "<description>LAEA 43°N 131°E</description>" in text, 'providerKey="gdal"' in text
    (True, True)
    """
    unknown = sorted({layer.group for layer in layers} - set(groups))
    if unknown:
        raise ValueError(f"layers name unknown groups: {', '.join(unknown)}")
    root = ET.Element(
        "qgis", {"version": QGIS_FORMAT_VERSION, "projectname": title, "saveUser": "leopardrange"}
    )
    _sub(root, "homePath", path="")
    _sub(root, "title", title)
    if credits:
        metadata = _sub(root, "projectMetadata")
        _sub(metadata, "title", title)
        _sub(metadata, "abstract", "Data: " + "; ".join(credits))
        _sub(metadata, "author", "leopardrange")
    _spatialrefsys(_sub(root, "projectCrs"), crs)

    tree = _sub(root, "layer-tree-group")
    _sub(_sub(tree, "customproperties"), "Option")
    for group in groups:
        members = [layer for layer in layers if layer.group == group]
        if not members:
            continue
        node = _sub(tree, "layer-tree-group", name=group, checked="Qt::Checked", expanded="1")
        _sub(_sub(node, "customproperties"), "Option")
        for layer in members:
            leaf = _sub(
                node,
                "layer-tree-layer",
                id=layer.id,
                name=layer.title,
                source=layer.datasource,
                providerKey=layer.provider,
                checked="Qt::Checked" if layer.visible else "Qt::Unchecked",
                expanded="1" if _expanded(layer.style) else "0",
            )
            _sub(_sub(leaf, "customproperties"), "Option")
    ordered = [layer for group in groups for layer in layers if layer.group == group]
    custom = _sub(tree, "custom-order", enabled="0")
    for layer in ordered:
        _sub(custom, "item", layer.id)

    canvas = _sub(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    _sub(canvas, "units", "meters" if not crs.is_geographic else "degrees")
    _extent(canvas, extent)
    _sub(canvas, "rotation", "0")
    _spatialrefsys(_sub(canvas, "destinationsrs"), crs)
    _sub(canvas, "rendermaptile", "0")

    project_layers = _sub(root, "projectlayers")
    for layer in ordered:
        _maplayer(project_layers, layer)
    order = _sub(root, "layerorder")
    for layer in ordered:
        _sub(order, "layer", id=layer.id)

    properties = _sub(root, "properties")
    _sub(_sub(properties, "Paths"), "Absolute", "false", type="bool")
    _sub(_sub(properties, "SpatialRefSys"), "ProjectionsEnabled", "1", type="int")
    view = _sub(root, "ProjectViewSettings", UseProjectScales="0", rotation="0")
    _sub(view, "Scales")
    default_view = _sub(view, "DefaultViewExtent")
    _extent(default_view, extent, as_attributes=True)
    _spatialrefsys(default_view, crs)
    return _to_text(root)


def write_qgz(path: str | Path, qgs_text: str) -> Path:
    """Write a ``.qgz``: a zip archive holding ``<stem>.qgs``.

    Examples
    --------
    >>> import tempfile
    >>> text = project_xml([], crs=CRS("EPSG:4326"), extent=(130, 42, 132, 44), title="Study",
    ...                    groups=[])
    >>> qgz = write_qgz(Path(tempfile.mkdtemp()) / "study.qgz", text)
    >>> with zipfile.ZipFile(qgz) as archive:
    ...     archive.namelist(), archive.read("study.qgs").decode().count("<title>Study</title>")
    (['study.qgs'], 1)
    """
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{path.stem}.qgs", qgs_text.encode("utf-8"))
    return path
