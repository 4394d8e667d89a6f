-- The data version as seen inside the caller's transaction. Columns: data_version. Params: none.
SELECT coalesce(max(CAST(value AS INTEGER)), 0) AS data_version FROM meta WHERE key = 'data_version'
