"""Who sees the load and withdraw controls: signed out, signed in, single local analyst, disabled, a demoted
or removed analyst in an open session, and a malformed secrets file (fails closed)."""

from __future__ import annotations

from streamlit import config
from streamlit.testing.v1 import AppTest

from het.auth import add_user, remove_user
from het.store import ROOT

APP = str(ROOT / "app.py")


def data_and_methods() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.switch_page("pages/data_and_methods.py").run()


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.sidebar.text_input(key="sign_in_name").input(name)
    at.sidebar.text_input(key="sign_in_password").input(password)
    at.sidebar.button[0].click()  # the form's submit button
    return at.run()


def has_withdraw(at: AppTest) -> bool:
    return any(b.key == "withdraw_button" for b in at.button)


def test_signed_out_users_never_see_withdraw(store_copy, accounts):
    at = data_and_methods()
    assert not at.exception
    assert not has_withdraw(at)
    assert any(b.label.startswith("Download the original file") for b in at.get("download_button"))


def test_wrong_password_is_refused(store_copy, accounts):
    at = sign_in(data_and_methods(), "alice", "not-her-password")
    assert any("not recognised" in e.value for e in at.sidebar.error)
    assert not has_withdraw(at)


def test_viewer_cannot_withdraw(store_copy, accounts):
    at = sign_in(data_and_methods(), "victor", "a-long-password")
    assert any("victor" in c.value for c in at.sidebar.caption)
    assert not has_withdraw(at)


def test_analyst_withdraws_the_demo_and_the_banner_goes(store_copy, accounts):
    at = sign_in(data_and_methods(), "alice", "a-long-password")
    assert has_withdraw(at)
    at.checkbox(key="withdraw_confirm").check().run()
    at.text_input(key="withdraw_note").input("real data loaded").run()
    at.button(key="withdraw_button").click().run()
    assert not at.exception
    assert any("withdrawn" in s.value for s in at.success)
    assert not any("Demonstration data" in w.value for w in at.warning)
    register = at.dataframe[1].value
    row = register[register["Loaded via"] == "demo"].iloc[0]
    assert row["Status"] == "withdrawn" and row["Withdrawn by"] == "alice"


def test_no_accounts_on_a_network_address_disables_loading(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))
    previous = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = data_and_methods()
    finally:
        config.set_option("server.address", previous)
    assert any("Viewing only" in c.value for c in at.sidebar.caption)
    assert not has_withdraw(at)


def test_no_accounts_on_localhost_runs_as_the_single_analyst(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))
    at = data_and_methods()
    assert any("local analyst" in c.value for c in at.sidebar.caption)
    assert has_withdraw(at)
    assert at.button(key="withdraw_button").disabled  # until the analyst ticks the confirmation


def test_a_demoted_analyst_loses_withdraw_in_the_open_session(store_copy, accounts):
    at = sign_in(data_and_methods(), "alice", "a-long-password")
    assert has_withdraw(at)
    add_user("alice", "a-long-password", role="viewer", path=accounts)  # demoted while signed in
    at.run()
    assert not has_withdraw(at)
    assert any("**alice** (viewer)" in c.value for c in at.sidebar.caption)
    remove_user("alice", path=accounts)  # and then removed: signed out
    at.run()
    assert not has_withdraw(at)
    assert not any("alice" in c.value for c in at.sidebar.caption)


def test_a_malformed_secrets_file_fails_closed_and_says_which_file(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))  # would be the single local analyst
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback\n', encoding="utf-8")
    previous = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(secrets)])
    try:
        at = data_and_methods()
    finally:
        config.set_option("secrets.files", previous)
    assert not at.exception, [e.value for e in at.exception]
    assert not has_withdraw(at)
    assert any(
        "Sign-in is off" in e.value and str(secrets) in e.value and "cannot be read" in e.value
        for e in at.sidebar.error
    )
