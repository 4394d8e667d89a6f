"""Every session shares the pages' read bundles (st.cache_resource, het.ui.data): no page may change a frame
it was given. Render every page, with the choices a reader makes most, then check each shared bundle still
equals a fresh read of the store."""

from __future__ import annotations

import dataclasses

import pandas as pd
from app_pages import open_link

from het.ui import data, reads_indicator, reads_leads, reads_places, reads_workstreams
from het.ui.nav import PAGES

# The URL choices that send pages down their other paths (a second indicator, a principle with all ages,
# the hex map, comparisons, LSOA quintiles, a ward profile with a ward picked, a workstream).
EXTRA_VIEWS = [
    ("pages/indicator.py", {"indicator": "le_birth"}),
    ("pages/principle.py", {"principle": "2", "ages": "all"}),
    ("pages/ward_map.py", {"map": "hex"}),
    ("pages/ward_map.py", {"colour": "comparison", "lsoa": "local_quintile"}),
    ("pages/ward_profile.py", {}),
    ("pages/workstream.py", {}),
]


def _same(shared, fresh, where: str) -> None:
    """Equal content: frames by pandas' own check, containers item by item, missing values as equal."""
    if dataclasses.is_dataclass(shared):
        for f in dataclasses.fields(shared):
            _same(getattr(shared, f.name), getattr(fresh, f.name), f"{where}.{f.name}")
    elif isinstance(shared, pd.DataFrame):
        pd.testing.assert_frame_equal(shared, fresh, obj=where)
    elif isinstance(shared, pd.Series):
        pd.testing.assert_series_equal(shared, fresh, obj=where)
    elif isinstance(shared, dict):
        assert list(shared) == list(fresh), where
        for name in shared:
            _same(shared[name], fresh[name], f"{where}[{name!r}]")
    elif isinstance(shared, list | tuple):
        assert len(shared) == len(fresh), where
        for i, (a, b) in enumerate(zip(shared, fresh, strict=True)):
            _same(a, b, f"{where}[{i}]")
    elif not isinstance(shared, str) and pd.api.types.is_scalar(shared) and pd.isna(shared):
        assert pd.isna(fresh), where
    else:
        assert shared == fresh, where


def test_no_page_changes_the_reads_every_session_shares(app_env, demo_store):
    for spec in PAGES:
        open_link(spec.path)
    for page, params in EXTRA_VIEWS:
        open_link(page, **params)
    key = data.cache_key()
    first_indicator = demo_store.query("indicator_catalogue")["indicator_id"].iloc[0]
    cached = [
        (reads_places._places, (key,)),
        (reads_workstreams._workstreams, (key,)),
        (reads_leads._overview, (key,)),
        (reads_leads._gap_tracker, (key,)),
        (reads_leads._gap_tracker_rows, (key,)),
        (reads_indicator._indicator_page, (key, None)),
        (reads_indicator._indicator_page, (key, first_indicator)),
        (reads_indicator._indicator_page, (key, "le_birth")),
        (reads_indicator._principle_page, (key, None, False)),
        (reads_indicator._principle_page, (key, 2, True)),
        (reads_indicator._principle_gap_summary, (key, 1, False)),
        (data._data_and_methods, (key,)),
        (data._area_list, (key,)),
    ]
    shared = [(function, args, function(*args)) for function, args in cached]
    for function, _args, _value in shared:
        function.clear()
    for function, args, value in shared:
        _same(value, function(*args), f"{function.__name__}{args[1:]}")
