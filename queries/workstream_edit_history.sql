-- Every edit to one workstream's items, newest first, with whether a later change reverted it.
-- Columns: change_id, item_kind, item_id, field, previous_value, new_value, edited_by, edited_at, origin,
-- reverts, reverted_by_change, extract_id, file_name. Params: $workstream_id.
SELECT e.change_id, e.item_kind, e.item_id, e.field, e.previous_value, e.new_value, e.edited_by, e.edited_at,
       e.origin, e.reverts, r.change_id AS reverted_by_change, e.extract_id, x.file_name
FROM workstream_edits AS e
LEFT JOIN extracts AS x USING (extract_id)
LEFT JOIN (SELECT DISTINCT change_id, reverts FROM workstream_edits WHERE reverts IS NOT NULL) AS r
       ON r.reverts = e.change_id
WHERE e.workstream_id = $workstream_id
ORDER BY e.change_id DESC, e.item_kind, e.item_id, e.field
