-- Keep the original bytes of an extract by the sha256 of the original, once however often it is loaded
-- (the NOT EXISTS guard is much cheaper than ON CONFLICT for large values).
-- The bytes come from the registered one-row table `original_content` (column content): binding tens of
-- megabytes as a query parameter costs a copy per value, an Arrow table is read in place.
-- content is stored as given, compressed as $compression says ('zstd', 'zlib' or 'none'); $size_bytes is the
-- original size. Columns: none. Params: $sha256, $size_bytes, $compression.
INSERT INTO extract_files (sha256, size_bytes, content, compression)
SELECT $sha256, $size_bytes, o.content, $compression
FROM original_content AS o
WHERE NOT EXISTS (SELECT 1 FROM extract_files WHERE sha256 = $sha256)
