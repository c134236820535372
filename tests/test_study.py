"""Study files: several layers per role, the WDPA and IUCN keys, name_field for every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from leopardrange.errors import StudyError
from leopardrange.report.run import read_role
from leopardrange.study import ROLES, parse_study
from tests.wdpa_landscape import write_gpkg


def study(park: dict[str, Any], rng: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {
        "layers": {"park": {"path": "a.gpkg", **park}, "range": {"path": "a.gpkg", **(rng or {})}},
        **top,
    }


def parse(data: dict[str, Any], base: Path = Path("/data")) -> Any:
    return parse_study(data, base_dir=base)


def test_path_and_layer_may_be_arrays() -> None:
    both = parse(study({"path": ["p.gpkg", "q.gpkg"], "layer": ["polys", "points"]}))
    assert both.layers["park"].all_sources() == (
        (Path("/data/p.gpkg"), "polys"),
        (Path("/data/q.gpkg"), "points"),
    )
    one_file = parse(study({"layer": ["polys", "points"]}))
    assert [layer for _, layer in one_file.layers["park"].all_sources()] == ["polys", "points"]
    one_layer = parse(study({"path": ["p.shp", "q.shp"]}))
    assert one_layer.layers["park"].all_sources() == (
        (Path("/data/p.shp"), None),
        (Path("/data/q.shp"), None),
    )
    single = parse(study({}))
    assert single.layers["park"].sources == () and single.layers["park"].all_sources() == (
        (Path("/data/a.gpkg"), None),
    )


@pytest.mark.parametrize(
    ("park", "message"),
    [
        (
            {"path": ["a", "b"], "layer": ["x", "y", "z"]},
            r"path and layer of \[layers.park\] of the study are arrays of different lengths "
            r"\(2 and 3\)",
        ),
        ({"path": []}, r"path of \[layers.park\] .* must be non-empty text or a non-empty array"),
        ({"layer": ["x", 1]}, r"layer of \[layers.park\] .* must be non-empty text or a non-empty"),
        ({"status_keep": "Designated"}, r"status_keep .* must be a non-empty array of text"),
        ({"status_keep": []}, r"status_keep .* must be a non-empty array of text"),
        ({"point_areas": "false"}, r"point_areas .* must be true or false, not 'false' \(text"),
        ({"conventions": "iucn"}, r"conventions .* must be one of auto, wdpa, none, not 'iucn'"),
        ({"presence": [1]}, r"unknown key 'presence' in \[layers.park\]"),
    ],
)
def test_bad_park_keys(park: dict[str, Any], message: str) -> None:
    with pytest.raises(StudyError, match=message):
        parse(study(park))


@pytest.mark.parametrize(
    ("rng", "message"),
    [
        ({"presence": [0, 1]}, r"presence of \[layers.range\] .* non-empty array of codes 1–6"),
        ({"presence": []}, r"presence .* must be a non-empty array of integer codes, not an empty"),
        ({"seasonal": [6]}, r"seasonal .* must be a non-empty array of codes 1–5"),
        ({"origin": ["1"]}, r"origin .* must be a non-empty array of codes 1–6"),
        ({"presence": [True]}, r"presence .* must be a non-empty array of codes 1–6"),
        ({"historical_year": "1950"}, r"historical_year .* must be an integer"),
        ({"conventions": "wdpa"}, r"conventions .* one of auto, iucn, none, not 'wdpa'"),
        ({"status_keep": ["x"]}, r"unknown key 'status_keep' in \[layers.range\]"),
    ],
)
def test_bad_range_keys(rng: dict[str, Any], message: str) -> None:
    with pytest.raises(StudyError, match=message):
        parse(study({}, rng))


def test_keys_are_typed() -> None:
    parsed = parse(
        study(
            {
                "status_keep": ["Designated"],
                "drop_biosphere_reserves": False,
                "established_field": "YEAR",
                "name_field": "NAME_ENG",
            },
            {"presence": [1], "origin": [1, 2], "current_year": 2021, "name_field": "binomial"},
            study={"aoo_crs": "EPSG:3035"},
        )
    )
    assert parsed.layers["park"].options == {
        "drop_biosphere_reserves": False,
        "established_field": "YEAR",
        "name_field": "NAME_ENG",
        "status_keep": ("Designated",),
    }
    assert parsed.layers["range"].options == {
        "current_year": 2021,
        "name_field": "binomial",
        "origin": (1, 2),
        "presence": (1,),
    }
    assert parsed.aoo_crs == "EPSG:3035"


def test_every_role_takes_name_where_label_repair() -> None:
    for role, keys in ROLES.items():
        table = {
            "path": "a.gpkg",
            "name_field": "n",
            "where": "1 = 1",
            "label": "L",
            "repair": True,
        }
        data = study({})
        data["layers"][role] = table
        parsed = parse(data)
        assert parsed.layers[role].options["name_field"] == "n", role
        assert parsed.layers[role].repair and parsed.layers[role].label == "L"
        assert isinstance(keys, set)


def test_several_layers_are_read_and_joined(tmp_path: Path) -> None:
    write_gpkg(tmp_path)
    parsed = parse(
        study({"path": "wdpa_iucn.gpkg", "layer": ["wdpa_poly", "wdpa_point"]}),
        base=tmp_path,
    )
    frame = read_role(parsed.layers["park"])
    assert len(frame) == 8 + 2
    assert frame.attrs["source"].endswith(
        "wdpa_iucn.gpkg:wdpa_poly + " + str(tmp_path / "wdpa_iucn.gpkg") + ":wdpa_point"
    )
    assert set(frame.geom_type) == {"Polygon", "MultiPoint"}
