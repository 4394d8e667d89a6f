-- Remove a KPI that no active KPI file carries any more (its rows stay in kpi_values, its edits in the
-- history).
-- Columns: none. Params: $kpi_id.
DELETE FROM kpis WHERE kpi_id = $kpi_id
