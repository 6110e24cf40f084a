-- Every submission's idempotency key, whatever its outcome. Keys used to live only on version rows, so a submission
-- that changed nothing ('unchanged') left no key: delivered again after someone else's amendment, it was taken as
-- new and put the old figures back. The primary key here decides duplicates for every outcome.
CREATE TABLE attendance_submission_keys (
  idempotency_key text PRIMARY KEY,
  centre_id text NOT NULL,
  week_start date NOT NULL,
  -- The version the submission created, or the one it matched when it changed nothing.
  version integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('created', 'amended', 'unchanged')),
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (centre_id, week_start, version) REFERENCES attendance_return_versions (centre_id, week_start, version)
);

INSERT INTO attendance_submission_keys (idempotency_key, centre_id, week_start, version, outcome, received_at)
SELECT idempotency_key, centre_id, week_start, version, CASE WHEN version = 1 THEN 'created' ELSE 'amended' END, submitted_at
FROM attendance_return_versions;
