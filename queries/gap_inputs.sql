-- The current observations of the chosen (indicator, area, sex, age) keys, the rows of the gap engine's
-- inputs; the refresh adds each row's indicator and area columns from queries/gap_input_indicators.sql and
-- queries/gap_input_areas.sql (read once per refresh, not joined onto every row here). The keys are a
-- registered table `input_keys` (indicator_id, area_code, sex, age).
-- Rows come in no particular order: the refresh sorts them on its codes (het.derived.refresh).
-- Columns: indicator_id, area_code, period_sort, period_label, sex, age, breakdown, category, category_rank,
-- value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator.
-- Params: none.
WITH candidate_rows AS MATERIALIZED (
    SELECT o.*
    FROM observations AS o
    JOIN extracts AS e USING (extract_id)
    SEMI JOIN input_keys AS k USING (indicator_id, area_code, sex, age)
    WHERE e.status = 'active'
),
-- An indicator whose candidate rows all come from one extract has no superseded rows to leave out.
layered AS (
    SELECT indicator_id FROM candidate_rows GROUP BY indicator_id HAVING count(DISTINCT extract_id) > 1
),
current_rows AS (
    SELECT * FROM candidate_rows ANTI JOIN layered USING (indicator_id)
    UNION ALL
    SELECT * FROM (
        SELECT * FROM candidate_rows SEMI JOIN layered USING (indicator_id)
        QUALIFY row_number() OVER (
            PARTITION BY indicator_id, area_code, period_sort, sex, age, breakdown, category
            ORDER BY extract_id DESC
        ) = 1
    )
)
SELECT o.indicator_id, o.area_code, o.period_sort, o.period_label, o.sex, o.age, o.breakdown, o.category,
       o.category_rank, o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count,
       o.denominator
FROM current_rows AS o
