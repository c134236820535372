"""A fuzzer: hypothesis mutates study files, recipes, layers and options and runs the CLI.

Whatever it generates — wrong types, NaN and infinities, huge and empty values, hostile paths,
other CRSs and units, other encodings and formats, broken geometries and bytes — every run
must keep the guarantees: exit status 0, 1, 2 or 3; no traceback and no "this is a bug" on
stderr; every input unchanged byte for byte; nothing left half-written; and an output exactly
when the run succeeded. The commands run in-process (click's CliRunner); interrupted runs
(SIGINT, SIGTERM, SIGKILL) are in ``test_hostile.py``.

The number of examples is kept small (about a minute for the whole module); raise
``LEOPARDRANGE_FUZZ_EXAMPLES`` to fuzz longer.
"""

# ruff: noqa: F811 - the shared fixtures (template, world) are imported, then requested by name
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leopardrange import study as study_module
from tests.conftest import LAEA
from tests.hostile_data import (  # noqa: F401 - template is a fixture
    World,
    copy_world,
    invoke,
    leftovers,
    snapshot,
    template,
)

EXAMPLES = int(os.environ.get("LEOPARDRANGE_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(
    max_examples=EXAMPLES or 20,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run; elsewhere: new ones
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OK_CODES = {0, 1, 2, 3}


@contextmanager
def fresh(template: World) -> Iterator[World]:
    """A private copy of the landscape for one example (hypothesis reuses fixtures)."""
    root = Path(tempfile.mkdtemp(prefix="leopardrange-fuzz-")) / "w"
    shutil.copytree(template.root, root)
    try:
        yield World(
            **{k: root / Path(v).relative_to(template.root) for k, v in vars(template).items()}
        )
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def check_run(world: World, out: Path, *args: object) -> None:
    """Run a command and assert the guarantees."""
    before = snapshot(*world.inputs)
    existed = out.exists()
    result = invoke(*args)
    assert result.exit_code in OK_CODES, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr, result.stderr
    assert "this is a bug" not in result.stderr, result.stderr
    assert snapshot(*world.inputs) == before, "an input changed"
    assert leftovers(world.root) == [], "something was left half-written"
    if result.exit_code in (0, 3):
        assert out.exists()
    else:
        assert out.exists() == existed, f"a failed run left {out}"


# ---------------------------------------------------------------------------- TOML


def toml_value(value: Any) -> str:
    """A value as TOML text (inline tables and arrays; nan and inf as TOML spells them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    lines: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
    lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in scalars.items()]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                lines.append(f"[[{json.dumps(key)}]]")
                lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in item.items()]
        elif isinstance(value, list):
            lines.append(f"{json.dumps(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def study_dict() -> dict[str, Any]:
    return {
        "study": {"name": "Tiny landscape", "species": "Panthera pardus orientalis"},
        "layers": {
            "park": {"path": "land.gpkg", "layer": "park"},
            "range": {
                "path": "land.gpkg",
                "layer": "range",
                "epoch_field": "epoch",
                "year_field": "year",
            },
        },
        "claims": [
            {
                "id": "share",
                "metric": "park_share_of_current_range_pct",
                "expected": 17.0,
                "tolerance": 1.0,
            },
        ],
    }


SCALARS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=30),
    st.booleans(),
    st.sampled_from(
        [
            "",
            " ",
            "nan",
            "inf",
            "1e400",
            "EPSG:4326",
            "EPSG:3857",
            LAEA,
            "x;y.gpkg",
            "../R.tif",
            "/proc/self/mem",
            "a\u0000b",
            "Земля",
            "2020",
            "range",
            "park",
            "c. 1900",
            "park_area_km2",
            "at_least",
            "cp1251",
            "klingon",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    sorted(
        study_module._COMMON_KEYS
        | set().union(*study_module.ROLES.values())
        | study_module._CLAIM_KEYS
        | study_module._STUDY_KEYS
        | {"zzz"}
    )
)


@st.composite
def mutated_studies(draw: st.DrawFn) -> dict[str, Any]:
    data = study_dict()
    tables = [data["study"], data["layers"]["park"], data["layers"]["range"], data["claims"][0]]
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(tables))
        op = draw(st.sampled_from(["set", "set", "delete", "role"]))
        if op == "set":
            table[draw(KEYS)] = draw(VALUES)
        elif op == "delete" and table:
            table.pop(draw(st.sampled_from(sorted(table))))
        else:
            data["layers"][draw(st.sampled_from(["competitor", "breeding", "borders", "nest"]))] = {
                "path": "land.gpkg",
                "layer": draw(st.sampled_from(["park", "range", "cores"])),
            }
    return data


@st.composite
def mutated_bytes(draw: st.DrawFn, text: str) -> bytes:
    raw = text.encode("utf-8")
    op = draw(st.sampled_from(["bom", "truncate", "flip", "latin", "as is"]))
    if op == "bom":
        return b"\xef\xbb\xbf" + raw
    if op == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if op == "flip":
        i = draw(st.integers(0, len(raw) - 1))
        return raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1 :]
    if op == "latin":
        return text.replace("Tiny", "Tíny").encode("latin-1", errors="replace")
    return raw


@FUZZ
@given(data=mutated_studies(), bytes_op=st.data())
def test_fuzz_study_files(template: World, data: dict[str, Any], bytes_op: st.DataObject) -> None:
    with fresh(template) as world:
        study = world.study_dir / "fuzz.toml"
        study.write_bytes(bytes_op.draw(mutated_bytes(toml_document(data))))
        out = world.root / "out"
        check_run(world, out, "-q", "report", study, "--out", out)


# ------------------------------------------------------------------------------ recipes


@FUZZ
@given(
    key=st.sampled_from(
        [
            "grid.crs",
            "grid.bounds",
            "grid.resolution_m",
            "resistance.combine",
            "factor.type",
            "factor.path",
            "factor.costs",
            "factor.name",
            "zzz",
        ]
    ),
    value=VALUES,
    resolution=st.one_of(
        st.none(), st.sampled_from(["nan", "inf", "-1", "0", "1e-9", "1e9", "5000", "abc"])
    ),
)
def test_fuzz_recipes(template: World, key: str, value: Any, resolution: str | None) -> None:
    import tomllib

    with fresh(template) as world:
        recipe = tomllib.loads(world.recipe.read_text(encoding="utf-8"))
        section, _, name = key.partition(".")
        if section == "factor":
            recipe["factors"][0][name] = value
        elif name:
            recipe[section][name] = value
        else:
            recipe[section] = value
        path = world.root / "fuzz.toml"
        path.write_text(toml_document(recipe), encoding="utf-8")
        out = world.root / "R2.tif"
        extra = ["--resolution", resolution] if resolution is not None else []
        check_run(world, out, "resistance", path, "--out", out, *extra)


# ------------------------------------------------------------------------------- layers

CRSS = [
    None,
    "EPSG:4326",
    "EPSG:3857",
    LAEA,
    LAEA.replace("units=m", "units=km"),
    "+proj=aea +lat_0=45 +lon_0=130 +lat_1=40 +lat_2=50 +datum=WGS84 +units=us-ft",
    "EPSG:3413",
    "EPSG:32652",
]
FORMATS = {"gpkg": "GPKG", "shp": "ESRI Shapefile", "geojson": "GeoJSON", "fgb": "FlatGeobuf"}


def mutate_geometry(geom: shapely.Geometry, op: str, scale: float) -> shapely.Geometry | None:
    if op == "nan":

        def one_nan(xy: Any) -> Any:
            xy = xy.copy()
            xy[1, 1] = math.nan  # not the first or last vertex: the ring stays closed
            return xy

        return shapely.transform(geom, one_nan)
    if op == "swap":
        return shapely.transform(geom, lambda xy: xy[:, ::-1])
    if op == "scale":
        return shapely.transform(geom, lambda xy: xy * scale)
    if op == "empty":
        return shapely.Polygon()
    if op == "none":
        return None
    if op == "bowtie":
        x0, y0, x1, y1 = geom.bounds
        return shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    if op == "point":
        return geom.centroid
    if op == "line":
        return shapely.LineString([*list(geom.exterior.coords)[:2], geom.exterior.coords[0]])
    return geom


@FUZZ
@given(
    layer=st.sampled_from(["park", "range"]),
    op=st.sampled_from(
        ["nan", "swap", "scale", "empty", "none", "bowtie", "point", "line", "keep"]
    ),
    scale=st.sampled_from([0.0, -1.0, 1e-12, 1e6, 1e300]),
    crs=st.sampled_from(CRSS),
    fmt=st.sampled_from(sorted(FORMATS)),
    year=st.sampled_from([None, "c. 1900", math.nan, math.inf, 2020.5, -5, 2020]),
    encoding=st.sampled_from(["UTF-8", "cp1251", "latin-1"]),
    repair=st.booleans(),
)
def test_fuzz_layers(
    template: World,
    layer: str,
    op: str,
    scale: float,
    crs: str | None,
    fmt: str,
    year: Any,
    encoding: str,
    repair: bool,
) -> None:
    with fresh(template) as world:
        frame = gpd.read_file(world.gpkg, layer=layer)
        if crs is not None and frame.crs is not None:
            frame = frame.to_crs(crs)
        else:
            frame = frame.set_crs(None, allow_override=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame.loc[frame.index[0], "geometry"] = mutate_geometry(
                frame.geometry.iloc[0], op, scale
            )
            if layer == "range" and year != 2020:
                frame["year"] = frame["year"].astype(object)
                frame.loc[frame.index[-1], "year"] = year
            frame["name"] = "Земля леопарда"
            path = world.study_dir / f"fuzzed.{fmt}"
            try:
                frame.to_file(path, driver=FORMATS[fmt], encoding=encoding)
            except Exception:  # the format cannot hold the mutation: nothing to fuzz
                return
        check_run(world, world.root, "info", path, "--json")
        text = world.study.read_text(encoding="utf-8").replace(
            f'path = "land.gpkg"\nlayer = "{layer}"',
            f'path = "fuzzed.{fmt}"' + ("\nrepair = true" if repair else ""),
        )
        study = world.study_dir / "fuzzed.toml"
        study.write_text(text, encoding="utf-8")
        out = world.root / "out"
        check_run(world, out, "-q", "report", study, "--out", out)


# ------------------------------------------------------------------------------ options

OPTION_VALUES = st.sampled_from(
    [
        "nan",
        "inf",
        "-inf",
        "-1",
        "0",
        "1e-300",
        "1e300",
        "10",
        "abc",
        "",
        "EPSG:4326",
        "auto",
        "EPSG:3857",
        LAEA,
        "8",
        "16",
        "32",
    ]
)


@FUZZ
@given(
    options=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "--max-cost",
                    "--neighbors",
                    "--warp-to",
                    "--resolution",
                    "--assume-crs",
                    "--source-where",
                    "--encoding",
                ]
            ),
            OPTION_VALUES,
        ),
        max_size=3,
    ),
    source=st.sampled_from(["park", "cores", "range", "nope", ""]),
    out_name=st.sampled_from(
        ["cwd.tif", "R.tif", "study", "study/land.gpkg", "x;y.tif", ".", "lc.tif/x.tif"]
    ),
)
def test_fuzz_cost_distance_options(
    template: World, options: list[tuple[str, str]], source: str, out_name: str
) -> None:
    with fresh(template) as world:
        out = world.root / out_name
        flat = [item for pair in options for item in pair]
        spec = f"{world.gpkg}:{source}" if source else str(world.gpkg)
        check_run(
            world, out, "cost-distance", world.resistance, "--source", spec, "--out", out, *flat
        )
