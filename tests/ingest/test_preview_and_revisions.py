"""Preview before writing, and the revision / withdrawal round trip: nothing is ever overwritten."""

from __future__ import annotations

import pandas as pd
from ingest_files import fingertips_csv, ft_row

from het.ingest.preview import preview_extract
from het.ingest.read import read_extract
from het.loads import load_extract, withdraw_extract

CURRENT = (
    "SELECT area_code, period_sort, value, lower_ci95, upper_ci95 FROM current_observations ORDER BY ALL"
)


def year(y: int, value: str, **fields) -> dict:
    return ft_row(
        **{
            "Time period": str(y),
            "Time period Sortable": f"{y}0000",
            "Value": value,
            "Lower CI 95.0 limit": "",
            "Upper CI 95.0 limit": "",
            **fields,
        }
    )


def read(rows, catalogue, name):
    return read_extract(
        fingertips_csv(rows), file_name=name, indicators=catalogue.indicators, areas=catalogue.areas
    )


def current(store) -> pd.DataFrame:
    return store.cursor().execute(CURRENT).df()


def test_preview_shows_new_revised_and_unchanged_without_writing(store, catalogue):
    a = load_extract(
        store,
        read([year(2020, "16.0"), year(2021, "15.5")], catalogue, "a.csv"),
        loaded_by="t",
        source_kind="cli",
    )
    b = read(
        [
            year(2020, "16.0"),
            year(2021, "15.1"),
            year(2022, "14.8"),
            year(2022, "x", **{"Area Code": "E06000001", "Area Name": "Hartlepool"}),
        ],
        catalogue,
        "b.csv",
    )
    before = store.content_checksum()
    preview = preview_extract(store, b)
    assert store.content_checksum() == before
    assert preview.counts == {
        "rows_read": 4,
        "new": 1,
        "revised": 1,
        "unchanged": 1,
        "kept_aside": 1,
        "errors": 0,
    }
    revised = preview.revised.iloc[0]
    assert (
        revised["period_label"],
        revised["old_value"],
        revised["new_value"],
        revised["old_extract_id"],
    ) == ("2021", 15.5, 15.1, a.extract_id)
    assert revised["source_row"] == 3 and revised["old_source_row"] == 3
    assert preview.new["period_label"].tolist() == ["2022"]
    assert preview.touched.to_dict("records") == [
        {
            "indicator_id": "smoking_adults",
            "name": "Smoking prevalence in adults (18+) - current smokers (APS)",
            "periods": "2020, 2021, 2022",
            "rows": 3,
        }
    ]
    kept = preview.rejected[preview.rejected["level"] == "kept aside"]
    assert kept["row"].tolist() == [5] and "E06000001 Hartlepool" in kept["message"].iloc[0]
    assert preview.can_commit


def test_revision_then_withdrawal_restores_the_first_load(store, catalogue):
    a = load_extract(
        store,
        read(
            [
                year(2019, "17.0", **{"Lower CI 95.0 limit": "15", "Upper CI 95.0 limit": "19"}),
                year(2020, "16.0"),
                year(2021, "15.5"),
            ],
            catalogue,
            "a.csv",
        ),
        loaded_by="t",
        source_kind="cli",
    )
    after_a = current(store)
    b = load_extract(
        store,
        read([year(2020, "16.2"), year(2021, "15.5"), year(2022, "14.8")], catalogue, "b.csv"),
        loaded_by="t",
        source_kind="cli",
    )
    assert (b.rows_new, b.rows_revised, b.rows_unchanged) == (1, 1, 1)
    assert current(store)["value"].tolist() == [17.0, 16.2, 15.5, 14.8]

    withdraw_extract(store, b.extract_id, by_user="analyst", note="wrong year range")
    pd.testing.assert_frame_equal(current(store), after_a)
    assert store.cursor().execute("SELECT count(*) FROM observations").fetchone()[0] == 6  # nothing deleted
    register = store.query("extract_register").set_index("extract_id")
    assert register.loc[[a.extract_id, b.extract_id], "status"].tolist() == ["active", "withdrawn"]


def test_preview_of_a_file_with_errors_lists_them_and_cannot_commit(store, catalogue):
    parsed = read([year(2020, "abc")], catalogue, "bad.csv")
    preview = preview_extract(store, parsed)
    assert not preview.can_commit
    assert preview.rejected[["level", "row", "column", "message"]].values.tolist() == [
        ["error", 2, "Value", "'abc' is not a number"]
    ]
    assert preview.new.empty
