-- Every gap the authority ($area_code) has, one row per series at its latest period: deprivation gaps per
-- deprivation breakdown, the ethnic-group gap, and the ward gap (one series across ward sets), with the
-- first period that has an SII and the first that has a range, and the gap-over-time verdict (gap_trends).
-- Columns: indicator_id, sex, age, dimension, series ('wards' for wards, else the breakdown), breakdown
-- (the ward set for wards), period_label, period_sort, n_groups, sii, sii_lower95, sii_upper95, sii_reason,
-- gap_abs, most_deprived_value, least_deprived_value, best_category, best_value, worst_category, worst_value,
-- n_significantly_worse, significantly_worse, n_periods, first_sii_period_label, first_sii,
-- first_range_period_label, first_gap_abs, verdict, verdict_reason.
-- Params: $area_code.
WITH gaps AS (
    SELECT g.*, CASE WHEN g.dimension = 'ward' THEN 'wards' ELSE g.breakdown END AS series
    FROM gap_results AS g
    WHERE g.area_code = $area_code
),
history AS (
    SELECT indicator_id, sex, age, dimension, series, count(*) AS n_periods,
           arg_min(period_label, period_sort) FILTER (WHERE sii IS NOT NULL) AS first_sii_period_label,
           arg_min(sii, period_sort) FILTER (WHERE sii IS NOT NULL) AS first_sii,
           arg_min(period_label, period_sort) FILTER (WHERE gap_abs IS NOT NULL) AS first_range_period_label,
           arg_min(gap_abs, period_sort) FILTER (WHERE gap_abs IS NOT NULL) AS first_gap_abs
    FROM gaps
    GROUP BY indicator_id, sex, age, dimension, series
),
latest AS (
    SELECT *
    FROM gaps
    QUALIFY row_number() OVER (
        PARTITION BY indicator_id, sex, age, dimension, series ORDER BY period_sort DESC
    ) = 1
)
SELECT l.indicator_id, l.sex, l.age, l.dimension, l.series, l.breakdown, l.period_label, l.period_sort,
       l.n_groups, l.sii, l.sii_lower95, l.sii_upper95, l.sii_reason, l.gap_abs, l.most_deprived_value,
       l.least_deprived_value, l.best_category, l.best_value, l.worst_category, l.worst_value,
       l.n_significantly_worse, l.significantly_worse, h.n_periods, h.first_sii_period_label, h.first_sii,
       h.first_range_period_label, h.first_gap_abs, t.verdict, t.reason AS verdict_reason
FROM latest AS l
JOIN history AS h USING (indicator_id, sex, age, dimension, series)
LEFT JOIN gap_trends AS t
       ON t.indicator_id = l.indicator_id AND t.area_code = $area_code AND t.sex = l.sex AND t.age = l.age
      AND t.dimension = l.dimension AND t.breakdown = l.series
ORDER BY l.indicator_id, l.sex, l.age, l.dimension, l.series
