-- How the rows of an extract about to be committed (registered as the frame `incoming`)
-- relate to the current values: new keys, revisions of a current value, and unchanged rows.
-- Columns: rows_new, rows_revised, rows_unchanged. Params: none.
SELECT
    count(*) FILTER (WHERE c.indicator_id IS NULL)::INTEGER AS rows_new,
    count(*) FILTER (WHERE c.indicator_id IS NOT NULL AND (
        i.value IS DISTINCT FROM c.value
        OR i.lower_ci95 IS DISTINCT FROM c.lower_ci95 OR i.upper_ci95 IS DISTINCT FROM c.upper_ci95
        OR i.lower_ci998 IS DISTINCT FROM c.lower_ci998 OR i.upper_ci998 IS DISTINCT FROM c.upper_ci998
        OR i.count IS DISTINCT FROM c.count OR i.denominator IS DISTINCT FROM c.denominator))::INTEGER AS rows_revised,
    count(*) FILTER (WHERE c.indicator_id IS NOT NULL AND NOT (
        i.value IS DISTINCT FROM c.value
        OR i.lower_ci95 IS DISTINCT FROM c.lower_ci95 OR i.upper_ci95 IS DISTINCT FROM c.upper_ci95
        OR i.lower_ci998 IS DISTINCT FROM c.lower_ci998 OR i.upper_ci998 IS DISTINCT FROM c.upper_ci998
        OR i.count IS DISTINCT FROM c.count OR i.denominator IS DISTINCT FROM c.denominator))::INTEGER AS rows_unchanged
FROM incoming AS i
LEFT JOIN current_observations_of((SELECT list(DISTINCT indicator_id) FROM incoming)) AS c
  ON c.indicator_id = i.indicator_id AND c.area_code = i.area_code AND c.period_sort = i.period_sort
 AND c.sex = i.sex AND c.age = i.age AND c.breakdown = i.breakdown AND c.category = i.category
