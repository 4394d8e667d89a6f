-- The ward hex cartogram cells (data/hex_layout.csv): one axial cell per ward, per ward set.
-- Columns: area_code, ward_set, q, r. Params: none.
SELECT area_code, ward_set, q, r
FROM hex_layout
ORDER BY ward_set, area_code
