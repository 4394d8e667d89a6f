-- The original bytes and file name of one extract. Columns: file_name, sha256, content. Params: $extract_id.
SELECT e.file_name, e.sha256, f.content
FROM extracts AS e JOIN extract_files AS f USING (sha256)
WHERE e.extract_id = $extract_id
