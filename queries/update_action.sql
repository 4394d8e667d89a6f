-- Set an action's editable fields (het.ingest.workstream_edits; the history row is written beside it).
-- Columns: none. Params: $action_id, $title, $lead, $partner, $status, $due, $latest_update, $updated_on.
UPDATE actions
SET title = $title, lead = $lead, partner = $partner, status = $status, due = CAST($due AS VARCHAR),
    latest_update = $latest_update, updated_on = $updated_on
WHERE action_id = $action_id
