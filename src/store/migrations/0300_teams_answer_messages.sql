-- Which stored answer a Teams bot message carries, so Teams' own feedback buttons (the feedback loop, which only
-- reports the message id) can be recorded against the answer. Removed with the answer.
CREATE TABLE teams_answer_messages (
  conversation_id text NOT NULL,
  activity_id text NOT NULL,
  answer_id text NOT NULL REFERENCES bot_answers (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, activity_id)
);
CREATE INDEX teams_answer_messages_answer_idx ON teams_answer_messages (answer_id);
