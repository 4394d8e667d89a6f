-- Every current observation with what the gap engine needs: indicator metadata, area type and ward set,
-- and for wards their deprivation rank and population within their ward set.
-- Columns: indicator_id, area_code, period_sort, period_label, sex, age, breakdown, category, category_rank,
-- value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, polarity, value_type,
-- multiplier, periodicity, area_type, vintage, parent_code, area_name, imd_rank_local, ward_population.
-- Params: none.
SELECT o.indicator_id, o.area_code, o.period_sort, o.period_label, o.sex, o.age, o.breakdown, o.category,
       o.category_rank, o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count,
       o.denominator, i.polarity, i.value_type, i.multiplier, i.periodicity, a.area_type, a.vintage,
       a.parent_code, a.area_name, d.imd_rank_local, d.population AS ward_population
FROM current_observations AS o
JOIN indicators AS i USING (indicator_id)
LEFT JOIN areas AS a USING (area_code)
LEFT JOIN ward_deprivation AS d ON d.ward_code = o.area_code
