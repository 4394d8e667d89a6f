-- 003_gaps: results derived from the current observations after every committed change.
-- Each row carries the data version it was computed for; pages read the current version only.

CREATE TABLE benchmark_results (
    data_version    INTEGER NOT NULL,
    indicator_id    VARCHAR NOT NULL,
    area_code       VARCHAR NOT NULL,
    period_sort     INTEGER NOT NULL,
    sex             VARCHAR NOT NULL,
    age             VARCHAR NOT NULL,
    breakdown       VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    benchmark_code  VARCHAR NOT NULL,     -- England for whole areas; the area itself for its breakdowns and wards
    benchmark_value DOUBLE,
    comparison      VARCHAR NOT NULL      -- het.stats.benchmark labels
);

CREATE TABLE trend_results (
    data_version INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,
    sex          VARCHAR NOT NULL,
    age          VARCHAR NOT NULL,
    breakdown    VARCHAR NOT NULL,
    category     VARCHAR NOT NULL,
    marker       VARCHAR NOT NULL,
    chi2         DOUBLE,
    slope        DOUBLE,
    n_points     INTEGER,
    method       VARCHAR,
    reason       VARCHAR
);

CREATE TABLE gap_results (
    data_version          INTEGER NOT NULL,
    indicator_id          VARCHAR NOT NULL,
    area_code             VARCHAR NOT NULL,   -- the area whose gap this is (Luton for wards and local groups)
    period_sort           INTEGER NOT NULL,
    period_label          VARCHAR NOT NULL,
    sex                   VARCHAR NOT NULL,
    age                   VARCHAR NOT NULL,
    dimension             VARCHAR NOT NULL CHECK (dimension IN ('deprivation', 'ethnicity', 'ward')),
    breakdown             VARCHAR NOT NULL,   -- the breakdown kind, or the ward set ('WD13', 'WD23') for wards
    n_groups              INTEGER NOT NULL,
    sii                   DOUBLE,             -- in the indicator's units; positive = the gap polarity cares about
    sii_lower95           DOUBLE,
    sii_upper95           DOUBLE,
    rii                   DOUBLE,
    rii_lower95           DOUBLE,
    rii_upper95           DOUBLE,
    sii_reason            VARCHAR,            -- why there is no SII, when there is none
    most_deprived_value   DOUBLE,
    least_deprived_value  DOUBLE,
    best_category         VARCHAR,
    best_value            DOUBLE,
    worst_category        VARCHAR,
    worst_value           DOUBLE,
    gap_abs               DOUBLE,             -- deprivation: most minus least deprived; others: worst minus best
    gap_ratio             DOUBLE,             -- the same as a ratio
    n_significantly_worse INTEGER,
    significantly_worse   VARCHAR             -- '; '-separated categories or ward names, worst first
);

CREATE TABLE gap_trends (
    data_version INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,
    sex          VARCHAR NOT NULL,
    age          VARCHAR NOT NULL,
    dimension    VARCHAR NOT NULL,
    breakdown    VARCHAR NOT NULL,            -- the deprivation breakdown, or 'wards' (one series across ward sets)
    verdict      VARCHAR NOT NULL,            -- gap narrowing / gap widening / no significant change / cannot be calculated
    chi2         DOUBLE,
    slope        DOUBLE,
    n_points     INTEGER,
    reason       VARCHAR
);
