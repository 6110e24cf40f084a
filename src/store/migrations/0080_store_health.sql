-- One row the /healthz write probe updates (src/store/write-health.ts): proof that the store still takes writes.
-- Holds no personal data.
CREATE TABLE store_health (
  id smallint PRIMARY KEY CHECK (id = 1),
  checked_at timestamptz NOT NULL DEFAULT now(),
  writes bigint NOT NULL DEFAULT 0
);
INSERT INTO store_health (id) VALUES (1);
