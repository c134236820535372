"""Bundled data: the Amur leopard reference landscape (vector layers and rasters).

The data lives in ``geodata/`` of a clone and ships inside the wheel as
``leopardrange/_geodata``; this module finds it in either place, so notebooks, doctests and
tests load it the same way::

    >>> from leopardrange import datasets
    >>> park = datasets.load("park", where="name = 'Land of the Leopard'")
    >>> len(park)
    1

The park's 2012 boundary is its OpenStreetMap outline and land and borders near it are
OpenStreetMap's; every other polygon is an approximation built from public base data and
published facts (see ``SOURCES.md`` beside the data, ``datasets.path("sources")``). Swap in
official boundaries (e.g. WDPA) or an IUCN range map for real decisions.

Names
-----
``"amur_leopard"``
    GeoPackage (EPSG:4326) with the layers listed by :func:`layers`.
``"elevation"``
    GeoTIFF, elevation in metres (int16, nodata −32768), 1/12° grid, 115–145°E, 33–55°N.
``"landcover"``
    GeoTIFF, MODIS IGBP land-cover class (uint8, nodata 255), 0.05° grid, same region;
    class names from :func:`landcover_classes`.
``"study"``
    The study file of the Amur leopard case (TOML).
``"resistance"``
    The default resistance recipe for the Amur leopard (TOML; ``leopardrange resistance``).
``"sources"``
    ``SOURCES.md``: sources, licences, methods and the data-quality table of every layer.
``"licence"``
    ``LICENSE-DATA``: the terms of the data (ODbL 1.0 for the layers derived from
    OpenStreetMap, CC BY 4.0 for GeoNames, …).

Attribution
-----------
Every layer and raster carries its credit and licence in its own metadata (GeoPackage layer
metadata, GeoTIFF tags); :func:`attribution` reads it and :func:`credit` joins the credits of
the layers a map shows::

    >>> str(datasets.attribution("park"))
    '© OpenStreetMap contributors'
"""

from __future__ import annotations

import importlib.resources
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from leopardrange.errors import DataSourceError, LayerNotFoundError, LeopardRangeError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DATASETS",
    "Attribution",
    "attribution",
    "credit",
    "credits_of",
    "data_dir",
    "landcover_classes",
    "layers",
    "load",
    "path",
]

#: Dataset name → file name in the data folder.
DATASETS: dict[str, str] = {
    "amur_leopard": "amur_leopard.gpkg",
    "elevation": "elevation.tif",
    "landcover": "landcover.tif",
    "study": "amur_leopard.toml",
    "resistance": "resistance_amur_leopard.toml",
    "sources": "SOURCES.md",
    "licence": "LICENSE-DATA",
}

#: Datasets written by geodata/build.py (the others are maintained by hand).
_BUILT = frozenset({"amur_leopard", "elevation", "landcover", "sources"})
_PACKAGED = "_geodata"
_CLONE_DATA = Path(__file__).resolve().parents[2] / "geodata"


def data_dir() -> Path:
    """Folder holding the bundled data.

    Returns
    -------
    Path
        ``leopardrange/_geodata`` of an installed wheel when present, else ``geodata/`` at the
        root of the source tree this module was imported from.

    Raises
    ------
    DataSourceError
        If neither folder exists (an install without the data, e.g. a bare sdist build).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> sorted(p.name for p in datasets.data_dir().glob("*.tif"))
    ['elevation.tif', 'landcover.tif']
    """
    packaged = importlib.resources.files("leopardrange") / _PACKAGED
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    if _CLONE_DATA.is_dir():
        return _CLONE_DATA
    raise DataSourceError(
        f"the bundled data is missing: neither {str(packaged)!r} (installed wheel) nor "
        f"{str(_CLONE_DATA)!r} (source tree) exists; reinstall leopardrange from a wheel or "
        "run from a clone"
    )


def path(name: str = "amur_leopard") -> Path:
    """Path of a bundled dataset.

    Parameters
    ----------
    name
        One of ``"amur_leopard"`` (the GeoPackage), ``"elevation"``, ``"landcover"``,
        ``"study"``, ``"resistance"``, ``"sources"`` or ``"licence"``.

    Returns
    -------
    Path
        Absolute path of the existing file.

    Raises
    ------
    LayerNotFoundError
        If ``name`` is not a bundled dataset (the message lists the valid names).
    DataSourceError
        If the dataset's file is missing from the data folder.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> datasets.path("amur_leopard").name
    'amur_leopard.gpkg'
    """
    if name not in DATASETS:
        raise LayerNotFoundError(
            f"no bundled dataset named {name!r}; valid names: {', '.join(DATASETS)}"
        )
    target = data_dir() / DATASETS[name]
    if not target.is_file():
        fix = (
            "rebuild it with python geodata/build.py"
            if name in _BUILT
            else f"restore geodata/{DATASETS[name]} from the repository"
        )
        raise DataSourceError(
            f"bundled dataset {name!r} is missing: {str(target)!r} does not exist; "
            f"{fix} (or reinstall leopardrange)"
        )
    return target


#: :func:`path` under a name that a ``path`` argument does not shadow.
_dataset_path = path


def layers() -> list[str]:
    """Names of the vector layers of the ``"amur_leopard"`` GeoPackage, in file order.

    Returns
    -------
    list of str
        E.g. ``["countries", "park", "park_units", "china_np", ...]``.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> layers = datasets.layers()
    >>> len(layers), layers[:3]
    (11, ['countries', 'park', 'park_units'])
    """
    import pyogrio

    return [str(name) for name, _ in pyogrio.list_layers(path("amur_leopard"))]


def load(layer: str, *, where: str | None = None) -> gpd.GeoDataFrame:
    """Read one layer of the ``"amur_leopard"`` GeoPackage.

    Parameters
    ----------
    layer
        Layer name, one of :func:`layers` (``"park"``, ``"leopard_range"``, …).
    where
        Optional OGR SQL attribute filter, e.g. ``"name = 'Land of the Leopard'"`` or
        ``"year >= 2015"``.

    Returns
    -------
    GeoDataFrame
        The layer in EPSG:4326, checked for a CRS, emptiness and validity by
        :func:`leopardrange.io.read_layer`; ``attrs["source"]`` names the file and layer.

    Raises
    ------
    LayerNotFoundError
        If ``layer`` is not in the GeoPackage (the message lists the valid layers).
    DataSourceError
        If the GeoPackage is missing or the filter fails.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> park = datasets.load("park")
    >>> park.crs.to_string(), park["name"].tolist()
    ('EPSG:4326', ['Land of the Leopard', 'Land of the Leopard – Gamov cluster'])
    >>> datasets.load("park_units", where="name = 'Kedrovaya Pad'")["established"].tolist()
    ['1916/1925']
    """
    from leopardrange.io import read_layer

    names = layers()
    if layer not in names:
        raise LayerNotFoundError(
            f"the amur_leopard data has no layer {layer!r}; valid layers: {', '.join(names)}"
        )
    return read_layer(path("amur_leopard"), layer, where=where)


def landcover_classes() -> dict[int, str]:
    """IGBP class codes and names of the ``"landcover"`` raster.

    Returns
    -------
    dict of int to str
        ``{0: "Water bodies", 1: "Evergreen needleleaf forests", …, 16: "Barren"}``; the
        raster's nodata value (255) is not a class.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> classes = datasets.landcover_classes()
    >>> len(classes), classes[1], classes[12]
    (17, 'Evergreen needleleaf forests', 'Croplands')
    """
    import rasterio

    with rasterio.open(path("landcover")) as src:
        names = json.loads(src.tags(1)["class_names"])
    return {int(code): str(name) for code, name in names.items()}


#: Metadata keys of an attribution, in GeoPackage layer metadata and GeoTIFF tags.
_ATTRIBUTION_KEYS = ("attribution", "licence", "licence_url", "sources")
_RASTER_SUFFIXES = {".tif", ".tiff"}


@dataclass(frozen=True)
class Attribution:
    """Credit and licence of a layer or raster, as recorded in the data itself.

    Attributes
    ----------
    text
        The credit a map or a GIS layer of this data must show, e.g.
        ``"© OpenStreetMap contributors"`` (several credits are joined by ``"; "``).
    licence
        SPDX identifier of the licence the data is offered under, e.g. ``"ODbL-1.0"``.
    licence_url
        Where that licence is published.
    sources
        The sources the data was built from, in one line.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> credit = datasets.attribution("park")
    >>> str(credit), credit.licence, credit.licence_url
    ('© OpenStreetMap contributors', 'ODbL-1.0', 'https://opendatacommons.org/licenses/odbl/1-0/')
    """

    text: str
    licence: str
    licence_url: str
    sources: str

    def __str__(self) -> str:
        return self.text


def attribution(layer: str, *, path: str | os.PathLike[str] | None = None) -> Attribution | None:
    """Credit and licence of a bundled layer or raster, or of a layer of any GeoPackage.

    Parameters
    ----------
    layer
        A layer of the ``"amur_leopard"`` GeoPackage (``"park"``, ``"settlements"``, …) or a
        bundled raster (``"elevation"``, ``"landcover"``). With ``path``, a layer of that
        GeoPackage (ignored for a GeoTIFF).
    path
        Optional GeoPackage or GeoTIFF to read instead of the bundled data, e.g. a study's
        layer file or an export; the same metadata keys are read (``attribution``,
        ``licence``, ``licence_url``, ``sources``).

    Returns
    -------
    Attribution or None
        ``None`` when the file records no attribution (data from elsewhere); the bundled data
        always has one.

    Raises
    ------
    LayerNotFoundError
        If ``layer`` is neither a layer of the GeoPackage nor a bundled raster (the message
        lists the valid names).
    DataSourceError
        If the file cannot be read.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> a = datasets.attribution("park")
    >>> a.text, a.licence
    ('© OpenStreetMap contributors', 'ODbL-1.0')
    >>> datasets.attribution("settlements").licence
    'CC-BY-4.0'
    """
    if path is None:
        if layer in ("elevation", "landcover"):
            return _raster_attribution(_dataset_path(layer))
        names = layers()
        if layer not in names:
            raise LayerNotFoundError(
                f"no bundled layer or raster named {layer!r}; valid names: "
                f"{', '.join([*names, 'elevation', 'landcover'])}"
            )
        found = _layer_attribution(_dataset_path("amur_leopard"), layer)
        if found is None:
            raise DataSourceError(
                f"the bundled layer {layer!r} records no attribution; rebuild the data with "
                "python geodata/build.py"
            )
        return found
    source = Path(path)
    if not source.exists():
        raise DataSourceError(f"{str(source)!r} does not exist; check the path")
    if source.suffix.lower() in _RASTER_SUFFIXES:
        return _raster_attribution(source)
    return _layer_attribution(source, layer)


def credit(names: Iterable[str], *, path: str | os.PathLike[str] | None = None) -> str:
    """One credit line for a map showing several layers: their credits, each once, in order.

    Parameters
    ----------
    names
        Layers or rasters, as for :func:`attribution`.
    path
        Optional GeoPackage or GeoTIFF holding them, as for :func:`attribution`.

    Returns
    -------
    str
        The credits joined by ``"; "`` (empty when none of the layers records one).

    Examples
    --------
    >>> from leopardrange import datasets
    >>> datasets.credit(["park", "settlements", "countries"])
    '© OpenStreetMap contributors; © GeoNames'
    """
    parts: list[str] = []
    for name in names:
        found = attribution(name, path=path)
        if found is None:
            continue
        for part in found.text.split("; "):
            if part and part not in parts:
                parts.append(part)
    return "; ".join(parts)


def _from_items(items: dict[str, str] | None) -> Attribution | None:
    if not items or not items.get("attribution"):
        return None
    text, licence, url, sources = (str(items.get(key, "")) for key in _ATTRIBUTION_KEYS)
    return Attribution(text=text, licence=licence, licence_url=url, sources=sources)


def credits_of(
    sources: Iterable[tuple[str | os.PathLike[str], str | None]],
) -> tuple[str, ...]:
    """The credits recorded in the files of some layers: each once, in order.

    Reads the same metadata as :func:`attribution` from any GeoPackage layer or GeoTIFF
    (data from elsewhere usually records none, and adds nothing); a file that cannot be read
    adds nothing either, so a map's credit line never stops a run.

    Parameters
    ----------
    sources
        ``(path, layer)`` pairs; ``layer`` is ``None`` for a raster or a file's only layer.

    Returns
    -------
    tuple of str
        Credits such as ``"© OpenStreetMap contributors"``, without repeats.

    Examples
    --------
    >>> from leopardrange import datasets
    >>> gpkg = datasets.path()
    >>> datasets.credits_of([(gpkg, "park"), (gpkg, "leopard_range"), (gpkg, "park")])
    ('© OpenStreetMap contributors', '© GeoNames', 'GSHHG © Wessel & Smith')
    """
    parts: list[str] = []
    for path, layer in sources:
        source = Path(path)
        try:
            if source.suffix.lower() in _RASTER_SUFFIXES:
                found = _raster_attribution(source)
            else:
                found = _layer_attribution(source, layer)
        except (LeopardRangeError, OSError):
            continue
        for part in found.text.split("; ") if found is not None else ():
            if part and part not in parts:
                parts.append(part)
    return tuple(parts)


def _layer_attribution(gpkg: Path, layer: str | None) -> Attribution | None:
    import pyogrio
    from pyogrio.errors import DataLayerError
    from pyogrio.errors import DataSourceError as OgrSourceError

    try:
        info = pyogrio.read_info(gpkg, layer=layer)
    except DataLayerError:
        names = [str(name) for name, _ in pyogrio.list_layers(gpkg)]
        raise LayerNotFoundError(
            f"{str(gpkg)!r} has no layer {layer!r}; valid layers: {', '.join(names)}"
        ) from None
    except OgrSourceError as exc:
        raise DataSourceError(f"cannot read {str(gpkg)!r}: {exc}") from exc
    return _from_items(info.get("layer_metadata"))


def _raster_attribution(tif: Path) -> Attribution | None:
    import rasterio
    from rasterio.errors import RasterioIOError

    try:
        with rasterio.open(tif) as src:
            tags = src.tags()
    except RasterioIOError as exc:
        raise DataSourceError(f"cannot read {str(tif)!r}: {exc}") from exc
    return _from_items(tags)
