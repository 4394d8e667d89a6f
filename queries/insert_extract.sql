-- Register one extract; returns its new id.
-- Columns: extract_id. Params: $file_name, $sha256, $format, $source_kind, $loaded_by, $loaded_at,
-- $rows_read, $rows_loaded, $rows_rejected, $rows_new, $rows_revised, $rows_unchanged, $note.
INSERT INTO extracts (file_name, sha256, format, source_kind, loaded_by, loaded_at, rows_read, rows_loaded,
                      rows_rejected, rows_new, rows_revised, rows_unchanged, status, note)
VALUES ($file_name, $sha256, $format, $source_kind, $loaded_by, $loaded_at, $rows_read, $rows_loaded,
        $rows_rejected, $rows_new, $rows_revised, $rows_unchanged, 'active', $note)
RETURNING extract_id
