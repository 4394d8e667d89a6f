-- The (indicator, area, sex, age) keys one extract's observations have: what withdrawing it touches.
-- Columns: indicator_id, area_code, sex, age.
-- Params: $extract_id.
SELECT DISTINCT indicator_id, area_code, sex, age FROM observations WHERE extract_id = $extract_id
