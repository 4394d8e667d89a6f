-- The extract register: every load, newest first, with its status and row counts.
-- Columns: extract_id, file_name, format, source_kind, loaded_by, loaded_at, rows_read, rows_loaded,
-- rows_rejected, rows_new, rows_revised, rows_unchanged, status, withdrawn_at, withdrawn_by, withdrawal_note,
-- sha256, size_bytes.
-- Params: none.
SELECT e.extract_id, e.file_name, e.format, e.source_kind, e.loaded_by, e.loaded_at, e.rows_read,
       e.rows_loaded, e.rows_rejected, e.rows_new, e.rows_revised, e.rows_unchanged, e.status,
       w.happened_at AS withdrawn_at, w.by_user AS withdrawn_by, w.note AS withdrawal_note, e.sha256, f.size_bytes
FROM extracts AS e
LEFT JOIN extract_files AS f USING (sha256)
LEFT JOIN (
    SELECT extract_id, max(happened_at) AS happened_at, arg_max(by_user, happened_at) AS by_user,
           arg_max(note, happened_at) AS note
    FROM extract_events WHERE action = 'withdraw' GROUP BY extract_id
) AS w USING (extract_id)
ORDER BY e.extract_id DESC
