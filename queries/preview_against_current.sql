-- Each row of an extract about to be committed (the registered frame `incoming`) against the current value
-- with the same key: status 'new' (no current value), 'revised' (value, limits, count or denominator
-- differ) or 'unchanged', with the old and new figures side by side and the extract the old value came from.
-- Columns: source_row, indicator_id, area_code, period_label, period_sort, sex, age, breakdown, category,
-- status, old_/new_ value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator,
-- old_extract_id, old_source_row. Params: none.
SELECT i.source_row, i.indicator_id, i.area_code, i.period_label, i.period_sort, i.sex, i.age, i.breakdown,
       i.category,
       CASE
           WHEN c.indicator_id IS NULL THEN 'new'
           WHEN i.value IS DISTINCT FROM c.value
             OR i.lower_ci95 IS DISTINCT FROM c.lower_ci95 OR i.upper_ci95 IS DISTINCT FROM c.upper_ci95
             OR i.lower_ci998 IS DISTINCT FROM c.lower_ci998 OR i.upper_ci998 IS DISTINCT FROM c.upper_ci998
             OR i.count IS DISTINCT FROM c.count OR i.denominator IS DISTINCT FROM c.denominator
           THEN 'revised'
           ELSE 'unchanged'
       END AS status,
       c.value AS old_value, i.value AS new_value,
       c.lower_ci95 AS old_lower_ci95, i.lower_ci95 AS new_lower_ci95,
       c.upper_ci95 AS old_upper_ci95, i.upper_ci95 AS new_upper_ci95,
       c.lower_ci998 AS old_lower_ci998, i.lower_ci998 AS new_lower_ci998,
       c.upper_ci998 AS old_upper_ci998, i.upper_ci998 AS new_upper_ci998,
       c.count AS old_count, i.count AS new_count,
       c.denominator AS old_denominator, i.denominator AS new_denominator,
       c.extract_id AS old_extract_id, c.source_row AS old_source_row
FROM incoming AS i
LEFT JOIN current_observations_of((SELECT list(DISTINCT indicator_id) FROM incoming)) AS c
  ON c.indicator_id = i.indicator_id AND c.area_code = i.area_code AND c.period_sort = i.period_sort
 AND c.sex = i.sex AND c.age = i.age AND c.breakdown = i.breakdown AND c.category = i.category
ORDER BY i.source_row
