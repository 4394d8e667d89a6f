"""Shared fixtures: one demo store built once per session through the real first-start path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from het.loads import prepare_store
from het.store import ROOT, Store


def shared_geography_dir() -> Path | None:
    """The real geography pack: HET_GEOGRAPHY_DIR, else ../shared/data beside the checkout."""
    candidate = Path(os.environ.get("HET_GEOGRAPHY_DIR") or ROOT.parent / "shared" / "data")
    return candidate.resolve() if (candidate / "geography.toml").is_file() else None


@pytest.fixture(scope="session")
def geography_dir() -> Path:
    found = shared_geography_dir()
    if found is None:
        pytest.skip("shared geography pack not found: set HET_GEOGRAPHY_DIR to a folder like ../shared/data")
    return found


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory) -> Path:
    """A store prepared as the app prepares it on first start (real geography when available)."""
    path = tmp_path_factory.mktemp("store") / "het.duckdb"
    with Store(path) as store:
        prepare_store(store, geography_dir=shared_geography_dir())
    return path


@pytest.fixture(scope="session")
def demo_store(demo_store_path) -> Store:
    store = Store(demo_store_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def app_env(demo_store_path):
    """Point the app (run in-process by AppTest) at the session's demo store."""
    previous = os.environ.get("HET_DB")
    os.environ["HET_DB"] = str(demo_store_path)
    yield demo_store_path
    if previous is None:
        os.environ.pop("HET_DB", None)
    else:
        os.environ["HET_DB"] = previous
