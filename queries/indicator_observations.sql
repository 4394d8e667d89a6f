-- Every current observation of one indicator: all areas (England, regions, the authority, comparators, wards)
-- and all breakdowns, with the area's type and ward set, and its comparison with its benchmark
-- (England for whole areas; the authority for its wards and groups).
-- Columns: indicator_id, area_code, area_name, area_type, vintage, parent_code, is_comparator, period_label,
-- period_sort, sex, age, breakdown, category, category_rank, value, lower_ci95, upper_ci95, lower_ci998,
-- upper_ci998, count, denominator, value_note, extract_id, benchmark_code, benchmark_value, comparison.
-- Params: $indicator_id.
SELECT o.indicator_id, o.area_code, a.area_name, a.area_type, a.vintage, a.parent_code,
       coalesce(a.is_comparator, false) AS is_comparator, o.period_label, o.period_sort, o.sex, o.age,
       o.breakdown, o.category, o.category_rank, o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998,
       o.upper_ci998, o.count, o.denominator, o.value_note, o.extract_id, b.benchmark_code, b.benchmark_value,
       b.comparison
FROM current_observations AS o
LEFT JOIN areas AS a USING (area_code)
LEFT JOIN benchmark_results AS b
       ON b.indicator_id = o.indicator_id AND b.area_code = o.area_code AND b.period_sort = o.period_sort
      AND b.sex = o.sex AND b.age = o.age AND b.breakdown = o.breakdown AND b.category = o.category
WHERE o.indicator_id = $indicator_id
ORDER BY o.period_sort, o.sex, o.age, o.breakdown, o.area_code, o.category_rank, o.category
