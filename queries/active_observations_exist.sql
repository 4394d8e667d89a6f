-- Whether the store holds any observation of an active extract for some indicators (a first load of them
-- when it holds none: het.derived.refresh.plan_first_load).
-- Columns: held. Params: $indicator_ids.
SELECT EXISTS (
    SELECT 1
    FROM observations AS o
    JOIN extracts AS e USING (extract_id)
    WHERE e.status = 'active' AND list_contains($indicator_ids, o.indicator_id)
) AS held
