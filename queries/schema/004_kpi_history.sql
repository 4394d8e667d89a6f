-- 004_kpi_history: every KPI value ever loaded, append-only. The kpis table holds the current state
-- (upserted by each KPI load); kpi_values keeps each load's rows, so a KPI load can be withdrawn later
-- by rebuilding kpis from the newest active load of each KPI.

CREATE TABLE kpi_values (
    extract_id      INTEGER NOT NULL,        -- extracts.extract_id of the KPI file (format 'kpi')
    source_row      INTEGER NOT NULL,        -- spreadsheet row in that file
    kpi_id          VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    workstream_id   VARCHAR,
    indicator_id    VARCHAR,
    unit            VARCHAR,
    polarity        VARCHAR,
    baseline        DOUBLE,
    baseline_period VARCHAR,
    latest          DOUBLE,
    latest_period   VARCHAR,
    target          DOUBLE,
    target_period   VARCHAR,
    owner           VARCHAR,
    PRIMARY KEY (extract_id, kpi_id)
);
