-- What het knows about each ward of the authority apart from indicator values: its ward set, IMD 2019
-- score, rank among the authority's wards, local quintile and population.
-- Columns: area_code, area_name, ward_set, imd_score, imd_rank_local, local_quintile, population,
-- population_source, derivation. Params: $authority_code.
SELECT a.area_code, a.area_name, a.vintage AS ward_set, d.imd_score, d.imd_rank_local, d.local_quintile,
       d.population, d.population_source, d.derivation
FROM areas AS a
LEFT JOIN ward_deprivation AS d ON d.ward_code = a.area_code
WHERE a.area_type = 'ward' AND a.parent_code = $authority_code
ORDER BY a.vintage, a.area_code
