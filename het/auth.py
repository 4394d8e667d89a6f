"""Who may load and withdraw extracts: local accounts with scrypt-hashed passwords, and the sign-in mode.

Modes, in order of precedence:
- "oidc": `st.login` with an identity provider configured in .streamlit/secrets.toml ([auth]); analysts are
  the signed-in emails listed under [het] analysts.
- "accounts": local accounts exist (managed with `python -m het users add|remove|list`).
- "single analyst": no accounts and the app is served on localhost only: the one local user is the analyst.
- "disabled": no accounts and the app is served on another address: uploads are off, and the page says why.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from het.store import ROOT, now_utc

DEFAULT_USERS_FILE = ROOT / "data" / "users.json"
ROLES = ("analyst", "lead", "viewer")  # a lead keeps workstreams current; an analyst also loads extracts
LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", "[::1]"}
# scrypt cost: n=2^14, r=8, p=1 (the interactive-login parameters recommended by the scrypt paper).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")

OIDC, ACCOUNTS, SINGLE_ANALYST, DISABLED = "oidc", "accounts", "single analyst", "disabled"
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
    temporary.write_text(json.dumps({"users": accounts}, indent=2, sort_keys=True), encoding="utf-8")
    os.chmod(temporary, 0o600)
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


def authenticate(name: str, password: str, *, path: Path | None = None) -> User | None:
    """The user when the name and password match a local account, else None."""
    account = read_accounts(path).get(name)
    if account is None:
        verify_password(password, hash_password("timing-equaliser"))  # same cost for unknown names
        return None
    return User(name, account["role"]) if verify_password(password, account["password"]) else None


def is_local_address(address: str | None) -> bool:
    """True when the server listens on the loopback interface only."""
    return (address or "").strip().lower() in LOCAL_ADDRESSES


def sign_in_mode(*, oidc_configured: bool, accounts_exist: bool, server_address: str | None) -> str:
    if oidc_configured:
        return OIDC
    if accounts_exist:
        return ACCOUNTS
    return SINGLE_ANALYST if is_local_address(server_address) else DISABLED


MODE_EXPLANATIONS = {
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
