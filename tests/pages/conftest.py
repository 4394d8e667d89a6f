"""Fixtures for page tests that change the store or the accounts."""

from __future__ import annotations

import pytest

from het.auth import add_user


@pytest.fixture
def store_copy(demo_store_path, tmp_path, monkeypatch):
    """A private copy of the demo store, so withdrawing here leaves the session's store alone."""
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    monkeypatch.setenv("HET_DB", str(copy))
    return copy


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    add_user("alice", "a-long-password", path=path)
    add_user("victor", "a-long-password", role="viewer", path=path)
    monkeypatch.setenv("HET_USERS_FILE", str(path))
    return path
