"""Bring a store to a usable state: schema, reference data, and the demo on an empty store."""

from __future__ import annotations

from pathlib import Path

from het.demo import load_demo
from het.reference import ensure_reference, geography_dir_from_env
from het.store import Store, set_meta


def remembered_geography_dir(store: Store) -> Path | None:
    """The geography pack folder: HET_GEOGRAPHY_DIR, else the one last loaded if it still exists."""
    from_env = geography_dir_from_env()
    if from_env is not None:
        return from_env
    remembered = store.meta("geography_dir")
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return None


def remember_geography_dir(store: Store, geography_dir: Path | None) -> None:
    with store.transaction(bump_version=False) as cur:
        set_meta(cur, "geography_dir", str(geography_dir) if geography_dir else "")


def has_any_extract(store: Store) -> bool:
    return not store.query("extract_register").empty


def prepare_store(store: Store, *, geography_dir: Path | None = None, demo: bool = True) -> list[str]:
    """Load missing or changed reference data and, on a store that never had an extract, the demo.

    A withdrawn demo stays withdrawn: the demo is only generated when the register is empty.
    Returns what was done, one line each.
    """
    done = []
    geography_dir = geography_dir or remembered_geography_dir(store)
    if geography_dir is not None and not (geography_dir / "geography.toml").is_file():
        raise FileNotFoundError(
            f"no geography.toml in {geography_dir}: point HET_GEOGRAPHY_DIR at a folder laid out like "
            "shared/data (see README)"
        )
    if ensure_reference(store, geography_dir=geography_dir):
        done.append(f"loaded reference data ({store.meta('geography_source')})")
        remember_geography_dir(store, geography_dir)
    if demo and not has_any_extract(store):
        result = load_demo(store)
        done.append(f"loaded the demonstration extract {result.file_name}: {result.rows_loaded:,} rows")
    return done
