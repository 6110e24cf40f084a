-- People erased with `directory delete`. Only a keyed hash of the email is kept (HMAC under a per-installation
-- secret, never the email), so a directory file that still lists them does not silently re-create them at start-up
-- or on `directory import`; `directory import FILE --recreate-deleted` re-creates them and removes the row.
CREATE TABLE deleted_people (
  email_hash text PRIMARY KEY,
  deleted_at timestamptz NOT NULL DEFAULT now()
);
