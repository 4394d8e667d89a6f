-- Areas the demo generator writes values for: benchmarks, authorities and wards.
-- Columns: area_code, area_name, area_type, vintage, is_comparator. Params: none.
SELECT area_code, area_name, area_type, vintage, is_comparator
FROM areas
WHERE area_type IN ('country', 'region', 'local authority', 'ward')
ORDER BY area_type, area_code
