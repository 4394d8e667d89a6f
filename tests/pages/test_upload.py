"""The upload flow under AppTest: upload, check, preview, map, commit; and the signed-out view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from het.store import ROOT, Store

APP = str(ROOT / "app.py")


def upload_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.switch_page("pages/upload.py").run()


def upload(at: AppTest, name: str, content: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="upload_0").set_value((name, content, mime))
    return at.run()


def latest_luton_smoking(store_path: Path) -> tuple[str, float]:
    with Store(store_path) as store:
        return (
            store.cursor()
            .execute(
                "SELECT period_label, value FROM current_observations WHERE indicator_id = 'smoking_adults' "
                "AND area_code = 'E06000032' AND breakdown = 'total' ORDER BY period_sort DESC LIMIT 1"
            )
            .fetchone()
        )


def test_signed_out_view_has_no_upload_controls(store_copy, accounts):
    at = upload_page()
    assert not at.exception
    assert not at.get("file_uploader")
    assert any("Sign in as an analyst" in i.value for i in at.info)


def test_upload_preview_commit_revises_a_value(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))  # single local analyst
    at = upload_page()
    period, _ = latest_luton_smoking(store_copy)
    content = (
        "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
        f"smoking_adults,E06000032,{period},Persons,18+ yrs,total,,12.5,11.0,14.0\n"
        "smoking_adults,E06000032,2026,Persons,18+ yrs,total,,12.0,10.5,13.5\n"
    ).encode()
    at = upload(at, "revision.csv", content)
    assert not at.exception, [e.value for e in at.exception]
    # The check says its steps: what it read and found, then the preview.
    steps = [m.value for m in at.markdown]
    assert "Read 2 rows: 0 problems that stop the load, 0 warnings." in steps, steps
    assert any(p.proto.text == "Checked: the preview is below." for p in at.get("progress"))
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New"], metrics["Revised"], metrics["Unchanged"], metrics["Errors"]) == (
        "1",
        "1",
        "0",
        "0",
    )
    revised = next(df.value for df in at.dataframe if "old_value" in df.value.columns)
    assert len(revised) == 1 and revised["new_value"].iloc[0] == 12.5
    commit = at.button(key="upload_commit")
    assert not commit.disabled
    at = commit.click().run()
    assert any(
        r"Loaded revision\.csv as extract #4: 2 rows (1 new, 1 revised)" in s.value for s in at.success
    )
    assert latest_luton_smoking(store_copy) == ("2026", 12.0)


def test_a_bad_file_shows_file_row_column_and_cannot_be_committed(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))
    before = Store(store_copy).content_checksum()
    content = (
        b"indicator_id,area_code,period,sex,age,breakdown,category,value\n"
        b"smoking_adults,E06000032,2024,Persons,18+ yrs,total,,abc\n"
    )
    at = upload(upload_page(), "bad.csv", content)
    # A few problems are a static table, whose cells wrap: no message is cut off at the column's width.
    problems = next(t.value for t in at.table if "Problem" in t.value.columns)
    assert problems[["File", "Row", "Column"]].iloc[0].tolist() == ["bad.csv", "2", "value"]
    assert any(c.value.startswith("Read as het tidy template (CSV): the header has") for c in at.caption)
    assert "'abc' is not a number" in problems["Problem"].iloc[0]
    assert at.button(key="upload_commit").disabled
    assert Store(store_copy).content_checksum() == before


def test_many_problems_are_listed_in_a_grid_with_all_of_them_to_download(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))
    header = b"indicator_id,area_code,period,sex,age,breakdown,category,value\n"
    # Five kinds of problem on every row: each kind lists ten rows and counts the rest, 55 lines in all.
    rows = b"".join(b"smoking_adults,X%d,someday,Neither,18+ yrs,sideways,,abc\n" % i for i in range(30))
    at = upload(upload_page(), "many.csv", header + rows)
    problems = next(df.value for df in at.dataframe if "Problem" in df.value.columns)
    assert len(problems) > 50
    assert not [t for t in at.table if "Problem" in t.value.columns]
    assert any(b.label == "Download the list (CSV)" for b in at.get("download_button"))
    assert at.button(key="upload_commit").disabled


def test_real_fingertips_export_asks_for_its_unknown_indicator(store_copy, monkeypatch, tmp_path):
    folder = Path(os.environ.get("HET_GEOGRAPHY_DIR") or ROOT.parent / "shared" / "data") / "fingertips"
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not files:
        pytest.skip(f"no real Fingertips export in {folder}: set HET_GEOGRAPHY_DIR to the shared data")
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))
    at = upload(upload_page(), files[0].name, files[0].read_bytes())
    assert any("Indicators het does not know" in h.value for h in at.header)
    assert at.button(key="upload_commit").disabled  # unknown indicators must be resolved first
    at.selectbox(key="map_93356").set_value("__set_aside__").run()
    at = at.button(key="apply_93356").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("Indicators het does not know" in h.value for h in at.header)
