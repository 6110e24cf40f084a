CREATE TABLE centres (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  active boolean NOT NULL DEFAULT true,
  reminders_paused_until date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE people (
  id serial PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (email = lower(email)),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX people_email_key ON people (email);

CREATE TABLE person_roles (
  person_id integer NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('oc_lead', 'network_lead', 'admin')),
  PRIMARY KEY (person_id, role)
);
CREATE INDEX person_roles_role_idx ON person_roles (role);

-- Centres an oc_lead leads.
CREATE TABLE lead_centres (
  person_id integer NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  centre_id text NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
  PRIMARY KEY (person_id, centre_id)
);
CREATE INDEX lead_centres_centre_idx ON lead_centres (centre_id);

CREATE TABLE slack_identities (
  team_id text NOT NULL,
  user_id text NOT NULL,
  person_id integer NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
CREATE UNIQUE INDEX slack_identities_person_key ON slack_identities (person_id);

-- Keyed by the Teams identity, not the person: a conversation reference arrives when someone first talks to the
-- bot, possibly before they are in the directory; importing them later links the row.
CREATE TABLE teams_identities (
  tenant_id text NOT NULL,
  aad_object_id text NOT NULL,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  conversation_reference jsonb,
  reachable boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, aad_object_id)
);
CREATE UNIQUE INDEX teams_identities_person_key ON teams_identities (person_id) WHERE person_id IS NOT NULL;

-- Channels the weekly digest is posted to (from the directory file).
CREATE TABLE digest_channels (
  platform text NOT NULL CHECK (platform IN ('slack', 'teams')),
  channel_id text NOT NULL,
  PRIMARY KEY (platform, channel_id)
);
