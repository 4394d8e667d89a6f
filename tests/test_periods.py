"""Fingertips period labels, sortable codes, dates, and which ward set a period's data should use."""

import re
from datetime import date

import pytest

from het.periods import (
    Period,
    parse_period,
    period_label,
)

# --- label forms -----------------------------------------------------------------------------------


def test_single_calendar_year():
    assert parse_period("2019") == Period(
        label="2019", sortable=20190000, start=date(2019, 1, 1), end=date(2019, 12, 31), kind="calendar"
    )


def test_financial_year_runs_april_to_march():
    period = parse_period("2019/20")
    assert (period.start, period.end) == (date(2019, 4, 1), date(2020, 3, 31))
    assert period.kind == "financial"
    assert period.sortable == 20190000


def test_academic_year_runs_september_to_august_when_asked():
    period = parse_period("2019/20", periodicity="academic")
    assert (period.start, period.end) == (date(2019, 9, 1), date(2020, 8, 31))
    assert period.kind == "academic"
    assert period.sortable == 20190000


@pytest.mark.parametrize("label", ["2017 - 19", "2017-19", "2017 - 2019", "2017 -19"])
def test_rolling_three_calendar_years_in_each_spelling(label):
    period = parse_period(label)
    assert period == Period(
        label="2017 - 19",
        sortable=20170000,
        start=date(2017, 1, 1),
        end=date(2019, 12, 31),
        kind="rolling 3 calendar",
    )


def test_rolling_three_financial_years():
    period = parse_period("2017/18 - 19/20")
    assert (period.start, period.end) == (date(2017, 4, 1), date(2020, 3, 31))
    assert period.kind == "rolling 3 financial"
    assert period.sortable == 20170000


def test_rolling_three_academic_years():
    period = parse_period("2017/18 - 19/20", periodicity="academic")
    assert (period.start, period.end) == (date(2017, 9, 1), date(2020, 8, 31))
    assert period.kind == "rolling 3 academic"


def test_rolling_five_calendar_years():
    period = parse_period("2016 - 20")
    assert period.kind == "rolling 5 calendar"
    assert (period.start, period.end) == (date(2016, 1, 1), date(2020, 12, 31))


def test_labels_crossing_a_century():
    assert parse_period("1999/00").end == date(2000, 3, 31)
    assert parse_period("1999 - 01").end == date(2001, 12, 31)


def test_label_is_stripped_and_canonical_and_int_is_accepted():
    assert parse_period(" 2015 ").label == "2015"
    assert parse_period("2019/2020").label == "2019/20"
    assert parse_period("2017/18-19/20").label == "2017/18 - 19/20"
    assert parse_period(2015).sortable == 20150000


def test_sortable_orders_periods_by_start_year():
    labels = ["2019/20", "2015", "2017 - 19", "2016/17 - 18/19"]
    ordered = sorted(labels, key=lambda label: parse_period(label).sortable)
    assert ordered == ["2015", "2016/17 - 18/19", "2017 - 19", "2019/20"]


def test_periodicity_matching_the_label_is_accepted():
    assert parse_period("2017 - 19", periodicity="rolling 3 calendar").kind == "rolling 3 calendar"
    assert parse_period("2017 - 19", periodicity="calendar").kind == "rolling 3 calendar"
    assert parse_period("2019/20", periodicity="financial").kind == "financial"


# --- canonical labels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_year", "periodicity", "label"),
    [
        (2019, "calendar", "2019"),
        (2019, "financial", "2019/20"),
        (2019, "academic", "2019/20"),
        (2017, "rolling 3 calendar", "2017 - 19"),
        (2017, "rolling 3 financial", "2017/18 - 19/20"),
        (2017, "rolling 3 academic", "2017/18 - 19/20"),
        (2016, "rolling 5 calendar", "2016 - 20"),
        (1999, "financial", "1999/00"),
        (1998, "rolling 3 financial", "1998/99 - 00/01"),
    ],
)
def test_period_label_round_trips(start_year, periodicity, label):
    assert period_label(start_year, periodicity) == label
    period = parse_period(label, periodicity=periodicity)
    assert period.kind == periodicity
    assert period.sortable == start_year * 10000


# --- error messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["20x9", "", "2019/20/21", "19/20", "2017 to 2019", "FY2019"])
def test_unreadable_label(label):
    message = f"cannot read period '{label}': expected e.g. 2019, 2019/20 or 2017 - 19"
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_period(label)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2019/21", "cannot read period '2019/21': '2019/21' should be 2019/20"),
        ("2017/19 - 19/20", "cannot read period '2017/19 - 19/20': '2017/19' should be 2017/18"),
        ("2017/18 - 19/21", "cannot read period '2017/18 - 19/21': '19/21' should be 19/20"),
        ("2017 - 16", "cannot read period '2017 - 16': a rolling period spans 2 to 10 years"),
        ("2017 - 2017", "cannot read period '2017 - 2017': a rolling period spans 2 to 10 years"),
        ("2010 - 2030", "cannot read period '2010 - 2030': a rolling period spans 2 to 10 years"),
    ],
)
def test_inconsistent_years(label, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_period(label)


def test_label_of_another_kind_than_periodicity():
    with pytest.raises(ValueError, match=re.escape("period '2019' is calendar, not financial")):
        parse_period("2019", periodicity="financial")
    with pytest.raises(ValueError, match=re.escape("period '2019/20' is financial, not rolling 3 financial")):
        parse_period("2019/20", periodicity="rolling 3 financial")


@pytest.mark.parametrize("periodicity", ["weekly", "rolling 1 calendar", "rolling 11 financial", "Annual"])
def test_unknown_periodicity(periodicity):
    message = (
        f"unknown periodicity '{periodicity}': expected calendar, financial, academic "
        "or rolling N calendar/financial/academic with N from 2 to 10"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        period_label(2019, periodicity)
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_period("2019", periodicity=periodicity)
