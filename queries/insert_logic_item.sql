-- Add a logic-model item (from the app or a workbook; its history rows are written beside it); item_id is
-- 'workstream_id:stage:seq', chosen by het.ingest.workstream_edits (queries/next_logic_seq.sql).
-- Columns: none. Params: $item_id, $workstream_id, $stage, $text, $owner, $indicator_id, $kpi_id, $updated_on.
INSERT INTO logic_model_items (workstream_id, stage, seq, text, source, owner, indicator_id, kpi_id, updated_on)
VALUES ($workstream_id, $stage, CAST(split_part($item_id, ':', 3) AS INTEGER), $text, 'edited in het', $owner,
        $indicator_id, $kpi_id, $updated_on)
