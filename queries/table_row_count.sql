-- The row count of one table or view named by $table_name (a name from store_tables.sql).
-- Columns: row_count. Params: $table_name.
SELECT count(*)::BIGINT AS row_count FROM query_table($table_name::VARCHAR)
