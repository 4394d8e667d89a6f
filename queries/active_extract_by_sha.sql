-- The active extract(s) whose original file has this sha256 (to recognise a file loaded twice).
-- Columns: extract_id, file_name, loaded_at. Params: $sha256.
SELECT extract_id, file_name, loaded_at FROM extracts WHERE sha256 = $sha256 AND status = 'active'
ORDER BY extract_id
