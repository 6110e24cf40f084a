-- Generic idempotency claims: the first caller of (kind, key) wins; every later caller sees the row and backs off.
CREATE TABLE claims (
  kind text NOT NULL,
  key text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, key)
);
CREATE INDEX claims_claimed_at_idx ON claims (claimed_at);

-- Per-installation values (e.g. the question-log salt when QUESTION_LOG_SALT is unset).
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
