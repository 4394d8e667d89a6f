"""The gap engine: benchmarks, trends and gaps from frames shaped like the refresh's inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from het.derived.gaps import (
    NARROWING,
    NO_ORDER_REASON,
    WIDENING,
    benchmark_table,
    compute_derived,
    deprivation_gaps,
    gap_trend_table,
    trend_points,
)
from het.ingest import read_extract
from het.loads import load_extract, withdraw_extract
from het.stats.sii import sii
from het.store import Store

LUTON, ENGLAND = "E06000032", "E92000001"


def row(**kw):
    base = dict(
        indicator_id="smk",
        area_code=LUTON,
        period_sort=20200000,
        period_label="2020",
        sex="Persons",
        age="18+ yrs",
        breakdown="total",
        category="",
        category_rank=None,
        value=np.nan,
        lower_ci95=np.nan,
        upper_ci95=np.nan,
        lower_ci998=np.nan,
        upper_ci998=np.nan,
        count=np.nan,
        denominator=np.nan,
        polarity="low is good",
        value_type="score",
        multiplier=1.0,
        periodicity="calendar",
        area_type="local authority",
        vintage=None,
        parent_code=ENGLAND,
        area_name="Luton",
        imd_rank_local=None,
        ward_population=None,
        ward_population_source=None,
        sii_transform=False,
    )
    base.update(kw)
    return base


def frame(*rows):
    return pd.DataFrame([row(**r) for r in rows])


def test_whole_areas_are_compared_with_england_and_groups_with_their_area():
    obs = frame(
        dict(area_code=ENGLAND, area_type="country", value=15.0, lower_ci95=14.9, upper_ci95=15.1),
        dict(value=18.0, lower_ci95=16.0, upper_ci95=20.0),  # England's 15 is below: Luton worse
        dict(
            area_code="E05014735",
            area_type="ward",
            vintage="WD23",
            parent_code=LUTON,
            value=17.0,
            lower_ci95=15.5,
            upper_ci95=18.5,
        ),  # Luton's 18 is inside: similar
        dict(breakdown="ethnicity", category="Pakistani", value=12.0, lower_ci95=10.0, upper_ci95=14.0),
    )
    result = benchmark_table(obs).set_index(["area_code", "category"])
    assert result.loc[(LUTON, ""), ["benchmark_code", "comparison"]].tolist() == [ENGLAND, "worse"]
    assert result.loc[("E05014735", ""), ["benchmark_code", "comparison"]].tolist() == [LUTON, "similar"]
    assert result.loc[(LUTON, "Pakistani"), ["benchmark_code", "comparison"]].tolist() == [LUTON, "better"]
    assert (ENGLAND, "") not in result.index  # England is the benchmark, not compared with itself


def quintiles(
    values, *, period=20200000, polarity="low is good", value_type="score", multiplier=1.0, half_width=1.0
):
    return [
        dict(
            breakdown="deprivation_local_quintile",
            category=f"Q{k}",
            category_rank=k,
            value=v,
            lower_ci95=v - half_width,
            upper_ci95=v + half_width,
            period_sort=period,
            period_label=str(period // 10000),
            polarity=polarity,
            value_type=value_type,
            multiplier=multiplier,
        )
        for k, v in enumerate(values, start=1)
    ]


def pack_of(populations, *, area=LUTON, breakdown="deprivation_local_quintile"):
    """A geography pack's group populations for one area (rank 1 = most deprived)."""
    return pd.DataFrame(
        {
            "area_code": area,
            "breakdown": breakdown,
            "rank": range(1, len(populations) + 1),
            "population": [float(p) for p in populations],
            "source": "test pack",
        }
    )


EQUAL_FIFTHS = pack_of([1000] * 5)


def test_deprivation_gap_most_vs_least_and_sii_point_estimate():
    # Smoking (low is good) falls from 30% in the most deprived fifth to 10% in the least.
    values = [30.0, 25.0, 20.0, 15.0, 10.0]
    obs = frame(dict(value=20.0, lower_ci95=19.0, upper_ci95=21.0), *quintiles(values))
    compared = obs.merge(
        benchmark_table(obs)[["area_code", "breakdown", "category", "comparison"]],
        on=["area_code", "breakdown", "category"],
        how="left",
    )
    gap = deprivation_gaps(compared, group_populations_table=EQUAL_FIFTHS, repetitions=2000).iloc[0]
    assert gap["most_deprived_value"] == 30.0 and gap["least_deprived_value"] == 10.0
    assert gap["gap_abs"] == pytest.approx(20.0) and gap["gap_ratio"] == pytest.approx(3.0)
    # Equal fifths: ranks 0.1..0.9, a perfect line of slope -25 per unit rank; least minus most deprived
    # is -25, and low-is-good flips the sign so the gap reads positive.
    assert gap["sii"] == pytest.approx(25.0)
    assert gap["sii_lower95"] < 25.0 < gap["sii_upper95"]
    assert gap["worst_category"] == "Q1" and gap["best_category"] == "Q5"
    assert gap["n_significantly_worse"] == 2 and gap["significantly_worse"] == "Q1; Q2"


def test_proportion_sii_is_fitted_on_0_to_1_and_reported_in_percentage_points():
    values = [40.0, 35.0, 30.0, 25.0, 20.0]
    obs = frame(
        dict(value=30.0, lower_ci95=29.0, upper_ci95=31.0),
        *quintiles(values, value_type="proportion", multiplier=100.0, polarity="high is good"),
    )
    gap = deprivation_gaps(
        obs.assign(comparison="similar"), group_populations_table=EQUAL_FIFTHS, repetitions=2000
    ).iloc[0]
    direct = sii(
        pd.DataFrame(
            {
                "quantile": [1, 2, 3, 4, 5],
                "population": 1.0,
                "value": np.array(values) / 100,
                "lower_ci95": (np.array(values) - 1) / 100,
                "upper_ci95": (np.array(values) + 1) / 100,
            }
        ),
        value_type=2,
        multiplier=100,
        repetitions=2000,
    ).iloc[0]
    assert gap["sii"] == pytest.approx(direct["sii"]) == pytest.approx(-25.0)


def test_ward_sii_stays_within_a_ward_set():
    wards = []
    for ward_set, codes, period in [
        ("WD13", ["A1", "A2", "A3", "A4", "A5"], 20200000),
        ("WD23", ["B1", "B2", "B3", "B4", "B5", "B6"], 20240000),
    ]:
        for rank, code in enumerate(codes, start=1):
            v = 10.0 + rank
            wards.append(
                dict(
                    area_code=code,
                    area_type="ward",
                    vintage=ward_set,
                    parent_code=LUTON,
                    area_name=code,
                    imd_rank_local=rank,
                    ward_population=1000.0,
                    value=v,
                    lower_ci95=v - 1,
                    upper_ci95=v + 1,
                    period_sort=period,
                    period_label=str(period // 10000),
                )
            )
    totals = [
        dict(value=12.0, lower_ci95=11.0, upper_ci95=13.0, period_sort=p, period_label=str(p // 10000))
        for p in (20200000, 20240000)
    ]
    gaps = compute_derived(frame(*totals, *wards), repetitions=1000).gap_results
    ward = gaps[gaps["dimension"] == "ward"].set_index("breakdown")
    assert ward.loc["WD13", "n_groups"] == 5 and ward.loc["WD23", "n_groups"] == 6
    assert ward["sii_reason"].isna().all()  # neither set is "missing" the other's wards
    assert ward.loc["WD23", "worst_category"] == "B6"  # low is good: the highest value is worst


def test_ethnicity_gap_has_range_and_no_sii():
    groups = [
        dict(breakdown="ethnicity", category=c, value=v, lower_ci95=v - 0.5, upper_ci95=v + 0.5)
        for c, v in [("Pakistani", 25.0), ("Indian", 12.0), ("White British", 20.0)]
    ]
    gaps = compute_derived(frame(dict(value=20.0, lower_ci95=19.5, upper_ci95=20.5), *groups)).gap_results
    eth = gaps[gaps["dimension"] == "ethnicity"].iloc[0]
    assert (eth["best_category"], eth["worst_category"]) == ("Indian", "Pakistani")
    assert eth["gap_abs"] == pytest.approx(13.0) and eth["gap_ratio"] == pytest.approx(25 / 12)
    assert eth["significantly_worse"] == "Pakistani" and pd.isna(eth["sii"])
    assert eth["sii_reason"] == NO_ORDER_REASON


def test_no_judgement_indicators_have_no_worse_groups():
    groups = [
        dict(
            breakdown="ethnicity",
            category=c,
            value=v,
            lower_ci95=v - 0.5,
            upper_ci95=v + 0.5,
            polarity="no judgement",
        )
        for c, v in [("A", 25.0), ("B", 12.0)]
    ]
    gaps = compute_derived(
        frame(dict(value=20.0, lower_ci95=19.5, upper_ci95=20.5, polarity="no judgement"), *groups)
    ).gap_results
    eth = gaps[gaps["dimension"] == "ethnicity"].iloc[0]
    assert eth["n_significantly_worse"] == 0 and pd.isna(eth["significantly_worse"])
    assert (eth["best_category"], eth["worst_category"]) == ("A", "B")  # highest and lowest


def test_rolling_periods_use_non_overlapping_points():
    obs = pd.DataFrame(
        {
            "indicator_id": "le",
            "area_code": LUTON,
            "periodicity": "rolling 3 calendar",
            "period_sort": [y * 10000 for y in range(2007, 2024)],
        }
    )
    points = trend_points(obs, key=["indicator_id", "area_code"])
    assert (points["period_sort"] // 10000).tolist() == [2008, 2011, 2014, 2017, 2020, 2023]
    years = points["trend_period"] // 10000
    assert (np.diff(years) == 1).all()  # renumbered as consecutive points


def sii_series(siis, *, half_width=0.2):
    return pd.DataFrame(
        {
            "indicator_id": "smk",
            "area_code": LUTON,
            "sex": "Persons",
            "age": "18+ yrs",
            "dimension": "deprivation",
            "breakdown": "deprivation_local_quintile",
            "period_sort": [(2016 + i) * 10000 for i in range(len(siis))],
            "sii": siis,
            "sii_lower95": np.array(siis) - half_width,
            "sii_upper95": np.array(siis) + half_width,
            "sii_reason": None,
        }
    )


@pytest.mark.parametrize(
    ("siis", "verdict"),
    [
        ([10.0, 9.0, 8.0, 7.0, 6.0], NARROWING),
        ([6.0, 7.0, 8.0, 9.0, 10.0], WIDENING),
        ([-10.0, -9.0, -8.0, -7.0, -6.0], NARROWING),  # a reversed gap shrinking towards zero also narrows
        ([8.0, 8.1, 7.9, 8.0, 8.05], "no significant change"),
        ([8.0, 7.0, 6.0], "cannot be calculated"),
    ],
)
def test_gap_over_time_verdict(siis, verdict):
    obs = pd.DataFrame({"indicator_id": ["smk"], "periodicity": ["calendar"]})
    result = gap_trend_table(sii_series(siis), obs)
    assert result["verdict"].tolist() == [verdict]


@pytest.fixture
def store_copy_plain(demo_store_path, tmp_path):
    copy = tmp_path / "plain.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    with Store(copy) as store:
        yield store


def test_results_are_stored_for_the_current_version_and_follow_withdrawal(demo_store_path, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    with Store(copy) as store:
        cur = store.cursor()
        # the version of the last change to the values (a later KPI load changes no statistic)
        version = int(store.meta("observations_version"))
        assert int(store.meta("derived_version")) == version
        counts = cur.execute(
            "SELECT (SELECT count(DISTINCT data_version) FROM gap_results), (SELECT max(data_version) FROM "
            "gap_results), (SELECT count(*) FROM gap_trends), (SELECT count(*) FROM benchmark_results), "
            "(SELECT count(*) FROM trend_results)"
        ).fetchone()
        assert counts[0] == 1 and counts[1] == version
        assert min(counts[2:]) > 0
        register = store.query("extract_register")
        demo_id = int(register.loc[register["file_name"] == "het-demo-extract.csv", "extract_id"].iloc[0])
        withdraw_extract(store, demo_id, by_user="analyst")
        after = cur.execute("SELECT count(*), max(data_version) FROM gap_results").fetchone()
        assert after == (0, None)  # nothing current, so no gaps; stale results are not left behind


def test_a_failing_refresh_never_undoes_the_load(store_copy_plain, monkeypatch):
    """The statistics run after the load has committed: a failure there is reported, the data stays."""
    import het.derived.refresh

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure in the statistics")

    monkeypatch.setattr(het.derived.refresh, "compute_derived", broken)

    store = store_copy_plain

    def derived() -> dict[str, pd.DataFrame]:
        cur = store.cursor()
        return {  # ordered by every column, so the comparison does not depend on the insertion order
            name: cur.execute(f"SELECT * FROM {name} ORDER BY ALL").df()
            for name in ("benchmark_results", "trend_results", "gap_results", "gap_trends")
        }

    before = derived()
    assert len(before["benchmark_results"]), "the store should hold statistics the failure must leave alone"
    parsed = read_extract(
        format="het_tidy",
        content=b"indicator_id,area_code,period,sex,age,breakdown,category,value\n"
        b"smoking_adults,E06000032,2026,Persons,18+ yrs,total,,12.0\n",
        file_name="late.csv",
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
    )
    result = load_extract(store, parsed, loaded_by="t", source_kind="cli")
    assert result.derived_error == "RuntimeError: simulated failure in the statistics"
    assert store.meta("derived_error") == result.derived_error
    assert int(store.meta("derived_version")) < int(store.meta("observations_version"))
    assert store.cursor().execute(
        "SELECT value FROM current_observations WHERE period_label = '2026' AND indicator_id = 'smoking_adults'"
    ).fetchone() == (12.0,)
    # The targets' earlier statistics were deleted and are put back as they were: nothing half-written.
    after = derived()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, check_exact=True)


def test_rii_is_withheld_when_the_fitted_line_crosses_zero():
    # A steep, curved gradient: the straight line's least-deprived end falls below zero.
    values = [47.0, 27.0, 18.0, 12.0, 6.0]
    obs = frame(
        dict(value=22.0, lower_ci95=21.0, upper_ci95=23.0),
        *quintiles(values, value_type="proportion", multiplier=100.0, half_width=0.5),
    )
    gap = deprivation_gaps(
        obs.assign(comparison="similar"), group_populations_table=EQUAL_FIFTHS, repetitions=500
    ).iloc[0]
    assert gap["sii"] > 0  # the SII itself is fine
    assert pd.isna(gap["rii"]) and gap["rii_reason"].startswith("not meaningful")


def test_gap_over_time_verdict_does_not_depend_on_row_order():
    """The latest SII's sign orients the series: it must be taken per row, however the rows arrive.

    (A reversed gap shrinking towards zero narrows; read in reverse period order beside another series, the
    sign was once taken from the wrong rows.)
    """
    obs = pd.DataFrame({"indicator_id": ["smk"], "periodicity": ["calendar"]})
    shrinking = sii_series([-10.0, -9.0, -8.0, -7.0, -6.0])
    growing = sii_series([6.0, 7.0, 8.0, 9.0, 10.0]).assign(area_code=ENGLAND)
    both = pd.concat([shrinking, growing], ignore_index=True)
    shuffled = both.sample(frac=1.0, random_state=3).reset_index(drop=True)
    for frame in (both, shuffled, both.iloc[::-1].reset_index(drop=True)):
        verdicts = gap_trend_table(frame, obs).set_index("area_code")["verdict"]
        assert verdicts.to_dict() == {LUTON: NARROWING, ENGLAND: WIDENING}


@pytest.mark.parametrize(
    "categorical", [False, True], ids=["plain columns", "categoricals as the refresh reads"]
)
def test_benchmarks_by_position_equal_the_merge_on_random_inputs(categorical):
    """The benchmark rows are found by integer codes; on random inputs (areas with and without totals,
    wards with and without their authority, areas outside the geography) they are the rows a merge gives."""
    from het.derived.gaps import _benchmark_rows, _benchmark_rows_merged

    rng = np.random.default_rng(11)
    areas = [  # (code, type, parent)
        (ENGLAND, "country", None),
        (LUTON, "local authority", ENGLAND),
        ("E06000055", "local authority", ENGLAND),
        ("E05000001", "ward", LUTON),
        ("E05000002", "ward", LUTON),
        ("E05000003", "ward", "E06000099"),  # its authority has no rows
        ("E05000004", "ward", None),
        ("X99", None, None),  # not in the geography
    ]
    rows = []
    for indicator in ["smk", "obese"]:
        for code, kind, parent in areas:
            for period in [20190000, 20200000, 20210000]:
                for sex in ["Persons", "Female"]:
                    if rng.random() < 0.2:
                        continue
                    value = float(rng.normal(20, 4))
                    base = dict(
                        indicator_id=indicator,
                        area_code=code,
                        area_type=kind,
                        parent_code=parent,
                        period_sort=period,
                        sex=sex,
                        value=value,
                        lower_ci95=value - 2,
                        upper_ci95=value + 2,
                        polarity=rng.choice(["low is good", "high is good", "no judgement"]),
                    )
                    rows.append(base)
                    for decile in range(1, 4):
                        v = float(rng.normal(20, 4))
                        rows.append(
                            {
                                **base,
                                "breakdown": "deprivation_decile_local",
                                "category": f"D{decile}",
                                "category_rank": decile,
                                "value": v,
                                "lower_ci95": v - 3,
                                "upper_ci95": v + 3,
                            }
                        )
    obs = frame(*rows)
    if categorical:
        for column in [
            "indicator_id",
            "area_code",
            "sex",
            "age",
            "breakdown",
            "category",
            "polarity",
            "area_type",
            "parent_code",
        ]:
            obs[column] = obs[column].astype("category")
    fast = _benchmark_rows(obs).sort_values("_row").reset_index(drop=True)
    merged = _benchmark_rows_merged(obs).sort_values("_row").reset_index(drop=True)
    assert len(fast) == len(obs) - int(((obs["area_code"] == ENGLAND) & (obs["breakdown"] == "total")).sum())
    pd.testing.assert_frame_equal(fast.astype(object), merged.astype(object), check_dtype=False)
    assert fast["comparison"].nunique() > 3 and fast["benchmark_value"].isna().any()


def test_a_repeated_deprivation_group_is_refused_naming_the_gap_by_its_key():
    """The engine fits by gap number; a refusal still names the gap the way an analyst would find it."""
    rows = quintiles([30.0, 25.0, 20.0, 15.0, 10.0])
    rows[4] = {**rows[4], "category": "Q5 (again)", "category_rank": 4}  # two groups ranked 4
    obs = frame(dict(value=20.0, lower_ci95=19.0, upper_ci95=21.0), *rows)
    compared = obs.assign(comparison="similar")
    pack = pack_of([1000] * 4)
    with pytest.raises(ValueError, match=r"deprivation group 4 appears more than once in indicator_id='smk'"):
        deprivation_gaps(compared, group_populations_table=pack, repetitions=100)
