-- The Marmot principles, overarching outcomes (0) first.
-- Columns: principle_id, short_label, label, description. Params: none.
SELECT principle_id, short_label, label, description
FROM principles
ORDER BY principle_id
