-- Change an extract's status (withdrawal); returns the extract id if it existed with the old status.
-- Columns: extract_id. Params: $extract_id, $old_status, $new_status.
UPDATE extracts SET status = $new_status WHERE extract_id = $extract_id AND status = $old_status
RETURNING extract_id
