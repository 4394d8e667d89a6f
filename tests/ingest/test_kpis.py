"""KPI files: read, preview, commit into kpis (current state) and kpi_values (history)."""

from __future__ import annotations

import pytest
from ingest_files import csv_bytes, xlsx_bytes

from het.ingest.kpis import commit_kpis, kpi_period_error, kpi_slug, read_kpis
from het.ingest.preview import preview_extract
from het.ingest.problems import ExtractRejected
from het.ingest.read import read_extract

HEADER = [
    "Measure",
    "Baseline",
    "Latest",
    "Target",
    "Period",
    "Owner",
    "Workstream",
    "Polarity",
    "Baseline period",
]


def kpi_file(*rows) -> bytes:
    return csv_bytes([HEADER, *rows])


def read(content: bytes, catalogue, name: str = "kpis.csv"):
    return read_extract(
        content,
        file_name=name,
        indicators=catalogue.indicators,
        areas=catalogue.areas,
        workstreams=catalogue.workstreams,
    )


@pytest.mark.parametrize(
    ("measure", "slug"),
    [
        ("Children in absolute poverty (%)", "children_in_absolute_poverty"),
        ("  Good Business Charter: firms accredited ", "good_business_charter_firms_accredited"),
    ],
)
def test_kpi_ids_are_slugs_of_the_measure(measure, slug):
    assert kpi_slug(measure) == slug


@pytest.mark.parametrize(
    "label",
    ["2024", "2024/25", "2022 - 24", "Q3 2024/25", "2024/25 Q3", "March 2025", "2025-03-31", "31/03/2025"],
)
def test_kpi_periods_that_read(label):
    assert kpi_period_error(label) is None


def test_kpi_file_is_read_with_percentages_and_workstream_names(catalogue):
    parsed = read(
        kpi_file(
            [
                "Employers with the Good Business Charter",
                "12",
                "31",
                "60",
                "2024/25",
                "Inclusive Economy team",
                "Employment, Skills and Work",
                "high is good",
                "2022/23",
            ],
            [
                "Children in absolute poverty",
                "30%",
                "28.5%",
                "20%",
                "2023/24",
                "",
                "",
                "RAG - Low is good",
                "",
            ],
        ),
        catalogue,
    )
    assert parsed.format == "kpi" and not parsed.problems.errors
    assert [str(p) for p in parsed.problems.warnings] == [
        "kpis.csv, row 3, column 'Owner': no owner: who is accountable for this KPI?"
    ]
    kpis = parsed.kpis.set_index("kpi_id")
    assert kpis.loc["children_in_absolute_poverty", ["latest", "unit", "polarity"]].tolist() == [
        28.5,
        "%",
        "low is good",
    ]
    assert kpis.loc["employers_with_the_good_business_charter", "workstream_id"] in set(
        catalogue.workstreams["workstream_id"]
    )
    assert kpis.loc["employers_with_the_good_business_charter", "baseline_period"] == "2022/23"


def test_unknown_workstream_is_an_error(catalogue):
    parsed = read(kpi_file(["A measure", "1", "2", "3", "2024", "Me", "Knitting", "", ""]), catalogue)
    assert str(parsed.problems.errors[0]).startswith(
        "kpis.csv, row 2, column 'Workstream': unknown workstream 'Knitting': expected one of"
    )


def test_commit_upserts_kpis_and_keeps_history(store, catalogue):
    first = read(
        kpi_file(
            [
                "Children in absolute poverty",
                "30",
                "28",
                "20",
                "2023/24",
                "Public health",
                "",
                "low is good",
                "2021/22",
            ]
        ),
        catalogue,
        "kpis_2024.csv",
    )
    preview = preview_extract(store, first)
    assert preview.new["kpi_id"].tolist() == ["children_in_absolute_poverty"] and preview.revised.empty
    a = commit_kpis(store, first, loaded_by="analyst", source_kind="upload")
    assert (a.rows_new, a.rows_revised) == (1, 0)

    second = read(
        kpi_file(
            ["Children in absolute poverty", "30", "26.5", "20", "2024/25", "Public health", "", "", ""]
        ),
        catalogue,
        "kpis_2025.csv",
    )
    preview = preview_extract(store, second)
    assert preview.revised[["old_latest", "new_latest", "old_extract_id"]].values.tolist() == [
        [28.0, 26.5, a.extract_id]
    ]
    b = commit_kpis(store, second, loaded_by="analyst", source_kind="upload")
    assert (b.rows_new, b.rows_revised) == (0, 1)

    cur = store.cursor()
    current = cur.execute(
        "SELECT latest, latest_period, polarity, baseline_period, extract_id FROM kpis"
    ).fetchall()
    assert current == [
        (26.5, "2024/25", "low is good", "2021/22", b.extract_id)
    ]  # blank optional fields kept
    history = cur.execute("SELECT extract_id, latest FROM kpi_values ORDER BY extract_id").fetchall()
    assert history == [(a.extract_id, 28.0), (b.extract_id, 26.5)]
    register = store.query("extract_register").set_index("extract_id")
    assert register.loc[b.extract_id, "format"] == "kpi" and register.loc[b.extract_id, "size_bytes"] == len(
        second.content
    )
    assert commit_kpis(store, second, loaded_by="analyst", source_kind="upload").already_loaded


def test_kpis_from_a_workbook(catalogue):
    content = xlsx_bytes(
        {
            "KPIs": [
                HEADER,
                ["Smoking in pregnancy", 12.1, 10.4, 6, "2023/24", "Maternity", None, "low is good", None],
            ]
        }
    )
    parsed = read(content, catalogue, "kpis.xlsx")
    assert not parsed.problems.items
    assert parsed.kpis[["kpi_id", "baseline", "latest", "target"]].values.tolist() == [
        ["smoking_in_pregnancy", 12.1, 10.4, 6.0]
    ]


def test_a_kpi_file_with_errors_writes_nothing(store, catalogue):
    parsed = read_kpis(kpi_file(["A", "x1", "2", "3", "2024", "Me", "", "", ""]), file_name="bad.csv")
    before = store.content_checksum()
    with pytest.raises(ExtractRejected, match=r"bad.csv, row 2, column 'Baseline': 'x1' is not a number"):
        commit_kpis(store, parsed, loaded_by="test", source_kind="cli")
    assert store.content_checksum() == before


def test_workstreams_are_checked_against_the_store_on_commit(store):
    parsed = read_kpis(kpi_file(["A", "1", "2", "3", "2024", "Me", "Knitting", "", ""]), file_name="ws.csv")
    assert not parsed.problems.errors  # no workstreams given when reading: checked on commit
    before = store.content_checksum()
    with pytest.raises(
        ExtractRejected, match=r"ws.csv, row 2, column 'workstream': unknown workstream 'Knitting'"
    ):
        commit_kpis(store, parsed, loaded_by="test", source_kind="cli")
    assert store.content_checksum() == before


def test_commit_kpis_refuses_observation_extracts_and_kpis_are_not_observations(store, catalogue):
    parsed = read(kpi_file(["A", "1", "2", "3", "2024", "Me", "", "", ""]), catalogue)
    assert parsed.observations.empty and parsed.rows_loaded == 1
    tidy = read_extract(
        b"indicator_id,area_code,period,breakdown\n",
        file_name="t.csv",
        indicators=catalogue.indicators,
        areas=catalogue.areas,
    )
    with pytest.raises(ValueError, match="is a het_tidy extract, not a KPI file"):
        commit_kpis(store, tidy, loaded_by="test", source_kind="cli")
