-- The overarching outcomes (0) and the eight Marmot principles, in order.
-- Columns: principle_id, short_label, label, description. Params: none.
SELECT principle_id, short_label, label, description
FROM principles
ORDER BY principle_id
