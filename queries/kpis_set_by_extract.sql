-- The KPIs last set by extract $extract_id, each with the newest other active KPI file's row for it (NULL
-- columns where no other active file has it), to restore when that extract is withdrawn.
-- Columns: kpi_id, from_extract, name, workstream_id, indicator_id, unit, polarity, baseline,
-- baseline_period, latest, latest_period, target, target_period, owner, source. Params: $extract_id.
SELECT k.kpi_id, v.extract_id AS from_extract, v.name, v.workstream_id, v.indicator_id, v.unit, v.polarity,
       v.baseline, v.baseline_period, v.latest, v.latest_period, v.target, v.target_period, v.owner,
       'KPI file ' || x.file_name AS source
FROM kpis AS k
LEFT JOIN (
    SELECT kv.*
    FROM kpi_values AS kv
    JOIN extracts AS e USING (extract_id)
    WHERE e.status = 'active' AND kv.extract_id <> $extract_id
    QUALIFY row_number() OVER (PARTITION BY kv.kpi_id ORDER BY kv.extract_id DESC) = 1
) AS v USING (kpi_id)
LEFT JOIN extracts AS x ON x.extract_id = v.extract_id
WHERE k.extract_id = $extract_id
ORDER BY k.kpi_id
