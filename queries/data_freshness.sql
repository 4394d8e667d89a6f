-- How fresh the store is, for the "data up to" line on every page: the latest period of the authority's
-- values (from active extracts) and the latest active extract's load.
-- Columns: latest_period_label, latest_period_sort, indicators_with_values, last_extract_id,
-- last_loaded_at, active_extracts.
-- Params: $authority (the authority's area code).
WITH periods AS (
    SELECT arg_max(o.period_label, o.period_sort) AS latest_period_label,
           max(o.period_sort) AS latest_period_sort,
           count(DISTINCT o.indicator_id) AS indicators_with_values
    FROM observations AS o
    JOIN extracts AS e USING (extract_id)
    WHERE e.status = 'active' AND o.area_code = $authority AND o.breakdown = 'total'
), loads AS (
    SELECT arg_max(extract_id, loaded_at) AS last_extract_id, max(loaded_at) AS last_loaded_at,
           count(*) AS active_extracts
    FROM extracts WHERE status = 'active'
)
SELECT * FROM periods CROSS JOIN loads
