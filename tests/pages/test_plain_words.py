"""Plain words everywhere: every page (and every breakdown of the Indicator page), rendered by AppTest, shows
no "None" or "nan", no snake_case column header, no repository file name and no server path."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from app_pages import open_link
from streamlit.testing.v1 import AppTest

from het.ui.nav import PAGES
from het.views import indicator as indicator_view
from tests.conftest import shared_geography_dir

NONE_OR_NAN = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|<NA>")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
REPOSITORY_FILE = re.compile(
    r"\b(?:het|queries|data|docs|tests|pages|bench)/[\w./-]+|\b[\w-]+\.(?:py|sql|toml)\b|\bdocs/methods\.md\b"
)
SERVER_PATH = re.compile(r"(?<![\w.])/(?:tmp|home|work|usr|root|var|opt|srv)/")


def _pack_file_names() -> re.Pattern | None:
    """The geography pack's file names (every path its manifest lists), which no page should cite."""
    folder = shared_geography_dir()
    if folder is None:
        return None
    manifest = tomllib.loads((folder / "geography.toml").read_text(encoding="utf-8"))
    names: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str) and re.search(r"\.(?:csv|geojson|json|xlsx|gpkg|shp)$", value):
            names.add(Path(value).name)

    collect(manifest)
    return re.compile("|".join(re.escape(name) for name in sorted(names))) if names else None


PACK_FILE = _pack_file_names()


def shown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) for every text a person sees: element values, labels, options, help, table headers."""
    found: list[tuple[str, str]] = []

    def add(where: str, value) -> None:
        if isinstance(value, str) and value:
            found.append((where, value))

    def walk(node) -> None:
        kind = type(node).__name__
        for name in ("value", "label", "body", "help", "placeholder"):
            try:
                value = getattr(node, name, None)
            except Exception:  # some elements compute values lazily from state
                continue
            if name == "value" and kind in ("Dataframe", "Table"):
                frame = value
                config = json.loads(node.proto.columns or "{}") if kind == "Dataframe" else {}
                order = list(node.proto.column_order) if kind == "Dataframe" else []
                shown = [
                    c
                    for c in frame.columns
                    if (not order or c in order) and not (config.get(str(c)) or {}).get("hidden")
                ]
                for column in shown:
                    header = (config.get(str(column)) or {}).get("label") or str(column)
                    found.append((f"{kind} header", header))
                    if SNAKE_CASE.match(header):
                        found.append((f"{kind} snake_case header", f"SNAKE:{header}"))
                for column in shown:
                    if frame[column].dtype == object:
                        for cell in frame[column].dropna().astype(str).unique()[:200]:
                            found.append((f"{kind} cell", cell))
                continue
            add(f"{kind}.{name}", value)
        for option in getattr(node, "options", None) or []:
            add(f"{kind} option", str(option))
        children = getattr(node, "children", None)
        for child in children.values() if isinstance(children, dict) else []:
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return found


def problems(at: AppTest) -> list[str]:
    out = []
    for where, text in shown_texts(at):
        if text.startswith("SNAKE:"):
            out.append(f"{where}: {text[6:]}")
        elif NONE_OR_NAN.search(text):
            out.append(f"{where}: None/nan in {text[:120]!r}")
        elif REPOSITORY_FILE.search(text):
            out.append(f"{where}: repository file in {text[:160]!r}")
        elif SERVER_PATH.search(text):
            out.append(f"{where}: server path in {text[:160]!r}")
        elif PACK_FILE is not None and PACK_FILE.search(text):
            out.append(f"{where}: geography pack file name in {text[:160]!r}")
    return sorted(set(out))


@pytest.mark.parametrize("page", [spec.path for spec in PAGES])
def test_every_page_speaks_plainly(app_env, page):
    assert problems(open_link(page)) == []


@pytest.mark.parametrize("breakdown", indicator_view.BREAKDOWN_VIEWS)
def test_every_indicator_breakdown_speaks_plainly(app_env, breakdown):
    at = open_link("pages/indicator.py", indicator="child_absolute_low_income", breakdown=breakdown)
    assert problems(at) == []
