"""Problems found while reading an extract, each naming file, sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an extract. `row` is the spreadsheet row (the header is row 1)."""

    level: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

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
        shown = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} error(s); nothing was loaded:\n{shown}{more}")
