-- Each workstream with the Marmot principles it works on, one row per workstream and principle.
-- Columns: workstream_id, name, principle_id. Params: none.
SELECT w.workstream_id, w.name, wp.principle_id
FROM workstreams AS w
JOIN workstream_principles AS wp USING (workstream_id)
ORDER BY w.name, wp.principle_id
