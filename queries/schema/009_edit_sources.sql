-- 009_edit_sources: the history of workstream edits also records changes made by files (a KPI file that
-- overwrites a target, a workbook loaded as an extract, the withdrawal of either), with the extract that
-- made them. DuckDB cannot alter a CHECK constraint, so the table is rebuilt with its rows.
CREATE TABLE workstream_edits_009 (
    change_id      INTEGER NOT NULL,
    item_kind      VARCHAR NOT NULL CHECK (item_kind IN ('action', 'kpi', 'logic model item')),
    item_id        VARCHAR NOT NULL,
    workstream_id  VARCHAR NOT NULL,
    field          VARCHAR NOT NULL,
    previous_value VARCHAR,
    new_value      VARCHAR,
    edited_by      VARCHAR NOT NULL,
    edited_at      TIMESTAMP NOT NULL,
    origin         VARCHAR NOT NULL CHECK (origin IN ('app', 'workbook', 'revert', 'demo', 'kpi file',
                                                      'withdrawal')),
    reverts        INTEGER,
    extract_id     INTEGER,               -- the workbook or KPI file (extracts.extract_id) that made it
    PRIMARY KEY (change_id, item_kind, item_id, field)
);
INSERT INTO workstream_edits_009
SELECT change_id, item_kind, item_id, workstream_id, field, previous_value, new_value, edited_by, edited_at,
       origin, reverts, NULL
FROM workstream_edits;
DROP TABLE workstream_edits;
ALTER TABLE workstream_edits_009 RENAME TO workstream_edits;
