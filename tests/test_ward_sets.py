"""Ward sets and the dates they were in force: from the manifest's dates, never from constants."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from het.periods import Period, parse_period
from het.ward_sets import WardSets

CHANGE = date(2023, 5, 4)
LUTON_LIKE = WardSets.from_frame(
    pd.DataFrame(
        {
            "vintage": ["WD23", "WD13"],  # given out of order: sorted by when they came into force
            "in_force_from": [CHANGE, None],
            "in_force_until": [None, CHANGE],
            "n_wards": [20, 19],
        }
    )
)


@pytest.mark.parametrize(
    ("label", "periodicity", "ward_set"),
    [
        ("2022/23", None, "WD13"),  # ends 31 Mar 2023, before the change
        ("2023", None, "WD23"),  # ends 31 Dec 2023
        ("2021 - 23", None, "WD23"),  # a rolling period takes the set in force at its end
        ("2022", None, "WD13"),
        ("2020/21 - 22/23", None, "WD13"),
        ("2022/23", "academic", "WD23"),  # ends 31 Aug 2023
        ("2023/24", None, "WD23"),
    ],
)
def test_ward_set_is_the_one_in_force_at_the_end_of_the_period(label, periodicity, ward_set):
    period = parse_period(label, periodicity=periodicity)
    assert LUTON_LIKE.for_period(period) == ward_set
    assert LUTON_LIKE.matches(ward_set, period)
    other = "WD23" if ward_set == "WD13" else "WD13"
    assert not LUTON_LIKE.matches(other, period)


def test_the_change_day_belongs_to_the_new_set():
    day_before = Period("x", 20230000, date(2023, 1, 1), date(2023, 5, 3), "calendar")
    change_day = Period("x", 20230000, date(2023, 1, 1), date(2023, 5, 4), "calendar")
    assert LUTON_LIKE.for_period(day_before) == "WD13"
    assert LUTON_LIKE.for_period(change_day) == "WD23"


def test_another_authoritys_change_date_moves_the_boundary():
    other = WardSets.from_frame(
        pd.DataFrame(
            {
                "vintage": ["WX19", "WX24"],
                "in_force_from": [None, date(2024, 5, 2)],
                "in_force_until": [date(2024, 5, 2), None],
                "n_wards": [30, 33],
            }
        )
    )
    assert other.for_period(parse_period("2023")) == "WX19"
    assert other.for_period(parse_period("2024")) == "WX24"
    assert other.change_note() == "the authority's wards changed on 2 May 2024"
    assert other.descriptions() == "WX19 (30 wards, until 2 May 2024); WX24 (33 wards, from 2 May 2024)"


def test_names_and_notes_come_from_the_dates():
    assert LUTON_LIKE.vintages == ("WD13", "WD23")
    assert LUTON_LIKE.get("WD23").name() == "May 2023 wards"
    assert LUTON_LIKE.get("WD13").name() == "wards until May 2023"
    assert LUTON_LIKE.change_note() == "the authority's wards changed on 4 May 2023"


def test_from_areas_reads_the_area_list(demo_store):
    found = WardSets.from_areas(demo_store.query("area_list"))
    assert found.vintages == ("WD13", "WD23")
    assert [s.n_wards for s in found.sets] == [19, 20]
    assert found.get("WD23").in_force_from == CHANGE and found.get("WD13").in_force_until == CHANGE


def test_unknown_ward_set():
    with pytest.raises(ValueError, match=re.escape("unknown ward set 'WD19': expected one of WD13, WD23")):
        LUTON_LIKE.matches("WD19", parse_period("2019"))
