"""Local accounts (scrypt), the sign-in mode (failing closed on a bad secrets file), password guessing
slowed per account and per client, equal cost for unknown names, and an accounts file private from the start."""

from __future__ import annotations

import hashlib
import json
import os
import stat

import pytest

from het.auth import (
    ACCOUNTS,
    DISABLED,
    FIRST_LOCK_S,
    FREE_FAILURES,
    MISCONFIGURED,
    OIDC,
    SINGLE_ANALYST,
    Throttle,
    add_user,
    authenticate,
    hash_password,
    read_accounts,
    remove_user,
    sign_in,
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


class Clock:
    """A clock the test moves (the throttle's waits are minutes long)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_password_guessing_is_slowed_per_account_and_logged(tmp_path, caplog):
    path = tmp_path / "users.json"
    add_user("alice", "a-long-password", path=path)
    throttle, clock = Throttle(), Clock()

    def attempt(name, password, client="10.0.0.9"):
        return sign_in(name, password, client=client, path=path, throttle=throttle, clock=clock)

    for _ in range(FREE_FAILURES):
        assert attempt("alice", "wrong-password").message == "User name or password not recognised."
    locked = attempt("alice", "wrong-password")
    assert locked.user is None and locked.message.startswith("Too many wrong passwords: try again in 30")
    # while locked, even the right password is refused, from any client
    assert attempt("alice", "a-long-password", client="10.0.0.77").user is None
    clock.now += FIRST_LOCK_S + 1
    assert attempt("alice", "wrong-password").message.startswith("Too many wrong passwords: try again in 60")
    clock.now += 61
    assert attempt("alice", "a-long-password").user.name == "alice"  # and the count starts again
    assert attempt("alice", "wrong-password").message == "User name or password not recognised."
    assert "sign-in locked for 30 s: account 'alice', client 10.0.0.9" in caplog.text
    assert "wrong user name or password: account 'alice' from 10.0.0.9" in caplog.text


def test_one_client_guessing_many_accounts_is_slowed_too(tmp_path):
    path = tmp_path / "users.json"
    add_user("alice", "a-long-password", path=path)
    throttle, clock = Throttle(), Clock()
    for n in range(FREE_FAILURES + 1):
        last = sign_in(
            f"user{n}", "guess-guess", client="10.0.0.9", path=path, throttle=throttle, clock=clock
        )
    assert last.message.startswith("Too many wrong passwords")
    refused = sign_in(
        "alice", "a-long-password", client="10.0.0.9", path=path, throttle=throttle, clock=clock
    )
    assert refused.user is None  # that client waits, whichever account it names
    other = sign_in("alice", "a-long-password", client="10.0.0.10", path=path, throttle=throttle, clock=clock)
    assert other.user.name == "alice"  # another client, an account not itself locked


def test_unknown_and_known_names_cost_the_same_one_scrypt(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    add_user("alice", "a-long-password", path=path)
    authenticate("nobody", "x", path=path)  # the equaliser's own hash is made once, on first use
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    authenticate("alice", "wrong-password", path=path)
    known = len(calls)
    authenticate("mallory", "wrong-password", path=path)
    assert known == 1 and len(calls) - known == 1


def test_the_accounts_file_is_created_readable_by_its_owner_only(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    modes = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda p, flags, mode=0o777: modes.append((str(p), mode)) or real_open(p, flags, mode)
    )
    add_user("alice", "a-long-password", path=path)
    assert modes and all(mode == 0o600 for _, mode in modes)  # from its first byte, not chmod-ed after
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_secrets_file_fails_closed():
    assert (
        sign_in_mode(
            oidc_configured=False,
            accounts_exist=False,
            server_address="localhost",
            secrets_error="secrets.toml: bad",
        )
        == MISCONFIGURED
    )
    assert (
        sign_in_mode(
            oidc_configured=False,
            accounts_exist=True,
            server_address="0.0.0.0",
            secrets_error="secrets.toml: bad",
        )
        == MISCONFIGURED
    )
