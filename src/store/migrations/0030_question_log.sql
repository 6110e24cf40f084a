-- Questions asked, for the digest's "unanswered questions". The asker is only a salted hash of the platform id.
CREATE TABLE question_log (
  id bigserial PRIMARY KEY,
  asked_at timestamptz NOT NULL DEFAULT now(),
  platform text NOT NULL CHECK (platform IN ('slack', 'teams', 'cli')),
  user_hash text NOT NULL,
  question text NOT NULL,
  normalised text NOT NULL,
  answered boolean NOT NULL,
  -- Platform delivery id; a redelivered question is logged once.
  delivery_key text
);
CREATE INDEX question_log_asked_at_idx ON question_log (asked_at);
CREATE INDEX question_log_unanswered_idx ON question_log (answered, asked_at);
CREATE INDEX question_log_user_hash_idx ON question_log (user_hash);
CREATE UNIQUE INDEX question_log_delivery_key ON question_log (delivery_key) WHERE delivery_key IS NOT NULL;
