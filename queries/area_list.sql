-- Every area het knows, with its type, vintage (ward set or LSOA set) and parent.
-- Columns: area_code, area_name, area_type, vintage, parent_code, is_comparator. Params: none.
SELECT area_code, area_name, area_type, vintage, parent_code, is_comparator
FROM areas
ORDER BY area_type, area_code
