"""House rules a machine can check: references stay inside the repository, no authority in a filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "het").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_points_at_docs_methods_not_outside_the_repository(path):
    text = path.read_text(encoding="utf-8")
    for pattern in (r"METHODS\.md", r"\.\./shared/", r"/work/"):
        found = re.search(pattern, text)
        assert found is None, (
            f"{path.relative_to(ROOT)} refers to {found.group(0)!r}: point at docs/methods.md"
        )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_authority_or_ward_set_is_hard_coded(path):
    """Codes of the shipped authority, its ward sets and its change date live in data, never in code."""
    text = path.read_text(encoding="utf-8")
    for pattern in (r"E06000032", r"['\"]WD13['\"]", r"['\"]WD23['\"]", r"2023, 5, 4", r"== ['\"]Luton['\"]"):
        found = re.search(pattern, text)
        assert found is None, f"{path.relative_to(ROOT)} hard-codes {found.group(0)!r}"
