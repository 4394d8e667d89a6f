"""Local accounts (scrypt) and the sign-in mode."""

from __future__ import annotations

import hashlib
import json

import pytest

from het.auth import (
    ACCOUNTS,
    DISABLED,
    OIDC,
    SINGLE_ANALYST,
    add_user,
    authenticate,
    hash_password,
    read_accounts,
    remove_user,
    sign_in_mode,
    verify_password,
)
from het.cli import main


def test_scrypt_hash_round_trip_and_format():
    stored = hash_password("correct horse battery", salt=b"0123456789abcdef")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    # Independent check with hashlib directly.
    import base64

    expected = hashlib.scrypt(b"correct horse battery", salt=b"0123456789abcdef", n=16384, r=8, p=1, dklen=32)
    assert base64.b64decode(digest) == expected
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterx", stored)
    assert not verify_password("anything", "md5$abc")


def test_accounts_file_never_holds_plain_passwords(tmp_path):
    path = tmp_path / "users.json"
    add_user("alice", "a-long-password", path=path)
    text = path.read_text()
    assert "a-long-password" not in text
    assert json.loads(text)["users"]["alice"]["role"] == "analyst"
    assert authenticate("alice", "a-long-password", path=path).is_analyst
    assert authenticate("alice", "wrong-password", path=path) is None
    assert authenticate("mallory", "a-long-password", path=path) is None
    remove_user("alice", path=path)
    assert read_accounts(path) == {}


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("a", "a-long-password", "analyst", "user name 'a' must be 2 to 64"),
        ("bob", "short", "analyst", "at least 10 characters"),
        ("bob", "a-long-password", "admin", "role 'admin' must be one of analyst, lead, viewer"),
    ],
)
def test_account_errors(tmp_path, name, password, role, message):
    with pytest.raises(ValueError, match=message):
        add_user(name, password, role=role, path=tmp_path / "users.json")


def test_removing_an_unknown_account_says_so(tmp_path):
    with pytest.raises(ValueError, match="no local account named 'ghost'"):
        remove_user("ghost", path=tmp_path / "users.json")


@pytest.mark.parametrize(
    ("oidc", "accounts", "address", "mode"),
    [
        (True, True, "0.0.0.0", OIDC),
        (False, True, "0.0.0.0", ACCOUNTS),
        (False, False, "localhost", SINGLE_ANALYST),
        (False, False, "127.0.0.1", SINGLE_ANALYST),
        (False, False, "0.0.0.0", DISABLED),
        (False, False, "", DISABLED),  # Streamlit's default listens on every interface
    ],
)
def test_sign_in_mode(oidc, accounts, address, mode):
    assert sign_in_mode(oidc_configured=oidc, accounts_exist=accounts, server_address=address) == mode


def test_cli_users_add_list_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a-long-password\n"))
    assert main(["users", "add", "carol", "--password-stdin"]) == 0
    assert main(["users", "list"]) == 0
    assert "carol" in capsys.readouterr().out
    assert main(["users", "remove", "carol"]) == 0
    assert main(["users", "remove", "carol"]) == 1
    assert "no local account named 'carol'" in capsys.readouterr().err
