-- The links between one workstream's logic-model items (or every workstream's: $workstream_id NULL).
-- Columns: workstream_id, from_item, to_item. Params: $workstream_id.
SELECT workstream_id, workstream_id || ':' || from_stage || ':' || CAST(from_seq AS VARCHAR) AS from_item,
       workstream_id || ':' || to_stage || ':' || CAST(to_seq AS VARCHAR) AS to_item
FROM logic_model_links
WHERE $workstream_id IS NULL OR workstream_id = $workstream_id
ORDER BY 1, 2, 3
