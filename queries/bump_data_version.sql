-- Increment the store's data version (meta key 'data_version'); run inside every committing transaction.
-- Columns: none. Params: none.
INSERT INTO meta (key, value) VALUES ('data_version', '1')
ON CONFLICT (key) DO UPDATE SET value = (CAST(meta.value AS INTEGER) + 1)::VARCHAR
