-- Each edited field's latest value (the newest change that set it), to put back after a reference reload.
-- Columns: item_kind, item_id, workstream_id, field, new_value. Params: none.
SELECT item_kind, item_id, arg_max(workstream_id, change_id) AS workstream_id, field,
       arg_max(new_value, change_id) AS new_value
FROM workstream_edits
GROUP BY item_kind, item_id, field
ORDER BY item_kind, item_id, field
