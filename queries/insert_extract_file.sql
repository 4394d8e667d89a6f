-- Keep the original bytes of an extract by the sha256 of the original (once, however often it is loaded).
-- $content is stored as given, compressed as $compression says ('zlib' or 'none'); $size_bytes is the
-- original size. Columns: none. Params: $sha256, $size_bytes, $content, $compression.
INSERT INTO extract_files (sha256, size_bytes, content, compression)
VALUES ($sha256, $size_bytes, $content, $compression)
ON CONFLICT (sha256) DO NOTHING
