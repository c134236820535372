"""A user's own corridor scenario, built in code (shared by several test modules).

A 100 m land-cover GeoTIFF in UTM zone 45N (EPSG:32645, around 87°E 28°N) whose classes
1–5 are forest, grassland, rock, ice and urban (a legend the toolkit does not ship: a CSV);
protected areas with WDPA field names (``WDPAID``, ``NAME``, ``ORIG_NAME``, ``DESIG_ENG``):
two that overlap (a national park and a reserve reaching into it) and a third apart; a
resistance recipe that snaps to the land cover's grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.transform import from_origin
from scipy import ndimage

UTM45N = "EPSG:32645"
RES = 100.0
ROWS, COLS = 220, 300
X0, Y1 = 480_000.0, 3_120_000.0
FOREST, GRASS, ROCK, ICE, URBAN = 1, 2, 3, 4, 5
LEGEND_CSV = (
    "value,name,habitat,colour\n"
    "1,Forest,yes,#2d6a2e\n"
    "2,Grassland,no,#c8d67a\n"
    "3,Rock,no,#9c8f84\n"
    "4,Ice,no,#e6f2fa\n"
    "5,Urban,no,#d7301f\n"
)
COSTS = {FOREST: 1, GRASS: 4, ROCK: 10, ICE: 40, URBAN: 60}


@dataclass(frozen=True)
class Scenario:
    folder: Path
    landcover: Path
    legend: Path
    parks: Path  # GeoPackage, layer "wdpa_polygons"
    recipe: Path

    @property
    def layer(self) -> str:
        return f"{self.parks}:wdpa_polygons"


def landcover_classes(seed: int = 7) -> np.ndarray:
    """Smooth random patches of the five classes (no class dominates the whole grid)."""
    rng = np.random.default_rng(seed)
    field = ndimage.gaussian_filter(rng.normal(size=(ROWS, COLS)), 9)
    other = ndimage.gaussian_filter(rng.normal(size=(ROWS, COLS)), 6)
    lc = np.full((ROWS, COLS), GRASS, dtype=np.uint8)
    lc[field > np.quantile(field, 0.55)] = FOREST
    lc[other > np.quantile(other, 0.90)] = ROCK
    lc[(field < np.quantile(field, 0.08)) & (other > 0)] = ICE
    lc[(other < np.quantile(other, 0.04))] = URBAN
    lc[:3, :3] = 255  # a corner without data
    return lc


def build(folder: Path) -> Scenario:
    folder.mkdir(parents=True, exist_ok=True)
    lc = landcover_classes()
    profile = {
        "driver": "GTiff",
        "height": ROWS,
        "width": COLS,
        "count": 1,
        "dtype": "uint8",
        "crs": UTM45N,
        "transform": from_origin(X0, Y1, RES, RES),
        "nodata": 255,
    }
    landcover = folder / "lc_utm45n.tif"
    with rasterio.open(landcover, "w", **profile) as dst:
        dst.write(lc, 1)
    legend = folder / "my_classes.csv"
    legend.write_text(LEGEND_CSV, encoding="utf-8")
    x = lambda col: X0 + col * RES  # noqa: E731
    y = lambda row: Y1 - row * RES  # noqa: E731
    parks = gpd.GeoDataFrame(
        {
            "WDPAID": [555001, 555002, 555003],
            "NAME": ["Sagarmatha", "Sagarmatha Buffer Reserve", "Makalu Barun"],
            "ORIG_NAME": ["सगरमाथा", "सगरमाथा मध्यवर्ती", "मकालु बरुण"],
            "DESIG_ENG": ["National Park", "Buffer Zone", "National Park"],
        },
        geometry=[
            shapely.box(x(20), y(150), x(80), y(60)),
            shapely.box(x(65), y(130), x(110), y(90)),  # reaches into Sagarmatha
            shapely.box(x(230), y(170), x(280), y(40)),
        ],
        crs=UTM45N,
    ).to_crs(4326)  # WDPA ships in EPSG:4326
    gpkg = folder / "wdpa.gpkg"
    parks.to_file(gpkg, layer="wdpa_polygons")
    recipe = folder / "recipe.toml"
    costs = "\n".join(f"{k} = {v}" for k, v in COSTS.items())
    recipe.write_text(
        f"""[resistance]
name = "UTM scenario"

[grid]
snap_to = "{landcover.name}"

[[factors]]
name = "land cover"
type = "classes"
path = "{landcover.name}"
legend = "{legend.name}"
[factors.costs]
{costs}
""",
        encoding="utf-8",
    )
    return Scenario(folder, landcover, legend, gpkg, recipe)


def sampled_habitat_pct(
    path_line: shapely.LineString, landcover: Path, step_m: float = 2.0
) -> float:
    """The path's forest share by hand: land cover sampled every ``step_m`` along the line."""
    n = max(2, int(path_line.length / step_m) + 1)
    points = [path_line.interpolate(d) for d in np.linspace(0.0, path_line.length, n)]
    with rasterio.open(landcover) as src:
        values = np.array([v[0] for v in src.sample([(p.x, p.y) for p in points])])
        known = values != src.nodata
    return float(100.0 * (values[known] == FOREST).mean())


def with_resistance(folder: Path) -> dict:
    """The scenario, its resistance surface (``R``) and the parks as read (``parks``)."""
    from leopardrange.corridors import build_resistance
    from leopardrange.io import read_layer

    scenario = build(folder)
    resistance = build_resistance(scenario.recipe).write(folder / "R.tif")
    return {"s": scenario, "R": resistance, "parks": read_layer(scenario.layer)}
