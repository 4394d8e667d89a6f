-- How many people in each ward live in LSOAs of each national IMD 2019 decile (1 = most deprived tenth of
-- England), by best-fit ward.
-- Columns: ward_code, lsoa_set, national_decile, lsoas, population. Params: none.
SELECT ward_code, vintage AS lsoa_set, national_decile, count(*) AS lsoas, sum(population) AS population
FROM lsoa_deprivation
WHERE ward_code IS NOT NULL
GROUP BY ward_code, vintage, national_decile
ORDER BY ward_code, vintage, national_decile
