-- Every workstream with the names it is known by (to match a KPI file's workstream column).
-- Columns: workstream_id, name, also_known_as. Params: none.
SELECT workstream_id, name, also_known_as
FROM workstreams
ORDER BY workstream_id
