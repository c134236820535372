"""JSON and TOML documents: NaN as null, inf refused, one-line TOML errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leopardrange.documents import read_toml, to_json, write_json
from leopardrange.errors import DataSourceError, StudyError


def test_json_writes_nan_as_null_and_refuses_inf(tmp_path: Path) -> None:
    data = {"a": math.nan, "b": np.float64(2.5), "c": (1, np.int64(2)), "name": "Земля"}
    assert json.loads(to_json(data)) == {"a": None, "b": 2.5, "c": [1, 2], "name": "Земля"}
    write_json(tmp_path / "m.json", data)
    assert "Земля" in (tmp_path / "m.json").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="refusing to write inf"):
        to_json({"cost": math.inf})


def test_read_toml_round_trip_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "s.toml"
    good.write_text('[study]\nname = "Амурский леопард"\n', encoding="utf-8")
    assert read_toml(good, kind="study file", error=StudyError) == {
        "study": {"name": "Амурский леопард"}
    }
    with pytest.raises(DataSourceError, match=r"study file '.*nope.toml' does not exist"):
        read_toml(tmp_path / "nope.toml", kind="study file", error=StudyError)
    with pytest.raises(DataSourceError, match="is a directory; give a .toml study file"):
        read_toml(tmp_path, kind="study file", error=StudyError)
    bad = tmp_path / "bad.toml"
    bad.write_text("[study\n", encoding="utf-8")
    with pytest.raises(StudyError, match=r"is not valid TOML: .*line 1"):
        read_toml(bad, kind="study file", error=StudyError)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "Müller"\n'.encode("latin-1"))
    with pytest.raises(StudyError, match="is not UTF-8 text"):
        read_toml(latin1, kind="study file", error=StudyError)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_JSON)
def test_json_text_is_python_s_indented_json(data: object) -> None:
    """Without long lists, to_json writes what json.dumps(indent=2) writes."""
    assert to_json(data) == json.dumps(data, indent=2, ensure_ascii=False)


@given(
    st.lists(st.dictionaries(st.text(max_size=5), _SCALARS, max_size=4), min_size=51, max_size=80)
)
def test_long_tables_are_one_record_per_line_and_read_back_equal(rows: list[object]) -> None:
    text = to_json({"rows": rows, "n": len(rows)})
    assert json.loads(text) == {"rows": rows, "n": len(rows)}
    assert len(text.split("\n")) == len(rows) + 5  # {, "rows": [, rows..., ], "n", }
