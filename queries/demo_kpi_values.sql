-- Whole-area values of the authority and England (persons, or males where an indicator has no persons
-- value), oldest first: what the demonstration KPIs are made from.
-- Columns: indicator_id, area_code, period_label, period_sort, value. Params: $authority_code, $england_code.
SELECT indicator_id, area_code, period_label, period_sort, value
FROM current_observations
WHERE breakdown = 'total' AND sex IN ('Persons', 'Male') AND area_code IN ($authority_code, $england_code)
ORDER BY indicator_id, area_code, period_sort
