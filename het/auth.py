"""Who may load and withdraw extracts: local accounts with scrypt-hashed passwords, and the sign-in mode.

Modes, in order of precedence:
- "oidc": `st.login` with an identity provider configured in .streamlit/secrets.toml ([auth]); analysts are
  the signed-in emails listed under [het] analysts.
- "accounts": local accounts exist (managed with `python -m het users add|remove|list`).
- "single analyst": no accounts and the app is served on localhost only: the one local user is the analyst.
- "disabled": no accounts and the app is served on another address: uploads are off, and the page says why.
- "misconfigured": a secrets file exists but cannot be read (single sign-on was intended): nobody signs in,
  nothing can be changed, and every page says which file is wrong. het fails closed, never open.

The single-analyst mode trusts the address het listens on: served on localhost, whoever reaches it is on
this computer. It must not sit behind a proxy (a proxy on this computer makes every remote visitor local).

Password guessing is slowed per account and per client (Throttle): after FREE_FAILURES wrong passwords in a
row, each further attempt waits twice as long as the last (up to MAX_LOCK_S), logged on the "het.auth"
logger. Unknown and known user names cost one scrypt each, so the time taken does not say which exist.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from het.store import ROOT, now_utc

DEFAULT_USERS_FILE = ROOT / "data" / "users.json"
ROLES = ("analyst", "lead", "viewer")  # a lead keeps workstreams current; an analyst also loads extracts
LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", "[::1]"}
# scrypt cost: n=2^14, r=8, p=1 (the interactive-login parameters recommended by the scrypt paper).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")

OIDC, ACCOUNTS, SINGLE_ANALYST, DISABLED = "oidc", "accounts", "single analyst", "disabled"
MISCONFIGURED = "misconfigured"
# Guessing: wrong passwords allowed in a row before the waits start, the first wait, and the longest.
FREE_FAILURES, FIRST_LOCK_S, MAX_LOCK_S = 5, 30.0, 15 * 60.0
log = logging.getLogger("het.auth")
SINGLE_ANALYST_NAME = "local analyst"


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def is_analyst(self) -> bool:
        return self.role == "analyst"

    @property
    def can_edit_workstreams(self) -> bool:
        """Leads and analysts edit actions, KPIs, targets and logic models; viewers never do."""
        return self.role in ("analyst", "lead")


def users_file() -> Path:
    """The local accounts file: HET_USERS_FILE, else data/users.json (git-ignored)."""
    return Path(os.environ.get("HET_USERS_FILE") or DEFAULT_USERS_FILE)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """An scrypt hash with its parameters and salt, as one string."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches the stored scrypt hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def read_accounts(path: Path | None = None) -> dict[str, dict]:
    path = path or users_file()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return data.get("users", {})


def _write_accounts(accounts: dict[str, dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)
    # created readable by its owner only from the first byte (never briefly world-readable)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json.dumps({"users": accounts}, indent=2, sort_keys=True))
    temporary.replace(path)  # atomic: a crash never leaves a half-written accounts file


def add_user(name: str, password: str, *, role: str = "analyst", path: Path | None = None) -> None:
    """Add a local account, or replace its password and role."""
    if not _NAME.match(name):
        raise ValueError(f"user name '{name}' must be 2 to 64 letters, digits or . _ @ -")
    if role not in ROLES:
        raise ValueError(f"role '{role}' must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ValueError("the password must be at least 10 characters")
    path = path or users_file()
    accounts = read_accounts(path)
    accounts[name] = {"role": role, "password": hash_password(password), "created_at": now_utc().isoformat()}
    _write_accounts(accounts, path)


def remove_user(name: str, *, path: Path | None = None) -> None:
    path = path or users_file()
    accounts = read_accounts(path)
    if name not in accounts:
        raise ValueError(f"no local account named '{name}'")
    del accounts[name]
    _write_accounts(accounts, path)


@functools.cache
def _timing_equaliser() -> str:
    """A stored-form hash to check unknown names against: one scrypt, as for a known name."""
    return hash_password(secrets.token_hex(16))


@dataclass
class Throttle:
    """Wrong passwords in a row per key (an account, or a client), and until when the key must wait."""

    failures: dict[str, int] = field(default_factory=dict)
    locked_until: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, keys: list[str], now: float) -> float:
        """Seconds before any of the keys may try again (0: now)."""
        with self.lock:
            return max([self.locked_until.get(k, 0.0) - now for k in keys] + [0.0])

    def failed(self, keys: list[str], now: float) -> float:
        """Record a wrong password for the keys; return the wait it sets (0 while still free)."""
        longest = 0.0
        with self.lock:
            for key in keys:
                n = self.failures.get(key, 0) + 1
                self.failures[key] = n
                if n > FREE_FAILURES:
                    wait = min(FIRST_LOCK_S * 2 ** (n - FREE_FAILURES - 1), MAX_LOCK_S)
                    self.locked_until[key] = now + wait
                    longest = max(longest, wait)
        return longest

    def succeeded(self, keys: list[str]) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)
                self.locked_until.pop(key, None)


THROTTLE = Throttle()  # one per process: every session of the app shares it


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt gave: the user, or None with the message to show."""

    user: User | None
    message: str = ""


def sign_in(
    name: str,
    password: str,
    *,
    client: str = "unknown client",
    path: Path | None = None,
    throttle: Throttle | None = None,
    clock=time.monotonic,
) -> SignIn:
    """A sign-in attempt, slowed per account and per client after repeated wrong passwords (logged)."""
    throttle = throttle or THROTTLE
    keys = [f"account:{name.strip().lower()}", f"client:{client}"]
    now = clock()
    wait = throttle.wait_s(keys, now)
    if wait > 0:
        log.warning("sign-in refused while locked: account %r from %s (%.0f s left)", name, client, wait)
        return SignIn(None, f"Too many wrong passwords: try again in {int(wait) + 1} seconds.")
    user = authenticate(name, password, path=path)
    if user is not None:
        throttle.succeeded(keys)
        log.info("signed in: %r (%s) from %s", user.name, user.role, client)
        return SignIn(user)
    locked = throttle.failed(keys, now)
    log.warning("wrong user name or password: account %r from %s", name, client)
    if locked:
        log.warning("sign-in locked for %.0f s: account %r, client %s", locked, name, client)
        return SignIn(None, f"Too many wrong passwords: try again in {int(locked)} seconds.")
    return SignIn(None, "User name or password not recognised.")


def authenticate(name: str, password: str, *, path: Path | None = None) -> User | None:
    """The user when the name and password match a local account, else None (unthrottled: see sign_in)."""
    account = read_accounts(path).get(name)
    if account is None:
        verify_password(password, _timing_equaliser())  # the same one scrypt as a known name
        return None
    return User(name, account["role"]) if verify_password(password, account["password"]) else None


def account_now(name: str, *, path: Path | None = None) -> User | None:
    """The account as it stands in the accounts file now (its current role), or None if it was removed."""
    account = read_accounts(path).get(name)
    return None if account is None else User(name, account["role"])


def is_local_address(address: str | None) -> bool:
    """True when the server listens on the loopback interface only."""
    return (address or "").strip().lower() in LOCAL_ADDRESSES


def sign_in_mode(
    *,
    oidc_configured: bool,
    accounts_exist: bool,
    server_address: str | None,
    secrets_error: str | None = None,
) -> str:
    if secrets_error:
        return MISCONFIGURED
    if oidc_configured:
        return OIDC
    if accounts_exist:
        return ACCOUNTS
    return SINGLE_ANALYST if is_local_address(server_address) else DISABLED


MODE_EXPLANATIONS = {
    MISCONFIGURED: (
        "Sign-in is switched off because the secrets file cannot be read: {error}. Nothing can be loaded or "
        "edited until it is fixed (see README, 'Who may load, who may edit'); then restart het."
    ),
    SINGLE_ANALYST: (
        "No accounts are set up and het is served on this computer only, so you are the single local analyst. "
        "Add accounts with `python -m het users add NAME` before serving het to others."
    ),
    DISABLED: (
        "Uploads are disabled: het is served on a network address and no accounts are set up. "
        "Add analyst accounts with `python -m het users add NAME`, or configure single sign-on "
        "([auth] in .streamlit/secrets.toml), then restart het."
    ),
}
