"""Numbers as the indicator's metadata says to show them: units and decimal places."""

from __future__ import annotations

import math
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def format_value(value: float | None, *, unit: str, decimals: int) -> str:
    """'62.3%', '82.4 per 100,000', '78.1 years'; an em dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    number = f"{value:,.{int(decimals)}f}"
    if unit == "%":
        return f"{number}%"
    if unit in {"", "number", "score", "ratio"}:
        return number
    return f"{number} {unit}"


def format_interval(lower: float | None, upper: float | None, *, decimals: int) -> str:
    """'75.2 to 77.9'; an em dash when either limit is missing."""
    if lower is None or upper is None or pd.isna(lower) or pd.isna(upper):
        return "–"
    return f"{lower:,.{int(decimals)}f} to {upper:,.{int(decimals)}f}"


# Markdown's special characters (and ':' for links, '$' for formulas, '.' for lists): escaped in text from data.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&])")


_BARE_LINK = re.compile(r"(?i)(://|\bwww(?=\.))")


def md_text(value, *, limit: int = 200) -> str:
    """Text from data (a file name, an indicator or KPI name, a message quoting a file) made safe to put in
    Markdown: every character Markdown gives a meaning is escaped, so `![t](http://x/y.png)` shows as those
    characters and loads nothing, and a URL is not a live link; new lines become spaces; long text is
    shortened."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    # GitHub-style Markdown links bare URLs even when their punctuation is escaped: a zero-width space
    # after "://" and "www" keeps them as text (it shows nothing).
    text = _BARE_LINK.sub(lambda m: m.group(0) + "\u200b", text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def md_code(value, *, limit: int = 80) -> str:
    """Text from data (an indicator key, a column name) as a Markdown code span: shown literally, never a
    link or an image, with no escapes to show (md_text's backslashes would appear inside a span); new lines
    become spaces, long text is shortened, and the fence is longer than any run of backticks in it."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


FORMULA_PREFIXES = ("=", "+", "-", "@")


# A signed number het writes itself, with its unit: "+5.3 years", "-1.2 pp", "+3.0% (95% CI 1.0 to 5.0)".
_SIGNED_VALUE = re.compile(r"^[+-]\s?\d[\d,]*(\.\d+)?(\s?[%A-Za-z][%A-Za-z ,/().0-9]*)?$")


def is_risky_cell(value: object) -> bool:
    """A text cell a spreadsheet would run as a formula: starts with = + - or @ and is not a number (or, for
    + and -, a signed number with its unit, which no spreadsheet runs: '+5.3 years')."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(value.replace(",", ""))
    except ValueError:
        return not (value[0] in "+-" and _SIGNED_VALUE.match(value))
    return False


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run (= + - @, not numbers) get a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            risky = _risky_cells(out[col])
            if risky.any():
                out[col] = out[col].astype(object).where(~risky, "'" + out[col].astype(str))
    return out


def _risky_cells(column: pd.Series) -> pd.Series:
    """is_risky_cell of every cell. An Arrow text column (pandas' own) is screened for the four first
    characters in one Arrow pass (every table of every page view goes through here: a tenth of the cost of
    pandas' string methods), and only the cells that start with one are judged one by one; other text
    columns (Python objects) are judged cell by cell."""
    if not isinstance(column.array, pd.arrays.ArrowStringArray):
        return column.map(is_risky_cell).astype(bool)
    starts = pc.fill_null(pc.match_substring_regex(pa.array(column.array), _FORMULA_START), False)
    risky = pd.Series(starts.to_numpy(zero_copy_only=False), index=column.index)
    if risky.any():
        risky[risky] = column[risky].map(is_risky_cell).astype(bool)
    return risky


_FORMULA_START = "^[" + "".join("\\" + prefix for prefix in FORMULA_PREFIXES) + "]"


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV for download, with formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 open item', '3 open items', '21,929 rows': the count formatted one way, the noun agreeing with it."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"
