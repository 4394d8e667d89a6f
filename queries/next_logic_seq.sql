-- The number a new logic-model item of one workstream's stage takes (one more than the highest so far).
-- Columns: seq. Params: $workstream_id, $stage.
SELECT coalesce(max(seq), 0) + 1 AS seq
FROM logic_model_items
WHERE workstream_id = $workstream_id AND stage = $stage
