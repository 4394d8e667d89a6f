-- The recent-trend marker of the whole-area series of every indicator of one principle for one area.
-- Columns: indicator_id, sex, age, marker, reason. Params: $principle_id, $area_code.
SELECT t.indicator_id, t.sex, t.age, t.marker, t.reason
FROM trend_results AS t
JOIN indicators AS i USING (indicator_id)
WHERE i.principle_id = $principle_id AND t.area_code = $area_code AND t.breakdown = 'total' AND t.category = ''
ORDER BY t.indicator_id, t.sex, t.age
