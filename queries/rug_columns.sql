-- The tartan rug's columns, in order: the authority ($area_code), England ($england_code), the authority's
-- region, the comparator authorities by name, then the authority's wards of its newest ward set by name.
-- Columns: area_code, area_name, area_kind ('authority', 'england', 'region', 'comparator', 'ward'),
-- area_rank (the column group's order), vintage. Params: $area_code, $england_code.
WITH authority AS (
    SELECT area_code, parent_code FROM areas WHERE area_code = $area_code
),
ward_set AS (
    SELECT max(vintage) AS vintage FROM areas WHERE area_type = 'ward' AND parent_code = $area_code
),
chosen AS (
    SELECT a.area_code, a.area_name, a.vintage,
           CASE
               WHEN a.area_code = $area_code THEN 'authority'
               WHEN a.area_code = $england_code THEN 'england'
               WHEN a.area_type = 'region' THEN 'region'
               WHEN a.area_type = 'ward' THEN 'ward'
               ELSE 'comparator'
           END AS area_kind
    FROM areas AS a
    WHERE a.area_code IN ($area_code, $england_code)
       OR a.area_code = (SELECT parent_code FROM authority)
       OR (a.is_comparator AND a.area_type = 'local authority' AND a.area_code <> $area_code)
       OR (a.area_type = 'ward' AND a.parent_code = $area_code AND a.vintage = (SELECT vintage FROM ward_set))
)
SELECT area_code, area_name,  area_kind,
       CASE area_kind WHEN 'authority' THEN 0 WHEN 'england' THEN 1 WHEN 'region' THEN 2
                      WHEN 'comparator' THEN 3 ELSE 4 END AS area_rank,
       vintage
FROM chosen
ORDER BY area_rank, area_name
