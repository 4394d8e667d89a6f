-- Append the rows of the registered frame `incoming_kpis` to the KPI history as extract $extract_id.
-- Columns: none. Params: $extract_id.
INSERT INTO kpi_values BY NAME
SELECT $extract_id::INTEGER AS extract_id, source_row, kpi_id, name, workstream_id, indicator_id, unit, polarity,
       baseline, baseline_period, latest, latest_period, target, target_period, owner
FROM incoming_kpis
