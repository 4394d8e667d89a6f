-- The rows of one change (to revert it).
-- Columns: change_id, item_kind, item_id, workstream_id, field, previous_value, new_value, reverts.
-- Params: $change_id.
SELECT change_id, item_kind, item_id, workstream_id, field, previous_value, new_value, reverts
FROM workstream_edits
WHERE change_id = $change_id
ORDER BY item_kind, item_id, field
