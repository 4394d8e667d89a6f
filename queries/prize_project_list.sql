-- Every Health Equity Town Prize project with the principle it serves.
-- Columns: project_id, name, organisation, principle_id, year, amount_gbp, status, summary. Params: none.
SELECT project_id, name, organisation, principle_id, year, amount_gbp, status, summary
FROM prize_projects
ORDER BY principle_id, year, project_id
