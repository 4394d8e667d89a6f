-- Whole-area values of every indicator of one principle for the authority and England, every period,
-- with the indicator's display metadata and the authority's comparison with England: at the indicator's own
-- age (its catalogue age) unless $all_ages, so the page's cost does not grow with a file's age bands.
-- Columns: indicator_id, name, short_name, unit, decimals, polarity, headline, area_code, area_name,
-- period_label, period_sort, sex, age, value, lower_ci95, upper_ci95, comparison.
-- Params: $principle_id, $area_code, $england_code, $all_ages.
SELECT i.indicator_id, i.name, i.short_name, i.unit, i.decimals, i.polarity, i.headline, o.area_code,
       a.area_name, o.period_label, o.period_sort, o.sex, o.age, o.value, o.lower_ci95, o.upper_ci95,
       b.comparison
FROM indicators AS i
JOIN current_observations AS o USING (indicator_id)
JOIN areas AS a ON a.area_code = o.area_code
LEFT JOIN benchmark_results AS b
       ON b.indicator_id = o.indicator_id AND b.area_code = o.area_code AND b.period_sort = o.period_sort
      AND b.sex = o.sex AND b.age = o.age AND b.breakdown = o.breakdown AND b.category = o.category
WHERE i.principle_id = $principle_id AND o.breakdown = 'total' AND o.area_code IN ($area_code, $england_code)
  AND ($all_ages OR o.age = i.age)
ORDER BY i.headline DESC, i.name, o.sex, o.age, o.area_code, o.period_sort
