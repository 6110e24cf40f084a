-- One row per centre and week; the figures live in versions (1 = first submission, +1 per amendment).
CREATE TABLE attendance_returns (
  centre_id text NOT NULL REFERENCES centres (id),
  week_start date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
  current_version integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (centre_id, week_start)
);
CREATE INDEX attendance_returns_week_idx ON attendance_returns (week_start);

CREATE TABLE attendance_return_versions (
  centre_id text NOT NULL,
  week_start date NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  sessions integer NOT NULL CHECK (sessions BETWEEN 0 AND 10000),
  academic integer NOT NULL CHECK (academic BETWEEN 0 AND 10000),
  enrichment integer NOT NULL CHECK (enrichment BETWEEN 0 AND 10000),
  careers integer NOT NULL CHECK (careers BETWEEN 0 AND 10000),
  digital integer NOT NULL CHECK (digital BETWEEN 0 AND 10000),
  weekend integer NOT NULL CHECK (weekend BETWEEN 0 AND 10000),
  attendances integer NOT NULL CHECK (attendances BETWEEN 0 AND 10000),
  pupils integer NOT NULL CHECK (pupils BETWEEN 0 AND 10000),
  fsm integer NOT NULL CHECK (fsm BETWEEN 0 AND 10000),
  send integer NOT NULL CHECK (send BETWEEN 0 AND 10000),
  parents integer NOT NULL CHECK (parents BETWEEN 0 AND 10000),
  note text CHECK (length(note) <= 1000),
  -- NULL once the submitter's personal data was deleted (the centre's figures are kept).
  submitted_by integer REFERENCES people (id) ON DELETE SET NULL,
  submitted_by_name text,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  idempotency_key text NOT NULL,
  -- [{field, from, to}] against the previous version; [] for version 1.
  changes jsonb NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (centre_id, week_start, version),
  FOREIGN KEY (centre_id, week_start) REFERENCES attendance_returns (centre_id, week_start)
);
CREATE UNIQUE INDEX attendance_return_versions_key ON attendance_return_versions (idempotency_key);
CREATE INDEX attendance_return_versions_submitter_idx ON attendance_return_versions (submitted_by);
CREATE INDEX attendance_return_versions_week_idx ON attendance_return_versions (week_start);
