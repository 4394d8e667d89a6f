-- The recent-trend marker of one indicator's whole-area series for one area, per sex and age.
-- Columns: sex, age, marker, chi2, slope, n_points, method, reason. Params: $indicator_id, $area_code.
SELECT sex, age, marker, chi2, slope, n_points, method, reason
FROM trend_results
WHERE indicator_id = $indicator_id AND area_code = $area_code AND breakdown = 'total' AND category = ''
ORDER BY sex, age
