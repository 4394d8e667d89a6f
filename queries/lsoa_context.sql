-- Every LSOA with a boundary and an IMD 2019 score: its national decile, local quintile and decile, its
-- population and best-fit ward (in its own ward set), with its boundary (WGS84 GeoJSON).
-- Columns: area_code, area_name, lsoa_set, imd_score, national_decile, local_quintile, local_decile,
-- population, ward_code, geojson. Params: none.
SELECT d.lsoa_code AS area_code, a.area_name, d.vintage AS lsoa_set, d.imd_score, d.national_decile,
       d.local_quintile, d.local_decile, d.population, d.ward_code, g.geojson
FROM lsoa_deprivation AS d
JOIN area_geometries AS g ON g.area_code = d.lsoa_code
LEFT JOIN areas AS a ON a.area_code = d.lsoa_code
ORDER BY d.vintage, d.lsoa_code
