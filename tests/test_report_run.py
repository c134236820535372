"""A study on a WDPA-shaped GeoPackage and an IUCN-shaped range: exact numbers, every drop listed.

The landscape and its answers are in tests/wdpa_landscape.py; every number below follows from
boxes in a LAEA (a × b km is a·b km²) and one 100 km² geodesic circle.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from leopardrange.cli.main import main_group
from leopardrange.errors import (
    AttributeValueError,
    EmptyLayerError,
    InvalidGeometryError,
    MissingFieldError,
    StudyError,
)
from leopardrange.report import ReportResult, run, write
from leopardrange.report.render import build_blocks, to_markdown
from tests.conftest import LAEA
from tests.wdpa_landscape import STUDY, box, write_study

#: Circles are exact on the ellipsoid; in the LAEA their straight edges lose ~1e-10 of 100 km².
REL = 1e-9


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wdpa_iucn")
    write_study(path)
    return path


@pytest.fixture(scope="module")
def metrics(folder: Path) -> dict[str, Any]:
    return run(folder / "wdpa_iucn.toml").metrics


@pytest.fixture
def copy(folder: Path, tmp_path: Path) -> Path:
    """A fresh copy of the GeoPackage (copying is much faster than writing it again)."""
    shutil.copy(folder / "wdpa_iucn.gpkg", tmp_path / "wdpa_iucn.gpkg")
    return tmp_path


def markdown(result: ReportResult) -> str:
    """report.md without drawing the maps."""
    return to_markdown(build_blocks(result, []))


def approx(value: Any) -> Any:
    return pytest.approx(value, rel=REL, abs=1e-9)


def test_done_when_coverage_and_loss(metrics: dict[str, Any]) -> None:
    m = metrics
    assert m["current_epoch"] == "current"
    assert m["current_range_km2"] == approx(11_000.0)
    # kept areas dissolved: Alpha 1,000 + Beta 900 − 300 shared + Epsilon 1,600 + Zeta 400
    # + Theta's circle 100
    assert m["park_area_km2"] == approx(3_700.0)
    # the current epoch (2021) counts Alpha, Beta, Epsilon (year unknown) and Theta, not Zeta
    assert m["park_in_current_range_km2"] == approx(2_100.0)
    assert m["park_share_of_current_range_pct"] == approx(100 * 2_100 / 11_000)
    assert m["park_outside_current_range_km2"] == approx(1_200.0)
    historical, current = m["range_epochs"]
    assert (historical["epoch"], historical["year"]) == ("historical", 1950)
    assert (current["epoch"], current["year"]) == ("current", 2021)
    assert historical["area_km2"] == approx(31_000.0)
    assert current["loss_vs_first_km2"] == approx(20_000.0)
    assert current["loss_vs_first_pct"] == approx(100 * 20_000 / 31_000)
    assert current["annual_loss_pct"] == approx(100 * (1 - (11 / 31) ** (1 / 71)))
    # 1950 counts only the area of unknown year (Epsilon, wholly inside the historical range)
    assert historical["park_in_range_km2"] == approx(1_600.0)
    assert historical["park_share_pct"] == approx(100 * 1_600 / 31_000)
    assert current["park_share_pct"] == approx(100 * 2_100 / 11_000)


def test_done_when_every_area_and_every_drop(metrics: dict[str, Any]) -> None:
    m = metrics
    assert m["protected_areas_conventions"] == "wdpa"
    assert (m["protected_areas_kept"], m["protected_areas_from_points"]) == (5, 1)
    assert m["protected_areas_dropped_count"] == 4
    assert m["protected_areas"] == [
        {
            "name": "Alpha NP",
            "id": 101,
            "area_km2": approx(1_000.0),
            "in_current_range_km2": approx(1_000.0),
            "share_of_current_range_pct": approx(100 * 1_000 / 11_000),
            "unique_in_current_range_km2": approx(700.0),
        },
        {
            "name": "Beta Reserve",
            "id": 102,
            "area_km2": approx(900.0),
            "in_current_range_km2": approx(900.0),
            "share_of_current_range_pct": approx(100 * 900 / 11_000),
            "unique_in_current_range_km2": approx(600.0),
        },
        {
            "name": "Epsilon Refuge",
            "id": 105,
            "area_km2": approx(1_600.0),
            "in_current_range_km2": approx(400.0),
            "share_of_current_range_pct": approx(100 * 400 / 11_000),
            "unique_in_current_range_km2": approx(400.0),
        },
        {
            "name": "Zeta NP",
            "id": 106,
            "area_km2": approx(400.0),
            "in_current_range_km2": approx(400.0),
            "share_of_current_range_pct": approx(100 * 400 / 11_000),
            "unique_in_current_range_km2": approx(400.0),
        },
        {
            "name": "Theta",
            "id": 201,
            "area_km2": approx(100.0),
            "in_current_range_km2": approx(100.0),
            "share_of_current_range_pct": approx(100 * 100 / 11_000),
            "unique_in_current_range_km2": approx(100.0),
        },
    ]
    assert m["protected_areas_dropped"] == [
        {
            "name": "Gamma",
            "id": 103,
            "reason": "STATUS 'Proposed' is not kept (kept: Designated, Inscribed, Established)",
        },
        {"name": "Delta", "id": 104, "reason": "UNESCO-MAB Biosphere Reserve"},
        {
            "name": "Eta",
            "id": 107,
            "reason": "STATUS 'Not Reported' is not kept "
            "(kept: Designated, Inscribed, Established)",
        },
        {
            "name": "Iota",
            "id": 202,
            "reason": "a point without a reported area (REP_AREA 0 or empty)",
        },
    ]
    assert [s["step"] for s in m["protected_areas_cleaning"]] == [
        "status",
        "biosphere_reserves",
        "points",
    ]


def test_done_when_establishment_years(metrics: dict[str, Any]) -> None:
    m = metrics
    assert m["establishment_field"] == "STATUS_YR"
    assert m["protected_areas_year_unknown"] == [
        {"name": "Epsilon Refuge", "id": 105, "established_year": 0}
    ]
    by_epoch = m["protected_areas_by_epoch"]
    assert by_epoch["current"] == {
        "year": 2021,
        "counted": 4,
        "not_yet_established": [{"name": "Zeta NP", "id": 106, "established_year": 2023}],
    }
    assert by_epoch["historical"]["counted"] == 1
    assert [a["id"] for a in by_epoch["historical"]["not_yet_established"]] == [101, 102, 106, 201]


def test_done_when_iucn_filter(metrics: dict[str, Any]) -> None:
    rf = metrics["range_filter"]
    assert (rf["presence"], rf["origin"], rf["seasonal"]) == ([1, 2], [1, 2, 6], [1, 2, 3])
    assert rf["historical_presence"] == [1, 2, 3, 4, 5] and rf["epochs_from_codes"] is True
    assert rf["codes_present"] == {
        "presence": [1, 2, 3, 5, 6],
        "origin": [1, 3, 6],
        "seasonal": [1, 2],
    }
    assert (rf["features_kept"], rf["features_left_out"]) == (2, 4)
    assert [(x["presence"], x["origin"], x["area_km2"]) for x in rf["left_out"]] == [
        (1, 3, approx(2_500.0)),
        (3, 1, approx(5_000.0)),
        (5, 1, approx(15_000.0)),
        (6, 1, approx(2_500.0)),
    ]
    assert rf["left_out_outside_current_km2"] == approx(25_000.0)


def test_done_when_countries_breeding_aoo(metrics: dict[str, Any]) -> None:
    m = metrics
    assert m["park_share_by_country_pct"] == {"West": approx(20.0), "East": approx(18.0)}
    assert m["park_in_current_range_by_country_km2"] == {
        "West": approx(1_200.0),
        "East": approx(900.0),
    }
    assert [(s["name"], s["status"]) for s in m["breeding_sites"]] == [
        ("den A", "in park ∩ current range"),
        ("den B", "in park, outside current range"),
        ("den C", "outside the park"),
    ]
    assert m["breeding_outside_current_range"] == 1
    assert m["breeding_in_park_and_current_range"] == 1
    assert m["breeding_in_park_outside_current_range"] == 1
    assert m["breeding_outside_park"] == 1
    # the current range (F1 ∪ F6) sits on the 2 km grid of its own LAEA: 2,500 + 250 cells
    assert m["aoo_km2"] == 11_000.0 and m["aoo_grid"]["cells"] == 2_750
    assert m["aoo_grid"]["origin_m"] == [0.0, 0.0]
    assert "Lambert Azimuthal Equal Area" in m["aoo_grid"]["crs"]
    assert m["claims"][0]["pass"] is True


def test_points_and_polygons_in_one_layer_give_the_same_numbers(
    folder: Path, metrics: dict[str, Any]
) -> None:
    text = STUDY.replace('layer = ["wdpa_poly", "wdpa_point"]', 'layer = "wdpa_mixed"')
    path = folder / "mixed.toml"
    path.write_text(text, encoding="utf-8")
    m = run(path).metrics
    for key in (
        "park_area_km2",
        "park_share_of_current_range_pct",
        "protected_areas",
        "protected_areas_dropped",
        "protected_areas_by_epoch",
    ):
        assert m[key] == metrics[key], key


def test_the_report_lists_every_drop_and_flags(folder: Path, tmp_path: Path) -> None:
    out = write(run(folder / "wdpa_iucn.toml"), tmp_path / "report")
    md = (out / "report.md").read_text(encoding="utf-8")
    for name, reason in (
        ("Gamma", "STATUS 'Proposed' is not kept"),
        ("Delta", "UNESCO-MAB Biosphere Reserve"),
        ("Eta", "STATUS 'Not Reported' is not kept"),
        ("Iota", "a point without a reported area"),
    ):
        assert re.search(rf"\| {name} \| \d+ \| {re.escape(reason)}", md), name
    assert "| Alpha NP | 101 | 1,000.00 | 1,000.00 | 9.09 | 700.00 |" in md
    assert "| current | 2021 | 4 | Zeta NP (2023) |" in md
    assert "den B | yes | in park — **outside the current range**" in md
    assert "| West | 6,000 | 1,200 | 20.0 |" in md
    assert "| 3 | 1 | 1 | 1 | 5,000 |" in md  # presence 3 left out
    assert "| park-covers-at-least-19pct |" in md and "| ≥ 19 % |" in md
    tables = {p.stem for p in (out / "tables").glob("*.csv")}
    assert {"protected_areas", "protected_areas_dropped", "park_share_by_country"} <= tables
    assert "range_filter_left_out" in tables
    saved = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert len(saved["protected_areas_dropped"]) == 4


def test_code_epochs_without_years_have_no_annual_rate_and_count_every_area(folder: Path) -> None:
    text = STUDY.replace("historical_year = 1950\ncurrent_year = 2021\n", "")
    path = folder / "no_years.toml"
    path.write_text(text, encoding="utf-8")
    result = run(path)
    m = result.metrics
    historical, current = m["range_epochs"]
    assert historical["year"] is None and current["year"] is None
    assert current["annual_loss_pct"] is None
    assert current["loss_vs_first_pct"] == approx(100 * 20_000 / 31_000)
    # without an epoch year, every kept area counts (Zeta too)
    assert m["park_in_current_range_km2"] == approx(2_500.0)
    assert m["protected_areas_by_epoch"]["current"]["counted"] == 5
    md = markdown(result)
    assert "(no years, so no annual rate)" in md
    assert "| historical | — | 31,000 |" in md and "annual loss" not in md


def test_establishment_rule_can_be_switched_off(folder: Path) -> None:
    text = STUDY.replace(
        'layer = ["wdpa_poly", "wdpa_point"]',
        'layer = ["wdpa_poly", "wdpa_point"]\nestablishment_by_epoch = false',
    )
    path = folder / "no_rule.toml"
    path.write_text(text, encoding="utf-8")
    m = run(path).metrics
    assert m["park_in_current_range_km2"] == approx(2_500.0)
    assert m["range_epochs"][0]["park_in_range_km2"] == approx(3_700.0)  # all inside
    assert m["protected_areas_by_epoch"] is None and m["establishment_field"] is None


def test_wdpa_steps_configured_in_the_study(folder: Path) -> None:
    text = STUDY.replace(
        'layer = ["wdpa_poly", "wdpa_point"]',
        'layer = ["wdpa_poly", "wdpa_point"]\nstatus_keep = ["Designated", "Established", '
        '"Proposed"]\ndrop_biosphere_reserves = false\npoint_areas = false',
    )
    path = folder / "steps.toml"
    path.write_text(text, encoding="utf-8")
    m = run(path).metrics
    kept = {a["id"] for a in m["protected_areas"]}
    assert kept == {101, 102, 103, 104, 105, 106}
    assert {d["id"] for d in m["protected_areas_dropped"]} == {107, 201, 202}


# ------------------------------------------------------------------ the AOO grid
def test_same_range_same_aoo_whatever_else_the_study_loads(tmp_path: Path) -> None:
    from leopardrange import datasets
    from leopardrange.study import read_study

    study = read_study(datasets.path("study"))
    full = run(study).metrics
    only = study.layers["range"]
    import dataclasses

    alone = dataclasses.replace(
        study,
        layers={
            **study.layers,
            "range": dataclasses.replace(only, where="epoch = '2021'"),
            "park": dataclasses.replace(study.layers["park"], where=None),
        },
        claims=[],
    )
    m = run(alone).metrics
    assert m["analysis_crs_proj4"] != full["analysis_crs_proj4"]  # other layers, other CRS
    for key in ("aoo_km2", "aoo_min_km2", "aoo_grid"):
        assert m[key] == full[key], key


def test_aoo_crs_can_be_named(folder: Path) -> None:
    text = STUDY.replace('species = "Panthera analytica"', 'species = "x"\naoo_crs = "EPSG:3035"')
    path = folder / "aoo3035.toml"
    path.write_text(text, encoding="utf-8")
    assert run(path).metrics["aoo_grid"]["crs"] == "EPSG:3035"
    path.write_text(text.replace("EPSG:3035", "EPSG:4326"), encoding="utf-8")
    with pytest.raises(StudyError, match="aoo_crs 'EPSG:4326' is not an equal-area projection"):
        run(path)


# ------------------------------------------------------------------ single epoch, whole %
def test_a_single_epoch_makes_a_report_without_loss_rows(tmp_path: Path) -> None:
    gpkg = tmp_path / "one.gpkg"
    gpd.GeoDataFrame(
        {"epoch": ["2020"], "year": [2020]}, geometry=[box(0, 0, 100, 100)], crs=LAEA
    ).to_file(gpkg, layer="range")
    gpd.GeoDataFrame({"name": ["P"]}, geometry=[box(0, 0, 50, 100)], crs=LAEA).to_file(
        gpkg, layer="park"
    )
    study = tmp_path / "one.toml"
    study.write_text(
        '[layers.park]\npath = "one.gpkg"\nlayer = "park"\n'
        '[layers.range]\npath = "one.gpkg"\nlayer = "range"\n',
        encoding="utf-8",
    )
    result = run(study)
    (epoch,) = result.metrics["range_epochs"]
    assert epoch["loss_vs_first_pct"] is None and epoch["annual_loss_pct"] is None
    assert result.metrics["park_share_of_current_range_pct"] == 50.0
    md = markdown(result)
    assert "loss" not in md.split("## Range by epoch")[1].split("\n\n")[1]
    assert "no loss to report" in md and "loss 0.0" not in md


def test_a_range_wholly_inside_gives_exactly_100_pct(tmp_path: Path) -> None:
    gpkg = tmp_path / "inside.gpkg"
    current = shapely.Polygon([(131.1, 43.1), (131.4, 43.12), (131.35, 43.3), (131.12, 43.25)])
    gpd.GeoDataFrame(
        {"epoch": ["old", "now"], "year": [1950, 2020]},
        geometry=[current.buffer(0.2), current],
        crs=4326,
    ).to_file(gpkg, layer="range")
    gpd.GeoDataFrame(geometry=[current.buffer(0.05)], crs=4326).to_file(gpkg, layer="park")
    study = tmp_path / "inside.toml"
    study.write_text(
        '[layers.park]\npath = "inside.gpkg"\nlayer = "park"\n'
        '[layers.range]\npath = "inside.gpkg"\nlayer = "range"\n',
        encoding="utf-8",
    )
    m = run(study).metrics
    assert m["park_share_of_current_range_pct"] == 100.0
    assert m["range_epochs"][1]["park_share_pct"] == 100.0
    assert m["protected_areas"][0]["share_of_current_range_pct"] == 100.0


# ------------------------------------------------------------------ repairs
def _bowtie_study(tmp_path: Path, repair: str = "") -> Path:
    bow = shapely.Polygon([(10_000, 10_000), (40_000, 40_000), (40_000, 10_000), (10_000, 40_000)])
    polygons = gpd.read_file(tmp_path / "wdpa_iucn.gpkg", layer="wdpa_poly")
    polygons.loc[1, "geometry"] = bow
    polygons.to_file(tmp_path / "bad.gpkg", layer="wdpa_poly")
    text = STUDY.replace(
        'path = "wdpa_iucn.gpkg"\nlayer = ["wdpa_poly", "wdpa_point"]',
        f'path = "bad.gpkg"\nlayer = "wdpa_poly"\n{repair}',
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repairs_are_recorded_in_metrics_and_report(copy: Path) -> None:
    tmp_path = copy
    path = _bowtie_study(tmp_path, "repair = true")
    result = run(path)
    assert result.metrics["repairs"] == [
        {"role": "park", "source": f"{tmp_path / 'bad.gpkg'}:wdpa_poly", "features": 1, "ids": [1]}
    ]
    md = markdown(result)
    assert "### Geometry repairs" in md and "| park |" in md


def test_invalid_geometry_names_the_flag_and_the_toml_key(copy: Path) -> None:
    tmp_path = copy
    path = _bowtie_study(tmp_path)
    with pytest.raises(
        InvalidGeometryError, match=r"pass --repair.*or set repair = true in \[layers.park\]"
    ):
        run(path)
    assert run(path, repair=True).metrics["repairs"][0]["ids"] == [1]
    code, _, err = cli("report", str(path), "--out", str(tmp_path / "never"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and not (tmp_path / "never").exists()
    code, _, err = cli("report", str(path), "--out", str(tmp_path / "fixed"), "--repair")
    assert code == 0, err
    saved = json.loads((tmp_path / "fixed" / "metrics.json").read_text(encoding="utf-8"))
    assert saved["repairs"][0]["role"] == "park"


def test_export_repairs_too(copy: Path) -> None:
    tmp_path = copy
    path = _bowtie_study(tmp_path)
    code, _, err = cli("export", str(path), "--out", str(tmp_path / "e"), "--repair")
    assert code == 0, err
    assert (tmp_path / "e" / "leopardrange.gpkg").exists()


# ------------------------------------------------------------------ bad input
def cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main_group, list(args))
    return r.exit_code, r.stdout, r.stderr


def _bad_layers(tmp_path: Path, change: str) -> None:
    """Rewrite one layer of the GeoPackage with one bad value (``change`` names which)."""
    gpkg = tmp_path / "wdpa_iucn.gpkg"
    if change == "status_yr":
        frame = gpd.read_file(gpkg, layer="wdpa_poly")
        frame.loc[1, "STATUS_YR"] = 20019
        frame.to_file(gpkg, layer="wdpa_poly")
    elif change in ("rep_area_negative", "rep_area_nan"):
        frame = gpd.read_file(gpkg, layer="wdpa_point")
        frame.loc[0, "REP_AREA"] = -5.0 if change == "rep_area_negative" else float("nan")
        frame.to_file(gpkg, layer="wdpa_point")
    elif change == "presence":
        frame = gpd.read_file(gpkg, layer="iucn_range")
        frame.loc[2, "PRESENCE"] = 7
        frame.to_file(gpkg, layer="iucn_range")


BAD = [
    (
        "status_yr",
        "",
        AttributeValueError,
        r"1 year of establishment that is neither 0 \(unknown\) nor a year from 1500 to \d{4} "
        r"in STATUS_YR \(WDPAID 102: 20019\)",
    ),
    (
        "rep_area_negative",
        "",
        AttributeValueError,
        r"1 point whose REP_AREA is negative, NaN or not a number \(WDPAID 201: -5\)",
    ),
    (
        "rep_area_nan",
        "",
        AttributeValueError,
        r"1 point whose REP_AREA is negative, NaN or not a number \(WDPAID 201: empty\)",
    ),
    (
        "presence",
        "",
        AttributeValueError,
        r"1 feature with a PRESENCE code outside 1–6 \(feature 2: 7\)",
    ),
    (
        None,
        "presence = [4]",
        EmptyLayerError,
        r"the IUCN filter \(presence 4; .*\) leaves the current range .* empty; the layer has "
        r"presence 1, 2, 3, 5, 6; origin 1, 3, 6; seasonal 1, 2",
    ),
    (
        None,
        'name_field = "NOM"',
        MissingFieldError,
        r"range layer .* has no field 'NOM' \(name_field\); available fields: binomial, "
        r"PRESENCE, ORIGIN, SEASONAL",
    ),
    (
        None,
        'epoch_field = "period"\nyear_field = "yr"',
        MissingFieldError,
        r"has no field 'period' \(epoch_field\) or 'yr' \(year_field\); available fields: "
        r"binomial, PRESENCE, ORIGIN, SEASONAL; set epoch_field and year_field in "
        r"\[layers.range\] of study file",
    ),
]


@pytest.mark.parametrize(("change", "key", "error", "message"), BAD)
def test_bad_input(
    copy: Path, change: str | None, key: str, error: type[Exception], message: str
) -> None:
    tmp_path = copy
    study = _study(
        tmp_path, STUDY.replace("current_year = 2021\n", f"current_year = 2021\n{key}\n")
    )
    if change:
        _bad_layers(tmp_path, change)
    with pytest.raises(error, match=message):
        run(study)
    out = tmp_path / "never"
    code, _, err = cli("report", str(study), "--out", str(out))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and err.startswith("Error: ")
    assert re.search(message, err)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]


def _study(folder: Path, text: str) -> Path:
    path = folder / "wdpa_iucn.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_all_missing_fields_at_once_across_layers(copy: Path) -> None:
    study = _study(
        copy,
        STUDY.replace('name_field = "site"', 'name_field = "nom"').replace(
            'name_field = "country"', 'name_field = "pays"'
        )
        + textwrap.dedent(
            """
            [layers.competitor]
            path = "wdpa_iucn.gpkg"
            layer = "countries"
            name_field = "label"
            """
        ),
    )
    with pytest.raises(MissingFieldError) as info:
        run(study)
    text = str(info.value)
    for part in ("'nom' (name_field)", "'pays' (name_field)", "'label' (name_field)"):
        assert part in text
    assert len(text.splitlines()) == 1


def test_no_epoch_field_and_no_codes_says_both_ways_out(copy: Path) -> None:
    tmp_path = copy
    gpkg = tmp_path / "wdpa_iucn.gpkg"
    frame = gpd.read_file(gpkg, layer="iucn_range").drop(columns=["PRESENCE"])
    frame.to_file(gpkg, layer="plain_range")
    study = tmp_path / "plain.toml"
    study.write_text(
        STUDY.replace('layer = "iucn_range"', 'layer = "plain_range"'), encoding="utf-8"
    )
    with pytest.raises(
        MissingFieldError,
        match=r"no field 'epoch' \(epoch_field\) or 'year' \(year_field\).*or give the range "
        r"IUCN presence codes",
    ):
        run(study)


def test_run_and_write_report_every_long_step(tmp_path: Path) -> None:
    steps: list[str] = []
    result = run(progress=steps.append)
    write(result, tmp_path / "out", progress=steps.append)
    assert steps[0] == "reading layers"
    assert any(s.startswith("dissolving the park layer (") for s in steps)
    for expected in (
        "measuring range epochs",
        "IUCN range metrics (EOO, AOO)",
        "tables",
        "drawing overview",
        "drawing contraction",
    ):
        assert expected in steps
    assert steps[-1] == "writing tables, metrics and the report"
    # each layer is dissolved once per run
    dissolves = [s for s in steps if s.startswith("dissolving")]
    assert len(dissolves) == len(set(dissolves))


def test_each_map_s_step_is_shown_while_it_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress line names a map before the map is built, not after."""
    from leopardrange.report import maps

    steps: list[str] = []
    seen: dict[str, str] = {}
    for name in ("overview_map", "contraction_map"):
        original = getattr(maps, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            seen[_name] = steps[-1]
            return _original(*args, **kw)

        monkeypatch.setattr(maps, name, spy)
    write(run(), tmp_path / "out", progress=steps.append)
    assert seen == {"overview_map": "drawing overview", "contraction_map": "drawing contraction"}
