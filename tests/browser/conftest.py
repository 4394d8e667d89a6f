"""Real het servers (one on a fresh temporary store, one with local accounts on a copy of the demo store),
and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from het.auth import add_user
from het.store import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@dataclasses.dataclass(frozen=True)
class AccountsServer:
    """A het server with local accounts: its URL, and the names and (shared) password of its accounts."""

    url: str
    lead: str = "lena"
    viewer: str = "victor"
    password: str = "a-long-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed: apt-get install -y chromium (CI installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@contextmanager
def _serving(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """`python -m het serve` (the README's start: `streamlit run app.py` with deep links opening cleanly) on a
    free port of 127.0.0.1 with these environment variables; yields its URL once it answers its health
    check, and stops it afterwards."""
    port = _free_port()
    log = (log_dir / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "het",
            "serve",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"het server did not become healthy on {url}; see {log.name}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app on a new, empty store: the first request builds it like a fresh install."""
    store = tmp_path_factory.mktemp("browser-store") / "het.duckdb"
    # No accounts and served on 127.0.0.1 only: the browser is the single local analyst.
    env = {"HET_DB": str(store), "HET_USERS_FILE": str(store.parent / "no-accounts.json")}
    with _serving(env, tmp_path_factory.mktemp("server-log")) as url:
        yield url


@pytest.fixture(scope="session")
def accounts_server(tmp_path_factory, demo_store_path):
    """The app with local accounts, on its own copy of the demo store and its own port.

    The users file holds a workstream lead and a viewer; with accounts the browser starts signed out and
    signs in through the sidebar's sign-in form. Yields an AccountsServer (its URL and the accounts).
    """
    folder = tmp_path_factory.mktemp("accounts-store")
    store = folder / "het.duckdb"
    shutil.copyfile(demo_store_path, store)  # edits here leave the session's demo store alone
    users = folder / "users.json"
    accounts = AccountsServer(url="")
    add_user(accounts.lead, accounts.password, role="lead", path=users)
    add_user(accounts.viewer, accounts.password, role="viewer", path=users)
    env = {"HET_DB": str(store), "HET_USERS_FILE": str(users)}
    with _serving(env, tmp_path_factory.mktemp("accounts-server-log")) as url:
        yield dataclasses.replace(accounts, url=url)


@pytest.fixture
def fresh_server(tmp_path, demo_store_path):
    """A server started for this test alone, on its own copy of the demo store: nothing has visited it."""
    store = tmp_path / "het.duckdb"
    shutil.copyfile(demo_store_path, store)
    env = {"HET_DB": str(store), "HET_USERS_FILE": str(tmp_path / "no-accounts.json")}
    with _serving(env, tmp_path) as url:
        yield url


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
