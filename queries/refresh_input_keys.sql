-- The keys whose observations the derived results of some target keys (a registered table `targets`)
-- depend on: the targets, England's and each target's parent area's (their benchmarks), and every ward of
-- a target authority (its ward gaps).
-- Columns: indicator_id, area_code, sex, age.
-- Params: $england_code.
SELECT indicator_id, area_code, sex, age FROM targets
UNION
SELECT DISTINCT indicator_id, $england_code AS area_code, sex, age FROM targets
UNION
SELECT t.indicator_id, a.parent_code, t.sex, t.age
FROM targets AS t JOIN areas AS a USING (area_code)
WHERE a.parent_code IS NOT NULL
UNION
SELECT t.indicator_id, a.area_code, t.sex, t.age
FROM targets AS t JOIN areas AS a ON a.parent_code = t.area_code AND a.area_type = 'ward'
