"""het.views.places: the Places pages' frames, from small hand-made frames with hand-worked results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from het.views import places as view


def ward_row(**fields) -> dict:
    row = {
        "indicator_id": "lbw",
        "short_name": "Low birth weight",
        "name": "Low birth weight of term babies",
        "principle_id": 1,
        "principle_short_label": "Early years",
        "unit": "%",
        "decimals": 1,
        "polarity": "low is good",
        "value_type": "proportion",
        "multiplier": 100.0,
        "area_code": "W1",
        "area_name": "Alpha",
        "ward_set": "NEW",
        "period_label": "2024",
        "period_sort": 20240000,
        "sex": "Persons",
        "age": "All ages",
        "value": 3.0,
        "lower_ci95": 2.0,
        "upper_ci95": 4.0,
        "count": 30.0,
        "denominator": 1000.0,
        "comparison": "similar",
        "authority_value": 3.1,
    }
    row.update(fields)
    return row


PROFILES = pd.DataFrame(
    {
        "area_code": ["W1", "W2", "W3", "O1", "O2"],
        "area_name": ["Alpha", "Beta", "Gamma", "Old North", "Old South"],
        "ward_set": ["NEW", "NEW", "NEW", "OLD", "OLD"],
        "imd_score": [30.0, 20.0, 10.0, 25.0, 15.0],
        "imd_rank_local": [1, 2, 3, 1, 2],
        "local_quintile": [1, 3, 5, 1, 5],
        "population": [1000.0, 2000.0, 3000.0, 2500.0, 3500.0],
        "population_source": ["mid-2015"] * 5,
        "derivation": ["lsoa"] * 5,
    }
)


def test_ward_map_frame_adds_population_and_texts_and_refuses_mixed_ward_sets():
    obs = pd.DataFrame(
        [
            ward_row(
                area_code="W2",
                area_name="Beta",
                value=4.26,
                lower_ci95=3.5,
                upper_ci95=5.0,
                comparison="worse",
            ),
            ward_row(comparison=None),
        ]
    )
    frame = view.ward_map_frame(
        obs,
        PROFILES,
        indicator_id="lbw",
        sex="Persons",
        age="All ages",
        period_sort=20240000,
        unit="%",
        decimals=1,
    )
    assert frame["ward"].tolist() == ["Alpha", "Beta"]  # by name
    assert frame["population"].tolist() == [1000.0, 2000.0]
    assert frame["comparison"].tolist() == ["not compared", "worse"]
    assert frame.loc[1, "value_text"] == "4.3%"
    assert frame.loc[1, "interval_text"] == "3.5 to 5.0"
    mixed = pd.concat([obs, pd.DataFrame([ward_row(area_code="O1", ward_set="OLD")])])
    with pytest.raises(ValueError, match="more than one ward set \\(NEW, OLD\\)"):
        view.ward_map_frame(
            mixed,
            PROFILES,
            indicator_id="lbw",
            sex="Persons",
            age="All ages",
            period_sort=20240000,
            unit="%",
            decimals=1,
        )


def test_period_options_name_each_period_s_ward_set_in_order():
    obs = pd.DataFrame(
        [
            ward_row(period_label="2024", period_sort=20240000),
            ward_row(area_code="O1", ward_set="OLD", period_label="2021", period_sort=20210000),
        ]
    )
    periods = view.period_options(obs, indicator_id="lbw", sex="Persons", age="All ages")
    assert periods.to_dict("list") == {
        "period_label": ["2021", "2024"],
        "period_sort": [20210000, 20240000],
        "ward_set": ["OLD", "NEW"],
    }


def test_funnel_input_needs_denominators():
    frame = pd.DataFrame(
        {
            "ward": ["Alpha"],
            "area_code": ["W1"],
            "value": [3.0],
            "denominator": [np.nan],
            "comparison": ["similar"],
        }
    )
    assert "a mean, so it has none" in view.funnel_input(frame, value_type="mean").reason
    assert "no denominators" in view.funnel_input(frame, value_type="proportion").reason
    ok = view.funnel_input(frame.assign(denominator=[500.0]), value_type="proportion")
    assert ok.reason is None and ok.points["area_name"].tolist() == ["Alpha"]


def _latest_for_need() -> pd.DataFrame:
    rows = [
        # principle 1: Alpha worse on two, Beta better on one and similar on one
        ward_row(indicator_id="a", area_code="W1", comparison="worse"),
        ward_row(indicator_id="b", area_code="W1", comparison="much worse"),
        ward_row(indicator_id="a", area_code="W2", area_name="Beta", comparison="better"),
        ward_row(indicator_id="b", area_code="W2", area_name="Beta", comparison="similar"),
        # principle 2: Alpha better on one; Beta not compared (left out of the count)
        ward_row(
            indicator_id="c",
            principle_id=2,
            principle_short_label="Education",
            area_code="W1",
            comparison="better",
        ),
        ward_row(
            indicator_id="c",
            principle_id=2,
            principle_short_label="Education",
            area_code="W2",
            area_name="Beta",
            comparison=None,
        ),
        # no judgement: never counted
        ward_row(indicator_id="d", polarity="no judgement", area_code="W1", comparison="higher"),
    ]
    return pd.DataFrame(rows)


def test_need_scores_are_worse_minus_better_over_compared_averaged_over_principles():
    tables = view.need_tables(_latest_for_need(), PROFILES)
    cells = tables.cells.set_index(["area_code", "principle_id"])
    assert cells.loc[("W1", 1), ["n_compared", "n_worse", "n_better"]].tolist() == [2, 2, 0]
    assert cells.loc[("W1", 1), "score"] == 1.0
    assert cells.loc[("W1", 2), "score"] == -1.0
    assert cells.loc[("W2", 1), "score"] == -0.5  # (0 - 1) / 2
    assert cells.loc[("W2", 2), "n_compared"] == 0 and np.isnan(cells.loc[("W2", 2), "score"])
    ranking = tables.ranking.set_index("area_code")
    assert ranking.loc["W1", "need_score"] == 0.0  # mean of +1 and -1
    assert ranking.loc["W2", "need_score"] == -0.5  # only principle 1 has a score
    assert tables.ranking["ward"].tolist() == ["Alpha", "Beta"] and tables.ranking["rank"].tolist() == [1, 2]
    assert ranking.loc["W1", "population"] == 1000.0
    # every comparison is traceable, no-judgement indicators are not among them
    assert set(tables.evidence["indicator_id"]) == {"a", "b", "c"}
    assert (
        tables.evidence.set_index(["area_code", "indicator_id"]).loc[("W2", "c"), "counted_as"]
        == "not compared"
    )


def test_need_grid_words_each_cell_and_export_has_every_principle():
    tables = view.need_tables(_latest_for_need(), PROFILES)
    grid = view.need_grid(tables.cells, tables.ranking).set_index("area_code")
    assert grid.loc["W1", "1. Early years"] == "2 worse, 0 better of 2"
    assert grid.loc["W2", "2. Education"] == "not compared"
    export = view.need_export(tables.cells, tables.ranking)
    assert {"principle_1_score", "principle_2_n_worse", "need_score", "population"} <= set(export.columns)


def test_principle_support_lists_actions_and_projects_of_the_ward_s_worse_principles():
    tables = view.need_tables(_latest_for_need(), PROFILES)
    actions = pd.DataFrame(
        {
            "principle_id": [1, 2],
            "title": ["Family hubs", "Tutoring"],
            "workstream": ["Early", "Schools"],
            "status": ["on", "on"],
        }
    )
    projects = pd.DataFrame(
        {"principle_id": [1], "name": ["Baby bank"], "organisation": ["Charity"], "status": ["funded"]}
    )
    support = view.principle_support(tables.cells, actions, projects, area_code="W1")
    assert support["name"].tolist() == ["Family hubs", "Baby bank"]  # principle 2 is better, so not listed
    assert view.principle_support(tables.cells, actions, projects, area_code="W2").empty


def test_spine_input_gives_the_spread_across_all_wards_and_one_row_per_chosen_ward():
    latest = pd.DataFrame(
        [
            ward_row(area_code=f"W{i}", area_name=f"Ward {i}", value=float(v))
            for i, v in enumerate([1, 2, 3, 4, 5], 1)
        ]
    )
    rows = view.spine_input(latest, ward_codes=["W2", "W5"])
    assert rows["area_code"].tolist() == ["W2", "W5"]
    assert rows[["ward_min", "ward_q1", "ward_q3", "ward_max", "n_wards"]].iloc[0].tolist() == [
        1.0,
        2.0,
        4.0,
        5.0,
        5,
    ]
    assert rows["indicator_label"].iloc[0] == "Low birth weight"


def test_latest_ward_values_take_each_series_latest_period_on_one_ward_set():
    obs = pd.DataFrame(
        [
            ward_row(period_sort=20230000, period_label="2023", value=1.0),
            ward_row(period_sort=20240000, period_label="2024", value=2.0),
            ward_row(area_code="O1", ward_set="OLD", period_sort=20220000, value=9.0),
        ]
    )
    latest = view.latest_ward_values(obs, ward_set="NEW")
    assert latest["value"].tolist() == [2.0]


def test_ward_facts_and_related_wards():
    populations = pd.DataFrame(
        {
            "area_code": ["W1", "W1"],
            "breakdown": ["ethnicity", "ethnicity"],
            "category": ["Asian", "White"],
            "population": [600.0, 400.0],
            "year": [2021, 2021],
            "source": ["census", "census"],
        }
    )
    deciles = pd.DataFrame(
        {
            "ward_code": ["W1", "W1"],
            "lsoa_set": ["L21", "L21"],
            "national_decile": [1, 2],
            "lsoas": [1, 1],
            "population": [750.0, 250.0],
        }
    )
    facts = view.ward_facts("W1", PROFILES, populations, deciles)
    assert facts.rank_text() == "1st most deprived of 3"
    assert facts.national_deciles["share"].tolist() == [0.75, 0.25]
    assert facts.ethnicity["category"].tolist() == ["Asian", "White"] and facts.ethnicity_year == 2021
    overlap = pd.DataFrame(
        {
            "from_ward": ["O1", "O1", "O2"],
            "to_ward": ["W1", "W2", "W2"],
            "lsoas": [3, 1, 4],
            "population": [300.0, 100.0, 500.0],
        }
    )
    old = view.related_wards("O1", overlap, PROFILES)
    assert old["area_name"].tolist() == ["Alpha", "Beta"] and old["share"].tolist() == [0.75, 0.25]
    new = view.related_wards("W2", overlap, PROFILES)
    assert new["area_name"].tolist() == ["Old South", "Old North"]


def test_spine_input_names_the_age_when_two_series_differ_only_by_age():
    latest = pd.DataFrame([ward_row(age="0-4 yrs"), ward_row(age="5-9 yrs")])
    rows = view.spine_input(latest, ward_codes=["W1"])
    assert sorted(rows["indicator_label"]) == ["Low birth weight, 0-4 yrs", "Low birth weight, 5-9 yrs"]


def test_comparison_sentences_read_as_english():
    assert view.comparison_sentence("worse", authority="Elsewhere") == "worse than Elsewhere"
    assert view.comparison_sentence("similar", authority="Elsewhere") == "similar to Elsewhere"
    assert view.comparison_sentence(None, authority="Elsewhere") == "not compared with Elsewhere"


def test_ward_trend_frame_puts_the_ward_beside_the_authority():
    obs = pd.DataFrame(
        [
            ward_row(
                period_sort=20240000, period_label="2024", value=2.0, authority_value=3.0, comparison="better"
            ),
            ward_row(
                period_sort=20230000, period_label="2023", value=1.0, authority_value=2.5, comparison=None
            ),
        ]
    )
    rows = view.ward_rows(obs, ward_code="W1", indicator_id="lbw", sex="Persons", age="All ages")
    frame = view.ward_trend_frame(rows, authority="Elsewhere")
    assert frame["series"].tolist() == ["Alpha", "Alpha", "Elsewhere", "Elsewhere"]
    assert frame["value"].tolist() == [1.0, 2.0, 2.5, 3.0]
    assert frame["comparison"].tolist() == ["not compared", "better", "not compared", "not compared"]
    assert frame["lower_ci95"].iloc[2:].isna().all()
