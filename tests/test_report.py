from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from leopardrange.documents import to_json
from leopardrange.errors import (
    DataSourceError,
    GeometryTypeError,
    LayerNotFoundError,
    OutputExistsError,
    SchemaError,
    StudyError,
)
from leopardrange.metrics import SCHEMA_VERSION
from leopardrange.report import run, write
from leopardrange.study import parse_study, read_study
from tests.conftest import LAEA

KM = 1_000.0


def box_km(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def write_layers(folder: Path) -> Path:
    """An analytic landscape in LAEA with exact answers.

    range 1900: 200×200 km (40,000 km²); range 2021: 100×100 km centred (10,000 km²);
    park: 50×50 km centred (2,500 km²) → 25 % of the current range;
    competitor: the east half of the current range → 5,000 km² overlap (50 % of the range);
    breeding: one 10×10 km square inside the park, one straddling its edge (half inside);
    borders: country West (x < 0) and East (x ≥ 0), with non-ASCII names.
    """
    gpkg = folder / "land.gpkg"
    gpd.GeoDataFrame(
        {
            "epoch": ["c. 1900", "2021"],
            "year": [1900, 2021],
            "area_published_km2": [40_000.0, 9_000.0],
        },
        geometry=[box_km(-100, -100, 100, 100), box_km(-50, -50, 50, 50)],
        crs=LAEA,
    ).to_file(gpkg, layer="range")
    gpd.GeoDataFrame(
        {"name": ["Парк", "Gamov"]},
        geometry=[box_km(-25, -25, 25, 25), box_km(60, 60, 61, 61)],
        crs=LAEA,
    ).to_file(gpkg, layer="park")
    gpd.GeoDataFrame({"name": ["tiger"]}, geometry=[box_km(0, -50, 50, 50)], crs=LAEA).to_file(
        gpkg, layer="tiger"
    )
    gpd.GeoDataFrame(
        {"name": ["den valley", "edge"]},
        geometry=[box_km(-20, -20, -10, -10), box_km(20, 0, 30, 10)],
        crs=LAEA,
    ).to_file(gpkg, layer="breeding")
    gpd.GeoDataFrame(
        {"name": ["Запад", "东方"]},
        geometry=[box_km(-300, -300, 0, 300), box_km(0, -300, 300, 300)],
        crs=LAEA,
    ).to_file(gpkg, layer="countries")
    gpd.GeoDataFrame(
        {"name": ["road"]}, geometry=[shapely.LineString([(0, 0), (KM, KM)])], crs=LAEA
    ).to_file(gpkg, layer="lines")
    return gpkg


STUDY = """
[study]
name = "Analytic leopard"
species = "Panthera analytica"
analysis_crs = "{laea}"

[layers.park]
path = "land.gpkg"
layer = "park"
where = "name = 'Парк'"

[layers.range]
path = "land.gpkg"
layer = "range"
epoch_field = "epoch"
year_field = "year"
published_area_field = "area_published_km2"

[layers.competitor]
path = "land.gpkg"
layer = "tiger"

[layers.breeding]
path = "land.gpkg"
layer = "breeding"

[layers.borders]
path = "land.gpkg"
layer = "countries"
name_field = "name"

[[claims]]
id = "park-covers-25pct"
metric = "park_share_of_current_range_pct"
expected = 25.0
tolerance = 0.5

[[claims]]
id = "park-covers-60pct"
metric = "park_share_of_current_range_pct"
expected = 60.0
tolerance = 5.0

[[claims]]
id = "all-breeding-in-park"
metric = "breeding_in_park_pct"
expected = 100.0
tolerance = 0.5
"""


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    write_layers(tmp_path)
    path = tmp_path / "study.toml"
    path.write_text(STUDY.format(laea=LAEA), encoding="utf-8")
    return path


def test_analytic_answers(study_file: Path) -> None:
    m = run(study_file).metrics
    assert m["park_area_km2"] == pytest.approx(2_500.0)
    assert m["current_epoch"] == "2021"
    assert m["current_range_km2"] == pytest.approx(10_000.0)
    assert m["park_share_of_current_range_pct"] == pytest.approx(25.0)
    assert m["park_in_current_range_km2"] == pytest.approx(2_500.0)
    first, cur = m["range_epochs"]
    assert first["area_km2"] == pytest.approx(40_000.0)
    assert first["loss_vs_first_km2"] == pytest.approx(0.0)
    assert first["annual_loss_pct"] is None
    assert cur["loss_vs_first_km2"] == pytest.approx(30_000.0)
    assert cur["loss_vs_first_pct"] == pytest.approx(75.0)
    assert cur["annual_loss_pct"] == pytest.approx(100 * (1 - 0.25 ** (1 / 121)))
    assert cur["by_country_km2"] == pytest.approx({"Запад": 5_000.0, "东方": 5_000.0})
    assert first["park_share_pct"] == pytest.approx(2_500 / 40_000 * 100)
    assert cur["area_published_km2"] == pytest.approx(9_000.0)
    assert cur["diff_vs_published_pct"] == pytest.approx(100 * (10_000 / 9_000 - 1))
    # breeding: 100 km² inside + 50 of 100 km² inside → 150 / 200 = 75 %
    assert m["breeding_in_park_pct"] == pytest.approx(75.0)
    assert m["breeding_features"] == 2
    assert m["breeding_features_in_park"] == 1
    assert set(m["park_countries"]) == {"Запад", "东方"}
    assert m["national_current_range_km2"] == pytest.approx(10_000.0)
    assert m["park_share_of_national_range_pct"] == pytest.approx(25.0)
    assert m["competitor_overlap_km2"] == pytest.approx(5_000.0)
    assert m["competitor_overlap_pct_of_range"] == pytest.approx(50.0)
    assert m["competitor_overlap_pct_of_competitor"] == pytest.approx(100.0)
    # IUCN: a 100 km square aligned on the 2 km grid: 50 × 50 cells
    assert m["aoo_km2"] == pytest.approx(10_000.0)
    assert m["aoo_min_km2"] == pytest.approx(10_000.0)
    assert m["aoo_grid"]["cells"] == 2_500
    assert m["eoo_km2"] == pytest.approx(10_000.0)
    assert m["iucn_b"]["B1"]["meets"] == "VU"
    assert m["iucn_b"]["B2"]["meets"] is None
    assert "at least two" in m["iucn_b"]["note"]
    assert m["fragmentation"] == pytest.approx(
        {
            "n_patches": 1,
            "largest_patch_pct": 100.0,
            "mean_patch_km2": 10_000.0,
            "effective_mesh_size_km2": 10_000.0,
        }
    )


def test_claims_report_failures(study_file: Path) -> None:
    claims = {c["id"]: c for c in run(study_file).metrics["claims"]}
    assert claims["park-covers-25pct"]["pass"] is True
    assert claims["park-covers-60pct"]["pass"] is False
    assert claims["park-covers-60pct"]["measured"] == pytest.approx(25.0)
    assert claims["all-breeding-in-park"]["pass"] is False


def test_geodesic_agrees(study_file: Path) -> None:
    a = run(study_file).metrics
    g = run(study_file, area_method="geodesic").metrics
    assert g["area_method"] == "geodesic"
    for key in ("park_area_km2", "current_range_km2", "park_share_of_current_range_pct"):
        assert g[key] == pytest.approx(a[key], rel=5e-3)


def test_default_analysis_crs_is_centred_laea(study_file: Path) -> None:
    text = study_file.read_text(encoding="utf-8").replace(f'analysis_crs = "{LAEA}"', "")
    study_file.write_text(text, encoding="utf-8")
    m = run(study_file).metrics
    assert "+proj=laea" in m["analysis_crs_proj4"]
    assert m["park_share_of_current_range_pct"] == pytest.approx(25.0, rel=1e-4)


def test_layers_in_other_crs_are_aligned(study_file: Path, tmp_path: Path) -> None:
    park = gpd.read_file(tmp_path / "land.gpkg", layer="park").to_crs(4326)
    park.to_file(tmp_path / "park4326.gpkg", layer="park")
    text = study_file.read_text(encoding="utf-8").replace(
        'path = "land.gpkg"\nlayer = "park"', 'path = "park4326.gpkg"\nlayer = "park"'
    )
    study_file.write_text(text, encoding="utf-8")
    m = run(study_file).metrics
    assert set(m["crs_alignment"]["reprojected"]) == {"park"}
    assert m["park_share_of_current_range_pct"] == pytest.approx(25.0, rel=1e-3)


def test_write_outputs(study_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(study_file)
    write(result, out)
    for name in ("report.html", "report.md", "metrics.json"):
        assert (out / name).is_file()
    assert {p.name for p in (out / "tables").glob("*.csv")} >= {
        "range_epochs.csv",
        "claims.csv",
        "coverage.csv",
        "range_by_country.csv",
        "iucn.csv",
        "fragmentation.csv",
        "breeding.csv",
    }
    assert len(list((out / "maps").glob("*.png"))) == 4
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for key in (
        "study",
        "analysis_crs",
        "area_method",
        "leopardrange_version",
        "inputs",
        "park_area_km2",
        "range_epochs",
        "park_share_of_current_range_pct",
        "park_in_current_range_km2",
        "breeding_in_park_pct",
        "breeding_features",
        "breeding_features_in_park",
        "competitor_overlap_km2",
        "competitor_overlap_pct_of_range",
        "competitor_overlap_pct_of_competitor",
        "eoo_km2",
        "aoo_km2",
        "aoo_min_km2",
        "iucn_b",
        "fragmentation",
        "claims",
    ):
        assert key in metrics, key
    assert len(metrics["inputs"]["park"]["sha256"]) == 64
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert "Запад" in html
    # verdicts are text and colour, never glyphs that need an emoji font
    assert '<td class="fails">does not hold</td>' in html
    assert '<td class="holds">holds</td>' in html
    assert not re.search("[\u2705\u274c\U0001f300-\U0001faff]", html)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "](maps/overview.png)" in md
    assert "| park-covers-60pct |" in md


def test_existing_output_needs_overwrite(study_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier work", encoding="utf-8")
    result = run(study_file)
    with pytest.raises(OutputExistsError, match="already exists; pass --overwrite"):
        write(result, out)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "earlier work"
    write(result, out, overwrite=True)
    assert not (out / "keep.txt").exists()
    assert (out / "report.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_failed_write_leaves_earlier_output(
    study_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    result = run(study_file)
    write(result, out)
    before = (out / "metrics.json").read_bytes()

    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr("leopardrange.report.render.to_html", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write(result, out, overwrite=True)
    assert (out / "metrics.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


# ------------------------------------------------------------------ bad input
def _study(tmp_path: Path, text: str) -> Path:
    write_layers(tmp_path)
    path = tmp_path / "bad.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


BASE = """
[layers.park]
path = "land.gpkg"
layer = "park"
[layers.range]
path = "land.gpkg"
layer = "range"
"""

BAD_STUDIES = [
    (
        BASE + "[layers.prey]\npath = 'land.gpkg'\n",
        StudyError,
        "unknown role 'prey'.*valid roles: park, range",
    ),
    (
        BASE.replace('layer = "park"', 'layer = "park"\ncolour = "red"'),
        StudyError,
        "unknown key 'colour'.*valid keys:",
    ),
    (
        BASE.split("[layers.range]")[0],
        StudyError,
        r"\[layers\] of study file .* needs \[layers.range\]",
    ),
    (
        BASE.replace('path = "land.gpkg"\nlayer = "park"', 'path = "nope.gpkg"\nlayer = "park"'),
        DataSourceError,
        "nope.gpkg' does not exist",
    ),
    (
        BASE.replace('layer = "park"', 'layer = "parks"'),
        LayerNotFoundError,
        "'parks' not found.*available layers",
    ),
    (
        BASE + "epoch_field = 'period'\n",
        SchemaError,
        "no field 'period'.*available fields: epoch, year",
    ),
    (
        BASE + "current_epoch = '1970s'\n",
        StudyError,
        "current_epoch '1970s' is not an epoch.*c. 1900, 2021",
    ),
    (
        BASE + "[layers.breeding]\npath = 'land.gpkg'\nlayer = 'lines'\n",
        GeometryTypeError,
        "LineString.*polygons or points are required",
    ),
    (
        BASE + "[[claims]]\nid = 'x'\nmetric = 'park_share_pct'\nexpected = 1\n",
        StudyError,
        "unknown metric 'park_share_pct'",
    ),
    (
        BASE + "[[claims]]\nid = 'x'\nmetric = 'breeding_in_park_pct'\nexpected = 100\n",
        StudyError,
        r"needs a \[layers.breeding\] layer",
    ),
    (
        BASE + "[[claims]]\nid = 'x'\nmetric = 'range_epochs.1970s.area_km2'\nexpected = 1\n",
        StudyError,
        "names epoch '1970s'; epochs are: c. 1900, 2021",
    ),
    (
        BASE
        + "[layers.borders]\npath = 'land.gpkg'\nlayer = 'countries'\nname_field = 'NAME_EN'\n",
        StudyError,
        "no field 'NAME_EN'",
    ),
    ("[layers.park\npath = 1\n", StudyError, r"not valid TOML: .*line 1"),
]


@pytest.mark.parametrize(("text", "error", "message"), BAD_STUDIES)
def test_bad_studies(tmp_path: Path, text: str, error: type[Exception], message: str) -> None:
    path = _study(tmp_path, text)
    with pytest.raises(error, match=message):
        run(path)


def test_empty_current_range(tmp_path: Path) -> None:
    path = _study(
        tmp_path, BASE.replace('layer = "range"', 'layer = "range"\nwhere = "year = 1800"')
    )
    with pytest.raises(Exception, match="is empty"):
        run(path)


def test_missing_study_file(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="study file .* does not exist"):
        read_study(tmp_path / "nope.toml")


def test_claim_tolerance_pct_and_comparisons(tmp_path: Path) -> None:
    study = parse_study(
        {
            "layers": {"park": {"path": "a.gpkg"}, "range": {"path": "a.gpkg"}},
            "claims": [
                {"id": "a", "metric": "eoo_km2", "expected": 1000.0, "tolerance_pct": 10},
                {"id": "b", "metric": "aoo_km2", "expected": 500, "comparison": "at_most"},
            ],
        },
        base_dir=tmp_path,
    )
    a, b = study.claims
    assert a.tolerance == pytest.approx(100.0)
    assert a.check(1099.0) and not a.check(1101.0)
    assert b.check(10.0) and not b.check(501.0)


# ------------------------------------------------------------------ invariants
coords = st.floats(-200, 200, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(coords, coords, st.floats(5, 150), st.floats(5, 150), coords, coords, st.floats(5, 150))
def test_invariants(
    px: float, py: float, pw: float, ph: float, rx: float, ry: float, rw: float
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gpkg = folder / "h.gpkg"
        current = box_km(rx, ry, rx + rw, ry + rw)
        first = current.buffer(30 * KM)
        gpd.GeoDataFrame(
            {"epoch": ["old", "new"], "year": [1950, 2020]}, geometry=[first, current], crs=LAEA
        ).to_file(gpkg, layer="range")
        gpd.GeoDataFrame(geometry=[box_km(px, py, px + pw, py + ph)], crs=LAEA).to_file(
            gpkg, layer="park"
        )
        study = parse_study(
            {
                "study": {"analysis_crs": LAEA},
                "layers": {
                    "park": {"path": "h.gpkg", "layer": "park"},
                    "range": {"path": "h.gpkg", "layer": "range"},
                },
            },
            base_dir=folder,
        )
        m = run(study).metrics
    share = m["park_share_of_current_range_pct"]
    assert 0.0 <= share <= 100.0
    assert m["park_in_current_range_km2"] <= min(m["park_area_km2"], m["current_range_km2"]) + 1e-6
    old, new = m["range_epochs"]
    # nested epochs: loss + remaining = first
    assert new["loss_vs_first_km2"] + new["area_km2"] == pytest.approx(old["area_km2"])
    assert 0.0 <= new["park_share_pct"] <= 100.0
    assert m["eoo_km2"] >= m["aoo_min_km2"] - 1e-9 or math.isclose(m["eoo_km2"], m["aoo_km2"])
    assert m["aoo_min_km2"] <= m["aoo_km2"]


# ------------------------------------------------------------------ the embedded study
@pytest.fixture(scope="module")
def embedded() -> tuple[dict[str, object], dict[str, object]]:
    return run().metrics, run(area_method="geodesic").metrics


def test_embedded_study_runs_by_default(embedded: tuple[dict, dict]) -> None:
    m, _ = embedded
    assert m["study"] == "Amur leopard in Land of the Leopard NP"
    assert m["current_epoch"] == "2021"
    assert m["range_epochs"][0]["epoch"] == "c. 1900"
    assert 0 < m["park_share_of_current_range_pct"] < 100
    assert {c["id"] for c in m["claims"]} >= {"park-covers-60pct", "all-breeding-in-park"}
    assert m["park_countries"] == ["Russia"]


def test_embedded_study_methods_agree_within_half_a_percent(embedded: tuple[dict, dict]) -> None:
    a, g = embedded
    for key in (
        "park_area_km2",
        "current_range_km2",
        "park_in_current_range_km2",
        "competitor_overlap_km2",
        "eoo_km2",
    ):
        assert g[key] == pytest.approx(a[key], rel=5e-3), key
    for ea, ge in zip(a["range_epochs"], g["range_epochs"], strict=True):
        assert ge["area_km2"] == pytest.approx(ea["area_km2"], rel=5e-3), ea["epoch"]


# --------------------------------------------------------------------------------------------
# The embedded study's metrics.json is pinned (tests/data/embedded_study_metrics.json)
# --------------------------------------------------------------------------------------------
FIXTURE = Path(__file__).parent / "data" / "embedded_study_metrics.json"
#: Keys whose values depend on where the clone is or on the release, not on the analysis.
_MACHINE_KEYS = {"path", "leopardrange_version"}


def _assert_same(got: Any, want: Any, where: str = "metrics") -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        missing = set(want) - set(got)
        assert not missing, f"{where}: keys missing: {sorted(missing)}"
        for key, value in want.items():
            if key in _MACHINE_KEYS:
                continue
            _assert_same(got[key], value, f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), where
    else:
        assert got == want, where


def test_embedded_study_metrics_equal_the_pinned_fixture() -> None:
    """Every key and value of the saved metrics.json (values within 1e-9) is still written."""
    want = json.loads(FIXTURE.read_text(encoding="utf-8"))
    got = json.loads(to_json(run().metrics))
    _assert_same(got, want)
    assert got["schema_version"] == SCHEMA_VERSION
    for role, record in want["inputs"].items():
        assert Path(got["inputs"][role]["path"]).name == Path(record["path"]).name


def test_the_fixture_check_can_fail() -> None:
    want = json.loads(FIXTURE.read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(want))
    changed["range_epochs"][2]["area_km2"] *= 1 + 1e-6
    with pytest.raises(AssertionError, match=r"range_epochs\[2\]\.area_km2"):
        _assert_same(changed, want)
    del changed["eoo_km2"]
    with pytest.raises(AssertionError, match="eoo_km2"):
        _assert_same(changed, want)


def test_the_report_credits_the_data_on_every_map_and_in_the_text(tmp_path: Path) -> None:
    """ODbL and CC BY ask for credit wherever the data (or a map of it) is shown."""
    from leopardrange.report import maps

    result = run()
    assert result.info.credits == (
        "© OpenStreetMap contributors",
        "© GeoNames",
        "GSHHG © Wessel & Smith",
    )
    out = write(result, tmp_path / "r")
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "Data: © OpenStreetMap contributors; © GeoNames; GSHHG © Wessel & Smith." in text
    epochs, park = result.layers["range_epochs"], result.layers["park"]
    for draw in (maps.overview_map, maps.contraction_map):
        fig = draw(epochs=epochs, park=park, credits=result.info.credits)
        credit = [t.get_text() for t in fig.texts if t.get_gid() == "credit"]
        assert credit == ["Data: © OpenStreetMap contributors; © GeoNames; GSHHG © Wessel & Smith"]
