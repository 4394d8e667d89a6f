-- The actions of every workstream (or one: $workstream_id NULL for all), in register order.
-- Columns: action_id, workstream_id, title, lead, partner, status, due, latest_update, updated_on, source.
-- Params: $workstream_id.
SELECT action_id, workstream_id, title, lead, partner, status, due, latest_update, updated_on, source
FROM actions
WHERE $workstream_id IS NULL OR workstream_id = $workstream_id
ORDER BY workstream_id, action_id
