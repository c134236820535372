"""Tests of leopardrange.corridors.corridor on a user's own rasters (tests/corridor_scenario.py):
a 100 m UTM 45N land cover with its own legend, WDPA-named overlapping protected areas."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio

from leopardrange.corridors import LINK_METRICS, least_cost_corridor
from leopardrange.errors import LegendError, SchemaError, SourceError
from tests.corridor_scenario import FOREST, GRASS, sampled_habitat_pct, with_resistance

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return with_resistance(tmp_path_factory.mktemp("scene"))


def park(scene: dict, name: str) -> gpd.GeoDataFrame:
    parks = scene["parks"]
    return parks[parks["NAME"] == name]


@pytest.fixture(scope="module")
def to_makalu(scene: dict):  # type: ignore[no-untyped-def]
    s = scene["s"]
    return least_cost_corridor(
        scene["R"], park(scene, "Sagarmatha"), park(scene, "Makalu Barun"),
        landcover=s.landcover, legend=s.legend,
    )  # fmt: skip


def test_habitat_share_agrees_with_sampling_the_path_by_hand(scene: dict, to_makalu) -> None:
    m = to_makalu.metrics
    assert m["path_habitat_pct"] == pytest.approx(
        sampled_habitat_pct(to_makalu.path, scene["s"].landcover), abs=1.0
    )
    assert m["habitat_classes"] == [FOREST]
    assert m["legend"]["source"] == str(scene["s"].legend)
    assert m["path_forest_pct"] == m["path_habitat_pct"]  # the old name, for one release
    assert "path_forest_pct" in m["deprecated"]


def test_other_habitat_classes_agree_with_sampling_too(scene: dict, to_makalu) -> None:
    s = scene["s"]
    grass = least_cost_corridor(
        scene["R"], park(scene, "Sagarmatha"), park(scene, "Makalu Barun"),
        landcover=s.landcover, legend=s.legend, habitat_classes=[GRASS],
    )  # fmt: skip
    line = grass.path
    n = int(line.length / 2) + 1
    with rasterio.open(s.landcover) as src:
        values = np.array([v[0] for v in src.sample(
            [(p.x, p.y) for p in (line.interpolate(d) for d in np.linspace(0, line.length, n))]
        )])  # fmt: skip
    by_hand = 100 * (values == GRASS).mean()
    assert grass.metrics["path_habitat_pct"] == pytest.approx(by_hand, abs=1.0)
    assert grass.metrics["path_habitat_pct"] + to_makalu.metrics["path_habitat_pct"] <= 100.5


def test_the_utm_land_cover_is_read_without_resampling(scene: dict, to_makalu) -> None:
    m = to_makalu.metrics
    assert m["landcover_resampled"] is False
    assert m["crs"] == "EPSG:32645" and m["cell_size_m"] == [100.0, 100.0]
    assert m["max_scale_error_pct"] == pytest.approx(0.04, abs=0.02)


def test_names_come_from_the_wdpa_name_field(to_makalu) -> None:
    assert (to_makalu.metrics["source"], to_makalu.metrics["target"]) == (
        "Sagarmatha",
        "Makalu Barun",
    )


def test_name_field_is_chosen_or_refused_listing_the_fields(scene: dict) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Makalu Barun")
    res = least_cost_corridor(scene["R"], a, b, name_field="ORIG_NAME")
    assert res.metrics["source"] == "सगरमाथा"
    with pytest.raises(SchemaError, match=r"has no field 'name_en'.*WDPAID, NAME, ORIG_NAME"):
        least_cost_corridor(scene["R"], a, b, name_field="name_en")
    bare = least_cost_corridor(scene["R"], a[["geometry"]], b[["geometry"]])
    assert bare.metrics["source"] == "wdpa_polygons"  # the layer's name, never its path
    assert "/" not in bare.metrics["target"] and ".gpkg" not in bare.metrics["target"]


def test_overlapping_areas_are_refused_by_default(scene: dict) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Sagarmatha Buffer Reserve")
    with pytest.raises(
        SourceError,
        match=r"the source 'Sagarmatha' and the target 'Sagarmatha Buffer Reserve' overlap "
        r"\(600 shared cells, 6 km²\).*--overlap subtract",
    ):
        least_cost_corridor(scene["R"], a, b)


def test_subtract_measures_from_the_target_minus_the_source(scene: dict, tmp_path: Path) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Sagarmatha Buffer Reserve")
    res = least_cost_corridor(scene["R"], a, b, overlap="subtract")
    m = res.metrics
    assert m["overlap"]["mode"] == "subtract" and m["overlap"]["shared_cells"] == 600
    assert "target minus the source" in m["overlap"]["note"]
    assert m["path_length_m"] == pytest.approx(100.0)  # they touch once the overlap is gone
    assert m["cost_distance"] > 0
    out = res.write(tmp_path / "sub")
    assert json.loads((out / "metrics.json").read_text())["overlap"]["mode"] == "subtract"


def test_subtract_that_empties_an_area_is_refused(scene: dict) -> None:
    a = park(scene, "Sagarmatha")
    inner = a.to_crs("EPSG:32645")
    inner["geometry"] = inner.geometry.buffer(-500)
    with pytest.raises(SourceError, match=r"leaves the target empty: it lies entirely inside"):
        least_cost_corridor(scene["R"], a, inner, overlap="subtract")


def test_dissolve_joins_the_areas_at_no_cost(scene: dict, tmp_path: Path) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Sagarmatha Buffer Reserve")
    res = least_cost_corridor(scene["R"], a, b, overlap="dissolve")
    m = res.metrics
    assert (m["cost_distance"], m["path_length_m"], m["min_width_m"]) == (0.0, 0.0, None)
    assert "dissolved into one area" in m["overlap"]["note"]
    out = res.write(tmp_path / "one")
    assert (out / "map.png").stat().st_size > 0


def test_links_carry_every_metric_in_the_path_layer(to_makalu, tmp_path: Path) -> None:
    out = to_makalu.write(tmp_path / "c")
    path = gpd.read_file(out / "path.gpkg", layer="least_cost_path")
    for key in LINK_METRICS:
        assert key in path.columns
    assert path["min_width_m"].iloc[0] == to_makalu.metrics["min_width_m"]
    source = gpd.read_file(out / "path.gpkg", layer="source")
    assert source["name"].tolist() == ["Sagarmatha"]
    assert path.crs.name == "WGS 84 / UTM zone 45N"


def test_a_land_cover_without_its_legend_is_refused(scene: dict) -> None:
    a, b = park(scene, "Sagarmatha"), park(scene, "Makalu Barun")
    with pytest.raises(LegendError, match="never assumed to be IGBP"):
        least_cost_corridor(scene["R"], a, b, landcover=scene["s"].landcover)
    with pytest.raises(
        LegendError, match=r"has values the ESA WorldCover legend does not know: 1, 2, 3, 4, 5"
    ):
        least_cost_corridor(scene["R"], a, b, landcover=scene["s"].landcover, legend="worldcover")
    with pytest.raises(LegendError, match=r"habitat class 9 is not in the my_classes legend"):
        least_cost_corridor(
            scene["R"], a, b, landcover=scene["s"].landcover, legend=scene["s"].legend,
            habitat_classes=[1, 9],
        )  # fmt: skip
    with pytest.raises(ValueError, match="pass landcover too"):
        least_cost_corridor(scene["R"], a, b, legend="igbp")
