"""Preparing a report's layers: fields checked all at once, conventions chosen by the data."""

from __future__ import annotations

import pytest

from leopardrange.errors import MissingFieldError
from leopardrange.iucn import IUCNOptions
from leopardrange.report.prepare import prepare
from leopardrange.wdpa import WDPAOptions
from tests.wdpa_landscape import borders, breeding, iucn_range, wdpa_polygons


def layers() -> dict:
    return {
        "park": wdpa_polygons(),
        "range": iucn_range(),
        "breeding": breeding(),
        "borders": borders(),
    }


def test_conventions_follow_the_data() -> None:
    prepared = prepare(layers(), borders_name_field="country")
    assert prepared.park.conventions == "wdpa"
    assert prepared.range_filter is not None and prepared.range_filter.epochs_from_codes
    assert (prepared.epoch_field, prepared.year_field) == ("epoch", None)
    assert prepared.epoch_years == {"historical": None, "current": None}
    assert prepared.layers["range"]["epoch"].value_counts().to_dict() == {
        "historical": 4,
        "current": 2,
    }


def test_conventions_can_be_switched_off() -> None:
    frames = layers()
    frames["range"] = frames["range"].assign(epoch="now", year=2020)
    prepared = prepare(
        frames,
        borders_name_field="country",
        park_options=WDPAOptions(conventions="none"),
        range_options=IUCNOptions(conventions="none"),
    )
    assert prepared.park.conventions == "none" and prepared.range_filter is None
    assert len(prepared.layers["park"]) == len(wdpa_polygons())
    assert (prepared.epoch_field, prepared.year_field) == ("epoch", "year")


def test_an_iucn_map_with_epochs_is_filtered_in_every_epoch() -> None:
    frames = layers()
    frames["range"] = frames["range"].assign(
        period=["a", "a", "b", "b", "b", "b"], yr=[1, 1, 2, 2, 2, 2]
    )
    prepared = prepare(frames, epoch_field="period", year_field="yr", borders_name_field="country")
    assert prepared.layers["range"].index.tolist() == [0, 5]
    assert prepared.range_filter is not None and not prepared.range_filter.epochs_from_codes


def test_every_missing_field_in_one_message() -> None:
    with pytest.raises(MissingFieldError) as info:
        prepare(
            layers(),
            epoch_field="period",
            year_field="yr",
            published_area_field="published",
            borders_name_field="pays",
            name_fields={"breeding": "nom"},
            park_options=WDPAOptions(id_field="SITE", established_field="since"),
            where="study file 's.toml'",
        )
    text = str(info.value)
    assert text.startswith(
        "the range layer has no field 'period' (epoch_field) or 'yr' (year_field) or "
        "'published' (published_area_field); available fields: binomial, PRESENCE, ORIGIN, "
        "SEASONAL; set epoch_field and year_field and published_area_field in [layers.range] "
        "of study file 's.toml' to one of them"
    )
    for part in (
        "the park layer has no field 'SITE' (id_field) or 'since' (established_field)",
        "the borders layer has no field 'pays' (name_field); available fields: country",
        "the breeding layer has no field 'nom' (name_field); available fields: site, name",
    ):
        assert part in text
    assert "\n" not in text


def test_field_names_ignore_case() -> None:
    frames = layers()
    frames["range"] = frames["range"].assign(EPOCH="now", Year=2020)
    prepared = prepare(frames, borders_name_field="COUNTRY", name_fields={"breeding": "SITE"})
    assert (prepared.epoch_field, prepared.year_field) == ("EPOCH", "Year")


def test_a_study_may_spell_fields_in_another_case() -> None:
    from leopardrange.report import compute

    frames = layers()
    result = compute(frames, borders_name_field="COUNTRY", name_fields={"breeding": "SITE"})
    assert set(result.national.park_share_by_country_pct or {}) == {"West", "East"}
    assert [s.name for s in result.breeding.breeding_sites or ()] == ["den A", "den B", "den C"]
