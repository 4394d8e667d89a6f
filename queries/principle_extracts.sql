-- The extracts the current values of one principle's indicators come from, with how many values each supplies.
-- Columns: extract_id, file_name, format, source_kind, loaded_by, loaded_at, current_values,
-- first_period, last_period. Params: $principle_id.
SELECT e.extract_id, e.file_name, e.format, e.source_kind, e.loaded_by, e.loaded_at,
       count(*) AS current_values,
       arg_min(o.period_label, o.period_sort) AS first_period,
       arg_max(o.period_label, o.period_sort) AS last_period
FROM current_observations AS o
JOIN indicators AS i USING (indicator_id)
JOIN extracts AS e USING (extract_id)
WHERE i.principle_id = $principle_id
GROUP BY ALL
ORDER BY e.loaded_at DESC, e.extract_id DESC
