-- Insertion order for "the first question in a thread": created_at can tie (now() is per transaction and
-- two answers can land in the same microsecond), a sequence cannot.
ALTER TABLE bot_answers ADD COLUMN seq bigserial;
DROP INDEX bot_answers_thread_idx;
CREATE INDEX bot_answers_thread_idx ON bot_answers (platform, conversation_id, thread_id, seq);
