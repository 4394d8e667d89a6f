-- The indicator catalogue with each indicator's principle label, in principle order.
-- Columns: every indicators column plus principle_label, principle_short_label. Params: none.
SELECT i.*, p.label AS principle_label, p.short_label AS principle_short_label
FROM indicators AS i
LEFT JOIN principles AS p USING (principle_id)
ORDER BY i.principle_id, i.headline DESC, i.name
