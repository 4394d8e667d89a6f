-- One indicator's gaps for one area: by deprivation, ethnicity and ward, every period, sex and age.
-- Columns: every gap_results column except data_version (see 003_gaps.sql). Params: $indicator_id, $area_code.
SELECT * EXCLUDE (data_version)
FROM gap_results
WHERE indicator_id = $indicator_id AND area_code = $area_code
ORDER BY dimension, breakdown, sex, age, period_sort
