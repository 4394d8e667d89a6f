-- Link one logic-model item ('workstream_id:stage:seq') to a later item of its workstream.
-- Columns: none. Params: $item_id, $to_stage, $to_seq.
INSERT INTO logic_model_links (workstream_id, from_stage, from_seq, to_stage, to_seq, source)
VALUES (split_part($item_id, ':', 1), split_part($item_id, ':', 2), CAST(split_part($item_id, ':', 3) AS INTEGER),
        $to_stage, $to_seq, 'edited in het')
