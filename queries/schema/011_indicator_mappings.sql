-- 011_indicator_mappings: how an analyst mapped an indicator a file names but the catalogue does not know (a
-- Fingertips ID, a column header) to a catalogue indicator, or set it aside (indicator_id NULL). Written with
-- the load that used it, so the same file loads next time without asking; append-only: a later mapping of the
-- same key replaces an earlier one, and every earlier one stays.
CREATE TABLE indicator_mappings (
    source_key   VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,
    indicator_id VARCHAR,                  -- NULL: set aside on purpose
    extract_id   INTEGER NOT NULL,         -- the load that used it (extracts.extract_id)
    mapped_by    VARCHAR NOT NULL,
    mapped_at    TIMESTAMP NOT NULL
);
