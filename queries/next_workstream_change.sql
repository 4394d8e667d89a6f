-- The number of the next workstream change (one save of edits, or one revert).
-- Columns: change_id. Params: none.
SELECT nextval('workstream_change_seq') AS change_id
