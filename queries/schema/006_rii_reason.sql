-- 006_rii_reason: why a gap has no RII although it has an SII (a fitted end at or below zero makes the
-- ratio of the ends meaningless).
ALTER TABLE gap_results ADD COLUMN rii_reason VARCHAR;
