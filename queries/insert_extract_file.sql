-- Keep the original bytes of an extract by sha256 (once, however often the file is loaded).
-- Columns: none. Params: $sha256, $size_bytes, $content.
INSERT INTO extract_files (sha256, size_bytes, content) VALUES ($sha256, $size_bytes, $content)
ON CONFLICT (sha256) DO NOTHING
