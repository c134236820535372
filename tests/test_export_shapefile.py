"""Tests of leopardrange.export.shapefile: geometry types split, field names, size limits.

Shapefile limits (10-character field names, 254-byte text, 2 GB components) checked before
any file is written, and sizes estimated as GDAL writes them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from leopardrange.errors import ExportError
from leopardrange.export.shapefile import (
    check_shapefile,
    estimate_sizes,
    field_names,
    read_shapefile,
    write_shapefile,
)
from tests.conftest import LAEA
from tests.test_export import parts_equal


def test_shapefile_per_geometry_type(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b", "c", "d"]},
        geometry=[
            shapely.box(0, 0, 1, 1),
            shapely.Point(5, 5),
            shapely.MultiPoint([(1, 1), (2, 2)]),
            shapely.LineString([(0, 0), (3, 3)]),
        ],
        crs=LAEA,
    )
    files = write_shapefile(frame, tmp_path, name="mixed")
    stems = sorted({f.name.split(".")[0] for f in files})
    assert stems == ["mixed_lines", "mixed_points", "mixed_polygons"]
    points = read_shapefile(tmp_path / "mixed_points.shp")
    assert list(points["name"]) == ["b", "c"]
    assert parts_equal(points.geometry.iloc[0], shapely.Point(5, 5))
    assert len(read_shapefile(tmp_path / "mixed_lines.shp")) == 1


def test_shapefile_round_trip_of_types(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "text": ["Земля леопарда", "东北虎豹", None],
            "count": np.array([1, -(10**17 - 1), 10**18 - 1], dtype="int64"),
            "maybe": pd.array([1, None, 3], dtype="Int64"),
            "share_frac": [0.25, float("nan"), 1 / 3],
            "big_km2": [123456789.123, 1e-3, 42.0],
            "flag": [True, False, True],
            "surveyed": [dt.date(2012, 4, 5), None, dt.date(2019, 12, 3)],
        },
        geometry=[shapely.box(0, 0, 1, 1), None, shapely.box(2, 2, 3, 3)],
        crs=4326,
    )
    write_shapefile(frame, tmp_path, name="types")
    back = read_shapefile(tmp_path / "types.shp")
    assert list(back["text"]) == ["Земля леопарда", "东北虎豹", None]
    assert list(back["count"]) == [1, -(10**17 - 1), 10**18 - 1]  # 18 characters: the most
    assert back["maybe"].tolist() == [1, pd.NA, 3]
    assert back["share_frac"].tolist() == pytest.approx([0.25, float("nan"), 1 / 3], nan_ok=True)
    assert back["big_km2"].tolist() == pytest.approx([123456789.123, 1e-3, 42.0], rel=1e-12)
    assert back["flag"].tolist() == [True, False, True]
    assert back["surveyed"].tolist() == [dt.date(2012, 4, 5), None, dt.date(2019, 12, 3)]
    assert back.geometry.iloc[1] is None
    assert pyogrio.read_info(tmp_path / "types.shp")["ogr_types"][-1] == "OFTDate"


# --------------------------------------------------------------------------------------------
# Field names
# --------------------------------------------------------------------------------------------


def test_field_names_examples() -> None:
    names = field_names(
        ["remaining_range_share", "remaining_range_pct", "remaining_", "NAME", "name", "Название"]
    )
    assert names == {
        "remaining_range_share": "remainin_1",
        "remaining_range_pct": "remainin_2",
        "remaining_": "remaining_",
        "NAME": "NAME",
        "name": "name_1",
        "Название": "field",
    }


def test_field_names_refuse_duplicates() -> None:
    with pytest.raises(ExportError, match="field 'a' appears twice"):
        field_names(["a", "b", "a"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), max_size=40, unique=True))
def test_field_names_fit_and_never_collide(names: list[str]) -> None:
    mapped = field_names(names)
    assert list(mapped) == names
    out = list(mapped.values())
    assert len({n.upper() for n in out}) == len(out)
    for original, name in mapped.items():
        assert 1 <= len(name) <= 10
        assert name.isascii() and all(c.isalnum() or c == "_" for c in name)
        fits = len(original) <= 10 and original.isascii() and original.replace("_", "a").isalnum()
        earlier = {o.upper() for o in names[: names.index(original)]}
        if fits and original.upper() not in earlier:
            assert name == original
    assert field_names(names) == mapped  # deterministic


# --------------------------------------------------------------------------------------------
# What a Shapefile cannot hold is refused by name
# --------------------------------------------------------------------------------------------


def one_row(**columns: Any) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[shapely.box(0, 0, 1, 1)], crs=LAEA)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (one_row(seen_at=pd.to_datetime(["2021-05-01 10:30"])), "field 'seen_at' holds date-times"),
        (
            one_row(seen_at=pd.to_datetime(["2021-05-01 10:30"]).tz_localize("Asia/Vladivostok")),
            "field 'seen_at' holds date-times",
        ),
        (
            one_row(seen_at=pd.Series([dt.datetime(2021, 5, 1, 10, 30)], dtype=object)),
            r"field 'seen_at' \(feature 0\) holds a date-time",
        ),
        (one_row(note=["ж" * 128]), r"field 'note' \(feature 0\) is 256 bytes"),
        (one_row(note=[" padded"]), "field 'note' .* leading or trailing spaces"),
        (one_row(big=pd.Series([2**64], dtype=object)), "field 'big' .* integer over 64 bits"),
        (one_row(big=np.array([2**63], dtype="uint64")), "field 'big' .* integer over 64 bits"),
        (one_row(big=np.array([10**18], dtype="int64")), "field 'big' .* 19 characters long"),
        (one_row(span=pd.to_timedelta(["3 days"])), "field 'span' holds durations"),
        (one_row(blob=pd.Series([b"\x00"], dtype=object)), "field 'blob' .* bytes value"),
    ],
)
def test_shapefile_refuses_by_field_name(frame: gpd.GeoDataFrame, match: str) -> None:
    with pytest.raises(ExportError, match=match):
        check_shapefile(frame, layer="sightings")


def test_shapefile_text_limit_is_in_bytes() -> None:
    check_shapefile(one_row(note=["ж" * 127]), layer="ok")  # 254 bytes
    check_shapefile(one_row(note=["x" * 254]), layer="ok")
    with pytest.raises(ExportError, match="255 bytes"):
        check_shapefile(one_row(note=["x" * 255]), layer="notes")


def test_shapefile_refuses_mixed_types_and_collections() -> None:
    mixed = gpd.GeoDataFrame(
        {"v": pd.Series([1, "a"], dtype=object)},
        geometry=[shapely.box(0, 0, 1, 1)] * 2,
        crs=LAEA,
    )
    with pytest.raises(ExportError, match="field 'v' mixes integer and string"):
        check_shapefile(mixed, layer="x")
    collection = gpd.GeoDataFrame(
        {"n": [1]},
        geometry=[shapely.GeometryCollection([shapely.Point(0, 0), shapely.box(0, 0, 1, 1)])],
        crs=LAEA,
    )
    with pytest.raises(ExportError, match="feature 0 is a GeometryCollection"):
        check_shapefile(collection, layer="x")


def test_component_size_limit_names_the_component(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"description": ["x" * 200] * 50, "n": range(50)},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(50)],
        crs=LAEA,
    )
    sizes = estimate_sizes(frame, check_shapefile(frame, layer="cells"))
    with pytest.raises(ExportError, match=r"\.dbf would be about .* widest fields: 'description'"):
        check_shapefile(frame, layer="cells", limit_bytes=sizes[".dbf"] - 1)
    with pytest.raises(ExportError, match=r"\.shp would be .* geometry column 'geometry'"):
        check_shapefile(frame[["geometry"]], layer="cells", limit_bytes=sizes[".shp"] - 1)
    with pytest.raises(ExportError, match="layer 'cells': the .dbf"):
        write_shapefile(frame, tmp_path, name="cells", limit_bytes=sizes[".dbf"] - 1)
    assert not list(tmp_path.iterdir())  # refused before writing


def test_size_estimate_matches_gdal(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "name": ["a", "Земля леопарда" * 5, None],
            "n": [1, 2, 3],
            "x": [0.5, 1.5, 2.5],
            "flag": [True, False, True],
            "day": [dt.date(2020, 1, 1)] * 3,
        },
        geometry=[
            shapely.box(0, 0, 1, 1),
            shapely.MultiPolygon(
                [
                    shapely.box(0, 0, 1, 1),
                    shapely.box(2, 2, 4, 4).difference(shapely.box(3, 3, 3.5, 3.5)),
                ]
            ),
            None,
        ],
        crs=LAEA,
    )
    files = {f.suffix: f for f in write_shapefile(frame, tmp_path, name="t")}
    estimate = estimate_sizes(frame, check_shapefile(frame, layer="t"))
    assert estimate == {k: files[k].stat().st_size for k in (".shp", ".shx", ".dbf")}


@pytest.mark.parametrize(
    "geoms",
    [
        [shapely.Point(0, 0), shapely.Point(1, 1), None],
        [shapely.MultiPoint([(0, 0), (1, 1)]), shapely.Point(3, 3)],
        [
            shapely.LineString([(0, 0), (1, 1), (2, 0)]),
            shapely.MultiLineString([[(0, 0), (1, 1)], [(5, 5), (6, 6)]]),
        ],
        [shapely.Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 0, 1)])],
        [shapely.Point(0, 0, 5), None],
    ],
    ids=["points", "multipoints", "lines", "polygon-z", "point-z"],
)
def test_size_estimate_matches_gdal_for_every_shape(tmp_path: Path, geoms: list[Any]) -> None:
    frame = gpd.GeoDataFrame({"n": range(len(geoms))}, geometry=geoms, crs=LAEA)
    files = {f.suffix: f for f in write_shapefile(frame, tmp_path, name="t")}
    estimate = estimate_sizes(frame, check_shapefile(frame, layer="t"))
    assert estimate == {k: files[k].stat().st_size for k in (".shp", ".shx", ".dbf")}


def test_written_but_unreadable_values_are_errors(tmp_path: Path) -> None:
    """A float the .dbf's 24-character field cannot hold to 1e-9 is an error, not a surprise."""
    frame = one_row(tiny_km2=[1.234567e-12])
    with pytest.raises(
        ExportError, match=r"field 'tiny_km2' \(feature 0\): 1.234567e-12 reads back"
    ):
        write_shapefile(frame, tmp_path, name="tiny")
