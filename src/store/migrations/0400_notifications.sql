-- One row per notification effect: (kind, recipient, period). The primary key is what makes a reminder or digest
-- go out at most once however often BullMQ delivers the job.
--   sending   claimed by a worker that is calling the platform right now (or died doing so: see docs/jobs.md)
--   sent      the platform accepted it
--   retryable the platform refused it with a transient error or 429: nothing went out; the next attempt may reclaim
--   failed    permanent error (user gone, bot blocked, channel not found): never retried
--   unknown   stuck in 'sending' past the stale limit: the outcome is unknown, so it is NOT resent
CREATE TABLE notification_claims (
  kind text NOT NULL CHECK (kind IN ('reminder', 'nudge', 'digest')),
  recipient text NOT NULL,
  period text NOT NULL,
  state text NOT NULL CHECK (state IN ('sending', 'sent', 'retryable', 'failed', 'unknown')),
  attempts integer NOT NULL DEFAULT 1,
  job_id text,
  platform text,
  message_id text,
  error_code text,
  error_message text,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (kind, recipient, period)
);
CREATE INDEX notification_claims_state_idx ON notification_claims (state, updated_at);
CREATE INDEX notification_claims_period_idx ON notification_claims (kind, period);
