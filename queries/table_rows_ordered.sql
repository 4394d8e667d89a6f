-- Every row of one table named by $table_name, in a stable order (for the content checksum).
-- Columns: those of the table. Params: $table_name.
SELECT * FROM query_table($table_name::VARCHAR) ORDER BY ALL
