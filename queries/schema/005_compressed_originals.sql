-- 005_compressed_originals: original files are kept zlib-compressed (text extracts shrink about tenfold,
-- and large loads commit faster). Files stored before this migration stay as they were ('none').
ALTER TABLE extract_files ADD COLUMN compression VARCHAR DEFAULT 'none';
