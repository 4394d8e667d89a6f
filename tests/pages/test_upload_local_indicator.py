"""A local indicator defined on the Upload page is added with the load, and only if the load commits."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from het.ingest import read_extract
from het.ingest.indicators import local_indicator_row, with_pending
from het.loads import add_local_indicator, load_extract
from het.store import ROOT, Store

APP = str(ROOT / "app.py")
FILE = (
    b"indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
    b"bus_use_local,E06000032,2023,Persons,All ages,total,,41.5,39.0,44.0\n"
    b"bus_use_local,E06000032,2024,Persons,All ages,total,,43.0,40.5,45.5\n"
)
OTHER_ANALYSTS = {
    "name": "Bus use",
    "principle_id": 5,
    "unit": "%",
    "value_type": "proportion",
    "polarity": "high is good",
    "definition": "Another analyst's.",
    "indicator_id": "bus_use_local",
}
BUS = local_indicator_row(
    name="bus_use_local", principle_id=0, unit="%", value_type="proportion", polarity="high is good",
    definition="Residents who use a bus weekly.", indicator_id="bus_use_local",
)  # fmt: skip
FIELDS = {"Unit (e.g. %, per 100,000, years)": "%", "Definition": "Residents who use a bus weekly."}


def checked_upload(monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))  # single local analyst
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_0").set_value(("bus.csv", FILE, "text/csv"))
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Indicators het does not know" in h.value for h in at.header)
    return at


def define_local(at: AppTest) -> AppTest:
    for label, value in FIELDS.items():
        widget = next(w for w in [*at.text_input, *at.text_area] if w.label == label)
        widget.set_value(value)
    submit = next(b for b in at.button if b.label == "Create and map")
    return submit.click().run()


def catalogue_ids(path) -> set[str]:
    with Store(path) as store:
        return set(store.query("indicator_catalogue")["indicator_id"])


def test_defining_writes_nothing_and_loading_adds_it_with_the_rows(store_copy, monkeypatch, tmp_path):
    before = Store(store_copy).content_checksum()
    at = define_local(checked_upload(monkeypatch, tmp_path))
    assert not at.exception, [e.value for e in at.exception]
    assert any("Local indicators this load will add" in h.value for h in at.header)
    assert not any("Indicators het does not know" in h.value for h in at.header)
    assert not at.button(key="upload_commit").disabled
    # The preview's "Indicators and periods" tab names it, though the catalogue does not hold it yet.
    (touched,) = [df.value for df in at.dataframe if list(df.value.columns[:2]) == ["indicator_id", "name"]]
    assert touched.set_index("indicator_id").loc["bus_use_local", "name"] == "bus_use_local"
    assert Store(store_copy).content_checksum() == before  # defined, not written
    at = at.button(key="upload_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(store_copy) as store:
        row = store.query("indicator_catalogue").set_index("indicator_id").loc["bus_use_local"]
        values = (
            store.cursor()
            .execute("SELECT count(*) FROM current_observations WHERE indicator_id = 'bus_use_local'")
            .fetchone()[0]
        )
    assert (row["origin"], row["unit"], row["multiplier"]) == ("local", "%", 100.0)
    assert values == 2


def test_discarding_it_asks_again_and_writes_nothing(store_copy, monkeypatch, tmp_path):
    before = Store(store_copy).content_checksum()
    at = define_local(checked_upload(monkeypatch, tmp_path))
    at = at.button(key="discard_local_bus_use_local").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Indicators het does not know" in h.value for h in at.header)
    assert not any("Local indicators this load will add" in h.value for h in at.header)
    assert at.button(key="upload_commit").disabled
    assert Store(store_copy).content_checksum() == before


def test_an_id_taken_meanwhile_is_said_and_asked_again(store_copy, monkeypatch, tmp_path):
    at = define_local(checked_upload(monkeypatch, tmp_path))
    with Store(store_copy) as store:  # another analyst adds the same id before this load commits
        add_local_indicator(store, **OTHER_ANALYSTS)
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("can no longer be added" in w.value and "already an indicator" in w.value for w in at.warning)
    assert not any("Local indicators this load will add" in h.value for h in at.header)
    # The file's id is now the catalogue's: its rows are read as that indicator, nothing defined is added.
    assert not any("Indicators het does not know" in h.value for h in at.header)
    at = at.button(key="upload_commit").click().run()
    with Store(store_copy) as store:
        row = store.query("indicator_catalogue").set_index("indicator_id").loc["bus_use_local"]
    assert row["definition"] == "Another analyst's."


def test_the_load_checks_its_new_indicators_again_and_writes_nothing_on_a_clash(store_copy):
    with Store(store_copy) as store:
        parsed = read_extract(
            FILE,
            file_name="bus.csv",
            indicators=with_pending(store.query("indicator_catalogue"), [BUS]),
            areas=store.query("area_list"),
        )
        assert not parsed.problems.errors
        add_local_indicator(store, **OTHER_ANALYSTS)  # between the check and the commit
        before = store.content_checksum()
        with pytest.raises(ValueError, match="'bus_use_local' is already an indicator"):
            load_extract(store, parsed, loaded_by="analyst", source_kind="upload", new_indicators=[BUS])
        assert store.content_checksum() == before
