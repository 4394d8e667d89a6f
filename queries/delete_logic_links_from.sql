-- Remove the links from one logic-model item ('workstream_id:stage:seq'), before writing its new ones.
-- Columns: none. Params: $item_id.
DELETE FROM logic_model_links
WHERE workstream_id || ':' || from_stage || ':' || CAST(from_seq AS VARCHAR) = $item_id
