-- Every area het knows, with its type, vintage (ward set or LSOA set) and parent; wards carry the dates
-- their ward set was in force (from the geography manifest).
-- Columns: area_code, area_name, area_type, vintage, parent_code, is_comparator, in_force_from,
-- in_force_until.
-- Params: none.
SELECT a.area_code, a.area_name, a.area_type, a.vintage, a.parent_code, a.is_comparator,
       CASE WHEN a.area_type = 'ward' THEN w.in_force_from END AS in_force_from,
       CASE WHEN a.area_type = 'ward' THEN w.in_force_until END AS in_force_until
FROM areas AS a
LEFT JOIN ward_sets AS w ON w.vintage = a.vintage
ORDER BY a.area_type, a.area_code
