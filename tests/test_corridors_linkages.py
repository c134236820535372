"""Tests of leopardrange.corridors.linkages: overlapping cores dissolved, every corridor metric
on every link (compared with a corridor between the same two areas)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pytest

from leopardrange.corridors import (
    LINK_METRICS,
    least_cost_corridor,
    linkage_network,
)
from leopardrange.errors import SchemaError, SourceError
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
