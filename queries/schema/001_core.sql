-- 001_core: reference tables, the extract register and append-only observations.
-- Applied once, in order, by het.store; recorded in schema_migrations.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE principles (
    principle_id INTEGER PRIMARY KEY,      -- 0 = overarching outcomes, 1..8 = Marmot principles
    short_label  VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    description  VARCHAR
);

CREATE TABLE indicators (
    indicator_id       VARCHAR PRIMARY KEY,     -- stable slug, e.g. 'le_birth'
    fingertips_id      INTEGER,                 -- OHID Fingertips indicator ID, if any
    name               VARCHAR NOT NULL,
    short_name         VARCHAR NOT NULL,
    principle_id       INTEGER NOT NULL,        -- principles.principle_id (checked by het.catalogue)
    unit               VARCHAR NOT NULL,        -- display unit: '%', 'per 100,000', 'years', ...
    value_type         VARCHAR NOT NULL CHECK (value_type IN
                         ('proportion', 'rate', 'mean', 'life expectancy', 'score', 'count', 'ratio')),
    multiplier         DOUBLE NOT NULL,         -- 100 for %, 100000 for per 100,000, 1 otherwise
    polarity           VARCHAR NOT NULL CHECK (polarity IN ('high is good', 'low is good', 'no judgement')),
    decimals           INTEGER NOT NULL,
    periodicity        VARCHAR NOT NULL CHECK (periodicity IN
                         ('calendar', 'financial', 'academic', 'rolling 3 calendar', 'rolling 3 financial')),
    sexes              VARCHAR NOT NULL,        -- ';'-separated: 'Persons' or 'Male;Female' ...
    age                VARCHAR NOT NULL,        -- the standard age band, e.g. 'All ages'
    headline           BOOLEAN NOT NULL,
    definition         VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    jsna_topic         VARCHAR NOT NULL,
    luton2040_priority VARCHAR NOT NULL,
    origin             VARCHAR NOT NULL DEFAULT 'catalogue' -- 'catalogue' (shipped) or 'local' (added by an analyst)
);

CREATE TABLE areas (
    area_code   VARCHAR PRIMARY KEY,
    area_name   VARCHAR NOT NULL,
    area_type   VARCHAR NOT NULL CHECK (area_type IN ('country', 'region', 'local authority', 'ward', 'LSOA')),
    vintage     VARCHAR,                    -- ward set (WD13, WD23) or LSOA set (LSOA11, LSOA21)
    parent_code VARCHAR,
    is_comparator BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE area_geometries (
    area_code VARCHAR PRIMARY KEY,
    vintage   VARCHAR,
    geojson   VARCHAR NOT NULL,            -- GeoJSON geometry, WGS84 lon/lat, exteriors clockwise
    source    VARCHAR NOT NULL
);

CREATE TABLE hex_layout (
    area_code VARCHAR PRIMARY KEY,
    ward_set  VARCHAR NOT NULL,
    q         INTEGER NOT NULL,            -- axial hex column
    r         INTEGER NOT NULL             -- axial hex row
);

CREATE TABLE ward_deprivation (
    ward_code         VARCHAR PRIMARY KEY,
    ward_set          VARCHAR NOT NULL,
    imd_score         DOUBLE NOT NULL,     -- population-weighted mean IMD 2019 score of the ward's LSOAs
    imd_rank_local    INTEGER NOT NULL,    -- 1 = most deprived ward in the ward set
    local_quintile    INTEGER NOT NULL,    -- 1 = most deprived fifth of wards
    population        DOUBLE NOT NULL,
    population_source VARCHAR NOT NULL,
    derivation        VARCHAR NOT NULL
);

CREATE TABLE lsoa_deprivation (
    lsoa_code       VARCHAR NOT NULL,
    vintage         VARCHAR NOT NULL,       -- LSOA11 or LSOA21
    imd_score       DOUBLE NOT NULL,
    national_decile INTEGER,
    local_quintile  INTEGER NOT NULL,       -- population-weighted fifths within the authority, 1 = most deprived
    population      DOUBLE NOT NULL,
    ward_code       VARCHAR,                -- best-fit ward of the matching ward set
    PRIMARY KEY (lsoa_code, vintage)
);

CREATE TABLE populations (
    area_code  VARCHAR NOT NULL,
    breakdown  VARCHAR NOT NULL,            -- 'total', 'ethnicity', 'deprivation_local_quintile', ...
    category   VARCHAR NOT NULL,
    population DOUBLE NOT NULL,
    year       INTEGER NOT NULL,
    source     VARCHAR NOT NULL,
    PRIMARY KEY (area_code, breakdown, category, year)
);

CREATE SEQUENCE extract_id_seq START 1;

CREATE TABLE extracts (
    extract_id     INTEGER PRIMARY KEY DEFAULT nextval('extract_id_seq'),
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,        -- 'het_tidy', 'fingertips', 'ward_wide', 'kpi'
    source_kind    VARCHAR NOT NULL,        -- 'upload', 'cli', 'demo'
    loaded_by      VARCHAR NOT NULL,
    loaded_at      TIMESTAMP NOT NULL,
    rows_read      INTEGER NOT NULL,
    rows_loaded    INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL,
    rows_new       INTEGER NOT NULL,
    rows_revised   INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ('active', 'withdrawn')),
    note           VARCHAR
);

CREATE TABLE extract_files (
    sha256     VARCHAR PRIMARY KEY,         -- the original bytes, kept so they can be downloaded again
    size_bytes BIGINT NOT NULL,
    content    BLOB NOT NULL
);

CREATE TABLE extract_events (
    extract_id INTEGER NOT NULL,
    action     VARCHAR NOT NULL CHECK (action IN ('load', 'withdraw')),
    happened_at TIMESTAMP NOT NULL,
    by_user    VARCHAR NOT NULL,
    note       VARCHAR
);

-- Append-only: rows are never updated or deleted; a later extract supersedes by key.
CREATE TABLE observations (
    extract_id     INTEGER NOT NULL,
    source_row     INTEGER NOT NULL,        -- 1-based data row in the original file
    indicator_id   VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    period_label   VARCHAR NOT NULL,        -- as shown: '2020 - 22', '2022/23'
    period_sort    INTEGER NOT NULL,        -- Fingertips 'Time period Sortable', e.g. 20200000
    sex            VARCHAR NOT NULL,        -- 'Persons', 'Male', 'Female'
    age            VARCHAR NOT NULL,
    breakdown      VARCHAR NOT NULL,        -- see het.breakdowns
    category       VARCHAR NOT NULL,        -- '' for breakdown 'total'
    category_rank  INTEGER,                 -- 1 = most deprived, for deprivation breakdowns
    value          DOUBLE,
    lower_ci95     DOUBLE,
    upper_ci95     DOUBLE,
    lower_ci998    DOUBLE,
    upper_ci998    DOUBLE,
    count          DOUBLE,
    denominator    DOUBLE,
    value_note     VARCHAR,
    extra          VARCHAR                  -- JSON of source fields het does not model, kept as-is
);

-- The current value per key: the newest active extract wins, so withdrawing an extract
-- brings back whatever it had superseded and nothing is ever overwritten.
CREATE VIEW current_observations AS
SELECT o.*
FROM observations AS o
JOIN extracts AS e USING (extract_id)
WHERE e.status = 'active'
QUALIFY row_number() OVER (
    PARTITION BY o.indicator_id, o.area_code, o.period_sort, o.sex, o.age, o.breakdown, o.category
    ORDER BY o.extract_id DESC
) = 1;
