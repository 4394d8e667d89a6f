"""Test data shared by page and browser tests: a local indicator with one Luton value, loaded through the
same path as an analyst's upload (add_local_indicator, then a het tidy extract committed by het.loads)."""

from __future__ import annotations

from het.ingest import read_extract
from het.loads import add_local_indicator, load_extract

TIDY_HEADER = "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"


def load_local_value(store, *, name: str, definition: str, file_name: str, encoding: str = "utf-8") -> dict:
    """Catalogue a local indicator (principle 6, a proportion) and load one 2024 Luton value for it from a
    file called `file_name`, written in `encoding`; returns the indicator's catalogue row."""
    row = add_local_indicator(
        store,
        name=name,
        principle_id=6,
        unit="%",
        value_type="proportion",
        polarity="low is good",
        definition=definition,
    )
    content = (
        TIDY_HEADER + f"{row['indicator_id']},E06000032,2024,Persons,All ages,total,,12.0,10.5,13.5\n"
    ).encode(encoding)
    parsed = read_extract(
        content,
        file_name=file_name,
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
    )
    assert not parsed.problems.errors, [str(p) for p in parsed.problems.errors]
    load_extract(store, parsed, loaded_by="test", source_kind="cli")
    return row
