-- The columns of one table of the store, in order. Columns: column_name. Params: $table_name.
SELECT column_name FROM information_schema.columns
WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name = $table_name
ORDER BY ordinal_position
