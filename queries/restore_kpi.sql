-- Set a KPI back to an earlier KPI file's row (its newest active one) when a later file is withdrawn.
-- Columns: none. Params: $kpi_id, $name, $workstream_id, $indicator_id, $unit, $polarity, $baseline,
-- $baseline_period, $latest, $latest_period, $target, $target_period, $owner, $extract_id, $source.
UPDATE kpis
SET name = $name, workstream_id = $workstream_id, indicator_id = $indicator_id, unit = $unit,
    polarity = $polarity, baseline = $baseline, baseline_period = $baseline_period, latest = $latest,
    latest_period = $latest_period, target = $target, target_period = $target_period, owner = $owner,
    extract_id = $extract_id, source = $source
WHERE kpi_id = $kpi_id
