"""IUCN range-map conventions on frames built in code, with exact answers (leopardrange.iucn)."""

from __future__ import annotations

import pytest

from leopardrange.errors import AttributeValueError, EmptyLayerError, MissingFieldError, StudyError
from leopardrange.iucn import (
    IUCNOptions,
    LeftOut,
    code_epochs,
    filter_range,
    is_iucn,
    iucn_fields,
)
from leopardrange.measure import area_km2, total_area_km2
from tests.wdpa_landscape import iucn_range


def test_default_filter_keeps_presence_1_2_origin_1_2_6_seasonal_1_3() -> None:
    kept, record = filter_range(iucn_range())
    assert kept.index.tolist() == [0, 5]  # F1 and F6 (assisted colonisation, breeding season)
    assert total_area_km2(kept) == pytest.approx(11_000.0, rel=1e-12)
    assert (record.presence, record.origin, record.seasonal) == ((1, 2), (1, 2, 6), (1, 2, 3))
    assert record.fields == {"presence": "PRESENCE", "origin": "ORIGIN", "seasonal": "SEASONAL"}
    assert record.codes_present == {
        "presence": (1, 2, 3, 5, 6),
        "origin": (1, 3, 6),
        "seasonal": (1, 2),
    }
    assert (record.features_kept, record.features_left_out) == (2, 4)
    assert record.left_out == (
        LeftOut(1, 3, 1, 1, pytest.approx(2_500.0)),  # type: ignore[arg-type]
        LeftOut(3, 1, 1, 1, pytest.approx(5_000.0)),  # type: ignore[arg-type]
        LeftOut(5, 1, 1, 1, pytest.approx(15_000.0)),  # type: ignore[arg-type]
        LeftOut(6, 1, 1, 1, pytest.approx(2_500.0)),  # type: ignore[arg-type]
    )
    assert record.left_out_outside_current_km2 == pytest.approx(25_000.0)
    assert not record.epochs_from_codes
    assert record.describe() == "presence 1, 2; origin 1, 2, 6; seasonal 1, 2, 3"


def test_possibly_extant_does_not_join_the_current_range() -> None:
    kept, _ = filter_range(iucn_range())
    assert 3 not in set(kept["PRESENCE"])


def test_sets_are_configurable() -> None:
    options = IUCNOptions(presence=(1, 2, 3), origin=(1, 2, 3, 6))
    kept, record = filter_range(iucn_range(), options=options)
    assert kept.index.tolist() == [0, 1, 3, 5]
    assert record.presence == (1, 2, 3) and record.seasonal == (1, 2, 3)


def test_code_epochs_historical_and_current() -> None:
    epochs, record = code_epochs(iucn_range())
    assert record.epochs_from_codes and record.historical_presence == (1, 2, 3, 4, 5)
    by_epoch = {e: g.index.tolist() for e, g in epochs.groupby("epoch")}
    # a feature in both epochs appears in both; origin 3 and presence 6 in neither
    assert by_epoch == {"historical": [0, 1, 2, 5], "current": [0, 5]}
    areas = {e: total_area_km2(g) for e, g in epochs.groupby("epoch")}
    assert areas == pytest.approx({"historical": 31_000.0, "current": 11_000.0})
    assert epochs["epoch"].tolist()[:4] == ["historical"] * 4


def test_historical_presence_is_configurable() -> None:
    epochs, _ = code_epochs(iucn_range(), options=IUCNOptions(historical_presence=(1, 2, 5)))
    assert epochs[epochs["epoch"] == "historical"].index.tolist() == [0, 2, 5]


def test_field_names_ignore_case_and_fields_may_be_absent() -> None:
    frame = iucn_range().rename(columns={"PRESENCE": "presence"}).drop(columns=["SEASONAL"])
    assert is_iucn(frame) and iucn_fields(frame) == {"presence": "presence", "origin": "ORIGIN"}
    kept, record = filter_range(frame)
    assert record.seasonal is None and kept.index.tolist() == [0, 5]
    assert not is_iucn(frame.drop(columns=["presence"]))


def test_codes_given_for_a_missing_field_are_an_error() -> None:
    frame = iucn_range().drop(columns=["SEASONAL", "ORIGIN"])
    with pytest.raises(
        MissingFieldError,
        match=r"the range layer has no field 'origin' \(origin\) or 'seasonal' \(seasonal\); "
        r"available fields: binomial, PRESENCE",
    ):
        filter_range(frame, options=IUCNOptions(origin=(1,), seasonal=(1,)))
    with pytest.raises(MissingFieldError, match=r"no field 'presence' \(presence\)"):
        filter_range(frame.drop(columns=["PRESENCE"]), options=IUCNOptions(conventions="iucn"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("PRESENCE", 7, r"1 feature with a PRESENCE code outside 1–6 \(feature 2: 7\).*1 Extant"),
        ("PRESENCE", 0, r"PRESENCE code outside 1–6 \(feature 2: 0\)"),
        ("PRESENCE", None, r"PRESENCE code outside 1–6 \(feature 2: empty\)"),
        ("PRESENCE", 1.5, r"PRESENCE code outside 1–6 \(feature 2: 1.5\)"),
        ("ORIGIN", 9, r"ORIGIN code outside 1–6.*6 Assisted Colonisation"),
        ("SEASONAL", 6, r"SEASONAL code outside 1–5.*5 Seasonal Occurrence Uncertain"),
    ],
)
def test_codes_outside_their_list_are_refused(field: str, value: object, message: str) -> None:
    frame = iucn_range()
    frame[field] = frame[field].astype(float)
    frame.loc[2, field] = value
    with pytest.raises(AttributeValueError, match=message):
        filter_range(frame)


def test_text_codes_are_read() -> None:
    frame = iucn_range()
    frame["PRESENCE"] = frame["PRESENCE"].astype(str)
    kept, _ = filter_range(frame)
    assert kept.index.tolist() == [0, 5]
    frame.loc[0, "PRESENCE"] = "extant"
    with pytest.raises(AttributeValueError, match="feature 0: 'extant'"):
        filter_range(frame)


def test_a_filter_that_leaves_nothing_lists_the_codes_present() -> None:
    with pytest.raises(
        EmptyLayerError,
        match=r"the IUCN filter \(presence 4; origin 1, 2, 6; seasonal 1, 2, 3\) leaves the "
        r"current range of the range layer empty; the layer has presence 1, 2, 3, 5, 6; "
        r"origin 1, 3, 6; seasonal 1, 2: set presence",
    ):
        filter_range(iucn_range(), options=IUCNOptions(presence=(4,)))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (IUCNOptions(presence=(0, 1)), r"presence must be a non-empty list of codes 1–6"),
        (IUCNOptions(seasonal=(6,)), r"seasonal must be a non-empty list of codes 1–5"),
        (IUCNOptions(presence=()), r"presence must be a non-empty list"),
        (IUCNOptions(conventions="IUCN"), r"conventions must be one of auto, iucn, none"),  # type: ignore[arg-type]
        (IUCNOptions(historical_year=2000, current_year=1990), r"historical_year \(2000\) must"),
    ],
)
def test_bad_options(options: IUCNOptions, message: str) -> None:
    with pytest.raises(StudyError, match=message):
        filter_range(iucn_range(), options=options)


def test_input_is_not_modified() -> None:
    frame = iucn_range()
    before = frame.copy()
    code_epochs(frame)
    assert frame.equals(before) and "epoch" not in frame.columns
    assert area_km2(frame).sum() == pytest.approx(36_000.0)
