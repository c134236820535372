"""GeoPackages whose layers open styled in QGIS: data plus a ``layer_styles`` table.

QGIS looks for a table ``layer_styles`` in a GeoPackage it opens, and applies to each layer
the QML of the row whose ``f_table_name`` is the layer, ``f_table_schema`` is ``''``,
``f_geometry_column`` is the layer's geometry column and ``useAsDefault`` is true. The table
is created here with the schema QGIS itself uses (``QgsOgrProviderMetadata::saveStyle``) and
registered in ``gpkg_contents`` as an attributes table, by GDAL.

Files are written as GeoPackage 1.2, which every GDAL since 2.2 (and so every QGIS 3) reads
without a warning.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import warnings
from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from leopardrange.errors import ExportError

__all__ = [
    "GEOMETRY_COLUMN",
    "GPKG_VERSION",
    "read_layer_styles",
    "write_gpkg",
    "write_layer_styles",
]

#: Name of the geometry column of every table written.
GEOMETRY_COLUMN = "geom"
#: GeoPackage version written (GDAL's VERSION creation option).
GPKG_VERSION = "1.2"
STYLES_TABLE = "layer_styles"


def _promote(frame: gpd.GeoDataFrame) -> bool | None:
    types = set(frame.geometry.dropna().geom_type)
    points = types <= {"Point", "MultiPoint"}
    return None if points and types != {"Point", "MultiPoint"} else True


def write_gpkg(
    layers: Sequence[tuple[str, gpd.GeoDataFrame]],
    path: str | Path,
    *,
    credits: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """Write ``(name, frame)`` pairs as the tables of a new GeoPackage.

    Polygons and lines are written as multi-geometries (one declared type per table, as QGIS
    wants); points stay points unless a layer mixes points and multipoints. Each frame keeps
    its CRS.

    Parameters
    ----------
    layers
        ``(table name, frame)`` pairs, written in order.
    path
        The GeoPackage to create.
    credits
        Per table name, the credits its data's licences ask for; written as the table's
        ``attribution`` metadata, where :func:`leopardrange.datasets.attribution` reads them.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        If a layer cannot be written (the message names it).

    Examples
    --------
    >>> import tempfile, shapely
    >>> park = gpd.GeoDataFrame({"name": ["Park"]}, crs="EPSG:4326",
    ...                         geometry=[shapely.box(131.0, 42.9, 131.5, 43.3)])
    >>> town = gpd.GeoDataFrame({"name": ["Town"]}, crs="EPSG:4326",
    ...                         geometry=[shapely.Point(131.9, 43.1)])
    >>> gpkg = write_gpkg([("park", park), ("towns", town)], Path(tempfile.mkdtemp()) / "s.gpkg")
    >>> pyogrio.list_layers(gpkg).tolist()
    [['park', 'MultiPolygon'], ['towns', 'Point']]
    """
    path = Path(path)
    for i, (name, frame) in enumerate(layers):
        try:
            with warnings.catch_warnings():
                # GDAL notes it promoted Polygon to MultiPolygon: that is what we asked for.
                warnings.filterwarnings("ignore", message=".*promot", category=RuntimeWarning)
                pyogrio.write_dataframe(
                    frame,
                    path,
                    layer=name,
                    driver="GPKG",
                    promote_to_multi=_promote(frame),
                    dataset_options={"VERSION": GPKG_VERSION} if i == 0 else None,
                    layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN, "SPATIAL_INDEX": "YES"},
                    layer_metadata=_attribution((credits or {}).get(name, ())),
                )
        except Exception as exc:
            raise ExportError(f"cannot write layer {name!r} to {str(path)!r}: {exc}") from exc
    return path


def _attribution(credits: Sequence[str]) -> dict[str, str] | None:
    return {"attribution": "; ".join(credits)} if credits else None


def write_layer_styles(
    path: str | Path,
    styles: Mapping[str, str],
    *,
    description: str = "default style written by leopardrange",
) -> None:
    """Add a ``layer_styles`` table holding each layer's QML as its default style.

    Parameters
    ----------
    path
        An existing GeoPackage.
    styles
        Layer (table) name → QML text.
    description
        Stored in the ``description`` column.

    Raises
    ------
    ExportError
        If the table cannot be written.

    Examples
    --------
    >>> import tempfile, shapely
    >>> from leopardrange.export.qgis import qml
    >>> from leopardrange.export.styles import study_style
    >>> park = gpd.GeoDataFrame({"name": ["Park"]}, crs="EPSG:4326",
    ...                         geometry=[shapely.box(131.0, 42.9, 131.5, 43.3)])
    >>> gpkg = write_gpkg([("park", park)], Path(tempfile.mkdtemp()) / "s.gpkg")
    >>> write_layer_styles(gpkg, {"park": qml(study_style("park", "polygon", fields=["name"]))})
    >>> read_layer_styles(gpkg)[["f_table_name", "f_geometry_column", "useAsDefault"]]
      f_table_name f_geometry_column  useAsDefault
    0         park              geom             1
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    names = list(styles)
    table = pd.DataFrame(
        {
            "f_table_catalog": [""] * len(names),
            "f_table_schema": [""] * len(names),
            "f_table_name": names,
            "f_geometry_column": [GEOMETRY_COLUMN] * len(names),
            "styleName": names,
            "styleQML": [styles[n] for n in names],
            "styleSLD": [""] * len(names),
            "useAsDefault": [True] * len(names),
            "description": [description] * len(names),
            "owner": [""] * len(names),
            "ui": [""] * len(names),
            "update_time": pd.Series([now] * len(names), dtype="datetime64[s]"),
        }
    )
    try:
        pyogrio.write_dataframe(
            table, path, layer=STYLES_TABLE, driver="GPKG", layer_options={"FID": "id"}
        )
    except Exception as exc:
        raise ExportError(f"cannot write the layer_styles table of {str(path)!r}: {exc}") from exc


def read_layer_styles(path: str | Path) -> pd.DataFrame:
    """The ``layer_styles`` table of a GeoPackage, read with :mod:`sqlite3` (as stored).

    Examples
    --------
    >>> import tempfile, shapely
    >>> park = gpd.GeoDataFrame({"name": ["Park"]}, crs="EPSG:4326",
    ...                         geometry=[shapely.box(131.0, 42.9, 131.5, 43.3)])
    >>> gpkg = write_gpkg([("park", park)], Path(tempfile.mkdtemp()) / "s.gpkg")
    >>> write_layer_styles(gpkg, {"park": "<qgis/>"}, description="park outline")
    >>> row = read_layer_styles(gpkg).iloc[0]
    >>> row["styleName"], row["styleQML"], row["description"]
    ('park', '<qgis/>', 'park outline')
    """
    with closing(sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)) as db:
        return pd.read_sql_query(f"SELECT * FROM {STYLES_TABLE}", db)
