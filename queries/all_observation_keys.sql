-- Every (indicator, area, sex, age) key any observation has: what a full refresh covers.
-- Columns: indicator_id, area_code, sex, age.
-- Params: none.
SELECT DISTINCT indicator_id, area_code, sex, age FROM observations
