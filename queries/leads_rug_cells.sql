-- The tartan rug's values: for every indicator and catalogued sex at its standard age, at the authority's
-- ($area_code) latest period, the whole-area value of each of the areas $area_codes (a list: the rug's
-- columns, queries/rug_columns.sql) that has one, with its comparison (benchmark_results: whole areas
-- against England, wards against the authority; none for England itself).
-- Columns: indicator_id, sex, age, period_label, period_sort, area_code, value, lower_ci95, upper_ci95,
-- benchmark_code, comparison.
-- Params: $area_code, $area_codes (list of area codes).
WITH catalogued AS (
    SELECT i.indicator_id, i.age, trim(s.sex) AS sex
    FROM indicators AS i, unnest(string_split(i.sexes, ';')) AS s(sex)
),
latest AS (
    SELECT o.indicator_id, o.sex, o.age, o.period_label, o.period_sort
    FROM current_observations AS o
    JOIN catalogued AS c USING (indicator_id, sex, age)
    WHERE o.area_code = $area_code AND o.breakdown = 'total' AND o.value IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.sex, o.age ORDER BY o.period_sort DESC) = 1
),
column_values AS (
    -- list_contains on the view's partition column lets DuckDB filter before the view's window runs
    SELECT indicator_id, sex, age, period_sort, area_code, value, lower_ci95, upper_ci95
    FROM current_observations
    WHERE list_contains($area_codes, area_code) AND breakdown = 'total' AND value IS NOT NULL
)
SELECT l.indicator_id, l.sex, l.age, l.period_label, l.period_sort, v.area_code, v.value, v.lower_ci95,
       v.upper_ci95, b.benchmark_code, b.comparison
FROM latest AS l
JOIN column_values AS v USING (indicator_id, sex, age, period_sort)
LEFT JOIN benchmark_results AS b
       ON b.indicator_id = l.indicator_id AND b.area_code = v.area_code AND b.breakdown = 'total'
      AND b.category = '' AND b.period_sort = l.period_sort AND b.sex = l.sex AND b.age = l.age
ORDER BY l.indicator_id, l.sex, v.area_code
