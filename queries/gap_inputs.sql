-- The current observations of the chosen (indicator, area, sex, age) keys, with what the gap engine needs:
-- indicator metadata, area type and ward set, and for wards their deprivation rank and population within
-- their ward set. The keys are a registered table `input_keys` (indicator_id, area_code, sex, age).
-- Rows come sorted by indicator, area, sex, age, breakdown, category and period (text by code point, as
-- Python sorts it; missing last), the order the refresh needs (het.derived.refresh).
-- Columns: indicator_id, area_code, period_sort, period_label, sex, age, breakdown, category, category_rank,
-- value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, polarity, value_type,
-- multiplier, periodicity, sii_transform, area_type, vintage, parent_code, area_name, imd_rank_local,
-- ward_population, ward_population_source.
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
       o.denominator, i.polarity, i.value_type, i.multiplier, i.periodicity, i.sii_transform, a.area_type,
       a.vintage, a.parent_code, a.area_name, d.imd_rank_local, d.population AS ward_population,
       d.population_source AS ward_population_source
FROM current_rows AS o
JOIN indicators AS i USING (indicator_id)
LEFT JOIN areas AS a USING (area_code)
LEFT JOIN ward_deprivation AS d ON d.ward_code = o.area_code
ORDER BY o.indicator_id, o.area_code, o.sex, o.age, o.breakdown, o.category, o.period_sort
