"""Ingest fixtures: a store with the reference catalogue, prepared once and copied for each test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from het.loads import reload_reference
from het.store import Store


@dataclass(frozen=True)
class Catalogue:
    indicators: pd.DataFrame
    areas: pd.DataFrame
    workstreams: pd.DataFrame


@pytest.fixture(scope="session")
def reference_store_file(tmp_path_factory) -> Path:
    """A store holding only the shipped reference data (embedded ward geography), built once."""
    path = tmp_path_factory.mktemp("reference") / "het.duckdb"
    with Store(path) as store:
        reload_reference(store)
    return path


@pytest.fixture(scope="session")
def catalogue(reference_store_file) -> Catalogue:
    copy = reference_store_file.with_name("catalogue.duckdb")
    shutil.copy(reference_store_file, copy)
    with Store(copy) as store:
        return Catalogue(
            store.query("indicator_catalogue"), store.query("area_list"), store.query("workstream_names")
        )


@pytest.fixture
def store(reference_store_file, tmp_path) -> Store:
    """A fresh copy of the reference store for one test."""
    path = tmp_path / "het.duckdb"
    shutil.copy(reference_store_file, path)
    with Store(path) as opened:
        yield opened
