-- The boundary of every ward of the authority, in every ward set the geography pack has (WGS84 GeoJSON,
-- exteriors clockwise).
-- Columns: area_code, area_name, ward_set, geojson, source. Params: $authority_code.
SELECT g.area_code, a.area_name, a.vintage AS ward_set, g.geojson, g.source
FROM area_geometries AS g
JOIN areas AS a USING (area_code)
WHERE a.area_type = 'ward' AND a.parent_code = $authority_code
ORDER BY a.vintage, g.area_code
