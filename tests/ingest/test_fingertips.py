"""OHID Fingertips exports: both header generations, categories, periods, and the real export."""

from __future__ import annotations

import json

import pytest
from ingest_files import (
    CAMPYLOBACTER,
    FT_NEW,
    FT_OLD,
    NATIONAL_DECILES,
    fingertips_csv,
    ft_row,
    real_fingertips_file,
)

from het.ingest.fingertips import deprivation_rank, fingertips_breakdown
from het.ingest.indicators import add_local_indicator, apply_indicator_mapping, unknown_indicators
from het.ingest.preview import preview_extract
from het.ingest.read import read_extract
from het.loads import load_extract

FINGERTIPS_DECILES = [
    "Most deprived decile (IMD2019)",
    "Second most deprived decile (IMD2019)",
    "Third more deprived decile (IMD2019)",
    "Fourth more deprived decile (IMD2019)",
    "Fifth more deprived decile (IMD2019)",
    "Fifth less deprived decile (IMD2019)",
    "Fourth less deprived decile (IMD2019)",
    "Third less deprived decile (IMD2019)",
    "Second least deprived decile (IMD2019)",
    "Least deprived decile (IMD2019)",
]


def read(content: bytes, catalogue, name: str = "ft.csv", **options):
    return read_extract(
        content, file_name=name, indicators=catalogue.indicators, areas=catalogue.areas, **options
    )


def decile_rows(category_type: str = NATIONAL_DECILES, area: str = "E92000001") -> list[dict]:
    return [
        ft_row(
            **{
                "Area Code": area,
                "Area Type": "England",
                "Category Type": category_type,
                "Category": c,
                "Value": str(10 + i),
                "Lower CI 95.0 limit": str(9 + i),
                "Upper CI 95.0 limit": str(11 + i),
            }
        )
        for i, c in enumerate(FINGERTIPS_DECILES)
    ]


@pytest.mark.parametrize(
    ("label", "rank"), [(label, i) for i, label in enumerate(FINGERTIPS_DECILES, start=1)]
)
def test_fingertips_decile_labels_read_in_order(label, rank):
    assert deprivation_rank(label, 10) == rank


@pytest.mark.parametrize(
    ("label", "groups", "rank"),
    [
        ("Most deprived quintile (IMD2019)", 5, 1),
        ("Second most deprived quintile", 5, 2),
        ("Middle quintile", 5, 3),
        ("Second least deprived quintile", 5, 4),
        ("Least deprived quintile (IMD2015)", 5, 5),
        ("Decile 3", 10, 3),
        ("Q2", 5, 2),
        ("D10 (least deprived)", 10, 10),
        ("1 - most deprived", 10, 1),
        ("1 - least deprived", 10, None),  # contradicts itself
        ("Decile 11", 10, None),
        ("Somewhere in the middle", 10, None),
    ],
)
def test_other_deprivation_labels(label, groups, rank):
    assert deprivation_rank(label, groups) == rank


@pytest.mark.parametrize(
    ("category_type", "category", "expected"),
    [
        ("", "", ("total", "", None)),
        (
            NATIONAL_DECILES,
            "Most deprived decile (IMD2019)",
            ("deprivation_national_decile", "D1 (most deprived)", 1),
        ),
        (NATIONAL_DECILES, "Third more deprived decile (IMD2019)", ("deprivation_national_decile", "D3", 3)),
        (
            "LSOA11 deprivation deciles within area (IMD trend)",
            "Least deprived decile",
            ("deprivation_local_decile", "D10 (least deprived)", 10),
        ),
        (
            "LSOA11 deprivation quintiles within area (IMD2019)",
            "Second most deprived quintile",
            ("deprivation_local_quintile", "Q2", 2),
        ),
        (
            "District & UA deprivation quintiles in England (IMD2019, 4/23 geography)",
            "Least deprived quintile",
            ("deprivation_national_quintile", "Q5 (least deprived)", 5),
        ),
        ("Ethnic groups", "Pakistani", ("ethnicity", "Pakistani", None)),
        ("Broad ethnic group", "Asian", ("ethnicity", "Asian", None)),
        ("Sexuality", "Bisexual", (None, "Bisexual", None)),
    ],
)
def test_category_types_map_onto_het_breakdowns(category_type, category, expected):
    match = fingertips_breakdown(category_type, category)
    assert (match.breakdown, match.category, match.rank) == expected


def test_both_header_generations_read_the_same_values(catalogue):
    rows = [ft_row(), *decile_rows()]
    old = read(fingertips_csv(rows, header=FT_OLD), catalogue, "old.csv")
    new = read(fingertips_csv(rows, header=FT_NEW), catalogue, "new.csv")
    assert not old.problems.items and not new.problems.items
    assert old.format == new.format == "fingertips"
    columns = ["indicator_id", "area_code", "period_sort", "breakdown", "category", "category_rank", "value"]
    assert old.observations[columns].equals(new.observations[columns])
    assert old.observations["category_rank"].tolist()[1:] == list(range(1, 11))
    luton = json.loads(new.observations["extra"].iloc[0])
    assert luton["Compared to Counties & UAs (from Apr 2023) value or percentiles"] == "Similar"
    assert luton["Time period range"] == "1y"
    assert luton["Recent Trend"] == "Cannot be calculated"
    assert luton["Parent Code"] == "E12000006"
    decile = json.loads(old.observations["extra"].iloc[1])
    assert decile["Category Type"] == NATIONAL_DECILES
    assert decile["Category"] == "Most deprived decile (IMD2019)"


def test_columns_are_read_by_name_in_any_order_with_unknown_columns_kept(catalogue):
    header = list(reversed(FT_OLD)) + ["Analyst note"]
    parsed = read(fingertips_csv([ft_row(**{"Analyst note": "checked"})], header=header), catalogue)
    assert not parsed.problems.items
    row = parsed.observations.iloc[0]
    assert (row["indicator_id"], row["value"], row["lower_ci95"], row["upper_ci95"]) == (
        "smoking_adults",
        15.2,
        12.1,
        18.3,
    )
    assert json.loads(row["extra"])["Analyst note"] == "checked"


def test_quoted_newlines_and_several_indicators_in_one_file(catalogue):
    rows = [
        ft_row(**{"Indicator Name": "Smoking prevalence\nin adults"}),
        ft_row(
            **{
                "Indicator ID": "90631",
                "Indicator Name": "School readiness:\n good level of development",
                "Age": "5 yrs",
                "Time period": "2022/23",
                "Time period Sortable": "20220000",
                "Value": "63.1",
                "Lower CI 95.0 limit": "61.0",
                "Upper CI 95.0 limit": "65.2",
                "Count": "2,071",
                "Denominator": "3,282",
            }
        ),
    ]
    parsed = read(fingertips_csv(rows), catalogue)
    assert not parsed.problems.items
    obs = parsed.observations
    assert obs["indicator_id"].tolist() == ["smoking_adults", "school_readiness"]
    assert obs["source_row"].tolist() == [2, 3]  # a quoted newline does not move the row numbers
    assert obs["period_label"].tolist() == ["2022", "2022/23"]
    assert obs["count"].tolist()[1] == 2071 and obs["denominator"].tolist()[1] == 3282


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "utf-8"), ("\t", "utf-8"), (",", "utf-8-sig"), (",", "cp1252")]
)
def test_delimiters_and_encodings(catalogue, delimiter, encoding):
    rows = [
        ft_row(**{"Parent Name": "Région de l'Est"}),
        ft_row(
            **{
                "Time period": "2023",
                "Time period Sortable": "20230000",
                "Count": "1,349",
                "Denominator": "9,000",
            }
        ),
    ]
    parsed = read(fingertips_csv(rows, delimiter=delimiter, encoding=encoding), catalogue)
    assert not parsed.problems.errors
    assert parsed.observations["value"].tolist() == [15.2, 15.2]
    assert parsed.observations["count"].tolist()[1] == 1349
    assert json.loads(parsed.observations["extra"].iloc[0])["Parent Name"] == "Région de l'Est"
    warnings = [str(p) for p in parsed.problems.warnings]
    if encoding == "cp1252":
        assert warnings == [
            "ft.csv: not UTF-8 (first at line 2: byte 0xE9); read as Windows-1252: check accented names"
        ]
    else:
        assert warnings == []


def test_suppressed_values_are_missing_with_a_note_not_an_error(catalogue):
    rows = [
        ft_row(
            Value=marker,
            **{
                "Time period": str(2015 + i),
                "Time period Sortable": f"{2015 + i}0000",
                "Lower CI 95.0 limit": "",
                "Upper CI 95.0 limit": "",
            },
        )
        for i, marker in enumerate(["*", "x", "[c]", "..", "-"])
    ]
    parsed = read(fingertips_csv(rows), catalogue)
    assert not parsed.problems.items
    obs = parsed.observations
    assert obs["value"].isna().all()
    assert obs["value_note"].tolist() == [f"suppressed in source: {m}" for m in ["*", "x", "[c]", "..", "-"]]


def test_not_applicable_sex_is_persons_with_the_original_kept(catalogue):
    parsed = read(fingertips_csv([ft_row(Sex="Not applicable")]), catalogue)
    assert not parsed.problems.items  # a note in extra, not a warning
    row = parsed.observations.iloc[0]
    assert row["sex"] == "Persons"
    assert json.loads(row["extra"])["Sex"] == "Not applicable"


def test_unknown_category_type_is_kept_aside_named_and_counted(store, catalogue):
    rows = [
        ft_row(),
        ft_row(
            **{
                "Category Type": "Sexual orientation",
                "Category": "Bisexual",
                "Value": "20.1",
                "Lower CI 95.0 limit": "",
                "Upper CI 95.0 limit": "",
            }
        ),
    ]
    parsed = read(fingertips_csv(rows), catalogue, "orientation.csv")
    assert [str(p) for p in parsed.problems.items] == [
        "orientation.csv, row 3, column 'Category Type': 1 row kept aside: Category Type 'Sexual orientation' "
        "is not a breakdown het models (row 3)"
    ]
    assert parsed.observations["breakdown"].tolist() == ["total"]
    assert parsed.kept_aside["source_row"].tolist() == [3]
    preview = preview_extract(store, parsed)
    kept = preview.rejected[preview.rejected["level"] == "kept aside"]
    assert kept["row"].tolist() == [3]
    assert "Sexual orientation" in kept["message"].iloc[0]
    result = load_extract(store, parsed, loaded_by="test", source_kind="cli")
    register = store.query("extract_register").set_index("extract_id")
    assert register.loc[result.extract_id, ["rows_read", "rows_loaded", "rows_rejected"]].tolist() == [
        2,
        1,
        1,
    ]


def test_a_label_het_cannot_read_keeps_fingertips_label_and_sortable(catalogue):
    parsed = read(
        fingertips_csv([ft_row(**{"Time period": "2022 Q3", "Time period Sortable": "20220300"})]),
        catalogue,
        "q.csv",
    )
    assert not parsed.problems.errors
    assert [str(p) for p in parsed.problems.warnings] == [
        "q.csv, row 2, column 'Time period': period '2022 Q3' is not a form het reads (cannot read period "
        "'2022 Q3': expected e.g. 2019, 2019/20 or 2017 - 19); Fingertips' label and sortable 20220300 were kept (row 2)"
    ]
    assert parsed.observations[["period_label", "period_sort"]].values.tolist() == [["2022 Q3", 20220300]]


def test_a_sortable_that_disagrees_with_its_label_is_a_warning(catalogue):
    parsed = read(fingertips_csv([ft_row(**{"Time period Sortable": "20210000"})]), catalogue, "s.csv")
    assert [str(p) for p in parsed.problems.items] == [
        "s.csv, row 2, column 'Time period': Time period Sortable 20210000 does not match period '2022' "
        "(20220000); Fingertips' sortable was used (row 2)"
    ]
    assert parsed.observations["period_sort"].tolist() == [20210000]


def test_two_classifications_on_one_breakdown_load_the_first(catalogue):
    district = "District & UA deprivation deciles in England (IMD2019, 4/23 geography)"
    parsed = read(fingertips_csv(decile_rows() + decile_rows(district)), catalogue, "two.csv")
    assert not parsed.problems.errors
    assert len(parsed.observations) == 10 and parsed.kept_aside["source_row"].tolist() == list(range(12, 22))
    assert [p.message.split(":")[0] for p in parsed.problems.warnings] == ["10 rows kept aside"]
    assert district in parsed.problems.warnings[0].message


# -- the real export ------------------------------------------------------------------------------------


@pytest.fixture
def real_export() -> bytes:
    path = real_fingertips_file()
    if not path.is_file():
        pytest.skip(
            f"the real Fingertips export is not here: {path} (set HET_GEOGRAPHY_DIR to the shared data folder)"
        )
    return path.read_bytes()


def test_real_export_lists_its_unknown_indicator(real_export, catalogue):
    parsed = read(real_export, catalogue, "campylobacter.csv")
    listed = unknown_indicators(parsed)
    assert listed.to_dict("records") == [
        {
            "source_key": "93356",
            "source_name": "Campylobacter incidence rate/100,000",
            "rows": 852,
            "first_row": 2,
        }
    ]
    assert [str(p) for p in parsed.problems.errors] == [
        "campylobacter.csv, row 2, column 'Indicator ID': indicator '93356' (Campylobacter incidence rate/100,000) "
        "is not in the catalogue (852 rows): map it to a catalogue indicator or add it as a local indicator"
    ]
    assert parsed.observations.empty


def test_real_export_loads_after_mapping_its_indicator(real_export, store, catalogue):
    parsed = read(real_export, catalogue, "campylobacter.csv")
    mapped = apply_indicator_mapping(
        parsed, {"93356": "violence_admissions"}, indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert not mapped.problems.errors
    assert set(mapped.observations["indicator_id"]) == {"violence_admissions"}
    with pytest.raises(ValueError, match="'12345' is not an unknown indicator of this file"):
        apply_indicator_mapping(
            parsed, {"12345": "violence_admissions"}, indicators=catalogue.indicators, areas=catalogue.areas
        )
    with pytest.raises(ValueError, match="mapped to 'no_such', which is not in the catalogue"):
        apply_indicator_mapping(
            parsed, {"93356": "no_such"}, indicators=catalogue.indicators, areas=catalogue.areas
        )


def test_real_export_loads_as_a_local_indicator(real_export, store):
    add_local_indicator(store, **CAMPYLOBACTER)
    indicators, areas = store.query("indicator_catalogue"), store.query("area_list")
    parsed = read_extract(real_export, file_name="campylobacter.csv", indicators=indicators, areas=areas)
    assert not parsed.problems.errors
    outside = [p for p in parsed.problems.warnings if "area not in het's geography" in p.message]
    assert len(outside) == 1 and outside[0].message.startswith(
        "751 rows kept aside: area not in het's geography"
    )
    assert "E06000001 Hartlepool" in outside[0].message
    assert (parsed.rows_read, len(parsed.observations), len(parsed.kept_aside)) == (852, 71, 781)
    obs = parsed.observations
    luton = obs[(obs["area_code"] == "E06000032") & (obs["age"] == "All ages")]
    assert luton["period_sort"].tolist() == [20150000, 20160000, 20170000]
    assert luton["value"].iloc[0] == pytest.approx(82.4367751851334)
    england = parsed.observations[parsed.observations["breakdown"] == "deprivation_national_decile"]
    assert sorted(england["category_rank"].unique()) == list(range(1, 11))

    result = load_extract(store, parsed, loaded_by="analyst", source_kind="upload")
    register = store.query("extract_register").set_index("extract_id").loc[result.extract_id]
    assert (register["rows_read"], register["rows_loaded"], register["rows_rejected"]) == (852, 71, 781)
    origin = store.query("indicator_catalogue").set_index("indicator_id").at["campylobacter", "origin"]
    assert origin == "local"
    stored = (
        store.cursor()
        .execute("SELECT extra FROM observations WHERE area_code = 'E06000032' ORDER BY period_sort LIMIT 1")
        .fetchone()[0]
    )
    assert json.loads(stored)["Compared to England value or percentiles"] == "Similar"  # kept as-is, as text
