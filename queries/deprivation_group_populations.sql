-- Each area's population in each deprivation group, from the geography pack (the latest year it has).
-- Columns: area_code, breakdown, rank (1 = most deprived), population, source.
-- Params: none.
SELECT area_code, breakdown, CAST(category AS INTEGER) AS rank, population, source
FROM populations
WHERE breakdown LIKE 'deprivation_%'
QUALIFY row_number() OVER (PARTITION BY area_code, breakdown, category ORDER BY year DESC) = 1
