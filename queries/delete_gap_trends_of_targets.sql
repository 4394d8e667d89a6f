-- Delete the gap_trends rows of the target keys (a registered table `targets`: indicator_id, area_code,
-- sex, age), before the refresh writes them anew.
-- Columns: none.
-- Params: none.
DELETE FROM gap_trends AS d
USING targets AS t
WHERE d.indicator_id = t.indicator_id AND d.area_code = t.area_code AND d.sex = t.sex AND d.age = t.age
