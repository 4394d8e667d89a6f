"""The Fingertips quantile rule, against cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from het.stats.quantiles import deprivation_ranks, fingertips_quantiles, quantiles_of_scores


def test_19_wards_in_quintiles_by_hand():
    # N = 19, n_q = 5, N / n_q = 3.8: rank r goes to 6 - ceil((20 - r) / 3.8).
    # r = 1: ceil(19 / 3.8) = ceil(5.0) = 5 -> 1;  r = 4: ceil(16 / 3.8 = 4.21) = 5 -> 1
    # r = 5: ceil(15 / 3.8 = 3.95) = 4 -> 2;  r = 8: ceil(12 / 3.8 = 3.16) = 4 -> 2
    # r = 9: ceil(11 / 3.8 = 2.89) = 3 -> 3;  r = 12: ceil(8 / 3.8 = 2.11) = 3 -> 3
    # r = 13: ceil(7 / 3.8 = 1.84) = 2 -> 4; r = 16: ceil(4 / 3.8 = 1.05) = 2 -> 4
    # r = 17: ceil(3 / 3.8 = 0.79) = 1 -> 5; r = 19: ceil(1 / 3.8) = 1 -> 5
    expected = [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 3
    assert fingertips_quantiles(np.arange(1, 20), 5).tolist() == expected


def test_a_multiple_of_the_quantile_count_gives_equal_groups():
    # N = 20: (21 - r) / 4, so ranks 1-4 -> 1 (ceil(20/4..17/4) = 5), 5-8 -> 2, ..., 17-20 -> 5.
    assert fingertips_quantiles(np.arange(1, 21), 5).tolist() == [q for q in range(1, 6) for _ in range(4)]
    assert fingertips_quantiles(np.arange(1, 11), 10).tolist() == list(range(1, 11))


def test_seven_areas_in_thirds_by_hand():
    # N = 7, n_q = 3, N / n_q = 7/3: rank r -> 4 - ceil((8 - r) * 3 / 7).
    # r=1: ceil(21/7)=3 -> 1; r=2: ceil(18/7=2.57)=3 -> 1; r=3: ceil(15/7=2.14)=3 -> 1
    # r=4: ceil(12/7=1.71)=2 -> 2; r=5: ceil(9/7=1.29)=2 -> 2; r=6: ceil(6/7)=1 -> 3; r=7: 1 -> 3
    assert fingertips_quantiles(np.arange(1, 8), 3).tolist() == [1, 1, 1, 2, 2, 3, 3]


def test_ties_take_the_minimum_rank_and_so_the_same_quantile():
    # Scores 9, 8, 8, 8, 1 (highest = most deprived): ranks 1, 2, 2, 2, 5; quintiles of N = 5 are the ranks.
    ranks = deprivation_ranks([9.0, 8.0, 8.0, 8.0, 1.0])
    assert ranks.tolist() == [1, 2, 2, 2, 5]
    assert fingertips_quantiles(ranks, 5).tolist() == [1, 2, 2, 2, 5]


def test_quantiles_of_scores_follow_the_index():
    score = pd.Series([10.0, 50.0, 30.0, 40.0, 20.0], index=list("EACBD"))
    assert quantiles_of_scores(score, 5).to_dict() == {"E": 5, "A": 1, "C": 3, "B": 2, "D": 4}


def test_bad_ranks_are_refused():
    with pytest.raises(ValueError, match="between 1 and 3"):
        fingertips_quantiles([0, 1, 2], 5)
    with pytest.raises(ValueError, match="whole-number"):
        fingertips_quantiles([1.5, 2], 5)
    with pytest.raises(ValueError, match="score for every area"):
        deprivation_ranks([1.0, np.nan])
