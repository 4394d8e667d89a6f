-- The indicator columns of the gap engine's inputs, one row per indicator (joined to each row of
-- queries/gap_inputs.sql by the refresh; an observation of an indicator not listed here is not an input).
-- Columns: indicator_id, polarity, value_type, multiplier, periodicity, sii_transform.
-- Params: none.
SELECT indicator_id, polarity, value_type, multiplier, periodicity, sii_transform
FROM indicators
