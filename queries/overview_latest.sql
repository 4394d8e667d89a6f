-- For every indicator, the latest whole-area value for the authority ($area_code) per sex and age,
-- with England's ($england_code) value for the same period, sex and age.
-- Columns: principle_id, principle_label, indicator_id, name, unit, decimals, polarity, value_type, sex, age,
-- period_label, period_sort, local_value, local_lower_ci95, local_upper_ci95, england_value, has_data.
-- Indicators with no value for the authority still appear once, with has_data false.
-- Params: $area_code, $england_code.
WITH local_latest AS (
    SELECT indicator_id, sex, age, period_label, period_sort, value, lower_ci95, upper_ci95
    FROM current_observations
    WHERE area_code = $area_code AND breakdown = 'total' AND value IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY indicator_id, sex, age ORDER BY period_sort DESC) = 1
)
SELECT i.principle_id, p.label AS principle_label, i.indicator_id, i.name, i.unit, i.decimals, i.polarity,
       i.value_type, l.sex, l.age, l.period_label, l.period_sort,
       l.value AS local_value, l.lower_ci95 AS local_lower_ci95, l.upper_ci95 AS local_upper_ci95,
       e.value AS england_value, l.indicator_id IS NOT NULL AS has_data
FROM indicators AS i
JOIN principles AS p USING (principle_id)
LEFT JOIN local_latest AS l USING (indicator_id)
LEFT JOIN current_observations AS e
       ON e.indicator_id = l.indicator_id AND e.area_code = $england_code AND e.breakdown = 'total'
      AND e.period_sort = l.period_sort AND e.sex = l.sex AND e.age = l.age
ORDER BY i.principle_id, i.headline DESC, i.name,
         CASE l.sex WHEN 'Persons' THEN 0 WHEN 'Female' THEN 1 ELSE 2 END
