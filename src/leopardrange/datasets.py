"""Bundled data: the Amur leopard reference landscape (vector layers and rasters).

The data lives in ``geodata/`` of a clone and ships inside the wheel as
``leopardrange/_geodata``; this module finds it in either place, so notebooks, doctests and
tests load it the same way::

    >>> from leopardrange import datasets
    >>> park = datasets.load("park", where="name = 'Land of the Leopard'")
    >>> len(park)
    1

Every polygon is an approximation built from public base data and published facts (see
``SOURCES.md`` beside the data, ``datasets.path("sources")``); swap in an official boundary
(e.g. WDPA) or an IUCN range map for real decisions.

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
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import TYPE_CHECKING

from leopardrange.errors import DataSourceError, LayerNotFoundError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["DATASETS", "data_dir", "landcover_classes", "layers", "load", "path"]

#: Dataset name → file name in the data folder.
DATASETS: dict[str, str] = {
    "amur_leopard": "amur_leopard.gpkg",
    "elevation": "elevation.tif",
    "landcover": "landcover.tif",
    "study": "amur_leopard.toml",
    "resistance": "resistance_amur_leopard.toml",
    "sources": "SOURCES.md",
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
        ``"study"``, ``"resistance"`` or ``"sources"``.

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


def layers() -> list[str]:
    """Names of the vector layers of the ``"amur_leopard"`` GeoPackage, in file order.

    Returns
    -------
    list of str
        E.g. ``["countries", "park", "park_units", "china_np", ...]``.
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
    """
    import rasterio

    with rasterio.open(path("landcover")) as src:
        names = json.loads(src.tags(1)["class_names"])
    return {int(code): str(name) for code, name in names.items()}
