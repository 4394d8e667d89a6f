-- Set one meta key. Columns: none. Params: $key, $value.
INSERT INTO meta (key, value) VALUES ($key, $value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
