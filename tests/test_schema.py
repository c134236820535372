"""One TOML schema checker: studies and resistance recipes word their errors alike."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from leopardrange.corridors.recipe import parse_recipe
from leopardrange.errors import ResistanceError, StudyError
from leopardrange.schema import Checker
from leopardrange.study import parse_study

check = Checker(StudyError)
HERE = "[layers.park] of the study"


# ---------------------------------------------------------------------------- the checker
@pytest.mark.parametrize(
    ("table", "valid", "message"),
    [
        (
            {"pth": 1},
            {"path", "layer"},
            r"^unknown key 'pth' \(did you mean 'path'\?\) in \[layers.park\] of the study; "
            r"valid keys: layer, path$",
        ),
        (
            {"colour": 1, "layr": 2, "path": 3},
            {"path", "layer"},
            r"^unknown keys 'colour', 'layr' \(did you mean 'layer'\?\) in .*; valid keys: layer, "
            r"path$",
        ),
        ({"zzz": 1}, ("path", "layer"), r"^unknown key 'zzz' in .*; valid keys: path, layer$"),
    ],
)
def test_unknown_keys_are_all_named_with_a_suggestion(
    table: dict[str, Any], valid: Any, message: str
) -> None:
    with pytest.raises(StudyError, match=message):
        check.keys(table, HERE, valid=valid)


def test_unknown_roles_and_required_keys() -> None:
    with pytest.raises(StudyError, match=r"^unknown role 'parc' \(did you mean 'park'\?\)"):
        check.keys({"parc": {}}, "[layers]", valid=("park", "range"), noun="role")
    with pytest.raises(StudyError, match=r"^\[layers.park\] of the study needs path$"):
        check.keys({}, HERE, valid={"path"}, required=("path",))
    with pytest.raises(StudyError, match=r"needs id, metric and expected$"):
        check.require({}, "claim #1", ("id", "metric", "expected"))
    with pytest.raises(StudyError, match=r"needs resolution_m \(cell size in metres\)$"):
        check.require({}, "[grid]", {"resolution_m": "resolution_m (cell size in metres)"})
    check.keys({"path": "a"}, HERE, valid={"path"}, required=("path",))  # no error


@pytest.mark.parametrize(
    ("method", "value", "message"),
    [
        ("text", "", r"path of .* must be non-empty text, not ''$"),
        ("text", "  ", r"must be non-empty text, not '  '$"),
        ("text", 3, r"must be non-empty text, not 3$"),
        ("boolean", "true", r"must be true or false, not 'true' \(text; write true without quotes"),
        ("boolean", 1, r"must be true or false, not 1$"),
        ("number", math.nan, r"must be a finite number, not nan$"),
        ("number", -math.inf, r"must be a finite number, not -inf$"),
        ("number", "5", r"must be a finite number, not '5' \(text; write numbers without quotes"),
        ("number", True, r"must be a finite number, not true$"),
        ("number", [1, 2], r"must be a finite number, not an array \[1, 2\]$"),
        ("positive", 0, r"must be a finite positive number, not 0$"),
        ("positive", math.inf, r"must be a finite positive number, not inf$"),
        ("non_negative", -1, r"must be a finite number >= 0, not -1$"),
        ("integer", 1.0, r"must be an integer, not 1.0$"),
        ("integer", False, r"must be an integer, not false$"),
        ("integer", "12", r"must be an integer, not '12'$"),
        ("table", [{"a": 1}], r"must be a table, not an array \[\{'a': 1\}\]$"),
        ("table", "x", r"must be a table, not 'x'$"),
        ("array", {"a": 1}, r"must be an array, not a table$"),
    ],
)
def test_wrong_values_say_what_is_expected(method: str, value: Any, message: str) -> None:
    with pytest.raises(StudyError, match=message):
        getattr(check, method)(value, "path", HERE)


def test_good_values_come_back_converted() -> None:
    assert check.number(3, "k", HERE) == 3.0 and isinstance(check.number(3, "k", HERE), float)
    assert check.positive(0.5, "k", HERE) == 0.5
    assert check.non_negative(0, "k", HERE) == 0.0
    assert check.integer(7, "k", HERE) == 7
    assert check.integer(" -12", "k", HERE, from_text=True) == -12
    assert check.boolean(False, "k", HERE) is False
    assert check.text("a", "k", HERE) == "a"
    assert check.array([], "k", HERE) == []
    assert check.choice("sum", "combine", HERE, choices=("sum", "max")) == "sum"
    assert check.optional({}, "layer", HERE, check.text) is None
    assert check.optional({"layer": "x"}, "layer", HERE, check.text) == "x"


def test_choices_unique_names_and_long_values() -> None:
    with pytest.raises(
        StudyError, match=r"must be one of sum, max, not 'sun' \(did you mean 'sum'"
    ):
        check.choice("sun", "combine", HERE, choices=("sum", "max"))
    with pytest.raises(StudyError, match=r"must be one of sum, max, not 3$"):
        check.choice(3, "combine", HERE, choices=("sum", "max"))
    with pytest.raises(
        StudyError, match=r"must be a non-empty array of tables, not an empty array"
    ):
        check.array([], "factors", HERE, of="tables", non_empty=True)
    with pytest.raises(StudyError, match=r"^two claims of the study share the id 'a'; give each"):
        check.unique(["a", "b", "a"], things="claims", key="id", where="the study")
    with pytest.raises(StudyError, match=r"not 'xxxxx.*…'$") as caught:
        check.number("x" * 500, "path", HERE)
    assert len(str(caught.value)) < 200  # a long value is cut, the message stays one short line


def test_the_error_class_is_the_checkers() -> None:
    with pytest.raises(ResistanceError, match="must be a finite number"):
        Checker(ResistanceError).number("a", "near", "factor 'towns' of the recipe")


# ---------------------------------------------------------------------------- studies
STUDY = """
[layers.park]
path = "land.gpkg"
[layers.range]
path = "land.gpkg"
"""


def study(text: str) -> Any:
    return parse_study(tomllib.loads(text), base_dir=Path("/data"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            STUDY.replace(
                'path = "land.gpkg"\n[layers.range]',
                'path = "land.gpkg"\nlayr = "p"\n[layers.range]',
            ),
            r"unknown key 'layr' \(did you mean 'layer'\?\) in \[layers.park\] of the study; "
            "valid keys: assume_crs, conventions, drop_biosphere_reserves, encoding, "
            "established_field, establishment_by_epoch, id_field, label, layer, name_field, path, "
            "point_areas, repair, status_filter, status_keep, where$",
        ),
        (STUDY + "repair = 'true'\n", r"repair of \[layers.range\] .* not 'true' \(text; write"),
        (STUDY + "layer = ''\n", r"layer of \[layers.range\] of the study must be non-empty"),
        (STUDY + "[study]\nname = 5\n", r"name of \[study\] of the study must be non-empty text"),
        (
            "[[layers.park]]\npath = 'a'\n[layers.range]\npath = 'b'\n",
            r"\[layers.park\] of the study must be a table, not an array",
        ),
        (STUDY + "[claims]\nid = 'x'\n", r"claims of the study must be an array of tables"),
        (
            STUDY + "[[claims]]\nid = 'x'\nmetric = 'eoo_km2'\nexpected = nan\n",
            r"expected of claim #1 of the study must be a finite number, not nan$",
        ),
        (
            STUDY + "[[claims]]\nid = 'x'\nmetric = 'eoo_km2'\nexpected = '5'\n",
            r"expected of claim #1 .* not '5' \(text; write numbers without quotes\)$",
        ),
        (
            STUDY + "[[claims]]\nid = 'x'\nmetric = 'eoo_km2'\nexpected = 5\ntolerance = -1\n",
            r"tolerance of claim #1 of the study must be a finite number >= 0, not -1$",
        ),
        (
            STUDY
            + "[[claims]]\nid = 'x'\nmetric = 'eoo_km2'\nexpected = 5\ncomparison = 'atleast'\n",
            r"comparison of claim #1 .* not 'atleast' \(did you mean 'at_least'\?\)$",
        ),
        (STUDY + "[[claims]]\nid = 'x'\n", r"^claim #1 of the study needs metric and expected$"),
        (
            STUDY + "[[claims]]\nid = 'x'\nmetric = 'eoo_km2'\nexpected = 5\n" * 2,
            r"^two claims of the study share the id 'x'",
        ),
        (
            STUDY.split("[layers.range]")[0],
            r"^\[layers\] of the study needs \[layers.range\]$",
        ),
    ],
)
def test_bad_studies(text: str, message: str) -> None:
    with pytest.raises(StudyError, match=message):
        study(text)


def test_a_good_study_keeps_its_values() -> None:
    s = study(STUDY.replace("[layers.range]", 'repair = true\nlabel = "LotL"\n[layers.range]'))
    assert s.layers["park"].repair is True and s.layers["park"].label == "LotL"
    assert s.layers["park"].path == Path("/data/land.gpkg")
    assert s.layers["range"].repair is False and s.name == "study"


# ---------------------------------------------------------------------------- same wording
def recipe(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "grid": {"bounds": [130, 42, 131, 43], "resolution_m": 1000},
        "factors": [{"name": "land", "type": "mask", "path": "land.gpkg"}],
    }
    for key, value in changes.items():
        section, _, field = key.partition("__")
        target = data["factors"][0] if section == "factor" else data.setdefault(section, {})
        target[field] = value
    return data


def first_line(error: type[Exception], parse: Any) -> str:
    with pytest.raises(error) as caught:
        parse()
    return str(caught.value)


def shape(message: str) -> str:
    """The message with its location left out, to compare the form of two messages."""
    return re.sub(r" (in|of) (\[layers\.park\]|factor 'land') of the (study|recipe)", " @", message)


@pytest.mark.parametrize(
    ("study_key", "study_value", "recipe_key", "recipe_value"),
    [
        ("layr", "x", "layr", "x"),  # unknown key, suggestion
        ("where", 5, "where", 5),  # text expected
        ("where", "", "where", ""),  # empty text
    ],
)
def test_studies_and_recipes_word_the_same_mistake_alike(
    study_key: str, study_value: Any, recipe_key: str, recipe_value: Any
) -> None:
    text = STUDY.replace(
        "[layers.range]", f"{study_key} = {study_value!r}\n[layers.range]"
    ).replace("'", '"')
    in_study = first_line(StudyError, lambda: study(text))
    in_recipe = first_line(
        ResistanceError,
        lambda: parse_recipe(recipe(**{f"factor__{recipe_key}": recipe_value}), base_dir="."),
    )
    assert shape(in_study).split("; valid keys")[0] == shape(in_recipe).split("; valid keys")[0]


def test_nan_and_text_numbers_are_refused_in_recipes_too() -> None:
    with pytest.raises(ResistanceError, match=r"resolution_m of \[grid\] of the recipe must be a "
                       r"finite positive number, not nan$"):  # fmt: skip
        parse_recipe(recipe(grid__resolution_m=math.nan), base_dir=".")
    with pytest.raises(ResistanceError, match=r"bounds of \[grid\] .* not '130' \(text; write"):
        parse_recipe(recipe(grid__bounds=["130", 42, 131, 43]), base_dir=".")
    with pytest.raises(ResistanceError, match=r"\[grid\] of the recipe must be a table, not an"):
        parse_recipe({**recipe(), "grid": [{"resolution_m": 1}]}, base_dir=".")
    with pytest.raises(
        ResistanceError, match=r"^factor 1 of the recipe needs a type \(classes, bands"
    ):
        parse_recipe(recipe(factor__type=None) | {"factors": [{"name": "x"}]}, base_dir=".")
