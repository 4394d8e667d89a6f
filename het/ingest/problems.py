"""Problems found while reading an extract, each naming file, sheet, row and column.

Everything a message shows from a file (a cell, a header name, a sheet or file name) is shown through
`shown` / `quoted`: control characters (terminal escape sequences, newlines, NUL, bidirectional
overrides) escaped as Python writes them ('\\x1b', '\\n', '\\u202e') and the text cut to SHOWN_MAX
characters with an ellipsis, so a hostile or broken file cannot drive the terminal or flood the
report. Every Problem is cleaned the same way when it is made (its file, sheet, column and message),
as a safety net for a value quoted without `shown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from het.format import plural

ERROR = "error"
WARNING = "warning"

# How many characters of a value from a file a message shows (then an ellipsis).
SHOWN_MAX = 80
# A whole message is cut here (the values in it are already shortened; this only stops a runaway).
MESSAGE_MAX = 3000
ELLIPSIS = "…"
# C0 and C1 controls, DEL, line and paragraph separators, zero-width and bidirectional formatting
# characters, the byte-order mark, lone surrogates: invisible, unprintable, or able to move the cursor or
# reorder the text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ud800-\udfff\ufeff]")


def _escape(match: re.Match) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def escaped(text: str) -> str:
    """Text with its control and invisible formatting characters escaped ('\\x1b', '\\n', '\\u202e')."""
    return _UNSAFE.sub(_escape, text)


def shown(value, limit: int = SHOWN_MAX) -> str:
    """A value from a file as a message shows it: escaped, and at most `limit` characters long."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit + 1]  # escaping can only lengthen it: no need to look further
    text = escaped(text)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def quoted(value, limit: int = SHOWN_MAX) -> str:
    """shown(value) in single quotes, as messages quote a value: 'E0599999'."""
    return f"'{shown(value, limit)}'"


def _clean(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = escaped(text if isinstance(text, str) else str(text))
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an extract. `row` is the spreadsheet row (the header is row 1)."""

    level: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __post_init__(self) -> None:
        # Names and messages from a file are kept escaped and short (see the module docstring).
        object.__setattr__(self, "file", _clean(self.file, 2 * SHOWN_MAX))
        object.__setattr__(self, "message", _clean(self.message, MESSAGE_MAX))
        object.__setattr__(self, "column", _clean(self.column, SHOWN_MAX))
        object.__setattr__(self, "sheet", _clean(self.sheet, SHOWN_MAX))

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Problems:
    """The problems of one extract; errors block a load, warnings do not."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, message: str, **where) -> None:
        self.items.append(Problem(ERROR, file, message, **where))

    def warning(self, file: str, message: str, **where) -> None:
        self.items.append(Problem(WARNING, file, message, **where))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]


class ExtractRejected(ValueError):
    """An extract with errors: nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown_problems = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{plural(len(problems), 'error')}; nothing was loaded:\n{shown_problems}{more}")
