"""Tests of leopardrange.corridors.linkages: overlapping cores dissolved, every corridor metric
on every link (compared with a corridor between the same two areas).

And known answers for cores in a row on a uniform grid (tests/corridor_grids.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest

from leopardrange.corridors import (
    LINK_METRICS,
    least_cost_corridor,
    linkage_network,
)
from leopardrange.errors import (
    SchemaError,
    SourceError,
)
from tests.corridor_grids import (
    COLS,
    NODATA,
    ROWS,
    cell_box,
    row_of_cores,
    write_grid,
)
from tests.corridor_scenario import with_resistance

pytestmark = pytest.mark.filterwarnings(
    "ignore:Use `@` matmul instead of `\\*` mul operator:PendingDeprecationWarning"
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return with_resistance(tmp_path_factory.mktemp("net"))


@pytest.fixture(scope="module")
def network(scene: dict):  # type: ignore[no-untyped-def]
    s = scene["s"]
    return linkage_network(scene["R"], scene["parks"], landcover=s.landcover, legend=s.legend)


def test_overlapping_cores_are_dissolved_and_listed(network) -> None:
    merged = network.summary["merged_cores"]
    assert merged == [
        {
            "core": "Sagarmatha + Sagarmatha Buffer Reserve",
            "merged_from": ["Sagarmatha", "Sagarmatha Buffer Reserve"],
            "shared_cells": 600,
        }
    ]
    assert list(network.cores["name"]) == [merged[0]["core"], "Makalu Barun"]
    assert network.cores["merged_from"].iloc[0] == "Sagarmatha, Sagarmatha Buffer Reserve"


def test_every_link_carries_the_corridor_metrics(scene: dict, network) -> None:
    link = network.links.iloc[0]
    for key in LINK_METRICS:
        assert key in network.links.columns
        assert link[key] is not None
    parks = scene["parks"]
    s = scene["s"]
    same = least_cost_corridor(
        scene["R"], parks[parks["NAME"] != "Makalu Barun"], parks[parks["NAME"] == "Makalu Barun"],
        landcover=s.landcover, legend=s.legend,
    )  # fmt: skip
    for key in LINK_METRICS:
        assert link[key] == pytest.approx(same.metrics[key]), key


def test_written_links_keep_their_metrics(network, tmp_path: Path) -> None:
    out = network.write(tmp_path / "net")
    links = gpd.read_file(out / "linkages.gpkg", layer="links")
    assert set(LINK_METRICS) <= set(links.columns)
    g = nx.read_graphml(out / "network.graphml")
    assert "min_width_m" in next(iter(g.edges(data=True)))[2]
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert m["habitat_classes"] == [1] and m["merged_cores"][0]["shared_cells"] == 600
    assert gpd.read_file(out / "linkages.gpkg", layer="cores").crs.name == "WGS 84 / UTM zone 45N"


def test_refuse_and_names(scene: dict) -> None:
    with pytest.raises(
        SourceError, match=r"cores 'Sagarmatha', 'Sagarmatha Buffer Reserve' overlap"
    ):
        linkage_network(scene["R"], scene["parks"], overlap="refuse")
    with pytest.raises(SchemaError, match=r"no field 'label'.*WDPAID, NAME, ORIG_NAME, DESIG_ENG"):
        linkage_network(scene["R"], scene["parks"], name_field="label")
    two = scene["parks"].iloc[:2]
    with pytest.raises(SourceError, match=r"overlap into a single core"):
        linkage_network(scene["R"], two)
    with pytest.raises(ValueError, match="overlap must be one of dissolve, refuse"):
        linkage_network(scene["R"], scene["parks"], overlap="subtract")


def test_linkages_drop_the_link_through_a_third_core(uniform: Path) -> None:
    res = linkage_network(uniform, row_of_cores())
    assert sorted(map(sorted, res.graph.edges)) == [["east", "middle"], ["middle", "west"]]
    assert len(res.dropped) == 1
    d = res.dropped.iloc[0]
    assert {d["from_core"], d["to_core"]} == {"west", "east"} and d["via_cores"] == "middle"
    link = res.links.set_index(["from_core", "to_core"]).loc[("west", "middle")]
    assert link["euclidean_m"] == pytest.approx(1400.0)
    assert link["path_length_m"] == pytest.approx(1500.0)
    assert link["cost_distance"] == pytest.approx(1500.0)
    assert link["cwd_to_path_length_ratio"] == pytest.approx(1.0)


def test_linkages_keep_a_link_that_goes_round(uniform: Path) -> None:
    cores = row_of_cores()
    cores.loc[1, "geometry"] = cell_box(0, 22, 4, 28)  # the middle core moved out of the way
    res = linkage_network(uniform, cores)
    assert res.graph.number_of_edges() == 3 and len(res.dropped) == 0


def test_linkages_unreachable_pair(tmp_path: Path) -> None:
    r = np.ones((ROWS, COLS))
    r[:, 35] = NODATA
    path = write_grid(tmp_path / "split.tif", r)
    res = linkage_network(path, row_of_cores())
    assert ("middle", "east") in res.unreachable and ("west", "east") in res.unreachable
    assert nx.number_connected_components(res.graph) == 2


def test_linkages_write(tmp_path: Path, uniform: Path) -> None:
    out = linkage_network(uniform, row_of_cores()).write(tmp_path / "net")
    g = nx.read_graphml(out / "network.graphml")
    assert set(g.nodes) == {"west", "middle", "east"} and g.number_of_edges() == 2
    data = json.loads((out / "network.json").read_text(encoding="utf-8"))
    assert len(data["links"]) == 2
    links = gpd.read_file(out / "linkages.gpkg", layer="links")
    assert len(links) == 2 and links.crs is not None
    assert len(gpd.read_file(out / "linkages.gpkg", layer="dropped_links")) == 1
    assert (out / "map.png").stat().st_size > 0


def test_linkages_bad_cores(uniform: Path) -> None:
    cores = row_of_cores()
    cores.loc[1, "geometry"] = cell_box(12, 6, 18, 12)  # overlaps 'west'
    with pytest.raises(SourceError, match="cores 'west', 'middle' overlap"):
        linkage_network(uniform, cores, overlap="refuse")
    with pytest.raises(SchemaError, match="no field 'label'"):
        linkage_network(uniform, row_of_cores(), name_field="label")
    twins = row_of_cores()
    twins["name"] = ["a", "a", "b"]
    with pytest.raises(SchemaError, match="'a' appears more than once"):
        linkage_network(uniform, twins)
    with pytest.raises(SourceError, match="at least two cores"):
        linkage_network(uniform, row_of_cores().iloc[:1])
