-- Wards of both ward sets with their deprivation score and population (drives the demo gradient).
-- Columns: ward_code, ward_name, ward_set, imd_score, population. Params: none.
SELECT d.ward_code, a.area_name AS ward_name, d.ward_set, d.imd_score, d.population
FROM ward_deprivation AS d
JOIN areas AS a ON a.area_code = d.ward_code
ORDER BY d.ward_set, d.ward_code
