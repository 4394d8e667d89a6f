"""Local indicators: an analyst's metadata is checked field by field, then added with origin 'local'."""

from __future__ import annotations

import pytest

from het.ingest.indicators import add_local_indicator, local_indicator_row

GOOD = {
    "name": "Campylobacter incidence rate",
    "principle_id": 6,
    "unit": "per 100,000",
    "value_type": "rate",
    "polarity": "low is good",
    "definition": "Laboratory reports of Campylobacter per 100,000 population.",
}


def test_a_good_row_gets_a_slug_and_the_unit_multiplier():
    row = local_indicator_row(**GOOD)
    assert (row["indicator_id"], row["multiplier"], row["short_name"]) == (
        "campylobacter_incidence_rate",
        100000.0,
        GOOD["name"],
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("principle_id", 9, "local indicator, field 'principle_id': 9 is not one of 0 (overarching) to 8"),
        (
            "principle_id",
            "six",
            "local indicator, field 'principle_id': 'six' is not a whole number from 0 to 8",
        ),
        (
            "value_type",
            "percentage",
            "local indicator, field 'value_type': 'percentage' is not one of 'proportion', 'rate'",
        ),
        (
            "polarity",
            "up",
            "local indicator, field 'polarity': 'up' is not one of 'high is good', 'low is good', 'no judgement'",
        ),
        ("unit", " ", "local indicator, field 'unit': is required and cannot be empty"),
        ("definition", "", "local indicator, field 'definition': is required and cannot be empty"),
        ("name", None, "local indicator, field 'name': is required and cannot be empty"),
        (
            "multiplier",
            100,
            "local indicator, field 'multiplier': unit 'per 100,000' needs multiplier 100000, not 100",
        ),
        (
            "periodicity",
            "monthly",
            "local indicator, field 'periodicity': 'monthly' is not one of 'calendar'",
        ),
        (
            "indicator_id",
            "Campy!",
            "local indicator, field 'indicator_id': 'Campy!' must use only a-z, 0-9 and _",
        ),
        (
            "sexes",
            "Everyone",
            "local indicator, field 'sexes': 'Everyone' must list Persons, Male and/or Female",
        ),
    ],
)
def test_each_bad_field_is_named(field, value, message):
    with pytest.raises(ValueError) as error:
        local_indicator_row(**{**GOOD, field: value})
    assert str(error.value).startswith(message)


def test_added_to_the_store_once(store):
    before_version = store.data_version()
    row = add_local_indicator(store, **GOOD, fingertips_id=93356)
    stored = store.query("indicator_catalogue").set_index("indicator_id").loc[row["indicator_id"]]
    assert (stored["origin"], stored["fingertips_id"], stored["principle_id"]) == ("local", 93356, 6)
    assert store.data_version() == before_version + 1
    with pytest.raises(
        ValueError, match="field 'indicator_id': 'campylobacter_incidence_rate' is already an indicator"
    ):
        add_local_indicator(store, **GOOD)
    with pytest.raises(
        ValueError, match="field 'fingertips_id': 92443 is already indicator 'smoking_adults'"
    ):
        add_local_indicator(store, **{**GOOD, "indicator_id": "other"}, fingertips_id=92443)
