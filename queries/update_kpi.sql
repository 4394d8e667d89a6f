-- Set a KPI's owner, unit, polarity, target and target year (the workstream sets them; values come from data).
-- Columns: none. Params: $kpi_id, $owner, $unit, $polarity, $target, $target_period, $updated_on.
UPDATE kpis
SET owner = $owner, unit = $unit, polarity = $polarity, target = $target, target_period = $target_period,
    updated_on = $updated_on
WHERE kpi_id = $kpi_id
