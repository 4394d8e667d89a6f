-- The latest mapping of each unknown indicator key, per file format, from loads that are still active
-- (a withdrawn load's mapping is not remembered).
-- Columns: source_key, format, indicator_id, extract_id, mapped_by, mapped_at.
-- Params: $format.
SELECT m.source_key, m.format, m.indicator_id, m.extract_id, m.mapped_by, m.mapped_at
FROM indicator_mappings AS m
JOIN extracts AS e USING (extract_id)
WHERE e.status = 'active' AND m.format = $format
QUALIFY row_number() OVER (PARTITION BY m.source_key ORDER BY m.mapped_at DESC, m.extract_id DESC) = 1
ORDER BY m.source_key
