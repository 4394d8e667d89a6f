-- The active extracts that supply at least one current value, oldest first (for a chart's About tab).
-- Columns: extract_id, file_name, source_kind, loaded_at. Params: none.
SELECT e.extract_id, e.file_name, e.source_kind, e.loaded_at
FROM extracts AS e
WHERE e.status = 'active'
  AND e.extract_id IN (SELECT DISTINCT extract_id FROM current_observations)
ORDER BY e.extract_id
