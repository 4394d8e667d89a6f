"""Whether a workstream KPI is on track for its target: the latest value against the straight line from
baseline to target (docs/methods.md, "Workstream KPIs: on track or not").

Times are decimal years: the start year of the period (2023.0 for 2023 or 2023/24); `period_time` turns
Fingertips' period_sort codes (start year x 10,000) into them. With s = +1 when high is good and -1 when
low is good, "at least as good as x" means s (value - x) >= 0, and the verdict is the first that applies:
1. no latest value -> 'no data';
2. no target value -> 'no target';
3. polarity 'no judgement', or none recorded -> 'not judged' (on or off track needs a direction);
4. latest at least as good as the target -> 'target met', whatever the periods (also after the target
   period);
5. no target period -> 'no target' (a target with no date gives no line to judge against);
6. latest period at or after the target period -> 'off track' (the time is up and the target is not met);
7. no baseline value or no baseline period -> 'no baseline to judge progress';
8. expected = baseline + (target - baseline) (t_latest - t_baseline) / (t_target - t_baseline);
   'on track' when the latest is at least as good as expected (exactly on the line is on track),
   otherwise 'off track'.
expected is the line's value at the latest period (the target itself from the target period on), NaN
where there is no line; ahead_by = s (latest - expected), positive when ahead of the line, NaN unless
the verdict is target met, on track or off track. reason says it in a sentence for people, with the
values and periods it was judged on. Comparisons allow a relative 1e-9 for rounding in the
arithmetic, so a value exactly on the line or at the target is never judged short of it.
A target period not after the baseline period, or a latest period before the baseline period, raises
ValueError: such a KPI has no line from baseline to target.
This is het's own rule for the workstreams' local targets (Fingertips judges no targets of this kind);
the line from baseline to target is the usual "trajectory" of a target plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.stats.benchmark import normalise_polarity
from het.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT, POLARITIES

TARGET_MET = "target met"
ON_TRACK = "on track"
OFF_TRACK = "off track"
NO_TRAJECTORY = "no baseline to judge progress"
NOT_JUDGED = "not judged"
NO_TARGET = "no target"
NO_DATA = "no data"
# Display order: judged verdicts best to worst, then the reasons a KPI could not be judged.
VERDICTS = (TARGET_MET, ON_TRACK, OFF_TRACK, NO_TRAJECTORY, NOT_JUDGED, NO_TARGET, NO_DATA)
JUDGED = (TARGET_MET, ON_TRACK, OFF_TRACK)
# A text symbol for each verdict, printed beside any colour so that colour never carries it alone.
SYMBOLS: dict[str, str] = {
    TARGET_MET: "✓✓",
    ON_TRACK: "✓",
    OFF_TRACK: "✗",
    NO_TRAJECTORY: "?",
    NOT_JUDGED: "↕",
    NO_TARGET: "○",
    NO_DATA: "–",
}

FRAME_COLUMNS = ("baseline", "baseline_time", "latest", "latest_time", "target", "target_time", "polarity")
LABEL_COLUMNS = ("baseline_period", "latest_period", "target_period")
RELATIVE_TOLERANCE = 1e-9
# Fingertips' period_sort codes are the start year x 10,000; anything from this size up is read as a code.
_SMALLEST_CODE = 1_000_000


@dataclass(frozen=True)
class KpiVerdict:
    """A KPI's verdict, the value expected at its latest period, how far ahead of that it is, and why.

    expected and ahead_by are NaN where they do not exist (see the module docstring); reason is a
    sentence for people.
    """

    verdict: str
    expected: float
    ahead_by: float
    reason: str


def period_time(period_sort):
    """The time (decimal year) of a Fingertips period_sort code: 20230000 -> 2023.0 (2023 or 2023/24).

    A plain year (2023) stays as it is; a missing code gives NaN. A scalar in gives a float out, an
    array or Series a float array. A code that is not a start year x 10,000 raises ValueError.
    """
    values = np.atleast_1d(np.asarray(period_sort, dtype=object))
    try:
        codes = _as_float(values, "period_sort", "period_time", lambda row: "")
    except ValueError:
        raise ValueError(
            f"period_time: period_sort must be a number such as 20230000; got {period_sort!r}"
        ) from None
    is_code = codes >= _SMALLEST_CODE
    uneven = np.flatnonzero(is_code & (np.mod(codes, 10_000) != 0))
    if len(uneven):
        raise ValueError(
            f"period_time: period_sort code {codes[uneven[0]]:.0f} is not a start year x 10,000 "
            "(e.g. 20230000 for 2023)"
        )
    times = np.where(is_code, codes / 10_000, codes)
    return float(times[0]) if np.ndim(period_sort) == 0 else times


def kpi_verdict(
    latest,
    *,
    latest_time,
    target,
    target_time,
    polarity,
    baseline=None,
    baseline_time=None,
    unit: str = "",
    decimals: int = 1,
    baseline_period: str | None = None,
    latest_period: str | None = None,
    target_period: str | None = None,
) -> KpiVerdict:
    """Whether one KPI is on track for its target (the rule in the module docstring and docs/methods.md).

    Values are in the KPI's unit; times are decimal years (period_time turns period_sort codes into
    them). polarity: any spelling benchmark.normalise_polarity accepts, or None when not recorded.
    unit and decimals set how the reason prints values ('62.0%'); baseline_period, latest_period and
    target_period are the periods' labels for the reason ('2023/24'), which otherwise prints the times.
    """
    result = _verdicts(
        {
            "baseline": [baseline],
            "baseline_time": [baseline_time],
            "latest": [latest],
            "latest_time": [latest_time],
            "target": [target],
            "target_time": [target_time],
            "polarity": [polarity],
            "unit": [unit],
            "decimals": [decimals],
            "baseline_period": [baseline_period],
            "latest_period": [latest_period],
            "target_period": [target_period],
        },
        caller="kpi_verdict",
        where=lambda row: "",
    )
    return KpiVerdict(
        verdict=str(result["verdict"][0]),
        expected=float(result["expected"][0]),
        ahead_by=float(result["ahead_by"][0]),
        reason=str(result["reason"][0]),
    )


def kpi_verdicts(frame: pd.DataFrame) -> pd.DataFrame:
    """kpi_verdict for every row of a frame: the frame with verdict, expected, ahead_by and reason added.

    frame: baseline, baseline_time, latest, latest_time, target, target_time, polarity; optionally unit
    and decimals (per row; '' and 1 when absent or missing) and the period labels baseline_period,
    latest_period and target_period. Errors name the row by position (and its kpi_id when the frame
    has one).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"kpi_verdicts needs a pandas DataFrame; got {type(frame).__name__}")
    absent = [column for column in FRAME_COLUMNS if column not in frame.columns]
    if absent:
        raise ValueError(
            f"kpi_verdicts: frame has no column {', '.join(map(repr, absent))}; it has {list(frame.columns)}"
        )
    n = len(frame)
    columns = {column: frame[column].to_numpy(dtype=object) for column in FRAME_COLUMNS}
    for column, default in (("unit", ""), ("decimals", 1), *((label, None) for label in LABEL_COLUMNS)):
        columns[column] = frame[column].to_numpy(dtype=object) if column in frame.columns else [default] * n
    ids = frame["kpi_id"].to_numpy(dtype=object) if "kpi_id" in frame.columns else None

    def where(row: int) -> str:
        return f" in row {row}" + (f" (kpi_id {ids[row]!r})" if ids is not None else "")

    result = _verdicts(columns, caller="kpi_verdicts", where=where)
    out = frame.copy()
    for column in ("verdict", "expected", "ahead_by", "reason"):
        out[column] = result[column]
    return out


def kpi_verdict_text(verdict: str) -> str:
    """'✓ on track': a KPI verdict with its symbol in front."""
    if verdict not in SYMBOLS:
        raise ValueError(f"unknown KPI verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
    return f"{SYMBOLS[verdict]} {verdict}"


def _verdicts(columns: dict, *, caller: str, where) -> dict[str, np.ndarray]:
    """The rule over arrays: verdict, expected, ahead_by and reason for each row."""
    numbers = {
        name: _as_float(columns[name], name, caller, where) for name in FRAME_COLUMNS if name != "polarity"
    }
    b, t0 = numbers["baseline"], numbers["baseline_time"]
    y, t = numbers["latest"], numbers["latest_time"]
    goal, t1 = numbers["target"], numbers["target_time"]
    _check_times(b, t0, y, t, t1, caller=caller, where=where)
    decimals = [_decimals(value, caller, where, row) for row, value in enumerate(columns["decimals"])]
    sign, unrecorded = _signs(columns["polarity"], caller=caller, where=where)

    has = {name: ~np.isnan(values) for name, values in numbers.items()}
    line = has["baseline"] & has["baseline_time"]
    with np.errstate(invalid="ignore", divide="ignore"):
        on_line = b + (goal - b) * (t - t0) / (t1 - t0)
        past = t >= t1
        expected = np.where(past, goal, np.where(line, on_line, np.nan))
        met = _at_least(sign * (y - goal), y, goal)
        on_or_ahead = _at_least(sign * (y - expected), y, expected)

    # Assigned from the last rule to the first, so the first rule that applies wins.
    verdict = np.where(on_or_ahead, ON_TRACK, OFF_TRACK).astype(object)
    verdict[~past & ~line] = NO_TRAJECTORY
    verdict[past] = OFF_TRACK
    verdict[~has["target_time"]] = NO_TARGET
    verdict[met] = TARGET_MET
    verdict[sign == 0] = NOT_JUDGED
    verdict[~has["target"]] = NO_TARGET
    verdict[~has["latest"]] = NO_DATA

    expected = np.where(np.isin(verdict, (NO_DATA, NO_TARGET, NO_TRAJECTORY)), np.nan, expected)
    judged = np.isin(verdict, JUDGED)
    ahead_by = np.where(judged & ~np.isnan(expected), sign * (y - expected), np.nan)

    reasons = np.empty(len(verdict), dtype=object)
    for row in range(len(verdict)):
        unit = columns["unit"][row]
        number = _number_format(unit if isinstance(unit, str) else "", decimals[row])
        reasons[row] = _reason(
            verdict[row],
            number=number,
            baseline=(b[row], _when(t0[row], columns["baseline_period"][row])),
            latest=(y[row], _when(t[row], columns["latest_period"][row])),
            target=(goal[row], _when(t1[row], columns["target_period"][row])),
            expected=expected[row],
            past=bool(past[row]),
            unrecorded=bool(unrecorded[row]),
        )
    return {"verdict": verdict, "expected": expected, "ahead_by": ahead_by, "reason": reasons}


def _at_least(difference: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """difference >= 0, allowing RELATIVE_TOLERANCE of the larger of the two values (and of 1)."""
    scale = np.maximum(1.0, np.maximum(np.abs(first), np.abs(second)))
    return difference >= -RELATIVE_TOLERANCE * scale


def _check_times(b, t0, y, t, t1, *, caller: str, where) -> None:
    """Raise ValueError for periods no line from baseline to target can use, naming the first row."""
    with np.errstate(invalid="ignore"):
        problems = [
            (t1 <= t0, lambda r: f"target_time {_plain(t1[r])} is not after baseline_time {_plain(t0[r])}"),
            (t < t0, lambda r: f"latest_time {_plain(t[r])} is before baseline_time {_plain(t0[r])}"),
            (
                ~np.isnan(y) & np.isnan(t),
                lambda r: f"latest_time is missing for the latest value {_plain(y[r])}",
            ),
        ]
    for mask, message in problems:
        rows = np.flatnonzero(mask)
        if len(rows):
            raise ValueError(f"{caller}: {message(rows[0])}{where(int(rows[0]))}")


def _signs(polarities, *, caller: str, where) -> tuple[np.ndarray, np.ndarray]:
    """Per row +1 (high is good), -1 (low is good) or 0 (no judgement, none recorded); and which had none."""
    raw = np.asarray(polarities, dtype=object)
    unrecorded = np.array([_is_missing(value) or not str(value).strip() for value in raw], dtype=bool)
    filled = np.where(unrecorded, NO_JUDGEMENT, raw)
    try:
        spelt = np.asarray(normalise_polarity(filled), dtype=object)
    except ValueError:
        row = next(row for row, value in enumerate(filled) if not _reads_as_polarity(value))
        raise ValueError(
            f"{caller}: unknown polarity {filled[row]!r}{where(row)}; expected one of "
            f"{', '.join(POLARITIES)} or a Fingertips spelling such as 'RAG - High is good'"
        ) from None
    sign = np.where(spelt == HIGH_IS_GOOD, 1.0, np.where(spelt == LOW_IS_GOOD, -1.0, 0.0))
    return sign, unrecorded


def _reads_as_polarity(value) -> bool:
    try:
        normalise_polarity(value)
    except ValueError:
        return False
    return True


def _is_missing(value) -> bool:
    """None, NaN or pandas NA (a string, even an empty one, is not missing)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _as_float(values, column: str, caller: str, where) -> np.ndarray:
    """A float array from numbers, None, NaN or pandas NA (missing becomes NaN)."""
    series = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(series, errors="coerce")
    wrong = np.flatnonzero(numbers.isna().to_numpy() & ~series.map(_is_missing).to_numpy(dtype=bool))
    if len(wrong):
        row = int(wrong[0])
        raise ValueError(f"{caller}: {column} must be a number; got {series.iat[row]!r}{where(row)}")
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _decimals(value, caller: str, where, row: int) -> int:
    """The decimal places to print values with: 1 when missing, else a whole number from 0 up."""
    if _is_missing(value):
        return 1
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not number.is_integer() or number < 0:
        raise ValueError(f"{caller}: decimals must be a whole number from 0 up; got {value!r}{where(row)}")
    return int(number)


def _number_format(unit: str, decimals: int):
    """A function printing a value as het.format.format_value does: '62.0%', '82.4 per 100,000'."""
    suffix = "%" if unit == "%" else "" if unit in ("", "number", "score", "ratio") else f" {unit}"
    return lambda value: f"{value:,.{decimals}f}{suffix}"


def _when(time: float, label) -> str:
    """A period for people: its label when given, else the time ('2024', '2024.25'); '' without a time."""
    if math.isnan(time):
        return ""
    return label.strip() if isinstance(label, str) and label.strip() else _plain(time)


def _plain(number: float) -> str:
    """A number as typed, without a trailing '.0' or an exponent: 2024, 2024.25, 62.5, 1349000."""
    return f"{number:.10g}" if abs(number) < 1e10 else f"{number:.0f}"


def _reason(verdict: str, *, number, baseline, latest, target, expected, past: bool, unrecorded: bool) -> str:
    """The verdict as a sentence for people, naming the values and periods it was judged on."""
    (b, b_when), (y, y_when), (goal, goal_when) = baseline, latest, target
    if verdict == NO_DATA:
        return "No latest value has been recorded yet."
    now = f"{number(y)} in {y_when}"
    if verdict == NO_TARGET and math.isnan(goal):
        return f"{now}; no target has been set."
    aim = f"the target of {number(goal)}" + (f" by {goal_when}" if goal_when else "")
    if verdict == NOT_JUDGED:
        why = (
            "no polarity is recorded to say whether higher or lower is better"
            if unrecorded
            else "the KPI says neither higher nor lower is better"
        )
        return f"{now} against {aim}: {why}, so progress is not judged."
    if verdict == TARGET_MET:
        return f"{now} has reached {aim}."
    if verdict == NO_TARGET:
        return f"{now} against {aim}, which has no target period, so progress cannot be judged."
    if verdict == NO_TRAJECTORY:
        return f"{now} against {aim}, with no baseline to judge progress from."
    if past:
        return f"{now} has not reached {aim}."
    return (
        f"{number(y)} against {number(expected)} expected by {y_when} on the way from "
        f"{number(b)} ({b_when}) to {number(goal)} ({goal_when})."
    )
