-- Record a load or a withdrawal in the extract history.
-- Columns: none. Params: $extract_id, $action ('load' | 'withdraw'), $happened_at, $by_user, $note.
INSERT INTO extract_events (extract_id, action, happened_at, by_user, note)
VALUES ($extract_id, $action, $happened_at, $by_user, $note)
