-- The latest whole-area value of every indicator for the authority ($area_code), one row per sex the
-- catalogue lists for it, at the indicator's standard age, with England's ($england_code) value for the same
-- period, sex and age, the authority's comparison with England (benchmark_results) and the recent trend of
-- the authority's whole-area series (trend_results). Indicators with no value for the authority still
-- appear, one row per catalogued sex, with the period and values empty.
-- Columns: principle_id, principle_label, principle_short_label, indicator_id, name, short_name, unit,
-- decimals, polarity, headline, jsna_topic, luton2040_priority, source, sex, age, period_label, period_sort,
-- value, lower_ci95, upper_ci95, first_period_label, first_value, england_value, comparison, trend_marker,
-- trend_reason.
-- Params: $area_code, $england_code.
WITH catalogued AS (
    SELECT i.indicator_id, i.age, trim(s.sex) AS sex
    FROM indicators AS i, unnest(string_split(i.sexes, ';')) AS s(sex)
),
series AS (
    SELECT o.indicator_id, o.sex, o.age, o.period_label, o.period_sort, o.value, o.lower_ci95, o.upper_ci95
    FROM current_observations AS o
    JOIN catalogued AS c USING (indicator_id, sex, age)
    WHERE o.area_code = $area_code AND o.breakdown = 'total' AND o.value IS NOT NULL
),
latest AS (
    SELECT *,
           arg_min(period_label, period_sort) OVER w AS first_period_label,
           arg_min(value, period_sort) OVER w AS first_value
    FROM series
    WINDOW w AS (PARTITION BY indicator_id, sex, age)
    QUALIFY row_number() OVER (PARTITION BY indicator_id, sex, age ORDER BY period_sort DESC) = 1
)
SELECT i.principle_id, p.label AS principle_label, p.short_label AS principle_short_label, c.indicator_id,
       i.name, i.short_name, i.unit, i.decimals, i.polarity, i.headline, i.jsna_topic, i.luton2040_priority,
       i.source, c.sex, c.age, l.period_label, l.period_sort, l.value, l.lower_ci95, l.upper_ci95,
       l.first_period_label, l.first_value,
       e.value AS england_value, b.comparison, t.marker AS trend_marker, t.reason AS trend_reason
FROM catalogued AS c
JOIN indicators AS i ON i.indicator_id = c.indicator_id
JOIN principles AS p ON p.principle_id = i.principle_id
LEFT JOIN latest AS l ON l.indicator_id = c.indicator_id AND l.sex = c.sex AND l.age = c.age
LEFT JOIN current_observations AS e
       ON e.indicator_id = l.indicator_id AND e.area_code = $england_code AND e.breakdown = 'total'
      AND e.period_sort = l.period_sort AND e.sex = l.sex AND e.age = l.age
LEFT JOIN benchmark_results AS b
       ON b.indicator_id = l.indicator_id AND b.area_code = $area_code AND b.breakdown = 'total'
      AND b.category = '' AND b.period_sort = l.period_sort AND b.sex = l.sex AND b.age = l.age
      AND b.benchmark_code = $england_code
LEFT JOIN trend_results AS t
       ON t.indicator_id = c.indicator_id AND t.area_code = $area_code AND t.breakdown = 'total'
      AND t.category = '' AND t.sex = c.sex AND t.age = c.age
ORDER BY i.principle_id, i.headline DESC, i.name, CASE c.sex WHEN 'Persons' THEN 0 WHEN 'Male' THEN 1 ELSE 2 END
