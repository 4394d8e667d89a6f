-- 007_engine: what the gap engine records with each SII, the per-indicator transform choice, local
-- deciles of LSOAs, and the ward sets with the dates they were in force (from the geography manifest).

-- Which group populations an SII used (geography pack, row denominators or equal shares) and how its
-- limits were computed ('exact' or 'simulated').
ALTER TABLE gap_results ADD COLUMN population_basis VARCHAR;
ALTER TABLE gap_results ADD COLUMN limits_method VARCHAR;

-- Rates and proportions: fit the SII on the log/logit scale (true, the default for them) or on the
-- original scale (false). Always false for other value types.
ALTER TABLE indicators ADD COLUMN sii_transform BOOLEAN NOT NULL DEFAULT false;

-- LSOA deciles within the authority (Fingertips quantile rule on the local IMD rank, 1 = most deprived).
ALTER TABLE lsoa_deprivation ADD COLUMN local_decile INTEGER;

-- The ward sets of the authority, with the dates they were in force (NULL = open-ended).
CREATE TABLE ward_sets (
    vintage        VARCHAR PRIMARY KEY,
    in_force_from  DATE,
    in_force_until DATE,
    n_wards        INTEGER NOT NULL,
    source         VARCHAR NOT NULL
);
