"""What a load would do, before anything is written: new rows, revisions side by side, unchanged rows,
rejected rows with their reasons, and the indicators and periods touched."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from het.ingest.parsed import ParsedExtract
from het.ingest.problems import escaped, shown
from het.store import Store, read_query

KEY_COLUMNS = [
    "indicator_id",
    "area_code",
    "period_label",
    "period_sort",
    "sex",
    "age",
    "breakdown",
    "category",
]
REVISED_COLUMNS = [
    "source_row",
    *KEY_COLUMNS,
    "old_value",
    "new_value",
    "old_lower_ci95",
    "new_lower_ci95",
    "old_upper_ci95",
    "new_upper_ci95",
    "old_lower_ci998",
    "new_lower_ci998",
    "old_upper_ci998",
    "new_upper_ci998",
    "old_count",
    "new_count",
    "old_denominator",
    "new_denominator",
    "old_extract_id",
    "old_source_row",
]
ROW_COLUMNS = [
    "source_row",
    *KEY_COLUMNS,
    "new_value",
    "new_lower_ci95",
    "new_upper_ci95",
    "new_count",
    "new_denominator",
]
REJECTED_COLUMNS = ["level", "file", "sheet", "row", "column", "message"]
KEPT_ASIDE = "kept aside"


@dataclass
class Preview:
    """A load's effect, computed against the store's current values without writing anything.

    For a KPI file the frames hold KPIs (kpi_id, name, old_/new_ baseline, latest, target ...).
    `rejected` lists every problem (level 'error' or 'warning') and every row kept aside
    (level 'kept aside'); `touched` lists the indicators (or KPIs) and periods the load would change.
    """

    file_name: str
    format: str
    new: pd.DataFrame
    revised: pd.DataFrame
    unchanged: pd.DataFrame
    rejected: pd.DataFrame
    touched: pd.DataFrame
    unknown_indicators: pd.DataFrame
    rows_read: int
    can_commit: bool
    notes: list[str] = field(default_factory=list)
    # Set by preview_summary, which counts the new, revised and unchanged rows without listing them.
    row_counts: dict[str, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        kept = int((self.rejected["level"] == KEPT_ASIDE).sum()) if len(self.rejected) else 0
        errors = int((self.rejected["level"] == "error").sum()) if len(self.rejected) else 0
        listed = {"new": len(self.new), "revised": len(self.revised), "unchanged": len(self.unchanged)}
        return {
            "rows_read": self.rows_read,
            **(self.row_counts or listed),
            "kept_aside": kept,
            "errors": errors,
        }


def rejected_frame(parsed: ParsedExtract) -> pd.DataFrame:
    """Every problem of an extract, then every row kept aside, as one frame (REJECTED_COLUMNS)."""
    problems = pd.DataFrame(
        [
            {
                "level": p.level,
                "file": p.file,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "message": p.message,
            }
            for p in parsed.problems.items
        ],
        columns=REJECTED_COLUMNS,
    )
    aside = parsed.kept_aside
    kept = pd.DataFrame(
        {
            "level": KEPT_ASIDE,
            "file": parsed.file_name,
            "sheet": parsed.sheet,
            "row": aside["source_row"].to_numpy(),
            "column": None,
            "message": (aside["reason"].astype("str") + ": " + aside["detail"].astype("str")).to_numpy(),
        },
        columns=REJECTED_COLUMNS,
    )
    frames = [f for f in (problems, kept) if len(f)]
    if not frames:
        return problems
    out = pd.concat(frames, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    return out


def preview_extract(
    store: Store, parsed: ParsedExtract, *, indicators: pd.DataFrame | None = None
) -> Preview:
    """Compare a checked extract with the store's current values; writes nothing.

    indicators: the catalogue the file was read against, when it holds more than the store's (the local
    indicators an analyst defined for this file, added only with its load), for the indicators' names.
    """
    if parsed.format == "kpi":
        return _preview_kpis(store, parsed)
    compared = _against_current(store, parsed, "preview_against_current", lambda result: result.df())
    status = compared.pop("status")
    return _observation_preview(
        store,
        parsed,
        indicators=indicators,
        new=compared.loc[status == "new", ROW_COLUMNS].reset_index(drop=True),
        revised=compared.loc[status == "revised", REVISED_COLUMNS].reset_index(drop=True),
        unchanged=compared.loc[status == "unchanged", ROW_COLUMNS].reset_index(drop=True),
    )


def preview_summary(store: Store, parsed: ParsedExtract) -> Preview:
    """preview_extract's counts, problems and touched indicators without the row listings (for the CLI
    report, which prints only those: a national-scale file is counted, not listed)."""
    if parsed.format == "kpi":
        return _preview_kpis(store, parsed)
    counts = _against_current(store, parsed, "incoming_vs_current", lambda result: result.fetchall()[0])
    new, revised, unchanged = counts
    empty = pd.DataFrame(columns=ROW_COLUMNS)
    return _observation_preview(
        store,
        parsed,
        new=empty,
        revised=pd.DataFrame(columns=REVISED_COLUMNS),
        unchanged=empty,
        row_counts={"new": int(new), "revised": int(revised), "unchanged": int(unchanged)},
    )


def _against_current(store: Store, parsed: ParsedExtract, query: str, read):
    """Run a query over the extract's rows (registered as `incoming`) and the current values, and read
    its result with `read` before the rows are let go."""
    cur = store.cursor()
    # As Arrow, like the commit: categorical text columns reach DuckDB as VARCHAR (pandas' would be ENUM).
    cur.register("incoming", pa.Table.from_pandas(parsed.observations, preserve_index=False))
    try:
        return read(cur.execute(read_query(query)))
    finally:
        cur.unregister("incoming")
        cur.close()


def _observation_preview(
    store: Store, parsed: ParsedExtract, *, indicators: pd.DataFrame | None = None, **frames
) -> Preview:
    catalogue = store.query("indicator_catalogue") if indicators is None else indicators
    return Preview(
        file_name=parsed.file_name,
        format=parsed.format,
        rejected=rejected_frame(parsed),
        touched=_touched(catalogue, parsed.observations),
        unknown_indicators=parsed.unknown_indicators.reset_index(drop=True),
        rows_read=parsed.rows_read,
        can_commit=parsed.can_commit,
        notes=list(parsed.notes),
        **frames,
    )


def _touched(catalogue: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: its name, the periods the extract carries (in order) and the number of rows."""
    columns = ["indicator_id", "name", "periods", "rows"]
    if observations.empty:
        return pd.DataFrame(columns=columns)
    names = catalogue.set_index("indicator_id")["name"]
    periods = (
        observations[["indicator_id", "period_sort", "period_label"]]
        .drop_duplicates()
        .sort_values(["indicator_id", "period_sort"])
        .groupby("indicator_id", sort=True)["period_label"]
        .agg(lambda labels: ", ".join(dict.fromkeys(labels)))
    )
    rows = observations.groupby("indicator_id", sort=True).size()
    out = pd.DataFrame({"periods": periods, "rows": rows}).reset_index(names="indicator_id")
    out.insert(1, "name", out["indicator_id"].map(names))
    return out[columns]


def _preview_kpis(store: Store, parsed: ParsedExtract) -> Preview:
    cur = store.cursor()
    cur.register("incoming_kpis", parsed.kpis)
    try:
        compared = cur.execute(read_query("preview_kpis_against_current")).df()
    finally:
        cur.unregister("incoming_kpis")
        cur.close()
    status = compared.pop("status")
    touched = parsed.kpis[["kpi_id", "name", "latest_period"]].rename(columns={"latest_period": "periods"})
    return Preview(
        file_name=parsed.file_name,
        format=parsed.format,
        new=compared[status == "new"].reset_index(drop=True),
        revised=compared[status == "revised"].reset_index(drop=True),
        unchanged=compared[status == "unchanged"].reset_index(drop=True),
        rejected=rejected_frame(parsed),
        touched=touched.assign(rows=1).reset_index(drop=True),
        unknown_indicators=parsed.unknown_indicators.reset_index(drop=True),
        rows_read=parsed.rows_read,
        can_commit=parsed.can_commit,
        notes=list(parsed.notes),
    )


def load_report(parsed: ParsedExtract, preview: Preview, *, max_problems: int = 50) -> str:
    """The text report the CLI prints: what was read, every problem with file/row/column, and the effect."""
    lines = [f"{shown(parsed.file_name, 160)}: {escaped(', '.join(parsed.notes)) or parsed.format}"]
    counts = preview.counts
    lines.append(
        f"rows read {counts['rows_read']:,}: new {counts['new']:,}, revised {counts['revised']:,}, "
        f"unchanged {counts['unchanged']:,}, kept aside {counts['kept_aside']:,}, errors {counts['errors']:,}"
    )
    errors, warnings = parsed.problems.errors, parsed.problems.warnings
    for title, items in [("errors (the load is blocked)", errors), ("warnings", warnings)]:
        if items:
            lines.append(f"{title}:")
            lines += [f"  - {p}" for p in items[:max_problems]]
            if len(items) > max_problems:
                lines.append(f"  ... and {len(items) - max_problems} more")
    if not preview.unknown_indicators.empty:
        lines.append("indicators het does not know (map with --map KEY=INDICATOR, or KEY= to set aside):")
        for item in preview.unknown_indicators.itertuples(index=False):
            lines.append(f"  - {shown(item.source_key)}: {shown(item.source_name)} ({item.rows:,} rows)")
    if not preview.touched.empty:
        lines.append("touches:")
        touched = (
            preview.touched.head(40).astype(object).map(lambda v: shown(v, 120) if isinstance(v, str) else v)
        )
        lines += [f"  {line}" for line in touched.to_string(index=False).splitlines()]
    return "\n".join(lines)
