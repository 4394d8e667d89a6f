-- The gaps (deprivation, ethnicity, ward) of every indicator of one principle for one area.
-- Columns: every gap_results column except data_version (see 003_gaps.sql). Params: $principle_id, $area_code.
SELECT g.* EXCLUDE (data_version)
FROM gap_results AS g
JOIN indicators AS i USING (indicator_id)
WHERE i.principle_id = $principle_id AND g.area_code = $area_code
ORDER BY g.indicator_id, g.dimension, g.breakdown, g.sex, g.age, g.period_sort
