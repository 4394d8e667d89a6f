-- The gap-over-time verdicts of every indicator of one principle for one area.
-- Columns: indicator_id, sex, age, dimension, breakdown, verdict, reason. Params: $principle_id, $area_code.
SELECT t.indicator_id, t.sex, t.age, t.dimension, t.breakdown, t.verdict, t.reason
FROM gap_trends AS t
JOIN indicators AS i USING (indicator_id)
WHERE i.principle_id = $principle_id AND t.area_code = $area_code
ORDER BY t.indicator_id, t.dimension, t.breakdown, t.sex, t.age
