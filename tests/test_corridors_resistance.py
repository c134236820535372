"""Tests of leopardrange.corridors.resistance (and the recipes it builds from).

Known answers on grids built here; a user's UTM land cover: snapping to its grid (no
resampling), its legend, the scale error recorded.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from rasterio.transform import from_origin

from leopardrange import datasets
from leopardrange.cli.main import main_group
from leopardrange.corridors import build_resistance, warp_raster
from leopardrange.corridors.recipe import (
    BandFactor,
    BarrierFactor,
    ClassFactor,
    DistanceFactor,
    GridSpec,
    MaskFactor,
    ResistanceRecipe,
    parse_recipe,
    read_recipe,
)
from leopardrange.corridors.resistance import RESISTANCE_NODATA, resolve_crs
from leopardrange.errors import (
    CRSError,
    DataSourceError,
    LegendError,
    OutputExistsError,
    ResistanceError,
)
from tests.conftest import LAEA
from tests.corridor_scenario import COSTS, build

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build(tmp_path_factory.mktemp("utm"))


def test_snapped_to_the_utm_land_cover_nothing_is_resampled(scenario, tmp_path: Path) -> None:
    surface = build_resistance(scenario.recipe)
    with rasterio.open(scenario.landcover) as src:
        lc, transform, crs = src.read(1), src.transform, src.crs
    assert surface.transform == transform and surface.shape == lc.shape
    assert surface.crs.to_epsg() == crs.to_epsg() == 32645
    assert surface.summary["snapped_to"] == scenario.landcover.name
    assert surface.summary["resampled_factors"] == []
    assert surface.summary["max_scale_error_pct"] == pytest.approx(0.04, abs=0.02)
    expected = np.vectorize(lambda c: COSTS.get(int(c), np.nan), otypes=[float])(lc)
    np.testing.assert_array_equal(surface.values, expected.astype(np.float32))  # cell by cell
    out = surface.write(tmp_path / "R.tif")
    with rasterio.open(out) as src:
        assert src.tags()["snapped_to"] == scenario.landcover.name
        assert float(src.tags()["max_scale_error_pct"]) == pytest.approx(0.04, abs=0.02)


def test_a_warped_factor_is_reported(scenario) -> None:
    spec = GridSpec(bounds=(86.9, 28.0, 87.2, 28.15), resolution_m=250, crs="auto")
    rec = ResistanceRecipe(
        spec,
        (ClassFactor("lc", scenario.landcover, {k: v for k, v in COSTS.items()}, default=1.0),),
    )
    surface = build_resistance(rec)
    assert surface.summary["resampled_factors"] == ["lc"]
    assert surface.summary["snapped_to"] is None


def test_the_legend_checks_costs_and_raster_values(scenario) -> None:
    spec = GridSpec(snap_to=scenario.landcover)
    wrong = ResistanceRecipe(
        spec, (ClassFactor("lc", scenario.landcover, COSTS, legend="worldcover"),)
    )
    with pytest.raises(
        LegendError, match=r"classes that are not in the ESA WorldCover legend: 1, 2"
    ):
        build_resistance(wrong)
    costs = {10: 1, 20: 2, 30: 3, 40: 4, 50: 5, 60: 6, 70: 7, 80: 8, 90: 9, 95: 10, 100: 11}
    unknown = ResistanceRecipe(
        spec, (ClassFactor("lc", scenario.landcover, costs, legend="worldcover"),)
    )
    with pytest.raises(
        LegendError,
        match=r"'lc_utm45n.tif' has values the ESA WorldCover legend does not know: 1, 2, 3, 4, 5",
    ):
        build_resistance(unknown)
    missing = ResistanceRecipe(
        spec, (ClassFactor("lc", scenario.landcover, {1: 1, 2: 2}, legend=str(scenario.legend)),)
    )
    with pytest.raises(Exception, match=r"class 3 \(Rock\) of lc_utm45n.tif has no cost"):
        build_resistance(missing)


def test_a_grid_crs_with_a_large_scale_error_is_refused(scenario) -> None:
    spec = GridSpec(bounds=(86.9, 28.0, 87.2, 28.15), resolution_m=250, crs="EPSG:32643")
    rec = ResistanceRecipe(spec, (ClassFactor("lc", scenario.landcover, COSTS, default=1.0),))
    with pytest.raises(
        CRSError,
        match=r'grid of the recipe is in EPSG:32643 .* local CRS, crs = "EPSG:32645" in \[grid\]',
    ):
        build_resistance(rec)
    assert build_resistance(rec, max_scale_error_pct=5).summary["max_scale_error_pct"] > 1


pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)

RES = 100.0
ROWS, COLS = 40, 60
TRANSFORM = from_origin(0.0, ROWS * RES, RES, RES)
GRID = GridSpec(
    bounds=(0.0, 0.0, COLS * RES, ROWS * RES), resolution_m=RES, crs=LAEA, bounds_crs=LAEA
)


def write_tif(path: Path, data: np.ndarray, *, nodata: float | None = None, crs=LAEA) -> Path:
    profile = {
        "driver": "GTiff",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": str(data.dtype),
        "crs": crs,
        "transform": TRANSFORM,
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def cell_centre(row: int, col: int) -> shapely.Point:
    return shapely.Point((col + 0.5) * RES, (ROWS - row - 0.5) * RES)


@pytest.fixture
def classes(tmp_path: Path) -> Path:
    """Left half class 1 (forest), right half class 12 (cropland), one nodata cell."""
    data = np.full((ROWS, COLS), 1, dtype=np.uint8)
    data[:, COLS // 2 :] = 12
    data[0, 0] = 255
    return write_tif(tmp_path / "classes.tif", data, nodata=255)


@pytest.fixture
def elevation(tmp_path: Path) -> Path:
    """Rows 0-9: 200 m, 10-19: 400 m, 20-29: 800 m, 30-39: 1500 m."""
    data = np.repeat(np.array([200, 400, 800, 1500], dtype=np.int16), 10)[:, None]
    return write_tif(tmp_path / "elev.tif", np.tile(data, (1, COLS)), nodata=-32768)


def recipe(*factors, combine: str = "sum") -> ResistanceRecipe:
    return ResistanceRecipe(grid=GRID, factors=tuple(factors), combine=combine, name="test")


# --------------------------------------------------------------------------- factors


def test_grid_is_snapped_and_equal_area(classes: Path) -> None:
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 20})))
    assert s.shape == (ROWS, COLS)
    assert s.cell_size_m == RES
    assert s.transform == TRANSFORM
    assert s.crs.is_projected


def test_classes_cost_table(classes: Path) -> None:
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 20})))
    assert s.values[5, 5] == 1.0
    assert s.values[5, COLS - 1] == 20.0
    assert np.isnan(s.values[0, 0])  # the raster's nodata is impassable
    assert s.impassable_cells["lc"] == 1


def test_classes_impassable_and_default(classes: Path) -> None:
    s = build_resistance(recipe(ClassFactor("lc", classes, {12: math.inf}, default=3.0)))
    assert np.isnan(s.values[:, COLS // 2 :]).all()
    assert (s.values[1:, : COLS // 2] == 3.0).all()


def test_class_without_cost_is_named(classes: Path) -> None:
    with pytest.raises(ResistanceError, match=r"class 12 of classes.tif has no cost in factor"):
        build_resistance(recipe(ClassFactor("lc", classes, {1: 1})))


def test_elevation_bands(elevation: Path) -> None:
    f = BandFactor("elev", elevation, breaks=(300, 600, 1200), costs=(2, 1, 3, math.inf))
    s = build_resistance(recipe(f))
    assert s.values[0, 0] == 2 and s.values[15, 3] == 1 and s.values[25, 3] == 3
    assert np.isnan(s.values[35, 3])


def test_slope_bands(tmp_path: Path) -> None:
    # a plane rising 10 m per 100 m eastwards: slope = atan(0.1) = 5.71 degrees everywhere
    z = (np.arange(COLS, dtype=np.float32) * 10.0)[None, :].repeat(ROWS, axis=0)
    path = write_tif(tmp_path / "plane.tif", z)
    s = build_resistance(
        recipe(BandFactor("slope", path, breaks=(5.0, 6.0), costs=(1, 2, 9), slope=True))
    )
    assert (s.values == 2).all()


def test_distance_decay_known_answer(tmp_path: Path, classes: Path) -> None:
    towns = gpd.GeoDataFrame(geometry=[cell_centre(20, 10)], crs=LAEA)
    towns.to_file(tmp_path / "towns.gpkg", layer="towns")
    f = DistanceFactor("towns", tmp_path / "towns.gpkg", near=10, scale_m=500, layer="towns")
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 1}), f))
    assert s.values[20, 10] == pytest.approx(11.0)
    # 3 cells east and 4 north: 500 m exactly
    assert s.values[16, 13] == pytest.approx(1 + 10 * math.exp(-1), rel=1e-6)
    lin = DistanceFactor(
        "towns", tmp_path / "towns.gpkg", near=10, scale_m=1000, function="linear", far=2
    )
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 1}), lin))
    assert s.values[16, 13] == pytest.approx(1 + 2 + 8 * 0.5)
    assert s.values[20, 50] == pytest.approx(3.0)


def test_distance_counts_features_outside_the_grid(tmp_path: Path, classes: Path) -> None:
    outside = gpd.GeoDataFrame(geometry=[shapely.Point(-250.0, 2050.0)], crs=LAEA)
    outside.to_file(tmp_path / "out.gpkg")
    f = DistanceFactor("towns", tmp_path / "out.gpkg", near=10, scale_m=500)
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 1}), f))
    assert s.values[19, 0] == pytest.approx(1 + 10 * math.exp(-300 / 500), rel=1e-6)


def test_barrier_all_touched_and_impassable(tmp_path: Path, classes: Path) -> None:
    road = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 2050), (6000, 2050)])], crs=LAEA)
    road.to_file(tmp_path / "road.gpkg")
    lc = ClassFactor("lc", classes, {1: 1, 12: 1})
    s = build_resistance(recipe(lc, BarrierFactor("road", tmp_path / "road.gpkg", cost=7)))
    assert (s.values[19, :] == 8).all()  # the line runs through row 19
    assert (s.values[18, 1:] == 1).all()
    s = build_resistance(recipe(lc, BarrierFactor("wall", tmp_path / "road.gpkg", cost=math.inf)))
    assert np.isnan(s.values[19, :]).all()
    assert s.impassable_cells["wall"] == COLS


def test_shared_boundaries_skip_the_coast(tmp_path: Path, classes: Path) -> None:
    countries = gpd.GeoDataFrame(
        {"name": ["A", "B"]},
        geometry=[shapely.box(500, 500, 3000, 3500), shapely.box(3000, 500, 5500, 3500)],
        crs=LAEA,
    )
    countries.to_file(tmp_path / "countries.gpkg")
    f = BarrierFactor("border", tmp_path / "countries.gpkg", cost=5, geometry="shared_boundaries")
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 1}), f))
    fenced = np.argwhere(s.values == 6)
    assert set(fenced[:, 1].tolist()) <= {29, 30}  # only around x = 3000 m
    assert s.values[35, 10] == 1  # the outer boundary (coast) is not fenced


def test_mask_makes_outside_impassable(tmp_path: Path, classes: Path) -> None:
    land = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 3000, 4000)], crs=LAEA)
    land.to_file(tmp_path / "land.gpkg")
    s = build_resistance(
        recipe(MaskFactor("sea", tmp_path / "land.gpkg"), ClassFactor("lc", classes, {1: 1, 12: 1}))
    )
    assert np.isnan(s.values[:, 30:]).all()
    assert not np.isnan(s.values[1:, :30]).any()
    assert s.impassable_cells["sea"] == ROWS * 30


@pytest.mark.parametrize(("combine", "expected"), [("sum", 5.0), ("max", 4.0), ("product", 4.0)])
def test_combine(classes: Path, elevation: Path, combine: str, expected: float) -> None:
    lc = ClassFactor("lc", classes, {1: 4, 12: 4})
    elev = BandFactor("elev", elevation, breaks=(300,), costs=(1, 1))
    s = build_resistance(recipe(lc, elev, combine=combine))
    assert s.values[5, 5] == expected


def test_zero_resistance_is_refused(classes: Path) -> None:
    with pytest.raises(ResistanceError, match=r"zero or negative resistance at 1,19\d cells"):
        build_resistance(recipe(ClassFactor("lc", classes, {1: 0, 12: 1})))


def test_all_impassable_is_refused(classes: Path) -> None:
    with pytest.raises(ResistanceError, match="makes every cell impassable"):
        build_resistance(recipe(ClassFactor("lc", classes, {1: math.inf, 12: math.inf})))


def test_resolution_override(classes: Path) -> None:
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 20})), resolution_m=200)
    assert s.shape == (ROWS // 2, COLS // 2)


def test_write_geotiff(tmp_path: Path, classes: Path) -> None:
    s = build_resistance(recipe(ClassFactor("lc", classes, {1: 1, 12: 20})))
    out = s.write(tmp_path / "r.tif")
    with rasterio.open(out) as src:
        assert src.nodata == RESISTANCE_NODATA
        assert src.read(1)[0, 0] == RESISTANCE_NODATA
        assert "lc (1 cells)" in src.tags(1)["impassable"]
        assert src.crs.is_projected
    with pytest.raises(OutputExistsError, match="already exists"):
        s.write(out)
    s.write(out, overwrite=True)


# ---------------------------------------------------------------------------- recipes


def good_recipe() -> dict:
    return {
        "resistance": {"name": "t", "combine": "sum"},
        "grid": {"crs": "auto", "bounds": [130, 42, 131, 43], "resolution_m": 1000},
        "factors": [
            {"name": "lc", "type": "classes", "path": "x.tif", "costs": {"1": 1}},
            {"name": "el", "type": "bands", "path": "e.tif", "breaks": [1], "costs": [1, 2]},
        ],
    }


def test_parse_recipe(tmp_path: Path) -> None:
    r = parse_recipe(good_recipe(), base_dir=tmp_path)
    assert r.factors[0] == ClassFactor("lc", tmp_path / "x.tif", {1: 1.0})
    assert r.grid.bounds == (130, 42, 131, 43)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(extra=1), r"unknown key 'extra'"),
        (
            lambda d: d["resistance"].update(combine="mean"),
            r"combine of \[resistance\] of the recipe must be one of sum, max, product, not 'mean'",
        ),
        (lambda d: d.pop("grid"), r"the recipe needs a \[grid\] table"),
        (lambda d: d["grid"].update(bounds=[1, 2]), r"bounds .* must be \[west, south"),
        (lambda d: d["grid"].pop("resolution_m"), r"needs resolution_m"),
        (lambda d: d["grid"].update(resolution_m=-5), r"positive number"),
        (
            lambda d: d.update(factors=[]),
            r"factors of the recipe must be a non-empty array of tables .*, not an empty array",
        ),
        (
            lambda d: d["factors"][0].update(type="magic"),
            r"type of factor 'lc' of the recipe must be one of classes, .*, not 'magic'",
        ),
        (lambda d: d["factors"][0].update(colour="red"), r"unknown key 'colour'"),
        (lambda d: d["factors"][0].update(costs={"1": -1}), r"finite number >= 0"),
        (lambda d: d["factors"][0].update(costs={"1": "high"}), r"number or \"impassable\""),
        (
            lambda d: d["factors"][0].update(costs={"forest": 1}),
            r"class code of factor 'lc' of the recipe must be an integer, not 'forest'",
        ),
        (lambda d: d["factors"][1].update(breaks=[3, 1], costs=[1, 1, 1]), r"strictly ascending"),
        (lambda d: d["factors"][1].update(costs=[1]), r"needs 2 costs"),
        (
            lambda d: d["factors"][1].update(name="lc"),
            r"two factors of the recipe share the name 'lc'",
        ),
        (lambda d: d["factors"][1].pop("path"), r"needs a path"),
    ],
)
def test_bad_recipes(tmp_path: Path, edit, message: str) -> None:
    data = good_recipe()
    edit(data)
    with pytest.raises(ResistanceError, match=message):
        parse_recipe(data, base_dir=tmp_path)


def test_read_recipe_errors(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="does not exist"):
        read_recipe(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[grid\n", encoding="utf-8")
    with pytest.raises(ResistanceError, match="not valid TOML"):
        read_recipe(bad)


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        ("EPSG:4326", "not a projected CRS"),
        ("EPSG:2227", r"is in US survey foot, not metres"),
        ("no such crs", "is not a CRS"),
    ],
)
def test_grid_crs_must_be_projected_in_metres(crs: str, message: str) -> None:
    with pytest.raises(CRSError, match=message):
        resolve_crs(crs, bounds=(130, 42, 131, 43))
    assert resolve_crs("EPSG:32652", bounds=(130, 42, 131, 43)).to_epsg() == 32652


def test_auto_crs_is_laea_on_the_bounds() -> None:
    crs = resolve_crs("auto", bounds=(130, 42, 132, 44))
    assert "+proj=laea" in crs.to_proj4() and "+lat_0=43" in crs.to_proj4()


def test_raster_without_crs_is_refused(tmp_path: Path) -> None:
    path = write_tif(tmp_path / "nocrs.tif", np.ones((ROWS, COLS), dtype=np.uint8), crs=None)
    with pytest.raises(CRSError, match="has no CRS"):
        build_resistance(recipe(ClassFactor("lc", path, {1: 1})))


# ------------------------------------------------------------- the embedded recipe


def test_embedded_recipe_documents_every_weight() -> None:
    """Every cost line of the default recipe cites a FACTS source id or says 'assumption'."""
    path = datasets.path("resistance")
    text = path.read_text(encoding="utf-8")
    r = read_recipe(path)
    assert r.combine == "sum"
    costs = next(f for f in r.factors if isinstance(f, ClassFactor)).costs
    assert set(costs) == set(range(17))  # every IGBP class has a cost
    cost_lines = [ln for ln in text.splitlines() if re.match(r"^\d+ = ", ln)]
    assert len(cost_lines) == 17
    for line in cost_lines + [ln for ln in text.splitlines() if ln.startswith(("near", "cost ="))]:
        assert re.search(r"\bS\d+\b|assumption", line), line
    assert tomllib.loads(text)["grid"]["crs"] == "auto"


def test_embedded_recipe_builds() -> None:
    s = build_resistance(datasets.path("resistance"), resolution_m=5000)
    assert s.summary["resistance_min"] == pytest.approx(1.0)
    assert s.impassable_cells["sea (outside land)"] > 0
    assert s.crs.is_projected


# ------------------------------------------------------------------------------ warp


def test_warp_raster_to_laea(tmp_path: Path) -> None:
    data = np.full((20, 30), 2.0, dtype=np.float32)
    profile = {
        "driver": "GTiff",
        "height": 20,
        "width": 30,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4326",
        "transform": from_origin(130, 43, 0.01, 0.01),
        "nodata": -1,
    }
    with rasterio.open(tmp_path / "geo.tif", "w", **profile) as dst:
        dst.write(data, 1)
    out = warp_raster(tmp_path / "geo.tif", tmp_path / "laea.tif", dst_crs="auto")
    with rasterio.open(out) as src:
        assert src.crs.is_projected
        assert src.res[0] == pytest.approx(src.res[1])
        values = src.read(1, masked=True)
        assert values.compressed().min() == 2.0
    utm = warp_raster(tmp_path / "geo.tif", tmp_path / "utm.tif", dst_crs="EPSG:32652")
    with rasterio.open(utm) as src:
        assert src.crs.to_epsg() == 32652  # any projected CRS in metres, not only equal-area
    with pytest.raises(CRSError, match="not a projected CRS"):
        warp_raster(tmp_path / "geo.tif", tmp_path / "geo2.tif", dst_crs="EPSG:4269")


# ------------------------------------------------------------------------------- CLI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_resistance(tmp_path: Path, classes: Path) -> None:
    (tmp_path / "r.toml").write_text(
        f"""
[resistance]
name = "two halves"
[grid]
crs = "{LAEA}"
bounds_crs = "{LAEA}"
bounds = [0, 0, 6000, 4000]
resolution_m = 100
[[factors]]
name = "lc"
type = "classes"
path = "classes.tif"
[factors.costs]
1 = 1
12 = "impassable"
""",
        encoding="utf-8",
    )
    code, out, err = run("resistance", str(tmp_path / "r.toml"), "--out", str(tmp_path / "r.tif"))
    assert code == 0, err
    assert "60 x 40 cells of 100 m" in out
    assert "lc (1,201 cells)" in out
    code, _, err = run("resistance", str(tmp_path / "r.toml"), "--out", str(tmp_path / "r.tif"))
    assert code == 1
    assert "already exists; pass --overwrite" in err
    code, out, _ = run(
        "resistance",
        str(tmp_path / "r.toml"),
        "-o",
        str(tmp_path / "r.tif"),
        "--resolution",
        "200",
        "--overwrite",
    )
    assert code == 0
    assert "30 x 20 cells of 200 m" in out


def test_cli_resistance_bad_recipe(tmp_path: Path) -> None:
    text = "[grid]\ncrs = 'auto'\n[[factors]]\nname = 'land'\ntype = 'mask'\npath = 'land.gpkg'\n"
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    code, _, err = run("resistance", str(tmp_path / "r.toml"), "--out", str(tmp_path / "r.tif"))
    assert code == 1
    assert err.startswith("Error: [grid] of recipe") or "bounds in [grid]" in err
    assert not (tmp_path / "r.tif").exists()


def test_cli_resistance_help_teaches() -> None:
    code, out, _ = run("resistance", "--help")
    assert code == 0
    assert "Examples:" in out and "leopardrange resistance --out R.tif" in out
