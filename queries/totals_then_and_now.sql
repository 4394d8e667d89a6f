-- The authority's and England's whole-area values, as the store stood at $since and as it stands now, for
-- the comparisons with England that changed ("what changed since the last meeting").
-- Columns: state ('then', 'now'), indicator_id, area_code, period_label, period_sort, sex, age, value,
-- lower_ci95, upper_ci95, lower_ci998, upper_ci998.
-- Params: $since (timestamp), $authority, $england.
WITH then_obs AS (
    SELECT t.* FROM observations_as_of($since, [$authority, $england]) AS t WHERE t.breakdown = 'total'
)
SELECT 'then' AS state, indicator_id, area_code, period_label, period_sort, sex, age, value, lower_ci95,
       upper_ci95, lower_ci998, upper_ci998
FROM then_obs
UNION ALL
SELECT 'now' AS state, indicator_id, area_code, period_label, period_sort, sex, age, value, lower_ci95,
       upper_ci95, lower_ci998, upper_ci998
FROM current_observations
WHERE area_code IN ($authority, $england) AND breakdown = 'total'
