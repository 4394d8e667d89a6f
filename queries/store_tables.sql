-- The base tables and views of the store's main schema (internal '__' names excluded).
-- Columns: table_name, kind ('table' | 'view'). Params: none.
SELECT table_name,
       CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END AS kind
FROM information_schema.tables
WHERE table_schema = 'main' AND table_catalog = current_database()
  AND NOT starts_with(table_name, '__')
ORDER BY kind, table_name
