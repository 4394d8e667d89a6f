-- Remember one indicator mapping a load used (queries/schema/011_indicator_mappings.sql).
-- Columns: none. Params: $source_key, $format, $indicator_id, $extract_id, $mapped_by, $mapped_at.
INSERT INTO indicator_mappings VALUES ($source_key, $format, $indicator_id, $extract_id, $mapped_by, $mapped_at)
