-- The extracts one indicator's current values come from, with how many current values each supplies.
-- Columns: extract_id, file_name, format, source_kind, loaded_by, loaded_at, current_values,
-- first_period, last_period. Params: $indicator_id.
SELECT e.extract_id, e.file_name, e.format, e.source_kind, e.loaded_by, e.loaded_at,
       count(*) AS current_values,
       arg_min(o.period_label, o.period_sort) AS first_period,
       arg_max(o.period_label, o.period_sort) AS last_period
FROM current_observations AS o
JOIN extracts AS e USING (extract_id)
WHERE o.indicator_id = $indicator_id
GROUP BY ALL
ORDER BY e.loaded_at DESC, e.extract_id DESC
