"""Tables and counts as people read them: labelled columns, no sort keys, rounding only where asked, plurals."""

from __future__ import annotations

import pandas as pd

from het.format import plural
from het.views.tables import people_label, people_table, rounded_columns, shown_columns


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["E1", "E2"],
            "period_label": ["2020/21", "2021/22"],
            "period_sort": [20200000, 20210000],
            "value": [12.3456, 7.0],
            "lower_ci95": [11.04, 6.55],
            "count": [1234.0, 56.0],
            "n_groups": [5, 5],
            "series": ["Luton", "England"],
            "_colour": ["a", "b"],
        }
    )


def test_labels_units_and_hidden_columns():
    table = people_table(frame(), decimals=1, unit="%")
    assert list(table.columns) == [
        "Area code",
        "Period",
        "Value (%)",
        "Lower 95% limit",
        "Count",
        "Groups",
        "Series",
    ]
    assert table["Value (%)"].tolist() == [12.3, 7.0] and table["Lower 95% limit"].tolist() == [11.0, 6.6]
    assert table["Count"].tolist() == [1234.0, 56.0]  # counts are not rounded
    assert not any("_" in c for c in table.columns)


def test_a_download_keeps_full_precision():
    assert people_table(frame(), unit="%")["Value (%)"].tolist() == [12.3456, 7.0]


def test_shown_and_rounded_columns_and_repeated_labels():
    assert "period_sort" not in shown_columns(frame()) and "_colour" not in shown_columns(frame())
    assert rounded_columns(frame()) == ["value", "lower_ci95"]
    both = pd.DataFrame({"Principle": ["Best start"], "principle_id": [1]})
    assert list(people_table(both).columns) == ["Principle", "Principle (principle id)"]
    assert people_label("some_new_column") == "Some new column"


def test_plural_agrees_and_formats_one_way():
    assert plural(1, "open item") == "1 open item"
    assert plural(0, "open item") == "0 open items"
    assert plural(21929, "row") == "21,929 rows"
    assert plural(2, "ward set", "ward sets") == "2 ward sets"
