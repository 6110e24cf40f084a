-- Answers the bot gave (no asker id): feedback buttons and "Share in channel" refer to them by id,
-- and a follow-up in a chat thread finds the thread's first question here.
CREATE TABLE bot_answers (
  id text PRIMARY KEY,
  platform text NOT NULL,
  question text NOT NULL,
  answer text NOT NULL,
  answered boolean NOT NULL,
  citations jsonb NOT NULL DEFAULT '[]'::jsonb,
  conversation_id text,
  thread_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bot_answers_thread_idx ON bot_answers (platform, conversation_id, thread_id, created_at);
CREATE INDEX bot_answers_created_at_idx ON bot_answers (created_at);

-- One vote per person per answer; voting again changes it. The voter is stored only as a hash.
CREATE TABLE bot_feedback (
  answer_id text NOT NULL REFERENCES bot_answers (id) ON DELETE CASCADE,
  voter_hash text NOT NULL,
  helpful boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (answer_id, voter_hash)
);

-- Platform deliveries already handled (Slack event_id, trigger_id, view submissions): a retry finds its row and stops.
CREATE TABLE bot_deliveries (
  platform text NOT NULL,
  key text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, key)
);
CREATE INDEX bot_deliveries_received_at_idx ON bot_deliveries (received_at);
