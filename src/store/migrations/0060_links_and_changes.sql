-- How each chat identity came to be linked to its person: the directory file, the person's email matched on first
-- contact (Slack users.info, Teams roster), or an admin's command. Kept so a later import of a file that names no
-- identity does not undo links made by email, and for the audit.
ALTER TABLE slack_identities ADD COLUMN linked_via text NOT NULL DEFAULT 'file' CHECK (linked_via IN ('file', 'email', 'admin'));
ALTER TABLE slack_identities ADD COLUMN linked_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE teams_identities ADD COLUMN linked_via text CHECK (linked_via IN ('file', 'email', 'admin'));
ALTER TABLE teams_identities ADD COLUMN linked_at timestamptz;
UPDATE teams_identities SET linked_via = 'file', linked_at = updated_at WHERE person_id IS NOT NULL;

-- Set when an admin changes a person's roles or centres in chat; cleared when the directory file sets them again.
-- An import leaves such a person alone while their file entry is unchanged, and reports a conflict when it changed.
ALTER TABLE people ADD COLUMN chat_changed_at timestamptz;

-- Every change to the directory, whoever made it: admins in chat, the directory file, links made by email.
-- person_id / email name the person changed (cleared by erasure); by_person / by_name who changed it.
CREATE TABLE directory_changes (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL CHECK (source IN ('chat', 'file', 'link')),
  by_person integer REFERENCES people (id) ON DELETE SET NULL,
  by_name text,
  action text NOT NULL,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  email text,
  centre_id text,
  detail text NOT NULL CHECK (length(detail) <= 2000)
);
CREATE INDEX directory_changes_person_idx ON directory_changes (person_id);
CREATE INDEX directory_changes_email_idx ON directory_changes (email);

-- Digest channels come from the directory file or from an admin in chat ("admin digest-channel add", "post digests
-- here"). An import replaces only the file's own channels; a file channel an admin removed in chat is kept as
-- removed (removed_at) so an unchanged file does not bring it back.
ALTER TABLE digest_channels ADD COLUMN source text NOT NULL DEFAULT 'file' CHECK (source IN ('file', 'chat'));
ALTER TABLE digest_channels ADD COLUMN name text CHECK (name IS NULL OR length(name) <= 200);
ALTER TABLE digest_channels ADD COLUMN removed_at timestamptz;
