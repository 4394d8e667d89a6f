-- The logic-model items of every workstream (or one: $workstream_id NULL for all); item_id is
-- 'workstream_id:stage:seq'.
-- Columns: item_id, workstream_id, stage, seq, text, owner, indicator_id, indicator_name, kpi_id,
-- updated_on, source. Params: $workstream_id.
SELECT l.workstream_id || ':' || l.stage || ':' || CAST(l.seq AS VARCHAR) AS item_id, l.workstream_id, l.stage,
       l.seq, l.text, l.owner, l.indicator_id, i.short_name AS indicator_name, l.kpi_id, l.updated_on, l.source
FROM logic_model_items AS l
LEFT JOIN indicators AS i USING (indicator_id)
WHERE $workstream_id IS NULL OR l.workstream_id = $workstream_id
ORDER BY l.workstream_id, l.stage, l.seq
