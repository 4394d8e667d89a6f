-- Set the current state of each KPI in the registered frame `incoming_kpis` (loaded as extract $extract_id).
-- Values, periods, target and owner come from the file; optional fields left blank keep their current value.
-- Columns: none. Params: $extract_id.
INSERT INTO kpis (kpi_id, workstream_id, name, indicator_id, unit, polarity, baseline, baseline_period, latest,
                  latest_period, target, target_period, owner, extract_id, source)
SELECT kpi_id, workstream_id, name, indicator_id, unit, polarity, baseline, baseline_period, latest, latest_period,
       target, target_period, owner, $extract_id::INTEGER, source
FROM incoming_kpis
ON CONFLICT (kpi_id) DO UPDATE SET
    name = excluded.name,
    baseline = excluded.baseline,
    latest = excluded.latest,
    latest_period = excluded.latest_period,
    target = excluded.target,
    owner = excluded.owner,
    workstream_id = COALESCE(excluded.workstream_id, kpis.workstream_id),
    indicator_id = COALESCE(excluded.indicator_id, kpis.indicator_id),
    unit = COALESCE(excluded.unit, kpis.unit),
    polarity = COALESCE(excluded.polarity, kpis.polarity),
    baseline_period = COALESCE(excluded.baseline_period, kpis.baseline_period),
    target_period = COALESCE(excluded.target_period, kpis.target_period),
    extract_id = excluded.extract_id,
    source = excluded.source
