-- Key answer messages by a keyed hash of (conversation, message) instead of the raw ids: a personal chat's
-- conversation id identifies the person, and stored answers deliberately do not say who asked. The mapping only
-- serves feedback votes, so the old rows are simply dropped.
DROP TABLE teams_answer_messages;
CREATE TABLE teams_answer_messages (
  message_key text PRIMARY KEY,
  answer_id text NOT NULL REFERENCES bot_answers (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teams_answer_messages_answer_idx ON teams_answer_messages (answer_id);
