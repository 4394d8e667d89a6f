-- The logic-model items of every workstream (or one: $workstream_id NULL for all); item_id is
-- 'workstream_id:stage:seq', ref is 'stage seq' (how links name an item), leads_to the refs of the items it
-- leads to (comma-separated; het.ingest.workstream_edits puts them in stage order).
-- Columns: item_id, workstream_id, stage, seq, ref, text, owner, indicator_id, indicator_name, kpi_id,
-- leads_to, updated_on, source. Params: $workstream_id.
SELECT l.workstream_id || ':' || l.stage || ':' || CAST(l.seq AS VARCHAR) AS item_id, l.workstream_id, l.stage,
       l.seq, l.stage || ' ' || CAST(l.seq AS VARCHAR) AS ref, l.text, l.owner, l.indicator_id,
       i.short_name AS indicator_name, l.kpi_id,
       (SELECT string_agg(k.to_stage || ' ' || CAST(k.to_seq AS VARCHAR), ', ' ORDER BY k.to_stage, k.to_seq)
        FROM logic_model_links AS k
        WHERE k.workstream_id = l.workstream_id AND k.from_stage = l.stage AND k.from_seq = l.seq) AS leads_to,
       l.updated_on, l.source
FROM logic_model_items AS l
LEFT JOIN indicators AS i USING (indicator_id)
WHERE $workstream_id IS NULL OR l.workstream_id = $workstream_id
ORDER BY l.workstream_id, l.stage, l.seq
