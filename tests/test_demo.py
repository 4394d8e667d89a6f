"""The embedded demo: deterministic, loaded like an upload, plausible and complete."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from het.demo import (
    AREA_PROFILE,
    DEFAULT_POSITION,
    DEFAULT_PROFILE,
    DEMO_FILE_NAME,
    FIRST_YEAR,
    LAST_YEAR,
    Geography,
    age_fraction,
    benchmark_profiles,
    demo_csv,
)
from het.ingest.stored_files import original_file
from het.periods import parse_period
from het.reference.catalogue import read_catalogue
from het.vocabulary import REGION
from het.ward_sets import WardSets


def frame(store, sql, params=None):
    return store.cursor().execute(sql, params or {}).df()


def test_demo_is_deterministic(demo_store):
    assert demo_csv(demo_store) == demo_csv(demo_store)


def test_demo_is_in_the_register_like_any_load(demo_store):
    register = demo_store.query("extract_register")
    demo = register[register["file_name"] == DEMO_FILE_NAME]
    assert len(demo) == 1
    row = demo.iloc[0]
    assert (row["format"], row["source_kind"], row["status"]) == ("het_tidy", "demo", "active")
    _, original = original_file(demo_store, int(row["extract_id"]))
    assert original == demo_csv(demo_store)  # the original bytes are kept, exactly


def test_every_indicator_and_sex_has_luton_england_region_and_comparators(demo_store):
    counts = frame(
        demo_store,
        """SELECT o.indicator_id, o.sex, count(DISTINCT o.area_code) AS areas,
                  count(DISTINCT o.period_sort) AS periods, min(o.period_label) AS first_label
           FROM current_observations o JOIN areas a USING (area_code)
           WHERE o.breakdown = 'total' AND a.area_type <> 'ward' GROUP BY ALL""",
    )
    catalogue = read_catalogue()["indicators"]
    expected = {
        (i, s)
        for i, sexes in zip(catalogue["indicator_id"], catalogue["sexes"], strict=False)
        for s in sexes.split(";")
    }
    assert set(zip(counts["indicator_id"], counts["sex"], strict=False)) == expected
    # England, two regions, Luton and five comparators, for every period 2013 to 2025.
    assert (counts["areas"] == 9).all()
    assert (counts["periods"] == LAST_YEAR - FIRST_YEAR + 1).all()


def test_wards_follow_the_ward_set_in_force_for_each_period(demo_store):
    rows = frame(
        demo_store,
        """SELECT o.indicator_id, o.period_label, i.periodicity, a.vintage, count(*) AS wards
           FROM current_observations o JOIN areas a USING (area_code) JOIN indicators i USING (indicator_id)
           WHERE a.area_type = 'ward' AND o.sex IN ('Persons', 'Male') GROUP BY ALL""",
    )
    assert not rows.empty
    ward_sets = WardSets.from_areas(demo_store.query("area_list"))
    for row in rows.itertuples():
        expected = ward_sets.for_period(parse_period(row.period_label, periodicity=row.periodicity))
        assert row.vintage == expected, row
        assert row.wards == (19 if expected == "WD13" else 20)


def test_deprivation_gradient_follows_real_ward_imd_scores(demo_store):
    # Male life expectancy falls with ward deprivation; child poverty rises with it.
    for indicator, sign in [("le_birth", -1), ("child_absolute_low_income", 1)]:
        wards = frame(
            demo_store,
            """SELECT o.value, d.imd_score FROM current_observations o
               JOIN ward_deprivation d ON d.ward_code = o.area_code
               WHERE o.indicator_id = $i AND o.sex IN ('Male', 'Persons') AND o.period_sort = (
                   SELECT max(period_sort) FROM current_observations WHERE indicator_id = $i)""",
            {"i": indicator},
        )
        assert len(wards) == 20
        correlation = np.corrcoef(wards["value"], wards["imd_score"])[0, 1]
        assert sign * correlation > 0.6, (indicator, correlation)


def test_values_anchor_to_published_figures(demo_store):
    latest = frame(
        demo_store,
        """SELECT sex, area_code, value FROM current_observations
           WHERE indicator_id = 'le_birth' AND breakdown = 'total' AND area_code IN ('E06000032', 'E92000001')
             AND period_sort = (SELECT max(period_sort) FROM current_observations WHERE indicator_id = 'le_birth')""",
    ).set_index(["sex", "area_code"])["value"]
    # DOMAIN.md: men 78.1 (England 78.6), women 82.4 (England 82.6); sampling noise is a few tenths.
    assert latest["Male", "E06000032"] == pytest.approx(78.1, abs=0.6)
    assert latest["Female", "E06000032"] == pytest.approx(82.4, abs=0.6)
    assert latest["Male", "E92000001"] == pytest.approx(78.6, abs=0.1)
    assert latest["Female", "E92000001"] == pytest.approx(82.6, abs=0.1)


def test_gaps_narrow_for_some_indicators_and_widen_for_others(demo_store):
    spread = frame(
        demo_store,
        """SELECT indicator_id, period_sort, max(value) / min(value) AS ratio FROM current_observations
           WHERE breakdown = 'deprivation_local_quintile' AND sex = 'Persons' GROUP BY ALL""",
    )
    first = spread.sort_values("period_sort").groupby("indicator_id").first()["ratio"]
    last = spread.sort_values("period_sort").groupby("indicator_id").last()["ratio"]
    change = (last / first).dropna()
    assert (change < 0.97).sum() >= 3  # some gaps narrow
    assert (change > 1.03).sum() >= 3  # some widen


def test_intervals_contain_values_and_counts_fit_denominators(demo_store):
    bad = frame(
        demo_store,
        """SELECT count(*) FILTER (WHERE NOT (lower_ci95 <= value AND value <= upper_ci95)) AS outside95,
                  count(*) FILTER (WHERE NOT (lower_ci998 <= lower_ci95 AND upper_ci95 <= upper_ci998)) AS nested,
                  count(*) FILTER (WHERE count > denominator) AS over
           FROM current_observations""",
    ).iloc[0]
    assert bad.to_dict() == {"outside95": 0, "nested": 0, "over": 0}


def test_ethnic_groups_are_the_census_2021_categories(demo_store):
    groups = frame(
        demo_store,
        "SELECT DISTINCT category FROM current_observations WHERE breakdown = 'ethnicity'",
    )["category"]
    assert set(groups) == set(read_catalogue()["ethnic_groups"]["category"])


@pytest.mark.parametrize(
    ("age", "share"), [("All ages", 1.0), ("<75 yrs", 75 / 85), ("16-64 yrs", 49 / 85), ("18+ yrs", 67 / 85)]
)
def test_age_fraction(age, share):
    assert age_fraction(age) == pytest.approx(share)


def test_benchmarks_are_the_stores_regions_and_comparators_not_a_fixed_list():
    """Another authority (here Bedford, in London for the test) gets England, every region and every comparator
    but itself; areas the demo has no profile for get the defaults."""
    areas = pd.DataFrame(
        [
            ("E92000001", "country", False),
            ("E12000006", "region", False),
            ("E12000007", "region", False),
            ("E06000055", "local authority", True),
            ("E06000032", "local authority", True),
            ("E06000042", "local authority", False),
            ("E05000001", "ward", False),
        ],
        columns=["area_code", "area_type", "is_comparator"],
    )
    geo = Geography("E06000055", 180_000.0, areas, pd.DataFrame(), WardSets(()))
    profiles = benchmark_profiles(geo)
    assert list(profiles) == ["E92000001", "E12000006", "E06000032", "E12000007"]
    assert profiles["E92000001"] == AREA_PROFILE["E92000001"]
    assert profiles["E12000007"] == DEFAULT_PROFILE[REGION]
    assert profiles["E06000032"] == (180_000.0, DEFAULT_POSITION)
