"""python -m het load: the same checks and report as the app, non-zero exit on errors."""

from __future__ import annotations

import pandas as pd
import pytest

from het.cli import main
from het.store import Store

GOOD = (
    "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
    "smoking_adults,E06000032,2026,Persons,18+ yrs,total,,12.0,10.5,13.5\n"
)
BAD = (
    "indicator_id,area_code,period,sex,age,breakdown,category,value\n"
    "smoking_adults,E06000032,2026,Persons,18+ yrs,total,,12.0\n"
    "smoking_adults,E09999999,2026,Persons,18+ yrs,total,,12.0\n"
)


@pytest.fixture
def store_path(demo_store_path, tmp_path):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    return copy


def extracts(path):
    with Store(path) as store:
        return store.query("extract_register")


def test_dry_run_reports_and_writes_nothing(store_path, tmp_path, capsys):
    file = tmp_path / "new.csv"
    file.write_text(GOOD)
    before = Store(store_path).content_checksum()
    assert main(["--db", str(store_path), "load", str(file), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "read as het_tidy" in out and "new 1, revised 0" in out and "dry run" in out
    assert Store(store_path).content_checksum() == before


def test_load_registers_the_extract_with_who(store_path, tmp_path, capsys):
    file = tmp_path / "new.csv"
    file.write_text(GOOD)
    assert main(["--db", str(store_path), "load", str(file), "--by", "analyst1"]) == 0
    assert "loaded new.csv as extract #4: 1 row" in capsys.readouterr().out
    row = extracts(store_path).iloc[0]
    assert (row["file_name"], row["loaded_by"], row["source_kind"]) == ("new.csv", "analyst1", "cli")
    assert main(["--db", str(store_path), "load", str(file)]) == 0  # the same bytes again
    assert "already loaded as extract #4" in capsys.readouterr().out
    assert len(extracts(store_path)) == 4  # the demo (values, workstream KPIs, workbook) and this file


def test_errors_exit_non_zero_naming_file_row_and_column(store_path, tmp_path, capsys):
    file = tmp_path / "bad.csv"
    file.write_text(BAD)
    before = Store(store_path).content_checksum()
    assert main(["--db", str(store_path), "load", str(file)]) == 1
    captured = capsys.readouterr()
    assert "bad.csv, row 3, column 'area_code'" in captured.out and "E09999999" in captured.out
    assert "nothing was loaded" in captured.err
    assert Store(store_path).content_checksum() == before


def test_demo_after_real_data_warns_and_asks_before_overriding(store_path, tmp_path, capsys):
    """With the demo withdrawn and a real extract active, `het demo` loads nothing unless asked outright."""
    file = tmp_path / "real.csv"
    file.write_text(GOOD)
    assert main(["--db", str(store_path), "load", str(file), "--by", "analyst1"]) == 0
    demo_ids = extracts(store_path).query("source_kind == 'demo'")["extract_id"]
    assert main(["--db", str(store_path), "extracts", "withdraw", str(int(demo_ids.min()))]) == 0
    capsys.readouterr()
    before = extracts(store_path)
    assert main(["--db", str(store_path), "demo"]) == 1
    err = capsys.readouterr().err
    assert "1 active extract holds real values (newest: real.csv)" in err and "Nothing was loaded" in err
    pd.testing.assert_frame_equal(extracts(store_path), before)
    assert main(["--db", str(store_path), "demo", "--over-real-data"]) == 0
    assert "loaded the demonstration extract" in capsys.readouterr().out


def unknown_file(value: float) -> str:
    """A file naming an indicator the catalogue does not know ('adult_smokers'): it must be mapped."""
    return (
        "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
        f"adult_smokers,E06000032,2026,Persons,18+ yrs,total,,{value},{value - 1.5},{value + 1.5}\n"
    )


def test_a_mapping_is_remembered_for_the_next_file_and_forgotten_with_its_loads(store_path, tmp_path, capsys):
    first, second, third = (tmp_path / f"{n}.csv" for n in ("first", "second", "third"))
    first.write_text(unknown_file(12.0))
    second.write_text(unknown_file(12.4))
    third.write_text(unknown_file(12.8))
    db = ["--db", str(store_path)]
    assert main([*db, "load", str(first)]) == 1  # not mapped yet: nothing is loaded
    assert "nothing was loaded" in capsys.readouterr().err
    assert main([*db, "load", str(first), "--map", "adult_smokers=smoking_adults"]) == 0
    capsys.readouterr()
    # The next file with the same unknown indicator loads without asking, and says why.
    assert main([*db, "load", str(second)]) == 0
    out = capsys.readouterr().out
    first_id = int(extracts(store_path).iloc[1]["extract_id"])
    assert f"adult_smokers -> smoking_adults, as mapped for extract #{first_id}" in out
    with Store(store_path) as store:
        value = (
            store.cursor()
            .execute(
                "SELECT value FROM current_observations WHERE indicator_id = 'smoking_adults' AND period_label = '2026'"
                " AND area_code = 'E06000032'"
            )
            .fetchone()[0]
        )
    assert value == 12.4
    # Withdrawn loads are not remembered: with both withdrawn, het asks again.
    for extract_id in extracts(store_path)["extract_id"][:2]:
        assert main([*db, "extracts", "withdraw", str(int(extract_id))]) == 0
    capsys.readouterr()
    assert main([*db, "load", str(third)]) == 1
    assert "nothing was loaded" in capsys.readouterr().err
