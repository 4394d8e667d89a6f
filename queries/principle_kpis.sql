-- The KPIs of the workstreams that serve one principle, as last loaded from a KPI file.
-- Columns: kpi_id, workstream_id, name, indicator_id, unit, polarity, baseline, baseline_period, latest,
-- latest_period, target, target_period, owner, extract_id, source. Params: $principle_id.
SELECT k.kpi_id, k.workstream_id, k.name, k.indicator_id, k.unit, k.polarity, k.baseline, k.baseline_period,
       k.latest, k.latest_period, k.target, k.target_period, k.owner, k.extract_id, k.source
FROM kpis AS k
JOIN workstream_principles AS wp USING (workstream_id)
WHERE wp.principle_id = $principle_id
ORDER BY k.workstream_id, k.name
