-- The gap engine's inputs (as het.derived.refresh.inputs_for_keys gives them) for the authority, its wards
-- and England, as the store stood at $since (the extracts loaded by then and not withdrawn by then), for the trends and
-- gap verdicts that changed since ("what changed since the last meeting"; now's are the stored results).
-- Columns: indicator_id, area_code, period_sort, period_label, sex, age, breakdown,
-- category, category_rank, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator,
-- polarity, value_type, multiplier, periodicity, sii_transform, area_type, vintage, parent_code, area_name,
-- imd_rank_local, ward_population, ward_population_source.
-- Params: $since (timestamp, UTC as stored), $authority (area code), $england (area code).
WITH places AS (
    SELECT list(area_code) AS codes FROM areas
    WHERE area_code IN ($authority, $england) OR parent_code = $authority
), then_obs AS (
    SELECT t.* FROM observations_as_of($since, (SELECT codes FROM places)) AS t
)
SELECT o.indicator_id, o.area_code, o.period_sort, o.period_label, o.sex, o.age, o.breakdown,
       o.category, o.category_rank, o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, o.count,
       o.denominator, i.polarity, i.value_type, i.multiplier, i.periodicity, i.sii_transform, a.area_type,
       a.vintage, a.parent_code, a.area_name, d.imd_rank_local, d.population AS ward_population,
       d.population_source AS ward_population_source
FROM then_obs AS o
JOIN indicators AS i USING (indicator_id)
LEFT JOIN areas AS a USING (area_code)
LEFT JOIN ward_deprivation AS d ON d.ward_code = o.area_code
ORDER BY o.indicator_id, o.area_code, o.sex, o.age, o.breakdown, o.category, o.period_sort
