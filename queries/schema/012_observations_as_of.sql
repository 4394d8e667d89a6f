-- The current value per key as the store stood at a moment: among the extracts loaded by then and not
-- withdrawn by then, the newest wins per key (current_observations' rule, at another time). Used by the
-- "what changed since the last meeting" queries (changes_since, totals_then_and_now).
-- Use: FROM observations_as_of($since, ['E06000032', 'E92000001']) AS t
CREATE MACRO observations_as_of(since, area_codes) AS TABLE
SELECT o.*
FROM observations AS o
JOIN extracts AS e USING (extract_id)
WHERE e.loaded_at <= since
  AND NOT EXISTS (
      SELECT 1 FROM extract_events AS w
      WHERE w.extract_id = e.extract_id AND w.action = 'withdraw' AND w.happened_at <= since
  )
  AND list_contains(area_codes, o.area_code)
QUALIFY row_number() OVER (
    PARTITION BY o.indicator_id, o.area_code, o.period_sort, o.sex, o.age, o.breakdown, o.category
    ORDER BY o.extract_id DESC
) = 1;
