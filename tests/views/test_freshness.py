"""How fresh the data is: the store's latest period and load, and an indicator's next period."""

from __future__ import annotations

import pandas as pd
import pytest

from het.views.freshness import Freshness, indicator_freshness, next_period


@pytest.mark.parametrize(
    ("latest", "periodicity", "expected"),
    [
        ("2021 - 23", "rolling 3 calendar", "2022 - 24"),
        ("2022", "calendar", "2023"),
        ("2022/23", "financial", "2023/24"),
        ("2022/23", "academic", "2023/24"),
        ("2018/19 - 20/21", "rolling 3 financial", "2019/20 - 21/22"),
        ("1999 - 01", "rolling 3 calendar", "2000 - 02"),
        ("not a period", "calendar", None),
    ],
)
def test_next_period_moves_on_one_year(latest, periodicity, expected):
    assert next_period(latest, periodicity) == expected


def test_the_store_freshness_is_its_latest_period_and_load(demo_store):
    authority = demo_store.query("authority_code")["area_code"].iloc[0]
    fresh = Freshness.from_frame(demo_store.query("data_freshness", authority=authority))
    # Worked out independently from the tables: the latest period of the authority's values in active
    # extracts, and the newest active extract.
    values = (
        demo_store.cursor()
        .execute(
            "SELECT o.period_sort, o.period_label FROM observations o JOIN extracts e USING (extract_id) "
            "WHERE e.status = 'active' AND o.area_code = $a AND o.breakdown = 'total'",
            {"a": authority},
        )
        .df()
    )
    newest = values.loc[values["period_sort"].idxmax(), "period_label"]
    extracts = demo_store.query("extract_register")
    active = extracts[extracts["status"] == "active"]
    assert fresh.latest_period == newest
    assert fresh.active_extracts == len(active)
    assert fresh.last_extract_id == int(active.loc[active["loaded_at"].idxmax(), "extract_id"])
    sentence = fresh.sentence()
    assert sentence.startswith(f"Data up to {newest} ") and f"(extract #{fresh.last_extract_id})" in sentence
    assert "None" not in sentence and "nan" not in sentence


def test_an_empty_store_says_no_data_yet():
    assert Freshness.from_frame(pd.DataFrame()).sentence() == "No data loaded yet."


def test_an_indicator_names_its_latest_and_next_period():
    observations = pd.DataFrame(
        {
            "area_code": ["A", "A", "B"],
            "period_sort": [20200000, 20210000, 20220000],
            "period_label": ["2020 - 22", "2021 - 23", "2022 - 24"],
        }
    )
    text = indicator_freshness(observations, authority_code="A", periodicity="rolling 3 calendar")
    assert text.startswith("Latest period loaded: 2021 - 23. The next period (2022 - 24) is not loaded yet")
    none = indicator_freshness(observations, authority_code="C", periodicity="calendar")
    assert none == "No values are loaded for this indicator yet."
