-- The KPIs of every workstream (or one: $workstream_id NULL for all), with the linked indicator's name;
-- updated_on is the date a workstream last edited it, else the date of the KPI file that last set it.
-- Columns: kpi_id, workstream_id, name, indicator_id, indicator_name, unit, polarity, baseline,
-- baseline_period, latest, latest_period, target, target_period, owner, updated_on, extract_id, source.
-- Params: $workstream_id.
SELECT k.kpi_id, k.workstream_id, k.name, k.indicator_id, i.short_name AS indicator_name, k.unit, k.polarity,
       k.baseline, k.baseline_period, k.latest, k.latest_period, k.target, k.target_period, k.owner,
       coalesce(k.updated_on, CAST(e.loaded_at AS DATE)) AS updated_on, k.extract_id, k.source
FROM kpis AS k
LEFT JOIN indicators AS i USING (indicator_id)
LEFT JOIN extracts AS e ON e.extract_id = k.extract_id
WHERE $workstream_id IS NULL OR k.workstream_id = $workstream_id
ORDER BY k.workstream_id, k.kpi_id
