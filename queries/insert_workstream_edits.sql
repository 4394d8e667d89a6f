-- Append the history rows of one change (registered frame new_edits, one row per field changed).
-- Columns: none. Params: none.
INSERT INTO workstream_edits (change_id, item_kind, item_id, workstream_id, field, previous_value, new_value,
                              edited_by, edited_at, origin, reverts, extract_id)
SELECT change_id, item_kind, item_id, workstream_id, field, previous_value, new_value, edited_by, edited_at,
       origin, reverts, extract_id
FROM new_edits
