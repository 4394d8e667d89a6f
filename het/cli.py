"""The het command line: python -m het init | demo | geography load DIR | status | extracts."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import time
from pathlib import Path

from het import prefetch
from het.auth import ROLES, add_user, read_accounts, remove_user, users_file
from het.format import plural
from het.ingest import read_extract
from het.ingest.indicators import apply_indicator_mapping, as_mapping, remembered_mappings
from het.ingest.preview import load_report, preview_summary
from het.ingest.problems import escaped, quoted, shown
from het.loads import (
    has_any_extract,
    load_demo,
    load_extract,
    prepare_store,
    refresh_statistics,
    reload_reference,
    withdraw_extract,
)
from het.store import Store, StoreUnavailableError, default_db_path


def main(argv: list[str] | None = None) -> int:
    _printable_output()
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "handler", None) is _serve:
        args.streamlit_options = extra  # `serve` passes every option on to `streamlit run`
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        if not getattr(args, "needs_store", True):
            return args.handler(None, args)
        with Store(args.db) as store:
            return args.handler(store, args)
    except StoreUnavailableError as exc:
        print(f"het: {_said(exc)}", file=sys.stderr)
        return 3
    except (ValueError, OSError) as exc:  # OSError: a file that is missing, a folder, not readable ...
        print(f"het: {_said(exc)}", file=sys.stderr)
        return 1


def _said(exc: Exception) -> str:
    """An error as the CLI prints it: control characters escaped (a path or a value may hold them)."""
    return escaped(str(exc))


def _printable_output() -> None:
    """Print what the console cannot show as escapes (e.g. '\\u0107') rather than fail on it."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m het",
        description="het, the Health Equity Town monitor: manage the DuckDB store.",
    )
    parser.add_argument(
        "--db", type=Path, default=None, help=f"store file (default: $HET_DB or {default_db_path()})"
    )
    sub = parser.add_subparsers(title="commands")

    init = sub.add_parser("init", help="create or migrate the store, load reference data and the demo")
    init.add_argument("--geography", type=Path, help="a geography pack folder (default: $HET_GEOGRAPHY_DIR)")
    init.add_argument("--no-demo", action="store_true", help="do not load the demonstration extract")
    init.set_defaults(handler=_init)

    demo = sub.add_parser("demo", help="load the demonstration extract (again, if it was withdrawn)")
    demo.set_defaults(handler=_demo)
    demo.add_argument(
        "--over-real-data",
        action="store_true",
        help="load it even though real extracts are active (its values become current over theirs)",
    )

    geography = sub.add_parser("geography", help="geography packs")
    geo_sub = geography.add_subparsers(title="geography commands")
    load = geo_sub.add_parser("load", help="load ward boundaries, lookups, IMD and Census data from DIR")
    load.add_argument("dir", type=Path, help="a folder laid out like shared/data, with geography.toml")
    load.set_defaults(handler=_geography_load)

    load = sub.add_parser(
        "load", help="read, check and load an extract file (prints the same report as the app)"
    )
    load.add_argument("file", type=Path)
    load.add_argument(
        "--format",
        choices=["fingertips", "het_tidy", "ward_wide", "kpi"],
        default=None,
        help="the file's format (default: detected from its header)",
    )
    load.add_argument(
        "--ward-set", default=None, help="for wide ward tables: the ward set (vintage) they are on, e.g. WD23"
    )
    load.add_argument("--period", default=None, help="for wide ward tables without a period column")
    load.add_argument("--sheet", default=None, help="the Excel sheet to read")
    load.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="KEY=INDICATOR",
        help="map an unknown indicator (e.g. 93356=smoking_adults, or 93356= to set it aside)",
    )
    load.add_argument("--by", default=getpass.getuser(), help="who is loading it (recorded; default: you)")
    load.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    load.set_defaults(handler=_load)

    status = sub.add_parser("status", help="tables, row counts, data version and extracts")
    status.set_defaults(handler=_status)

    again = sub.add_parser(
        "refresh", help="recompute every gap, trend and comparison (after a failed refresh)"
    )
    again.set_defaults(handler=_refresh)

    extracts = sub.add_parser("extracts", help="the extract register")
    ex_sub = extracts.add_subparsers(title="extract commands")
    ex_list = ex_sub.add_parser("list", help="every load, newest first")
    ex_list.set_defaults(handler=_extracts_list)
    ex_withdraw = ex_sub.add_parser("withdraw", help="withdraw an extract; the values it replaced return")
    ex_withdraw.add_argument("extract_id", type=int)
    ex_withdraw.add_argument("--by", default="cli", help="who is withdrawing it (recorded)")
    ex_withdraw.add_argument("--note", default=None)
    ex_withdraw.set_defaults(handler=_extracts_withdraw)

    brief = sub.add_parser(
        "brief", help="make the briefing pack for a meeting (PDF and/or one self-contained HTML file)"
    )
    brief.add_argument(
        "--principle",
        type=int,
        action="append",
        default=None,
        metavar="N",
        help="a principle (0-8) to include in detail; repeat for more (default: all)",
    )
    brief.add_argument("--pdf", type=Path, default=None, help="write the A4 PDF here")
    brief.add_argument("--html", type=Path, default=None, help="write the HTML file here")
    brief.set_defaults(handler=_brief)

    serve = sub.add_parser(
        "serve",
        help="start the web app (streamlit run app.py; every deep link opens cleanly from the first request)",
        description="Start het's web app. Options after `serve` go to `streamlit run` unchanged, "
        "e.g. `python -m het serve --server.port 8502`.",
    )
    serve.set_defaults(handler=_serve, needs_store=False)

    users = sub.add_parser(
        "users", help=f"local analyst accounts (kept in $HET_USERS_FILE or {users_file()})"
    )
    users_sub = users.add_subparsers(title="user commands")
    add = users_sub.add_parser("add", help="add an account, or reset its password and role")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="analyst")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_users_add, needs_store=False)
    remove = users_sub.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    remove.set_defaults(handler=_users_remove, needs_store=False)
    listing = users_sub.add_parser("list", help="list accounts (never passwords)")
    listing.set_defaults(handler=_users_list, needs_store=False)
    return parser


def _brief(store: Store, args) -> int:
    from het.views.briefing import briefing_pack

    if args.pdf is None and args.html is None:
        raise ValueError("say where to write the pack: --pdf FILE and/or --html FILE")
    started = time.perf_counter()
    pack = briefing_pack(store, principles=args.principle)
    if args.html is not None:
        args.html.write_text(pack.html, encoding="utf-8")
        print(f"het: wrote {args.html} ({len(pack.html.encode()) / 1e6:.1f} MB)")
    if args.pdf is not None:
        args.pdf.write_bytes(pack.pdf())
        print(f"het: wrote {args.pdf}")
    print(
        f"het: {pack.title}: {plural(len(pack.principles), 'principle')} in detail, {time.perf_counter() - started:.1f} s"
    )
    return 0


def _serve(_store: None, args) -> int:
    """Replace this process with `python -m het.ui.serve` (Streamlit stays out of the CLI's imports)."""
    env = dict(os.environ)
    if args.db is not None:
        env["HET_DB"] = str(args.db.resolve())
    command = [sys.executable, "-m", "het.ui.serve", *args.streamlit_options]
    os.execve(sys.executable, command, env)
    return 0  # not reached: execve replaces the process


def _init(store: Store, args) -> int:
    started = time.perf_counter()
    geography_dir = args.geography.resolve() if args.geography else None
    done = prepare_store(store, geography_dir=geography_dir, demo=not args.no_demo)
    for line in done or ["store already up to date"]:
        print(f"het: {line}")
    print(
        f"het: store {store.path} ready at data version {store.data_version()} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return 0


def _demo(store: Store, args) -> int:
    prepare_store(store, demo=False)
    register = store.query("extract_register")
    real = register[(register["status"] == "active") & (register["source_kind"] != "demo")]
    if len(real) and not args.over_real_data:
        print(
            f"het: {plural(len(real), 'active extract')} {'holds' if len(real) == 1 else 'hold'} real values (newest: {real['file_name'].iloc[0]}). "
            "Loading the demonstration data now would make its made-up values current over them wherever they "
            "share an indicator, area, period, sex and age. Nothing was loaded. To do it anyway, run "
            "`python -m het demo --over-real-data` (the demo stays withdrawable).",
            file=sys.stderr,
        )
        return 1
    result = load_demo(store)
    if result.already_loaded:
        print(f"het: the demonstration extract is already active (extract {result.extract_id})")
    else:
        print(
            f"het: loaded the demonstration extract as extract {result.extract_id}: {plural(result.rows_loaded, 'row')}"
        )
    return 0


def _geography_load(store: Store, args) -> int:
    geography_dir = args.dir.resolve()
    if not (geography_dir / "geography.toml").is_file():
        raise FileNotFoundError(f"no geography.toml in {geography_dir}")
    source = reload_reference(store, geography_dir=geography_dir)
    counts = store.table_counts().set_index("table_name")["row_count"]
    print(f"het: loaded {source}")
    for table in ["areas", "area_geometries", "ward_deprivation", "lsoa_deprivation", "populations"]:
        print(f"  {table:<18} {counts[table]:>7,} rows")
    if not has_any_extract(store):
        print("het: no extracts yet; run `python -m het demo` for demonstration data")
    return 0


def _load(store: Store, args) -> int:
    prepare_store(store, demo=False)
    indicators, areas = store.query("indicator_catalogue"), store.query("area_list")
    content = prefetch.take(args.file)  # read while het was imported (python -m het), if it still holds
    if content is None:
        content = args.file.read_bytes()
    parsed = read_extract(
        content,
        file_name=args.file.name,
        indicators=indicators,
        areas=areas,
        format=args.format,
        ward_set=args.ward_set,
        period=args.period,
        sheet=args.sheet,
        workstreams=store.query("workstream_names"),
    )
    del content  # held by the extract alone, which releases it once committed
    malformed = [item for item in args.map if "=" not in item]
    if malformed:
        raise ValueError(f"--map takes KEY=INDICATOR (or KEY= to set it aside); got {quoted(malformed[0])}")
    chosen = {k: (v or None) for k, v in (item.split("=", 1) for item in args.map)}
    remembered = remembered_mappings(store, parsed)
    earlier = as_mapping(remembered)
    for row in remembered.itertuples(index=False):
        if row.source_key not in chosen:
            target = earlier[str(row.source_key)] or "set aside"
            print(
                f"het: {row.source_key} -> {target}, as mapped for extract #{int(row.extract_id)} (--map to change)"
            )
    mapping = {**as_mapping(remembered), **chosen}
    if mapping:
        parsed = apply_indicator_mapping(parsed, mapping, indicators=indicators, areas=areas)
    preview = preview_summary(store, parsed)
    print(load_report(parsed, preview))
    if not preview.can_commit:
        print("het: nothing was loaded", file=sys.stderr)
        return 1
    if args.dry_run:
        print("het: dry run: nothing was written")
        return 0
    result = load_extract(store, parsed, loaded_by=args.by, source_kind="cli")
    if result.already_loaded:
        print(f"het: this exact file is already loaded as extract #{result.extract_id}; nothing was added")
    else:
        print(
            f"het: loaded {shown(args.file.name, 160)} as extract #{result.extract_id}: "
            f"{plural(result.rows_loaded, 'row')}"
        )
    if result.derived_error:
        print(
            f"het: the load stands, but the gap statistics could not be recomputed: {result.derived_error}",
            file=sys.stderr,
        )
        return 4
    return 0


def _refresh(store: Store, args) -> int:
    def report(done: int, total: int, label: str) -> None:
        print(f"  {done}/{total} indicators ({label})")

    outcome = refresh_statistics(store, progress=report)
    if outcome.error:
        print(f"het: the gap statistics could not be recomputed: {outcome.error}", file=sys.stderr)
        return 4
    print(f"het: recomputed the gap statistics (data version {store.data_version()})")
    return 0


def _status(store: Store, args) -> int:
    counts = store.table_counts()
    print(f"het store: {store.path}")
    print(f"data version: {store.data_version()}")
    print(f"geography: {store.meta('geography_source') or 'not loaded (run python -m het init)'}")
    print("\ntables:")
    for row in counts.itertuples(index=False):
        print(f"  {row.table_name:<24} {row.kind:<5} {row.row_count:>9,}")
    print("\nextracts:")
    _print_register(store)
    return 0


def _extracts_list(store: Store, args) -> int:
    _print_register(store)
    return 0


def _extracts_withdraw(store: Store, args) -> int:
    refreshed = withdraw_extract(store, args.extract_id, by_user=args.by, note=args.note)
    print(f"het: withdrew extract {args.extract_id}; the values it had replaced are current again")
    if refreshed.error:
        print(f"het: the gap statistics could not be recomputed: {refreshed.error}", file=sys.stderr)
        return 4
    return 0


def _users_add(_store, args) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise ValueError("the two passwords differ; nothing was changed")
    add_user(args.name, password, role=args.role)
    print(f"het: account '{args.name}' ({args.role}) saved in {users_file()}")
    return 0


def _users_remove(_store, args) -> int:
    remove_user(args.name)
    print(f"het: account '{args.name}' removed")
    return 0


def _users_list(_store, args) -> int:
    accounts = read_accounts()
    if not accounts:
        print(f"no local accounts in {users_file()}")
    for name, account in sorted(accounts.items()):
        print(f"  {name:<24} {account['role']:<8} created {account.get('created_at', '?')[:16]}")
    return 0


def _print_register(store: Store) -> None:
    register = store.query("extract_register")
    if register.empty:
        print("  none")
        return
    for row in register.itertuples(index=False):
        print(
            f"  #{row.extract_id:<4} {row.status:<9} {row.format:<10} {shown(row.file_name, 160)}  "
            f"{plural(row.rows_loaded, 'row')} ({row.rows_new:,} new, {row.rows_revised:,} revised)  "
            f"by {row.loaded_by} at {row.loaded_at:%Y-%m-%d %H:%M} UTC"
        )
