"""Compare committed geodata outputs with a fresh rebuild (``build.py --check``).

Geometries are compared as shapes, not bytes: two features match when their symmetric
difference is below :data:`GEOMETRY_TOLERANCE_KM2` (GEOS versions may differ in the last
digit). Attributes, raster cells, raster metadata and SOURCES.md must match exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely

from _geometry import area_km2

GEOMETRY_TOLERANCE_KM2 = 0.001


def compare(committed: Path, fresh: Path, *, layers: Iterable[str], gpkg: str) -> list[str]:
    """Every difference between two geodata folders, as human-readable lines."""
    problems: list[str] = []
    old_gpkg, new_gpkg = committed / gpkg, fresh / gpkg
    if not old_gpkg.exists():
        return [f"{old_gpkg} is missing: run python geodata/build.py"]
    old_layers = [name for name, _ in pyogrio.list_layers(old_gpkg)]
    for layer in layers:
        if layer not in old_layers:
            problems.append(f"{gpkg}: layer {layer!r} is missing")
            continue
        problems.extend(_compare_layer(old_gpkg, new_gpkg, layer))
    for tif in ("elevation.tif", "landcover.tif"):
        problems.extend(_compare_raster(committed / tif, fresh / tif))
    old_md = (committed / "SOURCES.md").read_text(encoding="utf-8")
    new_md = (fresh / "SOURCES.md").read_text(encoding="utf-8")
    if old_md != new_md:
        problems.append("SOURCES.md: generated tables differ from a rebuild")
    return problems


def _compare_layer(old_path: Path, new_path: Path, layer: str) -> list[str]:
    old = pyogrio.read_dataframe(old_path, layer=layer)
    new = pyogrio.read_dataframe(new_path, layer=layer)
    where = f"layer {layer!r}"
    if list(old.columns) != list(new.columns):
        return [f"{where}: columns {list(old.columns)} != {list(new.columns)}"]
    if len(old) != len(new):
        return [f"{where}: {len(old)} features committed, {len(new)} rebuilt"]
    problems = []
    attrs = [c for c in old.columns if c != old.geometry.name]
    left = pd.DataFrame(old[attrs]).reset_index(drop=True)
    right = pd.DataFrame(new[attrs]).reset_index(drop=True)
    if not left.equals(right):
        problems.append(f"{where}: attributes differ")
    for i, (a, b) in enumerate(zip(old.geometry, new.geometry, strict=True)):
        if shapely.equals_exact(a, b, tolerance=0.0):
            continue
        diff = area_km2(shapely.symmetric_difference(a, b)) if a.area or b.area else 0.0
        moved = a.hausdorff_distance(b) if a.area == 0 and b.area == 0 else 0.0  # points, lines
        if diff > GEOMETRY_TOLERANCE_KM2 or moved > 1e-6:
            problems.append(f"{where}: feature {i} differs ({diff:.4f} km² symmetric difference)")
    return problems


def _compare_raster(old_path: Path, new_path: Path) -> list[str]:
    if not old_path.exists():
        return [f"{old_path} is missing"]
    with rasterio.open(old_path) as a, rasterio.open(new_path) as b:
        same_meta = (
            a.crs == b.crs
            and a.transform == b.transform
            and a.nodata == b.nodata
            and a.shape == b.shape
            and a.tags() == b.tags()
            and a.tags(1) == b.tags(1)
        )
        if not same_meta:
            return [f"{old_path.name}: metadata differs from a rebuild"]
        if not np.array_equal(a.read(1), b.read(1)):
            return [f"{old_path.name}: cell values differ from a rebuild"]
    return []


def moved(old_gpkg: Path, new_gpkg: Path) -> list[str]:
    """Markdown table of how every polygon feature moved between two builds.

    Features are matched by layer and name; areas are measured in the build's LAEA. IoU is the
    area of the intersection over the area of the union (1 = the same shape).
    """
    out = [
        "| layer | feature | before_km2 | after_km2 | change_pct | iou |",
        "|---|---|---:|---:|---:|---:|",
    ]
    old_names = {name for name, _ in pyogrio.list_layers(old_gpkg)}
    for layer, geometry_type in pyogrio.list_layers(new_gpkg):
        if "Polygon" not in str(geometry_type):
            continue
        new = pyogrio.read_dataframe(new_gpkg, layer=layer)
        old = pyogrio.read_dataframe(old_gpkg, layer=layer) if layer in old_names else None
        key = "iso_a3" if layer == "countries" else "name"
        before = {} if old is None else dict(zip(old[key], old.geometry, strict=True))
        for name, geom in zip(new[key], new.geometry, strict=True):
            after_km2 = area_km2(geom)
            if name not in before:
                out.append(f"| {layer} | {name} | new | {after_km2:,.1f} | | |")
                continue
            prev = before[name]
            prev_km2 = area_km2(prev)
            iou = area_km2(shapely.intersection(prev, geom)) / area_km2(shapely.union(prev, geom))
            out.append(
                f"| {layer} | {name} | {prev_km2:,.1f} | {after_km2:,.1f} | "
                f"{100 * (after_km2 / prev_km2 - 1):+.1f} | {iou:.2f} |"
            )
    return out
