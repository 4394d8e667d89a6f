-- The workstreams that serve one principle (workstream_principles), with their status and chair.
-- Columns: workstream_id, name, also_known_as, chair_organisation, status, description, luton2040_priority,
-- source. Params: $principle_id.
SELECT w.workstream_id, w.name, w.also_known_as, w.chair_organisation, w.status, w.description,
       w.luton2040_priority, w.source
FROM workstreams AS w
JOIN workstream_principles AS wp USING (workstream_id)
WHERE wp.principle_id = $principle_id
ORDER BY w.status, w.name
