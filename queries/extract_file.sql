-- The stored original of one extract. Columns: file_name, sha256, size_bytes, compression, content.
-- Params: $extract_id.
SELECT e.file_name, e.sha256, f.size_bytes, f.compression, f.content
FROM extracts AS e JOIN extract_files AS f USING (sha256)
WHERE e.extract_id = $extract_id
