-- 002_workstreams: workstreams, their logic models, KPIs, actions and Health Equity Town Prize projects.

CREATE TABLE workstreams (
    workstream_id      VARCHAR PRIMARY KEY,
    name               VARCHAR NOT NULL,
    also_known_as      VARCHAR,
    chair_organisation VARCHAR,
    status             VARCHAR NOT NULL,     -- 'established', 'in progress'
    description        VARCHAR NOT NULL,
    luton2040_priority VARCHAR,
    source             VARCHAR NOT NULL
);

CREATE TABLE workstream_principles (
    workstream_id VARCHAR NOT NULL,
    principle_id  INTEGER NOT NULL,
    PRIMARY KEY (workstream_id, principle_id)
);

CREATE TABLE logic_model_items (
    workstream_id VARCHAR NOT NULL,
    stage         VARCHAR NOT NULL CHECK (stage IN ('inputs', 'activities', 'outputs', 'outcomes', 'impact')),
    seq           INTEGER NOT NULL,
    text          VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    PRIMARY KEY (workstream_id, stage, seq)
);

CREATE TABLE kpis (
    kpi_id          VARCHAR PRIMARY KEY,
    workstream_id   VARCHAR,
    name            VARCHAR NOT NULL,
    indicator_id    VARCHAR,                 -- the catalogue indicator it tracks, if any
    unit            VARCHAR,
    polarity        VARCHAR,
    baseline        DOUBLE,
    baseline_period VARCHAR,
    latest          DOUBLE,
    latest_period   VARCHAR,
    target          DOUBLE,
    target_period   VARCHAR,
    owner           VARCHAR,
    extract_id      INTEGER,                 -- the load that last set it
    source          VARCHAR NOT NULL
);

CREATE TABLE actions (
    action_id     VARCHAR PRIMARY KEY,
    workstream_id VARCHAR NOT NULL,
    title         VARCHAR NOT NULL,
    lead          VARCHAR,
    status        VARCHAR NOT NULL,
    due           VARCHAR,
    source        VARCHAR NOT NULL
);

CREATE TABLE prize_projects (
    project_id   VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    organisation VARCHAR,
    principle_id INTEGER,
    year         INTEGER,
    amount_gbp   DOUBLE,
    status       VARCHAR,
    summary      VARCHAR,
    source       VARCHAR NOT NULL
);
