-- Stored answers no longer carry chat ids: a Slack DM's channel id (and a mention's channel + message ts) made a
-- question linkable to the person who asked it, and survived `directory delete`. Now:
--   asker_hash   keyed hash of the asker (the question log's HMAC): only they may share the answer, and export and
--                erasure find their answers through it
--   thread_key   keyed hash of (conversation, thread): a follow-up still finds its thread's first question
--   public_keys  keyed hashes of the conversations where the answer is already visible to everyone (a channel
--                mention's answer, a share), where anyone there may share it again
-- Older answers keep their text but lose their thread (they are purged after QUESTION_LOG_DAYS anyway) and, with
-- no known asker, can no longer be shared.
ALTER TABLE bot_answers ADD COLUMN asker_hash text;
ALTER TABLE bot_answers ADD COLUMN thread_key text;
ALTER TABLE bot_answers ADD COLUMN public_keys text[] NOT NULL DEFAULT '{}';
DROP INDEX bot_answers_thread_idx;
ALTER TABLE bot_answers DROP COLUMN conversation_id;
ALTER TABLE bot_answers DROP COLUMN thread_id;
CREATE INDEX bot_answers_thread_idx ON bot_answers (platform, thread_key, seq) WHERE thread_key IS NOT NULL;
CREATE INDEX bot_answers_asker_idx ON bot_answers (asker_hash) WHERE asker_hash IS NOT NULL;

-- Votes were keyed by a plain SHA-256 of the voter's platform id, which anyone can recompute from the id. Existing
-- votes keep counting but lose their voter; new votes carry the keyed hash (export and erasure find them).
UPDATE bot_feedback SET voter_hash = 'unlinked:' || gen_random_uuid()::text;
CREATE INDEX bot_feedback_voter_idx ON bot_feedback (voter_hash);
