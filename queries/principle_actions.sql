-- The actions of the workstreams that serve one principle.
-- Columns: action_id, workstream_id, title, lead, status, due, source. Params: $principle_id.
SELECT a.action_id, a.workstream_id, a.title, a.lead, a.status, a.due, a.source
FROM actions AS a
JOIN workstream_principles AS wp USING (workstream_id)
WHERE wp.principle_id = $principle_id
ORDER BY a.workstream_id, a.action_id
