-- The population breakdowns het holds for the authority's wards (Census 2021 ethnic groups and totals).
-- Columns: area_code, breakdown, category, population, year, source. Params: $authority_code.
SELECT p.area_code, p.breakdown, p.category, p.population, p.year, p.source
FROM populations AS p
JOIN areas AS a USING (area_code)
WHERE a.area_type = 'ward' AND a.parent_code = $authority_code
ORDER BY p.area_code, p.breakdown, p.category
