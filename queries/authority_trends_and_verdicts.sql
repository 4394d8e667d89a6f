-- The authority's stored recent-trend markers (its whole-area series) and gap-over-time verdicts (its gaps
-- by deprivation and between its wards), for "what changed since the last meeting": the "now" side.
-- Columns: kind ('trend', 'gap'), indicator_id, sex, age, dimension, breakdown, result.
-- Params: $authority (area code).
SELECT 'trend' AS kind, indicator_id, sex, age, NULL AS dimension, breakdown, marker AS result
FROM trend_results
WHERE area_code = $authority AND breakdown = 'total'
UNION ALL
SELECT 'gap' AS kind, indicator_id, sex, age, dimension, breakdown, verdict AS result
FROM gap_trends
WHERE area_code = $authority
