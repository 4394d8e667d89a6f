-- The authority's ward sets that have boundaries in the store, with the file they came from.
-- Columns: ward_set, source. Params: $authority_code.
SELECT DISTINCT a.vintage AS ward_set, g.source
FROM area_geometries AS g
JOIN areas AS a USING (area_code)
WHERE a.area_type = 'ward' AND a.parent_code = $authority_code
ORDER BY 1
