from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from leopardrange.errors import (
    CRSError,
    DataSourceError,
    EmptyLayerError,
    GeometryTypeError,
    InvalidGeometryError,
    LayerNotFoundError,
)
from leopardrange.io import LayerSpec, describe, list_layers, parse_layer_spec, read_layer
from leopardrange.measure import area_km2


def test_reads_a_geopackage_layer(gis_dir: Path) -> None:
    park = read_layer(gis_dir / "study.gpkg", "park")
    assert len(park) == 2
    assert park.attrs["source"].endswith("study.gpkg:park")
    assert area_km2(park).tolist() == pytest.approx([100.0, 200.0])


def test_layer_spec_with_colon(gis_dir: Path) -> None:
    park = read_layer(f"{gis_dir / 'study.gpkg'}:park_wgs84")
    assert park.crs.to_epsg() == 4326
    assert parse_layer_spec(f"{gis_dir / 'study.gpkg'}:park") == LayerSpec(
        gis_dir / "study.gpkg", "park"
    )
    assert parse_layer_spec(gis_dir / "park.shp").layer is None


@pytest.mark.parametrize("name", ["park.shp", "park.geojson"])
def test_reads_shapefile_and_geojson_with_non_ascii_names(gis_dir: Path, name: str) -> None:
    frame = read_layer(gis_dir / name)
    assert frame["name"].tolist() == ["Земля леопарда", "东北虎豹国家公园"]
    assert area_km2(frame).tolist() == pytest.approx([100.0, 200.0], rel=1e-4)


def test_reads_a_zipped_shapefile(gis_dir: Path) -> None:
    archive = gis_dir / "park.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in gis_dir.glob("park.*"):
            if part.suffix in {".shp", ".shx", ".dbf", ".prj", ".cpg"}:
                zf.write(part, part.name)
    frame = read_layer(archive)
    assert frame["name"].tolist()[0] == "Земля леопарда"


def test_reads_geoparquet(gis_dir: Path, squares: gpd.GeoDataFrame) -> None:
    pytest.importorskip("pyarrow")
    squares.to_parquet(gis_dir / "park.parquet")
    frame = read_layer(gis_dir / "park.parquet")
    assert frame["name"].tolist() == squares["name"].tolist()
    assert list_layers(gis_dir / "park.parquet") == [("park", None)]


def test_where_filter(gis_dir: Path) -> None:
    frame = read_layer(gis_dir / "study.gpkg", "park", where="name = 'Земля леопарда'")
    assert len(frame) == 1


def test_bad_where_filter(gis_dir: Path) -> None:
    with pytest.raises(DataSourceError, match="the filter where=.*failed on layer 'park'"):
        read_layer(gis_dir / "study.gpkg", "park", where="no_such_field = 1")


def test_where_that_selects_nothing_is_empty(gis_dir: Path) -> None:
    with pytest.raises(EmptyLayerError, match=r"\(where name = 'x'\) is empty"):
        read_layer(gis_dir / "study.gpkg", "park", where="name = 'x'")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="'.*nope.gpkg' does not exist; check the path"):
        read_layer(tmp_path / "nope.gpkg")


def test_missing_file_with_layer_spec(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="does not exist"):
        read_layer(f"{tmp_path / 'nope.gpkg'}:park")


def test_directory(gis_dir: Path) -> None:
    with pytest.raises(DataSourceError, match="is a directory; give a file"):
        read_layer(gis_dir / "folder")


def test_not_a_gis_file(gis_dir: Path) -> None:
    with pytest.raises(DataSourceError, match="is not a GIS file that can be read.*supported:"):
        read_layer(gis_dir / "notes.txt")


def test_truncated_shapefile(gis_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut"
    bad.mkdir()
    for part in gis_dir.glob("park.*"):
        shutil.copy(part, bad / part.name)
    shp = bad / "park.shp"
    shp.write_bytes(shp.read_bytes()[:150])
    with pytest.raises(DataSourceError, match=r"park\.shp"):
        read_layer(shp)


def test_unknown_layer_lists_the_available_ones(gis_dir: Path) -> None:
    with pytest.raises(LayerNotFoundError, match="'parks' not found.*available layers: park,"):
        read_layer(gis_dir / "study.gpkg", "parks")


def test_several_layers_need_a_name(gis_dir: Path) -> None:
    with pytest.raises(LayerNotFoundError, match="has 4 layers; name one as PATH:LAYER"):
        read_layer(gis_dir / "study.gpkg")


def test_empty_layer(gis_dir: Path) -> None:
    with pytest.raises(EmptyLayerError, match="layer 'empty' of .* is empty"):
        read_layer(gis_dir / "study.gpkg", "empty")
    assert len(read_layer(gis_dir / "study.gpkg", "empty", allow_empty=True)) == 0


def test_no_crs_suggests_assume_crs(gis_dir: Path) -> None:
    with pytest.raises(CRSError, match="has no CRS; pass --assume-crs EPSG:4326"):
        read_layer(gis_dir / "nocrs.shp")
    frame = read_layer(gis_dir / "nocrs.shp", assume_crs="EPSG:3857")
    assert frame.crs.to_epsg() == 3857


def test_assume_crs_never_overrides(gis_dir: Path) -> None:
    frame = read_layer(gis_dir / "park.shp", assume_crs="EPSG:3857")
    assert frame.crs.to_epsg() == 4326


def test_bad_assume_crs(gis_dir: Path) -> None:
    with pytest.raises(CRSError, match="--assume-crs 'EPSG:0' is not a CRS"):
        read_layer(gis_dir / "nocrs.shp", assume_crs="EPSG:0")


def test_points_where_polygons_are_required(gis_dir: Path) -> None:
    with pytest.raises(GeometryTypeError, match="'towns'.*1 Point feature.*polygons are required"):
        read_layer(gis_dir / "study.gpkg", "towns", geometry="polygon")
    assert len(read_layer(gis_dir / "study.gpkg", "towns", geometry="point")) == 1


def test_invalid_bowtie_without_repair(gis_dir: Path) -> None:
    with pytest.raises(InvalidGeometryError, match="invalid geometry.*Self-intersection.*--repair"):
        read_layer(gis_dir / "bowtie.gpkg")


def test_bowtie_with_repair_is_reported(gis_dir: Path) -> None:
    frame = read_layer(gis_dir / "bowtie.gpkg", repair=True)
    assert frame.geometry.is_valid.all()
    assert frame.geometry.iloc[0].geom_type == "MultiPolygon"
    report = frame.attrs["repair"]
    assert report.n_repaired == 1
    assert report.ids == [0]
    assert "repaired 1 invalid geometry (ids 0)" in str(report)


def test_describe_lists_every_layer_with_area(gis_dir: Path) -> None:
    rows = {row["layer"]: row for row in describe(gis_dir / "study.gpkg", allow_empty=True)}
    assert set(rows) == {"park", "park_wgs84", "empty", "towns"}
    assert rows["park"]["area_km2"] == pytest.approx(300.0)
    assert rows["park_wgs84"]["area_km2"] == pytest.approx(300.0, rel=1e-4)
    assert rows["park_wgs84"]["crs"] == "EPSG:4326 (WGS 84)"
    assert rows["towns"]["area_km2"] is None
    assert rows["empty"]["features"] == 0
    geodesic = describe(f"{gis_dir / 'study.gpkg'}:park", area_method="geodesic")
    assert geodesic[0]["area_km2"] == pytest.approx(300.0, rel=1e-3)
