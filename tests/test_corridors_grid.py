"""Tests of leopardrange.corridors.grid: ground metres, scale error, a recipe's grid.

Known answers: UTM's scale is 0.9996 on its central meridian (0.04 %); Web Mercator's is
1/cos(latitude) (2 at 60° N); a LAEA's grows with the distance from its centre.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin

from leopardrange.corridors import cost_distance_raster, read_resistance
from leopardrange.corridors.grid import (
    check_grid,
    check_max_scale_error,
    grid_scale_error,
    local_crs,
    recipe_grid,
    resolve_crs,
)
from leopardrange.corridors.recipe import GridSpec
from leopardrange.errors import CRSError, ResistanceError

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)

MERC_60N = (9_900_000.0, 8_300_000.0, 10_100_000.0, 8_500_000.0)  # EPSG:3857 around 60°N 90°E


def write(path: Path, crs: str, transform, shape=(50, 60), dtype="float32") -> Path:
    profile = {"driver": "GTiff", "height": shape[0], "width": shape[1], "count": 1,
               "dtype": dtype, "crs": crs, "transform": transform,
               "nodata": -9999 if dtype.startswith("float") else 255}  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.ones(shape, dtype=dtype), 1)
    return path


# ---------------------------------------------------------------------- scale error


def test_utm_on_its_central_meridian_is_0_04_pct() -> None:
    e = grid_scale_error("EPSG:32645", (499_000, 3_000_000, 501_000, 3_002_000))
    assert e.max_scale_error_pct == pytest.approx(0.04, abs=1e-3)
    assert e.crs == "EPSG:32645 (WGS 84 / UTM zone 45N)"


def test_web_mercator_at_60n_doubles_every_distance() -> None:
    e = grid_scale_error("EPSG:3857", MERC_60N)
    lat = math.radians(e.lat)
    assert e.max_scale_error_pct == pytest.approx(100 * (1 / math.cos(lat) - 1), rel=0.01)
    assert e.max_scale_error_pct > 99


@given(half_km=st.floats(5, 600))
@settings(max_examples=20, deadline=None)
def test_laea_error_grows_away_from_its_centre(half_km: float) -> None:
    """Spherical LAEA: scale along the radius 1/k, across k, with k = sec(c/2) at distance c."""
    laea = "+proj=laea +lat_0=43 +lon_0=131 +R=6371000 +units=m"
    h = half_km * 1000
    e = grid_scale_error(laea, (-h, -h, h, h))
    rho = math.hypot(h, h)  # the corners are the farthest points
    c = 2 * math.asin(rho / (2 * 6_371_000))
    k = 1 / math.cos(c / 2)
    assert e.max_scale_error_pct == pytest.approx(100 * (k - 1), rel=1e-3, abs=1e-6)


def test_utm_far_from_its_zone_is_refused_with_the_figure_and_a_local_crs() -> None:
    t = from_origin(-1_200_000, 4_000_000, 1000, 1000)  # UTM 45N grid ~ 20° west of its zone
    with pytest.raises(CRSError) as err:
        check_grid("EPSG:32645", t, (300, 300), name="'R.tif'")
    text = str(err.value)
    assert "'R.tif' is in EPSG:32645 (WGS 84 / UTM zone 45N)" in text
    assert "above the 1 % limit" in text and "--warp-to 'EPSG:326" in text
    figure = float(text.split("up to ")[1].split(" %")[0])
    assert figure > 1


def test_web_mercator_refused_suggesting_its_utm_zone() -> None:
    t = from_origin(MERC_60N[0], MERC_60N[3], 100, 100)
    with pytest.raises(CRSError, match=r"up to 10\d\.\d\d % \(at 60°.*EPSG:32645.*at most 0\.0"):
        check_grid("EPSG:3857", t, (2000, 2000), name="'R.tif'")
    ok = check_grid("EPSG:3857", t, (2000, 2000), max_scale_error_pct=150)
    assert ok.max_scale_error_pct > 99  # allowed when asked, and recorded


def test_a_grid_too_wide_for_any_projection_says_so() -> None:
    t = from_origin(-3_000_000, 3_000_000, 10_000, 10_000)  # 6000 km wide LAEA
    laea = "+proj=laea +lat_0=43 +lon_0=131 +datum=WGS84 +units=m"
    with pytest.raises(CRSError, match=r"too large for one projection.*split it"):
        check_grid(laea, t, (600, 600))


def test_local_crs_prefers_the_utm_zone_then_a_laea() -> None:
    crs, pct = local_crs("EPSG:4326", (86.5, 27.5, 87.5, 28.5))
    assert crs.to_epsg() == 32645 and pct < 0.1
    wide, _ = local_crs("EPSG:4326", (70, 25, 100, 35))  # 30° wide: no zone holds it
    assert wide.coordinate_operation.method_name == "Lambert Azimuthal Equal Area"


@pytest.mark.parametrize(("value", "ok"), [(1, True), (0.5, True), (math.inf, True),
                                           (0, False), (-1, False), (math.nan, False),
                                           ("x", False), (True, False)])  # fmt: skip
def test_check_max_scale_error(value: object, ok: bool) -> None:
    if ok:
        assert check_max_scale_error(value) == float(value)  # type: ignore[arg-type]
    else:
        with pytest.raises(ValueError, match="positive percentage"):
            check_max_scale_error(value)


def test_degrees_rotation_and_no_crs_are_refused() -> None:
    with pytest.raises(CRSError, match=r"geographic CRS .* use a local CRS, --warp-to 'EPSG:3264"):
        check_grid("EPSG:4326", from_origin(87, 28, 0.01, 0.01), (10, 10))
    with pytest.raises(CRSError, match="has no CRS"):
        check_grid(None, from_origin(0, 0, 1, 1), (2, 2))
    from affine import Affine

    with pytest.raises(ResistanceError, match="rotated or sheared"):
        check_grid("EPSG:32645", Affine(100, 1, 500_000, 0, -100, 3e6), (2, 2))


def test_feet_are_converted_and_checked() -> None:
    g = check_grid("EPSG:2227", from_origin(6_000_000, 2_100_000, 100, 100), (20, 20))
    assert g.cell_size_m[0] == pytest.approx(30.48006, rel=1e-5)
    assert g.max_scale_error_pct < 0.1


# ---------------------------------------------------------------------- raster commands


def test_cost_distance_on_web_mercator_at_60n_is_refused(tmp_path: Path) -> None:
    r = write(tmp_path / "merc.tif", "EPSG:3857", from_origin(MERC_60N[0], MERC_60N[3], 100, 100))
    with pytest.raises(CRSError, match=r"cost distances on it would be off by as much"):
        cost_distance_raster(r, shapely.Point(MERC_60N[0] + 50, MERC_60N[3] - 50), tmp_path / "o")
    with pytest.raises(CRSError, match=r"EPSG:3857"):
        read_resistance(r)
    done = cost_distance_raster(
        r, shapely.Point(MERC_60N[0] + 50, MERC_60N[3] - 50), tmp_path / "o.tif",
        max_scale_error_pct=200,
    )  # fmt: skip
    assert done.max_scale_error_pct > 99
    with rasterio.open(tmp_path / "o.tif") as src:
        assert float(src.tags(1)["max_scale_error_pct"]) > 99


def test_utm_cost_distance_records_its_scale_error(tmp_path: Path) -> None:
    r = write(tmp_path / "utm.tif", "EPSG:32645", from_origin(500_000, 3_000_000, 100, 100))
    done = cost_distance_raster(r, shapely.Point(500_050, 2_999_950), tmp_path / "o.tif")
    assert done.max_scale_error_pct == pytest.approx(0.04, abs=0.01)
    assert read_resistance(r).max_scale_error_pct == pytest.approx(0.04, abs=0.01)


# ---------------------------------------------------------------------- a recipe's grid


def test_auto_crs_with_metre_bounds_in_their_crs() -> None:
    """The issue's crash: metre bounds with crs = "auto" read as degrees (OverflowError)."""
    spec = GridSpec(bounds=(480_000, 3_098_000, 510_000, 3_120_000), resolution_m=1000,
                    bounds_crs="EPSG:32645")  # fmt: skip
    g = recipe_grid(spec)
    assert g.crs.to_wkt().startswith('PROJCS["LAEA 28°')  # named, centred on the data
    rows, cols = g.shape  # 30 x 22 km of UTM, a little rotated in the LAEA, whole cells
    assert 30 <= cols <= 33 and 22 <= rows <= 25


def test_metre_bounds_read_as_degrees_are_a_clear_error() -> None:
    spec = GridSpec(bounds=(480_000, 3_098_000, 510_000, 3_120_000), resolution_m=1000)
    with pytest.raises(CRSError, match=r"are not longitudes and latitudes.*bounds_crs"):
        recipe_grid(spec)


def test_grid_from_a_layer_extent_with_a_margin(tmp_path: Path) -> None:
    park = gpd.GeoDataFrame(geometry=[shapely.box(500_000, 3_000_000, 510_000, 3_005_000)],
                            crs="EPSG:32645").to_crs(4326)  # fmt: skip
    park.to_file(tmp_path / "p.gpkg", layer="parks")
    spec = GridSpec(extent=f"{tmp_path / 'p.gpkg'}:parks", resolution_m=500, crs="EPSG:32645",
                    margin_m=2000)  # fmt: skip
    g = recipe_grid(spec)
    x0, y0, x1, y1 = g.bounds
    assert x0 <= 498_000 and x1 >= 512_000 and y0 <= 2_998_000 and y1 >= 3_007_000
    assert x1 - x0 < 15_500  # the layer's bounds, not the world's


def test_snap_to_takes_the_rasters_crs_and_cells(tmp_path: Path) -> None:
    t = from_origin(480_000, 3_120_000, 100, 100)
    lc = write(tmp_path / "lc.tif", "EPSG:32645", t, dtype="uint8")
    g = recipe_grid(GridSpec(snap_to=lc))
    assert (g.transform, g.shape, g.res, g.snapped_to) == (t, (50, 60), 100.0, "lc.tif")
    clipped = recipe_grid(GridSpec(snap_to=lc, bounds=(481_050, 3_116_000, 483_000, 3_119_010),
                                   bounds_crs="EPSG:32645"))  # fmt: skip
    assert clipped.transform.c == 481_000 and clipped.transform.f == 3_119_100
    assert clipped.shape == (31, 20)  # whole cells of the raster's lattice


def test_snap_to_errors(tmp_path: Path) -> None:
    lc = write(tmp_path / "lc.tif", "EPSG:32645", from_origin(480_000, 3_120_000, 100, 100))
    with pytest.raises(ResistanceError, match=r"resolution 250 m .* differs from the 100 m cells"):
        recipe_grid(GridSpec(snap_to=lc), 250)
    with pytest.raises(ResistanceError, match=r"its crs is 'EPSG:32646'"):
        recipe_grid(GridSpec(snap_to=lc, crs="EPSG:32646"))
    geo = write(tmp_path / "geo.tif", "EPSG:4326", from_origin(87, 28, 0.001, 0.001))
    with pytest.raises(CRSError, match=r"is in EPSG:4326 .* \(degrees\).*extent = 'geo.tif'"):
        recipe_grid(GridSpec(snap_to=geo))


def test_resolve_crs_names_the_auto_crs() -> None:
    crs = resolve_crs("auto", bounds=(130, 42, 132, 44))
    assert crs.to_wkt().startswith('PROJCS["LAEA 43°N 131°E"')
