-- Each KPI of a KPI file about to be committed (the registered frame `incoming_kpis`) against the current
-- KPI with the same kpi_id: status 'new', 'revised' (anything the load would change) or 'unchanged'.
-- Columns: source_row, kpi_id, name, status, old_/new_ baseline, latest, latest_period, target, owner,
-- old_extract_id (the load that set the current values). Params: none.
SELECT i.source_row, i.kpi_id, i.name,
       CASE
           WHEN k.kpi_id IS NULL THEN 'new'
           WHEN i.name IS DISTINCT FROM k.name
             OR i.baseline IS DISTINCT FROM k.baseline OR i.latest IS DISTINCT FROM k.latest
             OR i.latest_period IS DISTINCT FROM k.latest_period OR i.target IS DISTINCT FROM k.target
             OR i.owner IS DISTINCT FROM k.owner
             OR COALESCE(i.workstream_id, k.workstream_id) IS DISTINCT FROM k.workstream_id
             OR COALESCE(i.indicator_id, k.indicator_id) IS DISTINCT FROM k.indicator_id
             OR COALESCE(i.unit, k.unit) IS DISTINCT FROM k.unit
             OR COALESCE(i.polarity, k.polarity) IS DISTINCT FROM k.polarity
             OR COALESCE(i.baseline_period, k.baseline_period) IS DISTINCT FROM k.baseline_period
             OR COALESCE(i.target_period, k.target_period) IS DISTINCT FROM k.target_period
           THEN 'revised'
           ELSE 'unchanged'
       END AS status,
       k.baseline AS old_baseline, i.baseline AS new_baseline,
       k.latest AS old_latest, i.latest AS new_latest,
       k.latest_period AS old_latest_period, i.latest_period AS new_latest_period,
       k.target AS old_target, i.target AS new_target,
       k.owner AS old_owner, i.owner AS new_owner,
       k.extract_id AS old_extract_id
FROM incoming_kpis AS i
LEFT JOIN kpis AS k ON k.kpi_id = i.kpi_id
ORDER BY i.source_row
