"""The catalogue of hostile inputs, part 1: data loss, crashes, unclear messages, interruptions.

Every case runs a command on the tiny landscape of :mod:`tests.hostile_data` and checks the
four guarantees: the expected exit status, one clear ``Error:`` line on stderr (never a
traceback or "this is a bug"), every input unchanged byte for byte, and nothing half-written
(no partial output, lock or backup left beside the output). Part 2 (wrong numbers: units,
CRSs, values) is ``test_hostile_numbers.py``.

Classes (as in the issue): **data loss** — an output that is, holds or lies inside an input,
concurrent writers, what killed runs leave; **"this is a bug"** — values, files and places
that used to crash; **unclear** — encodings, odd file names, byte-order marks, library
warnings; **interruptions** — SIGINT, SIGTERM, SIGKILL and a full disk.
"""

# ruff: noqa: F811 - the shared fixtures (template, world) are imported, then requested by name
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import rasterio
import shapely
from click.testing import Result

from tests.conftest import LAEA
from tests.hostile_data import (  # noqa: F401 - template and world are fixtures
    World,
    box_km,
    invoke,
    leftovers,
    one_line_error,
    snapshot,
    template,
    world,
)


def cost_distance(world: World, out: Path, source: object = None) -> list[object]:
    """``cost-distance R.tif --source land.gpkg:park --out OUT``."""
    return ["cost-distance", world.resistance, "--source", source or f"{world.gpkg}:park",
            "--out", out]  # fmt: skip


def run_case(
    world: World,
    *args: object,
    code: int = 1,
    match: str = "",
    extra: tuple[Path, ...] = (),
) -> Result:
    """Run a command and check the guarantees; ``code`` 0 means it must succeed."""
    protected = [*world.inputs, *extra]
    before = snapshot(*protected)
    result = invoke(*args)
    assert snapshot(*protected) == before, "an input changed"
    assert leftovers(world.root) == [], "something was left half-written"
    if code == 0:
        assert result.exit_code == 0, (result.stderr, result.exception)
        assert "Traceback" not in result.stderr and "this is a bug" not in result.stderr
        return result
    line = one_line_error(result, code=code)
    assert re.search(match, line), line
    return result


def write_study(world: World, text: str, name: str = "s.toml") -> Path:
    path = world.study_dir / name
    path.write_text(text, encoding="utf-8")
    return path


# =========================================================================== data loss

HOLDS = "holds an input of this run"
IS = "is an input of this run"


def test_report_into_the_folder_of_its_inputs(world: World) -> None:
    run_case(world, "report", world.study, "--out", world.study_dir, "--overwrite", match=HOLDS)


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "qgz"])
def test_export_into_the_folder_of_its_inputs(world: World, fmt: str) -> None:
    run_case(
        world,
        "export",
        world.study,
        "--format",
        fmt,
        "--out",
        world.study_dir,
        "--overwrite",
        match=HOLDS,
    )


@pytest.mark.parametrize("command", ["report", "export", "linkages"])
def test_a_folder_output_over_an_input_file(world: World, command: str) -> None:
    args = (
        [f"{world.gpkg}:cores", "-r", world.resistance] if command == "linkages" else [world.study]
    )
    run_case(world, command, *args, "--out", world.gpkg, "--overwrite", code=2, match="is a file")


def test_report_into_a_folder_above_its_inputs(world: World) -> None:
    run_case(world, "report", world.study, "--out", world.root, "--overwrite", match=HOLDS)


def test_report_through_a_symlink_to_the_input_folder(world: World) -> None:
    link = world.root / "link"
    link.symlink_to(world.study_dir, target_is_directory=True)
    run_case(world, "report", world.study, "--out", link, "--overwrite", match=HOLDS)


def test_cost_distance_over_its_source_layer(world: World) -> None:
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        f"{world.gpkg}:park",
        "--out",
        world.gpkg,
        "--overwrite",
        match=IS,
    )


def test_cost_distance_over_its_resistance(world: World) -> None:
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        f"{world.gpkg}:park",
        "--out",
        world.resistance,
        "--overwrite",
        match=IS,
    )


@pytest.mark.parametrize("kind", ["symbolic", "hard"])
def test_cost_distance_over_a_link_to_its_resistance(world: World, kind: str) -> None:
    link = world.root / "cwd.tif"
    if kind == "symbolic":
        link.symlink_to(world.resistance)
    else:
        os.link(world.resistance, link)
    run_case(world, *cost_distance(world, link), "--overwrite", match=IS)


def test_cost_distance_over_a_part_of_its_shapefile_source(world: World) -> None:
    shp = world.study_dir / "park.shp"
    gpd.read_file(world.gpkg, layer="park").to_file(shp, encoding="UTF-8")
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        shp,
        "--out",
        shp.with_suffix(".dbf"),
        "--overwrite",
        match=IS,
    )


def test_corridor_into_the_folder_of_its_resistance(world: World) -> None:
    run_case(
        world,
        "corridor",
        "-r",
        world.resistance,
        "--source",
        f"{world.gpkg}:park",
        "--target",
        f"{world.gpkg}:cores",
        "--target-where",
        "name = 'east'",
        "--out",
        world.root,
        "--overwrite",
        match=HOLDS,
    )


def test_corridor_into_the_folder_of_its_land_cover(world: World) -> None:
    folder = world.root / "cover"
    folder.mkdir()
    landcover = shutil.copy(world.landcover, folder / "lc.tif")
    run_case(
        world,
        "corridor",
        "-r",
        world.resistance,
        "--source",
        f"{world.gpkg}:park",
        "--target",
        f"{world.gpkg}:cores",
        "--target-where",
        "name = 'east'",
        "--landcover",
        landcover,
        "--legend",
        "igbp",
        "--out",
        folder,
        "--overwrite",
        match=HOLDS,
        extra=(folder,),
    )


def test_linkages_into_the_folder_of_its_cores(world: World) -> None:
    run_case(
        world,
        "linkages",
        f"{world.gpkg}:cores",
        "-r",
        world.resistance,
        "--out",
        world.study_dir,
        "--overwrite",
        match=HOLDS,
    )


def test_resistance_over_a_raster_its_recipe_reads(world: World) -> None:
    # the land cover is read while the surface is built: refused before anything is written
    run_case(world, "resistance", world.recipe, "--out", world.landcover, "--overwrite", match=IS)


def test_resistance_over_its_recipe(world: World) -> None:
    run_case(world, "resistance", world.recipe, "--out", world.recipe, "--overwrite", match=IS)


def test_export_into_the_folder_of_an_added_layer(world: World) -> None:
    extra = world.root / "towns" / "towns.gpkg"
    extra.parent.mkdir()
    gpd.GeoDataFrame({"name": ["Barabash"]}, geometry=[shapely.Point(131, 43)], crs=4326).to_file(
        extra
    )
    run_case(
        world,
        "export",
        world.study,
        "--add",
        extra,
        "--out",
        extra.parent,
        "--overwrite",
        match=HOLDS,
        extra=(extra,),
    )


def test_report_into_a_file_geodatabase_it_reads(world: World) -> None:
    gdb = world.root / "parks.gdb"
    park = gpd.read_file(world.gpkg, layer="park")
    park.to_file(gdb, layer="park", driver="OpenFileGDB")
    study = write_study(
        world,
        world.study.read_text(encoding="utf-8").replace(
            'path = "land.gpkg"\nlayer = "park"', f'path = "{gdb}"\nlayer = "park"'
        ),
    )
    run_case(
        world, "report", study, "--out", gdb / "report", match="lies inside an input", extra=(gdb,)
    )


def test_report_over_the_current_folder(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    here = world.root / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    run_case(
        world,
        "report",
        world.study,
        "--out",
        ".",
        "--overwrite",
        match="is or holds the current folder",
        extra=(here,),
    )


def test_report_over_a_pipe(world: World) -> None:
    fifo = world.root / "fifo"
    os.mkfifo(fifo)
    run_case(world, "report", world.study, "--out", fifo, "--overwrite", match="not a regular file")


def test_output_below_a_file(world: World) -> None:
    run_case(
        world,
        "report",
        world.study,
        "--out",
        world.root / "R.tif" / "report",
        match="is a file, not a folder",
    )


def _hold_lock(target: Path) -> subprocess.Popen[bytes]:
    code = (
        "import sys, time; from leopardrange.output import reserve_output\n"
        "with reserve_output(sys.argv[1], overwrite=False):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"held"
    return proc


def test_a_second_writer_of_the_same_output_is_refused(world: World) -> None:
    out = world.root / "report"
    holder = _hold_lock(out)
    try:
        before = snapshot(*world.inputs)
        result = invoke("report", world.study, "--out", out)
        line = one_line_error(result)
        assert re.search(r"another run \(process \d+ on .*\) is writing", line), line
        assert snapshot(*world.inputs) == before and not out.exists()
    finally:
        holder.kill()
        holder.communicate()
    # the lock dies with its holder: the next run writes
    run_case(world, "report", world.study, "--out", out, code=0)


def test_what_a_killed_run_left_is_cleaned_by_the_next(world: World) -> None:
    out = world.root / "report"
    (world.root / ".report.0123abcd.partial" / "maps").mkdir(parents=True)
    (world.root / ".report.lock").write_text('{"pid": 1}', encoding="utf-8")
    run_case(world, "report", world.study, "--out", out, code=0)
    assert (out / "metrics.json").exists()


def test_a_half_done_swap_is_rolled_back(world: World) -> None:
    out = world.root / "report"
    run_case(world, "report", world.study, "--out", out, code=0)
    metrics = (out / "metrics.json").read_bytes()
    backup = world.root / ".report.0123abcd.old"
    backup.mkdir()
    out.rename(backup / "old")  # killed between moving the old output aside and the swap
    run_case(world, "report", world.study, "--out", out, match="already exists")
    assert (out / "metrics.json").read_bytes() == metrics


# ====================================================== "this is a bug" → one clear line


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("expected = nan", r"expected of claim #1 .* must be a finite number, not nan"),
        ("expected = inf", r"must be a finite number, not inf"),
        ("expected = 1e300", r"must be a number within"),
        ("tolerance = nan", r"tolerance of claim #1 .* must be a finite number >= 0, not nan"),
        ("tolerance = -inf", r"must be a finite number >= 0"),
        ("tolerance_pct = 1000", r"tolerance_pct .* must be a percentage from 0 to 100"),
        ('expected = "17"', r"not '17' \(text; write numbers without quotes\)"),
    ],
)
def test_bad_claim_values(world: World, line: str, message: str) -> None:
    text = world.study.read_text(encoding="utf-8").replace("tolerance = 1.0", "")
    key = line.split(" = ")[0]
    text = re.sub(rf"^{key} = .*$", line, text, flags=re.M) if key in text else text + line
    study = write_study(world, text)
    run_case(world, "report", study, "--out", world.root / "r", match=message)


def test_deeply_nested_toml(world: World) -> None:
    study = write_study(world, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    run_case(world, "report", study, "--out", world.root / "r", match="nests .* too deeply")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"needs \[layers.park\] and \[layers.range\]"),
        (b"\x00\xff\xfe garbage", r"not UTF-8 text|not valid TOML"),
        (
            b'[layers.park]\npath = 5\n[layers.range]\npath = "land.gpkg"\n',
            r"path of \[layers.park\] .* must be non-empty text, not 5",
        ),
        (
            b'[layers.park]\npath = "a\\u0000b.gpkg"\n[layers.range]\npath = "land.gpkg"\n',
            r"not a usable path|does not exist",
        ),
        (b'[study]\nanalysis_crs = "EPSG:999999"\n' + b"", r"needs \[layers.park\]"),
    ],
)
def test_bad_study_files(world: World, content: bytes, message: str) -> None:
    study = world.study_dir / "s.toml"
    study.write_bytes(content)
    run_case(world, "report", study, "--out", world.root / "r", match=message)


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("missing", r"study file '.*' does not exist"),
        ("folder", r"is a directory"),  # refused by click: exit 2
        ("pipe", r"is not a regular file"),
    ],
)
def test_study_paths_that_are_not_files(world: World, what: str, message: str) -> None:
    study = world.root / "s.toml"
    if what == "folder":
        study.mkdir()
    elif what == "pipe":
        os.mkfifo(study)
    run_case(
        world,
        "report",
        study,
        "--out",
        world.root / "r",
        match=message,
        code=2 if what == "folder" else 1,
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {'analysis_crs = "x"': '[study]\nanalysis_crs = "not a crs"\n'},
            r"analysis_crs of \[study\] .* must be an equal-area CRS .*, not 'not a crs'",
        ),
        (
            {'analysis_crs = "y"': '[study]\nanalysis_crs = "EPSG:3857"\n'},
            r"must be an equal-area CRS",
        ),
        (
            {"assume": 'assume_crs = "EPSG:nope"'},
            r"assume_crs of \[layers.park\] .* must be a CRS .*, not 'EPSG:nope'",
        ),
        ({"where": "where = \"name = 'x' AND\""}, r"the filter where=.* failed"),
        ({"layer": 'layer = "nope"'}, r"layer 'nope' not found .*; available layers"),
    ],
)
def test_bad_values_in_layer_tables(world: World, edit: dict[str, str], message: str) -> None:
    ((key, line),) = edit.items()
    text = world.study.read_text(encoding="utf-8")
    if key.startswith("analysis_crs"):
        text = text.replace("[study]\n", line, 1)
    elif key == "layer":
        text = text.replace('layer = "park"', line)
    else:
        text = text.replace('layer = "park"', 'layer = "park"\n' + line)
    study = write_study(world, text)
    run_case(world, "report", study, "--out", world.root / "r", match=message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a GIS file", r"is not a GIS file that can be read"),
        (b"", r"is not a GIS file that can be read|truncated or damaged"),
        (b"SQLite format 3\x00" + b"\x00" * 100, r"is not a GIS file|damaged"),
    ],
)
def test_garbage_gis_files(world: World, content: bytes, message: str) -> None:
    bad = world.root / "bad.gpkg"
    bad.write_bytes(content)
    run_case(world, "info", bad, match=message)


def test_a_zero_byte_shapefile(world: World) -> None:
    (world.root / "empty.shp").write_bytes(b"")
    run_case(world, "info", world.root / "empty.shp", match="truncated or damaged")


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_a_shapefile_without_one_of_its_parts(world: World, part: str) -> None:
    shp = world.study_dir / "park.shp"
    gpd.read_file(world.gpkg, layer="park").to_file(shp)
    shp.with_suffix(part).unlink()
    if part == ".shx":
        run_case(world, "info", shp, match=r"has no \.shx beside it: a Shapefile is several files")
    else:  # the geometries read, without attributes
        assert json.loads(run_case(world, "info", shp, "--json", code=0).stdout)[0]["features"] == 1


def test_info_on_a_pipe_does_not_hang(world: World) -> None:
    os.mkfifo(world.root / "pipe.gpkg")
    run_case(world, "info", world.root / "pipe.gpkg", match="not a regular file")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--max-cost", "nan"),
        ("--max-cost", "inf"),
        ("--max-cost", "-1"),
        ("--max-cost", "ten"),
        ("--resolution", "nan"),
    ],
)
def test_numeric_options_are_finite_and_in_range(world: World, option: str, value: str) -> None:
    extra = ["--warp-to", "auto"] if option == "--resolution" else []
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        f"{world.gpkg}:park",
        "--out",
        world.root / "cwd.tif",
        *extra,
        option,
        value,
        code=2,
        match=r"Invalid value for .*(finite|number|range)",
    )


@pytest.mark.parametrize(
    ("command", "option"), [("corridor", "--corridor-pct"), ("resistance", "--resolution")]
)
def test_other_numeric_options(world: World, command: str, option: str) -> None:
    args: list[object] = (
        [world.recipe]
        if command == "resistance"
        else [
            "-r",
            world.resistance,
            "--source",
            f"{world.gpkg}:park",
            "--target",
            f"{world.gpkg}:cores",
        ]
    )
    run_case(
        world,
        command,
        *args,
        option,
        "inf",
        "--out",
        world.root / "o",
        code=2,
        match="not a finite number",
    )


def _huge_header(path: Path) -> Path:
    """A GeoTIFF of a few kilobytes whose header claims 1,000,000 × 1,000,000 cells."""
    profile = {
        "driver": "GTiff",
        "width": 1_000_000,
        "height": 1_000_000,
        "count": 1,
        "dtype": "float32",
        "crs": LAEA,
        "tiled": True,
        "sparse_ok": True,
        "transform": rasterio.transform.from_origin(0, 1e9, 1000, 1000),
        "nodata": -9999,
    }
    with rasterio.open(path, "w", **profile):
        pass
    return path


@pytest.mark.parametrize("command", ["cost-distance", "corridor"])
def test_a_raster_header_claiming_a_trillion_cells(world: World, command: str) -> None:
    huge = _huge_header(world.root / "huge.tif")
    args: list[object] = (
        [huge, "--source", f"{world.gpkg}:park", "--out", world.root / "cwd.tif"]
        if command == "cost-distance"
        else [
            "-r",
            huge,
            "--source",
            f"{world.gpkg}:park",
            "--target",
            f"{world.gpkg}:cores",
            "--out",
            world.root / "c",
        ]
    )
    run_case(
        world,
        command,
        *args,
        match=r"1,000,000,000,000 cells: .* GiB of memory.* available",
        extra=(huge,),
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "bounds = [130.85, 42.85, 131.15, 43.15]",
            "bounds = [-1e300, -1e300, 1e300, 1e300]",
            r"are not longitudes and latitudes, as bounds_crs .* says",
        ),
        (
            "bounds = [130.85, 42.85, 131.15, 43.15]",
            "bounds = [130.85, 42.85, 131.15, 200]",
            r"are not longitudes and latitudes",
        ),
        (
            "bounds = [130.85, 42.85, 131.15, 43.15]",
            "bounds = [nan, 42.85, 131.15, 43.15]",
            r"bounds of \[grid\] .* must be a finite number, not nan",
        ),
        ("2 = 5", "2 = 1e308", r"gives resistance above 1e\+12 at \d+ cells"),
        ("2 = 5", "2 = inf", r"must be a finite number >= 0, not inf"),
        ("resolution_m = 2000", "resolution_m = 1e308", r"is not a cell size on Earth"),
        ("resolution_m = 2000", "resolution_m = 1e-300", r"would have about inf cells, too many"),
        ("+units=m", "+units=km", r"is in kilometre, not metres"),
    ],
)
def test_bad_numbers_in_a_recipe(world: World, old: str, new: str, message: str) -> None:
    text = world.recipe.read_text(encoding="utf-8")
    assert old in text
    world.recipe.write_text(text.replace(old, new), encoding="utf-8")
    run_case(world, "resistance", world.recipe, "--out", world.root / "R2.tif", match=message)


def test_a_recipe_grid_too_fine(world: World) -> None:
    run_case(
        world,
        "resistance",
        world.recipe,
        "--resolution",
        "1e-6",
        "--out",
        world.root / "R2.tif",
        match="too many",
    )


def test_output_under_proc(world: World) -> None:
    run_case(
        world,
        "report",
        world.study,
        "--out",
        "/proc/leopardrange-report",
        match=r"cannot write '/proc/leopardrange-report'",
    )


def test_output_in_a_read_only_folder(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open
    folder = str(world.root / "ro")
    Path(folder).mkdir()

    def read_only(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(folder):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only)
    run_case(
        world,
        "report",
        world.study,
        "--out",
        Path(folder) / "r",
        match=r"cannot write .*: the file system is read-only",
    )


# =================================================================== unclear → clear


def _cp1251_shapefile(folder: Path, *, cpg: str | None) -> Path:
    shp = folder / "names.shp"
    gpd.GeoDataFrame(
        {"name": ["Земля леопарда"]}, geometry=[box_km(-5, -5, 5, 5)], crs=LAEA
    ).to_file(shp, encoding="cp1251")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        shp.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return shp


def test_cp1251_shapefile_without_cpg_and_a_cyrillic_filter(world: World) -> None:
    shp = _cp1251_shapefile(world.study_dir, cpg=None)
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        shp,
        "--source-where",
        "name = 'Земля леопарда'",
        "--out",
        world.root / "cwd.tif",
        match=r"has no \.cpg, so its text was read as ISO-8859-1.*--encoding",
    )
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        shp,
        "--source-where",
        "name = 'Земля леопарда'",
        "--encoding",
        "cp1251",
        "--out",
        world.root / "cwd.tif",
        code=0,
    )


def test_a_cpg_claiming_utf8_over_cp1251_text(world: World) -> None:
    shp = _cp1251_shapefile(world.study_dir, cpg="UTF-8")
    run_case(
        world,
        "info",
        shp,
        match=r"its text is not in the encoding it declares \(its \.cpg "
        r"says 'UTF-8'\).*--encoding",
    )
    result = run_case(world, "info", shp, "--encoding", "cp1251", "--json", code=0)
    assert json.loads(result.stdout)[0]["features"] == 1


def test_an_unknown_encoding(world: World) -> None:
    shp = _cp1251_shapefile(world.study_dir, cpg=None)
    run_case(world, "info", shp, "--encoding", "klingon", match="unknown encoding 'klingon'")


def test_a_study_encoding_key_that_is_no_encoding(world: World) -> None:
    text = world.study.read_text(encoding="utf-8").replace(
        'layer = "park"', 'layer = "park"\nencoding = "klingon"'
    )
    run_case(
        world,
        "report",
        write_study(world, text),
        "--out",
        world.root / "r",
        match=r"encoding of \[layers.park\] .* must be a text encoding",
    )


@pytest.mark.parametrize("name", ["x;y.gpkg", "a!b.gpkg", "zip:c.gpkg", "q?r.gpkg"])
def test_odd_but_valid_file_names(world: World, name: str) -> None:
    odd = world.study_dir / name
    shutil.copy(world.gpkg, odd)
    result = run_case(world, "info", f"{odd}:park", "--json", code=0, extra=(odd,))
    assert json.loads(result.stdout)[0]["features"] == 1


def test_a_study_naming_a_file_with_a_semicolon(world: World) -> None:
    odd = world.study_dir / "x;y.gpkg"
    shutil.copy(world.gpkg, odd)
    study = write_study(
        world, world.study.read_text(encoding="utf-8").replace("land.gpkg", "x;y.gpkg")
    )
    run_case(world, "export", study, "--out", world.root / "e", code=0, extra=(odd,))


def test_a_study_with_a_byte_order_mark(world: World) -> None:
    study = world.study_dir / "bom.toml"
    study.write_bytes(b"\xef\xbb\xbf" + world.study.read_bytes())
    run_case(world, "report", study, "--out", world.root / "r", code=0)


def test_a_recipe_with_a_byte_order_mark(world: World) -> None:
    world.recipe.write_bytes(b"\xef\xbb\xbf" + world.recipe.read_bytes())
    run_case(world, "resistance", world.recipe, "--out", world.root / "R2.tif", code=0)


def _polygon_m_shapefile(path: Path) -> Path:
    """A one-feature PolygonM Shapefile (written by hand: pyogrio cannot write M)."""
    import struct

    ring = [(131.0, 43.0), (131.1, 43.0), (131.1, 43.1), (131.0, 43.0)]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    bbox = struct.pack("<4d", min(xs), min(ys), max(xs), max(ys))
    body = struct.pack("<i", 25) + bbox + struct.pack("<2i", 1, len(ring)) + struct.pack("<i", 0)
    body += b"".join(struct.pack("<2d", *p) for p in ring)
    body += struct.pack("<2d", 0.0, 3.0) + b"".join(struct.pack("<d", float(i)) for i in range(4))
    record = struct.pack(">2i", 1, len(body) // 2) + body

    def header(length_bytes: int) -> bytes:
        return (
            struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2)
            + struct.pack("<2i", 1000, 25)
            + bbox
            + struct.pack("<4d", 0, 0, 0, 3)
        )

    path.write_bytes(header(100 + len(record)) + record)
    path.with_suffix(".shx").write_bytes(header(108) + struct.pack(">2i", 50, len(body) // 2))
    dbf = struct.pack("<4BIHH20x", 3, 124, 1, 1, 1, 65, 12) + b"id".ljust(11, b"\x00")
    dbf += b"N" + b"\x00" * 4 + bytes([10, 0]) + b"\x00" * 14 + b"\r" + b" " + b"1".rjust(10)
    path.with_suffix(".dbf").write_bytes(dbf + b"\x1a")
    path.with_suffix(".prj").write_text(
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
        'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
        encoding="ascii",
    )
    return path


def test_a_polygon_m_layer_reads_without_library_warnings(world: World) -> None:
    shp = _polygon_m_shapefile(world.study_dir / "m.shp")
    result = run_case(world, "info", shp, "--json", code=0)
    assert result.stderr == ""
    row = json.loads(result.stdout)[0]
    assert row["geometry_type"] == "Polygon" and row["area_km2"] == pytest.approx(45.27, rel=1e-3)


def test_a_bad_geoparquet_filter(world: World) -> None:
    parquet = world.study_dir / "park.parquet"
    gpd.read_file(world.gpkg, layer="park").to_parquet(parquet)
    run_case(
        world,
        "cost-distance",
        world.resistance,
        "--source",
        parquet,
        "--source-where",
        "name ==",
        "--out",
        world.root / "cwd.tif",
        match=r"the filter where='name ==' failed .* pandas query",
    )


# ====================================================================== interruptions


def _start_report(world: World, out: Path) -> subprocess.Popen[bytes]:
    code = "from leopardrange.cli.main import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "report", str(world.study), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _when_writing(folder: Path, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    """Wait until the run's partial output folder exists (it is writing)."""
    start = time.monotonic()
    while not any(p.name.endswith(".partial") for p in folder.iterdir()):
        assert proc.poll() is None, "the run ended before it wrote"
        assert time.monotonic() - start < timeout_s
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_removes_what_it_was_writing(world: World, sig: signal.Signals) -> None:
    out = world.root / "report"
    before = snapshot(*world.inputs)
    proc = _start_report(world, out)
    _when_writing(world.root, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode().strip() == "Interrupted: outputs are as they were before this run."
    assert not out.exists() and leftovers(world.root) == []
    assert snapshot(*world.inputs) == before


def test_a_killed_run_leaves_a_partial_the_next_run_removes(world: World) -> None:
    out = world.root / "report"
    proc = _start_report(world, out)
    _when_writing(world.root, proc)
    proc.kill()
    proc.communicate(timeout=60)
    assert not out.exists()
    assert leftovers(world.root)  # the partial folder and the lock file
    run_case(world, "report", world.study, "--out", out, code=0)


def test_a_full_disk(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    out = world.root / "report"
    run_case(world, "report", world.study, "--out", out, code=0)
    earlier = snapshot(out)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("leopardrange.report.render.to_html", no_space)
    run_case(
        world,
        "report",
        world.study,
        "--out",
        out,
        "--overwrite",
        match=r"cannot write '.*report': no space left on the device; .*nothing was written",
    )
    assert snapshot(out) == earlier


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 kB tmpfs (needs root; skipped where mounting is not allowed)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_really_full_disk(world: World, tiny_disk: Path) -> None:
    run_case(
        world,
        "report",
        world.study,
        "--out",
        tiny_disk / "report",
        match=r"cannot write .*: no space left on the device",
    )
    assert list(tiny_disk.iterdir()) == []
