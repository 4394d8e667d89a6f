-- Every current whole-ward value of every indicator for the authority's wards, with its ward set, its
-- comparison with the authority (the wards' benchmark) and the authority's value for the same period.
-- Columns: indicator_id, short_name, name, principle_id, principle_short_label, unit, decimals, polarity,
-- value_type, multiplier, area_code, area_name, ward_set, period_label, period_sort, sex, age, value,
-- lower_ci95, upper_ci95, count, denominator, comparison, authority_value.
-- Params: $authority_code.
SELECT o.indicator_id, i.short_name, i.name, i.principle_id, p.short_label AS principle_short_label, i.unit,
       i.decimals, i.polarity, i.value_type, i.multiplier, o.area_code, a.area_name, a.vintage AS ward_set,
       o.period_label, o.period_sort, o.sex, o.age, o.value, o.lower_ci95, o.upper_ci95, o.count,
       o.denominator, b.comparison, b.benchmark_value AS authority_value
FROM current_observations AS o
JOIN areas AS a USING (area_code)
JOIN indicators AS i USING (indicator_id)
LEFT JOIN principles AS p USING (principle_id)
LEFT JOIN benchmark_results AS b
       ON b.indicator_id = o.indicator_id AND b.area_code = o.area_code AND b.period_sort = o.period_sort
      AND b.sex = o.sex AND b.age = o.age AND b.breakdown = o.breakdown AND b.category = o.category
WHERE a.area_type = 'ward' AND a.parent_code = $authority_code AND o.breakdown = 'total'
ORDER BY i.principle_id, o.indicator_id, o.period_sort, o.sex, o.age, o.area_code
