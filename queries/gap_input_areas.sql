-- The area columns of the gap engine's inputs, one row per area code: its type, ward set, parent and name,
-- and for wards their deprivation rank and population within their ward set (joined to each row of
-- queries/gap_inputs.sql by the refresh; missing for a code in neither table).
-- Columns: area_code, area_type, vintage, parent_code, area_name, imd_rank_local, ward_population,
-- ward_population_source.
-- Params: none.
SELECT coalesce(a.area_code, d.ward_code) AS area_code, a.area_type, a.vintage, a.parent_code, a.area_name,
       d.imd_rank_local, d.population AS ward_population, d.population_source AS ward_population_source
FROM areas AS a
FULL JOIN ward_deprivation AS d ON d.ward_code = a.area_code
