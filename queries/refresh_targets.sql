-- The (indicator, area, sex, age) keys whose derived results a change invalidates, from the keys it
-- touched (a registered table `touched_keys`): the touched keys; every area of a slice (indicator, sex,
-- age) where England was touched (all are benchmarked against it); the wards of a touched authority (they
-- are benchmarked against it); the authority of a touched ward (its ward gaps hold every ward). Keys that
-- no observation has (a ward with no data) have no results, so the expansions keep only keys with rows.
-- Columns: indicator_id, area_code, sex, age.
-- Params: $england_code.
WITH t AS (
    SELECT DISTINCT indicator_id, area_code, sex, age FROM touched_keys
),
england_slices AS (
    SELECT DISTINCT indicator_id, sex, age FROM t WHERE area_code = $england_code
)
SELECT indicator_id, area_code, sex, age FROM t
UNION
SELECT DISTINCT o.indicator_id, o.area_code, o.sex, o.age
FROM observations AS o
SEMI JOIN england_slices USING (indicator_id, sex, age)
UNION
SELECT t.indicator_id, a.area_code, t.sex, t.age
FROM t JOIN areas AS a ON a.parent_code = t.area_code AND a.area_type = 'ward'
SEMI JOIN observations AS o
  ON o.indicator_id = t.indicator_id AND o.area_code = a.area_code AND o.sex = t.sex AND o.age = t.age
UNION
SELECT t.indicator_id, a.parent_code, t.sex, t.age
FROM t JOIN areas AS a ON a.area_code = t.area_code AND a.area_type = 'ward'
