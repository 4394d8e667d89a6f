-- Add one analyst-defined ('local') indicator to the catalogue.
-- Columns: none. Params: every indicators column except origin.
INSERT INTO indicators (indicator_id, fingertips_id, name, short_name, principle_id, unit, value_type, multiplier,
                        polarity, decimals, periodicity, sexes, age, headline, definition, source, jsna_topic,
                        luton2040_priority, origin)
VALUES ($indicator_id, $fingertips_id, $name, $short_name, $principle_id, $unit, $value_type, $multiplier,
        $polarity, $decimals, $periodicity, $sexes, $age, $headline, $definition, $source, $jsna_topic,
        $luton2040_priority, 'local')
