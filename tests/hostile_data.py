"""A tiny landscape, built in code, for the hostile-input catalogue and the fuzzer.

Everything a command reads: a study folder (``land.gpkg`` with park, range and cores, and
``study.toml``), a resistance raster, a land-cover raster and a recipe. All in a LAEA centred
on the Amur leopard landscape (or in EPSG:4326 for the study layers), small enough that a
whole report runs in about a second.

Helpers check the guarantees every hostile input must keep: one clear line on stderr, the
right exit status, inputs unchanged byte for byte, nothing half-written.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner, Result
from rasterio.transform import from_origin

from leopardrange.cli.main import main_group
from tests.conftest import LAEA

KM = 1000.0
#: Names of the temporary files and locks an interrupted or failed writer could leave.
LEFTOVER = re.compile(r"\.(partial|old|lock)([.-]|$)|^\.warp\.")


def box_km(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


@dataclass(frozen=True)
class World:
    """Paths of the tiny landscape."""

    root: Path
    study_dir: Path
    study: Path
    gpkg: Path
    resistance: Path
    landcover: Path
    recipe: Path

    @property
    def inputs(self) -> list[Path]:
        return [self.study_dir, self.resistance, self.landcover, self.recipe]


STUDY_TOML = """\
[study]
name = "Tiny landscape"
species = "Panthera pardus orientalis"

[layers.park]
path = "land.gpkg"
layer = "park"

[layers.range]
path = "land.gpkg"
layer = "range"
epoch_field = "epoch"
year_field = "year"

[[claims]]
id = "park-share"
metric = "park_share_of_current_range_pct"
expected = 17.0
tolerance = 1.0
"""

RECIPE_TOML = """\
[resistance]
name = "tiny"
combine = "sum"

[grid]
crs = "{laea}"
bounds = [130.85, 42.85, 131.15, 43.15]
resolution_m = 2000

[[factors]]
name = "land cover"
type = "classes"
path = "lc.tif"
[factors.costs]
1 = 1
2 = 5
"""


def write_raster(path: Path, values: np.ndarray, *, cell_m: float, x0: float, y1: float) -> Path:
    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": 1,
        "dtype": values.dtype.name,
        "crs": LAEA,
        "transform": from_origin(x0, y1, cell_m, cell_m),
        "nodata": -9999 if values.dtype.kind == "f" else 0,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
    return path


def build_world(root: Path) -> World:
    """Write the tiny landscape under ``root``; return its paths."""
    study_dir = root / "study"
    study_dir.mkdir(parents=True)
    gpkg = study_dir / "land.gpkg"
    gpd.GeoDataFrame(
        {"name": ["Земля леопарда"]}, geometry=[box_km(-5, -5, 5, 5)], crs=LAEA
    ).to_crs(4326).to_file(gpkg, layer="park")
    gpd.GeoDataFrame(
        {"epoch": ["c. 1900", "2000s", "2020"], "year": [1900, 2005, 2020]},
        geometry=[box_km(-30, -30, 30, 30), box_km(-20, -20, 20, 20), box_km(-12, -12, 12, 12)],
        crs=LAEA,
    ).to_crs(4326).to_file(gpkg, layer="range")
    gpd.GeoDataFrame(
        {"name": ["west", "east", "north"]},
        geometry=[box_km(-20, -4, -16, 0), box_km(16, -4, 20, 0), box_km(-2, 16, 2, 20)],
        crs=LAEA,
    ).to_file(gpkg, layer="cores")
    study = study_dir / "study.toml"
    study.write_text(STUDY_TOML, encoding="utf-8")
    cols = np.arange(60, dtype=np.float32)
    resistance = write_raster(
        root / "R.tif", np.tile(1.0 + cols % 5, (60, 1)), cell_m=KM, x0=-30 * KM, y1=30 * KM
    )
    classes = np.where(np.add.outer(np.arange(30), np.arange(30)) % 7 == 0, 2, 1).astype(np.uint8)
    landcover = write_raster(root / "lc.tif", classes, cell_m=2 * KM, x0=-30 * KM, y1=30 * KM)
    recipe = root / "recipe.toml"
    recipe.write_text(RECIPE_TOML.format(laea=LAEA), encoding="utf-8")
    return World(root, study_dir, study, gpkg, resistance, landcover, recipe)


def copy_world(template: World, root: Path) -> World:
    """A copy of the landscape at ``root`` (symbolic links kept as links)."""
    shutil.copytree(template.root, root, symlinks=True)
    return World(
        **{k: root / Path(v).relative_to(template.root) for k, v in vars(template).items()}
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The landscape, built once per test module."""
    return build_world(tmp_path_factory.mktemp("hostile") / "w")


@pytest.fixture
def world(template: World, tmp_path: Path) -> World:
    """A fresh copy of the landscape for each case."""
    return copy_world(template, tmp_path / "w")


# ------------------------------------------------------------------------------ checks


def snapshot(*paths: Path) -> dict[str, bytes]:
    """Every file under ``paths`` (files or folders) with its bytes."""
    out: dict[str, bytes] = {}
    for path in paths:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            out[str(f)] = f.read_bytes()
    return out


def leftovers(folder: Path) -> list[str]:
    """Temporary files, folders and locks under ``folder`` (nothing half-written is left)."""
    return sorted(str(p) for p in folder.rglob("*") if LEFTOVER.search(p.name))


def invoke(*args: object) -> Result:
    """Run the CLI in-process."""
    return CliRunner().invoke(main_group, [str(a) for a in args])


def one_line_error(result: Result, *, code: int = 1) -> str:
    """The single ``Error:`` line of a failed run (asserting there is nothing else)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr and "this is a bug" not in result.stderr, result.stderr
    if code == 2:  # click's usage errors: "Usage: …", "Try …", then one "Error:" line
        assert lines and lines[-1].startswith("Error: "), result.stderr
        return lines[-1]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]
