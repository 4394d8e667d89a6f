-- The KPIs of the workstreams that serve one principle, with the linked indicator's name: the same columns
-- as workstream_kpis.sql, for het.views.workstreams.kpi_table to take linked KPIs' values from the data.
-- Columns: kpi_id, workstream_id, name, indicator_id, indicator_name, unit, polarity, baseline,
-- baseline_period, latest, latest_period, target, target_period, owner, updated_on, extract_id, source.
-- Params: $principle_id.
SELECT k.kpi_id, k.workstream_id, k.name, k.indicator_id, i.short_name AS indicator_name, k.unit, k.polarity,
       k.baseline, k.baseline_period, k.latest, k.latest_period, k.target, k.target_period, k.owner,
       coalesce(k.updated_on, CAST(e.loaded_at AS DATE)) AS updated_on, k.extract_id, k.source
FROM kpis AS k
JOIN workstream_principles AS wp USING (workstream_id)
LEFT JOIN indicators AS i USING (indicator_id)
LEFT JOIN extracts AS e ON e.extract_id = k.extract_id
WHERE wp.principle_id = $principle_id
ORDER BY k.workstream_id, k.name
