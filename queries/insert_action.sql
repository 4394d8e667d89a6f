-- Add an action to a workstream (from the app or a workbook; its history rows are written beside it).
-- Columns: none. Params: $action_id, $workstream_id, $title, $lead, $partner, $status, $due,
-- $latest_update, $updated_on.
INSERT INTO actions (action_id, workstream_id, title, lead, partner, status, due, latest_update, updated_on, source)
VALUES ($action_id, $workstream_id, $title, $lead, $partner, coalesce($status, 'not yet recorded'),
        CAST($due AS VARCHAR), $latest_update, $updated_on, 'edited in het')
