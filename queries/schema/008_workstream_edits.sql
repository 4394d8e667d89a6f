-- 008_workstream_edits: what a workstream keeps current (owners, partners, updates, KPI targets, logic-model
-- owners and measures), and the history of every edit made in the app or by workbook.

-- Actions: the partner organisation, the latest update and its date.
ALTER TABLE actions ADD COLUMN partner VARCHAR;
ALTER TABLE actions ADD COLUMN latest_update VARCHAR;
ALTER TABLE actions ADD COLUMN updated_on DATE;

-- KPIs: when the KPI (its target or values) was last updated.
ALTER TABLE kpis ADD COLUMN updated_on DATE;

-- Logic-model items: who owns the item, and the catalogue indicator or KPI that measures it.
ALTER TABLE logic_model_items ADD COLUMN owner VARCHAR;
ALTER TABLE logic_model_items ADD COLUMN indicator_id VARCHAR;
ALTER TABLE logic_model_items ADD COLUMN kpi_id VARCHAR;
ALTER TABLE logic_model_items ADD COLUMN updated_on DATE;

-- The links between logic-model items (from an earlier stage to a later one).
CREATE TABLE logic_model_links (
    workstream_id VARCHAR NOT NULL,
    from_stage    VARCHAR NOT NULL,
    from_seq      INTEGER NOT NULL,
    to_stage      VARCHAR NOT NULL,
    to_seq        INTEGER NOT NULL,
    source        VARCHAR NOT NULL,
    PRIMARY KEY (workstream_id, from_stage, from_seq, to_stage, to_seq)
);

-- Every edit, append-only: one row a field changed. A change (one save) groups its rows; a revert is a
-- change of its own that names the change it undoes. Values are kept as text, as they were shown.
CREATE SEQUENCE workstream_change_seq START 1;
CREATE TABLE workstream_edits (
    change_id      INTEGER NOT NULL,
    item_kind      VARCHAR NOT NULL CHECK (item_kind IN ('action', 'kpi', 'logic model item')),
    item_id        VARCHAR NOT NULL,
    workstream_id  VARCHAR NOT NULL,
    field          VARCHAR NOT NULL,
    previous_value VARCHAR,
    new_value      VARCHAR,
    edited_by      VARCHAR NOT NULL,
    edited_at      TIMESTAMP NOT NULL,
    origin         VARCHAR NOT NULL CHECK (origin IN ('app', 'workbook', 'revert', 'demo')),
    reverts        INTEGER,
    PRIMARY KEY (change_id, item_kind, item_id, field)
);
