-- The authority's and England's whole-area values, as the store stood at $since and as it stands now, for
-- the comparisons with England that changed ("what changed since the last meeting").
-- Columns: state ('then', 'now'), indicator_id, area_code, period_label, period_sort, sex, age, value,
-- lower_ci95, upper_ci95, lower_ci998, upper_ci998.
-- Params: $since (timestamp), $authority, $england.
WITH then_active AS (
    SELECT e.extract_id FROM extracts AS e
    WHERE e.loaded_at <= $since
      AND NOT EXISTS (
          SELECT 1 FROM extract_events AS w
          WHERE w.extract_id = e.extract_id AND w.action = 'withdraw' AND w.happened_at <= $since
      )
), then_obs AS (
    SELECT o.* FROM observations AS o
    WHERE o.extract_id IN (SELECT extract_id FROM then_active)
      AND o.area_code IN ($authority, $england) AND o.breakdown = 'total'
    QUALIFY row_number() OVER (
        PARTITION BY o.indicator_id, o.area_code, o.period_sort, o.sex, o.age, o.breakdown, o.category
        ORDER BY o.extract_id DESC
    ) = 1
)
SELECT 'then' AS state, indicator_id, area_code, period_label, period_sort, sex, age, value, lower_ci95,
       upper_ci95, lower_ci998, upper_ci998
FROM then_obs
UNION ALL
SELECT 'now' AS state, indicator_id, area_code, period_label, period_sort, sex, age, value, lower_ci95,
       upper_ci95, lower_ci998, upper_ci998
FROM current_observations
WHERE area_code IN ($authority, $england) AND breakdown = 'total'
