-- Add one analyst-defined ('local') indicator to the catalogue: every indicators column but origin,
-- which is always 'local'.
-- Columns: none. Params: $indicator_id, $fingertips_id, $name, $short_name, $principle_id, $unit,
-- $value_type, $multiplier, $polarity, $decimals, $periodicity, $sexes, $age, $headline, $definition,
-- $source, $jsna_topic, $luton2040_priority, $sii_transform.
INSERT INTO indicators (indicator_id, fingertips_id, name, short_name, principle_id, unit, value_type, multiplier,
                        polarity, decimals, periodicity, sexes, age, headline, definition, source, jsna_topic,
                        luton2040_priority, sii_transform, origin)
VALUES ($indicator_id, $fingertips_id, $name, $short_name, $principle_id, $unit, $value_type, $multiplier,
        $polarity, $decimals, $periodicity, $sexes, $age, $headline, $definition, $source, $jsna_topic,
        $luton2040_priority, $sii_transform, 'local')
