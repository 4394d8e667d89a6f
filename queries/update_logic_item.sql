-- Set a logic-model item's text, owner and measures; item_id is 'workstream_id:stage:seq'.
-- Columns: none. Params: $item_id, $text, $owner, $indicator_id, $kpi_id, $updated_on.
UPDATE logic_model_items
SET text = $text, owner = $owner, indicator_id = $indicator_id, kpi_id = $kpi_id, updated_on = $updated_on
WHERE workstream_id || ':' || stage || ':' || CAST(seq AS VARCHAR) = $item_id
