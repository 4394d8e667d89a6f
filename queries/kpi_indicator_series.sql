-- The authority's whole-area values of every indicator a KPI is linked to (persons where the indicator has
-- them, else its first sex; its first age), oldest first: where linked KPIs take their values from.
-- Columns: indicator_id, period_label, period_sort, sex, age, value, decimals. Params: $authority_code.
SELECT o.indicator_id, o.period_label, o.period_sort, o.sex, o.age, o.value, i.decimals
FROM current_observations AS o
JOIN indicators AS i USING (indicator_id)
WHERE o.area_code = $authority_code AND o.breakdown = 'total'
  AND o.indicator_id IN (SELECT indicator_id FROM kpis WHERE indicator_id IS NOT NULL)
QUALIFY dense_rank() OVER (PARTITION BY o.indicator_id ORDER BY (o.sex = 'Persons') DESC, o.sex, o.age) = 1
ORDER BY o.indicator_id, o.period_sort
