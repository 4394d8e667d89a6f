-- Every workstream with the principles it serves (a list of numbers) and when anything in it last changed.
-- Columns: workstream_id, name, also_known_as, chair_organisation, status, description, luton2040_priority,
-- principles, last_edited_at. Params: none.
SELECT w.workstream_id, w.name, w.also_known_as, w.chair_organisation, w.status, w.description,
       w.luton2040_priority,
       (SELECT list(principle_id ORDER BY principle_id) FROM workstream_principles AS p
        WHERE p.workstream_id = w.workstream_id) AS principles,
       (SELECT max(edited_at) FROM workstream_edits AS e WHERE e.workstream_id = w.workstream_id) AS last_edited_at
FROM workstreams AS w
ORDER BY w.name
