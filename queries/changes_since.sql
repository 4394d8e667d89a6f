-- What changed since a moment: every value of the authority, its wards and England that is new, revised or
-- withdrawn between the store as it stood at $since (the extracts loaded by then and not withdrawn by then)
-- and the store now. Derived from the extract register and the append-only observations, never typed.
-- Columns: change ('new', 'revised', 'withdrawn'), indicator_id, area_code, period_label, period_sort, sex,
-- age, breakdown, category, old_value, new_value, old_lower_ci95, old_upper_ci95, new_lower_ci95,
-- new_upper_ci95, old_extract_id, new_extract_id.
-- Params: $since (timestamp, UTC as stored), $authority (area code), $england (area code).
WITH places AS (
    SELECT list(area_code) AS codes FROM areas
    WHERE area_code IN ($authority, $england) OR parent_code = $authority
), then_obs AS (
    SELECT t.* FROM observations_as_of($since, (SELECT codes FROM places)) AS t
), now_obs AS (
    SELECT c.* FROM current_observations AS c WHERE list_contains((SELECT codes FROM places), c.area_code)
)
SELECT CASE WHEN t.extract_id IS NULL THEN 'new' WHEN n.extract_id IS NULL THEN 'withdrawn' ELSE 'revised' END
           AS change,
       coalesce(n.indicator_id, t.indicator_id) AS indicator_id, coalesce(n.area_code, t.area_code) AS area_code,
       coalesce(n.period_label, t.period_label) AS period_label, coalesce(n.period_sort, t.period_sort) AS period_sort,
       coalesce(n.sex, t.sex) AS sex, coalesce(n.age, t.age) AS age, coalesce(n.breakdown, t.breakdown) AS breakdown,
       coalesce(n.category, t.category) AS category,
       t.value AS old_value, n.value AS new_value, t.lower_ci95 AS old_lower_ci95, t.upper_ci95 AS old_upper_ci95,
       n.lower_ci95 AS new_lower_ci95, n.upper_ci95 AS new_upper_ci95,
       t.extract_id AS old_extract_id, n.extract_id AS new_extract_id
FROM now_obs AS n
FULL OUTER JOIN then_obs AS t
  ON n.indicator_id = t.indicator_id AND n.area_code = t.area_code AND n.period_sort = t.period_sort
 AND n.sex = t.sex AND n.age = t.age AND n.breakdown = t.breakdown AND n.category = t.category
WHERE t.extract_id IS NULL OR n.extract_id IS NULL
   OR t.value IS DISTINCT FROM n.value OR t.lower_ci95 IS DISTINCT FROM n.lower_ci95
   OR t.upper_ci95 IS DISTINCT FROM n.upper_ci95
ORDER BY indicator_id, area_code, sex, age, breakdown, category, period_sort
