-- Every workstream action with each principle its workstream serves.
-- Columns: principle_id, action_id, workstream_id, workstream, title, lead, status, due. Params: none.
SELECT wp.principle_id, a.action_id, a.workstream_id, w.name AS workstream, a.title, a.lead, a.status, a.due
FROM actions AS a
JOIN workstream_principles AS wp USING (workstream_id)
LEFT JOIN workstreams AS w USING (workstream_id)
ORDER BY wp.principle_id, a.workstream_id, a.action_id
