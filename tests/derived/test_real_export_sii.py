"""The England SII by national deprivation decile on a real Fingertips export, against a reference fit.

The export (campylobacter incidence, a crude rate per 100,000) gives England's value in each national
decile with its Denominator, the decile's population. The gap engine must weight each decile by that
population (the pack has no England LSOAs): an equal-shares fit is a different answer.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from het.ingest import read_extract
from het.loads import add_local_indicator, load_extract
from het.store import Store
from tests.conftest import shared_geography_dir
from tests.ingest.ingest_files import CAMPYLOBACTER

ENGLAND = "E92000001"
Z95 = 1.959963984540054


@pytest.fixture
def export_path():
    pack = shared_geography_dir()
    path = pack / "fingertips" / "fingertips_export_93356_campylobacter_CountyUA_2015.csv" if pack else None
    if path is None or not path.is_file():
        pytest.skip("the real Fingertips export is not here: set HET_GEOGRAPHY_DIR to the shared data folder")
    return path


@pytest.fixture
def loaded(export_path, demo_store_path, tmp_path):
    path = tmp_path / "het.duckdb"
    shutil.copy(demo_store_path, path)
    with Store(path) as store:
        add_local_indicator(store, **CAMPYLOBACTER)
        parsed = read_extract(
            export_path.read_bytes(),
            file_name=export_path.name,
            indicators=store.query("indicator_catalogue"),
            areas=store.query("area_list"),
        )
        assert not parsed.problems.errors
        result = load_extract(store, parsed, loaded_by="test", source_kind="cli")
        assert result.derived_error is None
        yield store


def reference(groups: pd.DataFrame, population: np.ndarray) -> tuple[float, float, float]:
    """Low & Low on the log scale (the catalogue's choice for rates): SII and its exact 95% limits.

    Written out here with numpy, independently of het.stats: weighted least squares of log(value) on the
    relative rank, weights = population shares; the slope is a fixed combination c'y of the log values,
    so its 95% limits are slope -/+ 1.96 sqrt(sum c^2 se^2), se from the log of the 95% limits.
    """
    share = population / population.sum()
    rank = np.cumsum(share) - share / 2
    design = np.column_stack([np.ones_like(rank), rank]) * np.sqrt(share)[:, None]
    hat = np.linalg.pinv(design) * np.sqrt(share)[None, :]  # rows: intercept, slope as combinations of y
    y = np.log(groups["value"].to_numpy())
    # The export gives counts, not intervals, for the deciles: Byar's 95% limits of each count (all >= 10).
    r, n = groups["count"].to_numpy(dtype=float), groups["denominator"].to_numpy(dtype=float)
    assert (r >= 10).all()
    lower = r * (1 - 1 / (9 * r) - Z95 / (3 * np.sqrt(r))) ** 3 / n
    upper = (r + 1) * (1 - 1 / (9 * (r + 1)) + Z95 / (3 * np.sqrt(r + 1))) ** 3 / n
    se = (np.log(upper) - np.log(lower)) / (2 * Z95)
    b0, b1 = hat @ y
    half = Z95 * np.sqrt(np.sum(hat[1] ** 2 * se**2))
    middle = b0 + b1 / 2

    def sii_of(slope):  # low is good: the sign is flipped so a positive SII disadvantages the deprived
        return -(np.exp(middle + slope / 2) - np.exp(middle - slope / 2))

    return (
        -(np.exp(b0 + b1) - np.exp(b0)),
        min(sii_of(b1 - half), sii_of(b1 + half)),
        max(sii_of(b1 - half), sii_of(b1 + half)),
    )


def test_england_national_decile_sii_uses_the_deciles_populations(loaded):
    cur = loaded.cursor()
    groups = cur.execute(
        "SELECT * FROM current_observations WHERE indicator_id = 'campylobacter' AND area_code = $e "
        "AND breakdown = 'deprivation_national_decile' ORDER BY period_sort, category_rank",
        {"e": ENGLAND},
    ).df()
    gaps = cur.execute(
        "SELECT * FROM gap_results WHERE indicator_id = 'campylobacter' AND area_code = $e "
        "AND breakdown = 'deprivation_national_decile' ORDER BY period_sort",
        {"e": ENGLAND},
    ).df()
    assert len(gaps) >= 2 and set(gaps["n_groups"]) == {10}
    for gap in gaps.itertuples(index=False):
        rows = groups[(groups["period_sort"] == gap.period_sort) & (groups["age"] == gap.age)]
        rows = rows[rows["sex"] == gap.sex]
        assert rows["category_rank"].tolist() == list(range(1, 11))
        assert gap.population_basis == "row denominators", gap
        assert gap.limits_method == "exact", (gap.sii, gap.sii_reason, gap.sex, gap.age)
        sii, lower, upper = reference(rows, rows["denominator"].to_numpy(dtype=float))
        assert gap.sii == pytest.approx(sii, rel=1e-9)
        assert (gap.sii_lower95, gap.sii_upper95) == pytest.approx((lower, upper), rel=1e-9)
        # Equal shares are another answer: the deciles of England are not equal in these rows' populations.
        equal, _, _ = reference(rows, np.ones(10))
        assert abs(equal - gap.sii) > 0.02 * abs(gap.sii)
