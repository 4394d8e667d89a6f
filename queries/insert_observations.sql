-- Append the rows of the registered frame `incoming` as observations of extract $extract_id.
-- Columns: none. Params: $extract_id.
INSERT INTO observations BY NAME
SELECT $extract_id::INTEGER AS extract_id, source_row, indicator_id, area_code, period_label, period_sort, sex, age,
       breakdown, category, category_rank, value, lower_ci95, upper_ci95, lower_ci998, upper_ci998,
       count, denominator, value_note, extra
FROM incoming
