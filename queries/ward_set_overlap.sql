-- How the earlier and later ward sets relate: for LSOAs whose code (so whose boundary) is the same in both
-- LSOA sets, the population each earlier-set ward shares with each later-set ward (best-fit LSOA lookups).
-- Columns: from_ward, to_ward, lsoas, population. Params: none.
SELECT e.ward_code AS from_ward, l.ward_code AS to_ward, count(*) AS lsoas, sum(e.population) AS population
FROM lsoa_deprivation AS e
JOIN lsoa_deprivation AS l ON l.lsoa_code = e.lsoa_code AND l.vintage <> e.vintage AND e.vintage < l.vintage
WHERE e.ward_code IS NOT NULL AND l.ward_code IS NOT NULL
GROUP BY e.ward_code, l.ward_code
ORDER BY e.ward_code, population DESC
