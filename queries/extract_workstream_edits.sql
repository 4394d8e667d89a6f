-- The workstream edits a workbook (extract $extract_id) made, to set back when it is withdrawn.
-- Columns: change_id, item_kind, item_id, workstream_id, field, previous_value, new_value, reverts.
-- Params: $extract_id.
SELECT change_id, item_kind, item_id, workstream_id, field, previous_value, new_value, reverts
FROM workstream_edits
WHERE extract_id = $extract_id AND origin = 'workbook'
ORDER BY item_kind, item_id, field
