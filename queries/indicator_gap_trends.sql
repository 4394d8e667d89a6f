-- The gap-over-time verdicts of one indicator for one area, per dimension, breakdown, sex and age.
-- Columns: sex, age, dimension, breakdown, verdict, chi2, slope, n_points, reason.
-- Params: $indicator_id, $area_code.
SELECT sex, age, dimension, breakdown, verdict, chi2, slope, n_points, reason
FROM gap_trends
WHERE indicator_id = $indicator_id AND area_code = $area_code
ORDER BY dimension, breakdown, sex, age
