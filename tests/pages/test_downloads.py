"""Downloads never hand anyone a live formula: every table a page shows (and so the grid's own "Download as
CSV") has formula-like text made inert, for signed-out viewers too; het's own CSV buttons do the same; an
original file is served exactly as uploaded, beside a warning that says so."""

from __future__ import annotations

import io

import pandas as pd
from local_values import load_local_value
from streamlit.testing.v1 import AppTest

from het.format import safe_csv_bytes
from het.ingest import read_extract
from het.ingest.kpis import read_kpis
from het.loads import load_extract
from het.store import ROOT, Store

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]
WS = "employment_skills_work"


def _load_formula_data(path) -> dict:
    with Store(path) as store:
        row = load_local_value(  # a UTF-16 file, named like a formula
            store, name=FORMULAS[1], definition=FORMULAS[0], file_name=f"{FORMULAS[0]}.csv", encoding="utf-16"
        )
        kpis = (
            pd.DataFrame(
                [
                    {
                        "measure": FORMULAS[2],
                        "workstream": WS,
                        "unit": "%",
                        "polarity": "high is good",
                        "baseline": 40,
                        "latest": 42,
                        "period": "2024",
                        "target": 50,
                        "target_period": "2030",
                        "owner": "A lead",
                    }
                ]
            )
            .to_csv(index=False)
            .encode()
        )
        parsed = read_kpis(
            kpis,
            file_name="kpis.csv",
            workstreams=store.query("workstream_names"),
            indicators=store.query("indicator_catalogue"),
        )
        assert not parsed.problems.errors, [str(p) for p in parsed.problems.errors]
        load_extract(store, parsed, loaded_by="test", source_kind="cli")
        return row


def _cells(frame: pd.DataFrame) -> list[str]:
    return [v for column in frame.columns for v in frame[column].tolist() if isinstance(v, str)]


def test_every_shown_table_has_formulas_made_inert_for_signed_out_viewers(store_copy, accounts):
    _load_formula_data(store_copy)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/data_and_methods.py").run()
    catalogue, register = (df.value for df in at.dataframe)
    for frame, formula in ((catalogue, FORMULAS[1]), (register, FORMULAS[0] + ".csv")):
        cells = _cells(frame)
        assert "'" + formula in cells  # shown, inert
        assert not any(c.startswith(("=", "+", "@")) for c in cells)
    warnings = " ".join(w.value for w in at.warning)
    assert "exactly as it was uploaded" in warnings  # the original beside it is the uploaded file

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/workstream.py")
    at.query_params["workstream"] = WS
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    kpis = next(df.value for df in at.dataframe if "Verdict" in df.value.columns)
    assert "'" + FORMULAS[2] in _cells(kpis)


def test_hets_own_csv_buttons_make_formulas_inert_and_keep_numbers():
    frame = pd.DataFrame({"name": FORMULAS + ["plain"], "value": ["-3.5", "+2", "1", "0"]})
    text = safe_csv_bytes(frame).decode("utf-8")
    rows = pd.read_csv(io.StringIO(text), dtype=str)
    assert rows["name"].tolist() == ["'" + f for f in FORMULAS] + ["plain"]
    assert rows["value"].tolist() == ["-3.5", "+2", "1", "0"]  # numbers are not formulas


def test_the_register_page_survives_odd_extracts_and_keeps_withdraw_within_reach(
    store_copy, monkeypatch, tmp_path
):
    """A 30,000-character note (the longest cell het reads is 32,767, as in Excel), old-Mac line endings, an XLSX named .csv: each was accepted, and the Data and methods
    page (its register, original download and withdraw control) works for each."""
    from openpyxl import Workbook

    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))  # the single local analyst
    header = "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95"
    row = "smoking_adults,E06000032,{year},Persons,18+ yrs,total,,12.0,10.5,13.5"
    book = Workbook()
    for line in (header, row.format(year=2032)):
        book.active.append(line.split(","))
    xlsx = io.BytesIO()
    book.save(xlsx)
    files = {
        "note.csv": (header + ",note\n" + row.format(year=2030) + "," + "x" * 30_000 + "\n").encode(),
        "mac.csv": (header + "\r" + row.format(year=2031) + "\r").encode(),
        "xlsx_named.csv": xlsx.getvalue(),
    }
    ids = []
    with Store(store_copy) as store:
        for name, content in files.items():
            parsed = read_extract(
                content,
                file_name=name,
                indicators=store.query("indicator_catalogue"),
                areas=store.query("area_list"),
            )
            assert not parsed.problems.errors, (name, [str(p) for p in parsed.problems.errors])
            ids.append(load_extract(store, parsed, loaded_by="test", source_kind="cli").extract_id)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/data_and_methods.py").run()
    for extract_id in ids:
        at.selectbox(key="extract_pick").set_value(extract_id).run()
        assert not at.exception, (extract_id, [e.value for e in at.exception])
        assert any(b.key == "withdraw_button" for b in at.button)
        assert any(b.key == "extract_download" for b in at.get("download_button"))
