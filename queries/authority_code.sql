-- The local authority the store's wards belong to (Luton, E06000032, with the shipped geography).
-- Columns: area_code, area_name. Params: none.
SELECT a.area_code, a.area_name
FROM areas AS a
WHERE a.area_code IN (SELECT parent_code FROM areas WHERE area_type = 'ward')
ORDER BY a.area_code
LIMIT 1
