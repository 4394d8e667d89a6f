"""The plain HTML copy of every table that only printing shows (het.ui.tables.print_copy), and the
formula screen every shown table goes through (het.format.neutralise_formulas), on text columns of both
kinds pandas gives (Arrow-backed strings and Python objects)."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd

from het.format import neutralise_formulas
from het.ui.tables import PRINT_ROWS, print_copy


class _Table(HTMLParser):
    """The header cells and body rows of the one het-print-table inside a het-print-only block."""

    def __init__(self):
        super().__init__()
        self.classes, self.header, self.body, self.cell, self.part = [], [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("div", "table"):
            self.classes.append(dict(attrs).get("class"))
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr" and self.part == "tbody":
            self.body.append([])
        elif tag in ("th", "td"):
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            (self.header if self.part == "thead" else self.body[-1]).append(self.cell)
            self.cell = None


def _rows(html: str) -> tuple[list[str], list[list[str]]]:
    parsed = _Table()
    parsed.feed(html)
    assert parsed.classes == ["het-print-only", "het-print-table"]
    return parsed.header, parsed.body


def test_print_copy_shows_the_grid_columns_labels_and_formats_with_cells_escaped():
    frame = pd.DataFrame(
        {
            "ward": pd.array(["<b>Biscot</b>", "Dallow & Farley"], dtype="str"),
            "value": [12.345, None],
            "count": [1234, 5],
            "secret": ["x", "y"],
            "when": [pd.Timestamp("2024-03-31"), pd.NaT],
        },
        index=["a", "b"],
    )
    config = {
        "value": {"label": "Value (%)", "type_config": {"format": "%.1f%%"}},
        "secret": {"hidden": True},
        "count": "People",
    }
    html = print_copy(frame, index=False, column_config=config)
    assert "<b>" not in html and "&lt;b&gt;Biscot&lt;/b&gt;" in html
    header, body = _rows(html)
    assert header == ["ward", "Value (%)", "People", "when"]
    assert body == [
        ["<b>Biscot</b>", "12.3%", "1,234", "2024-03-31 00:00:00"],
        ["Dallow & Farley", "", "5", ""],
    ]
    header, body = _rows(print_copy(frame, index=True, column_order=["count", "ward"]))
    assert header == ["", "count", "ward"]
    assert body == [["a", "1,234", "<b>Biscot</b>"], ["b", "5", "Dallow & Farley"]]


def test_print_copy_holds_the_first_rows_and_says_how_many_there_are():
    frame = pd.DataFrame({"n": range(PRINT_ROWS + 7)})
    html = print_copy(frame, index=False)
    assert len(_rows(html)[1]) == PRINT_ROWS
    assert f"The first {PRINT_ROWS:,} of {PRINT_ROWS + 7:,} rows" in html
    assert "The first" not in print_copy(frame.head(3), index=False)


def test_formulas_are_made_inert_in_arrow_and_object_text_columns_alike():
    cells = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2", "+5.3 years", "@SUM(A1)", "plain", None]
    inert = ['\'=HYPERLINK("http://x")', "'+cmd|' /C calc'!A0", "-2", "+5.3 years", "'@SUM(A1)", "plain"]
    frame = pd.DataFrame(
        {
            "arrow": pd.array(cells, dtype="str"),
            "objects": pd.Series([*cells[:-1], 7], dtype=object),
            "numbers": range(len(cells)),
        }
    )
    out = neutralise_formulas(frame)
    assert out["arrow"].tolist()[:-1] == inert and pd.isna(out["arrow"].iloc[-1])
    assert out["objects"].tolist() == [*inert, 7]
    assert out["numbers"].tolist() == list(range(len(cells)))
    assert frame["arrow"].iloc[0].startswith("=")  # the frame shown is a copy: the cached one is untouched
    clean = pd.DataFrame({"name": pd.array(["Biscot", "South"], dtype="str")})
    pd.testing.assert_frame_equal(neutralise_formulas(clean), clean)
