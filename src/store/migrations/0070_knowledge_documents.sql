-- The knowledge base's documents, shared by every bot process on this database (docs/knowledge.md). A document is
-- its file name (`source`), its bytes (re-read by the same loaders as a file, so every process builds the same index)
-- and what sources.yaml says about it (`meta`). `folder` is the KNOWLEDGE_DIR it was imported from (null: none);
-- only a process importing that same folder takes it out when its file goes. Removal keeps the row (`removed_at`,
-- `removed_by`): a document taken out with `kb remove` is not brought back by a folder that still holds the same file.
-- `version` grows with every change, so the set in use is summed up cheaply (source and version of each row).
CREATE TABLE knowledge_documents (
  id bigserial PRIMARY KEY,
  source text NOT NULL UNIQUE CHECK (length(source) BETWEEN 1 AND 255),
  format text NOT NULL CHECK (format IN ('txt', 'md', 'pdf', 'docx', 'html')),
  content bytea NOT NULL,
  content_hash text NOT NULL,
  meta jsonb NOT NULL DEFAULT '{}',
  folder text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  removed_by text CHECK (removed_by IN ('folder', 'kb remove'))
);
CREATE INDEX knowledge_documents_folder_idx ON knowledge_documents (folder) WHERE removed_at IS NULL;

-- What happened to each document, and through what (a folder's import, kb ingest, kb remove).
CREATE TABLE knowledge_document_changes (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL,
  version integer NOT NULL,
  action text NOT NULL CHECK (action IN ('added', 'updated', 'restored', 'removed')),
  content_hash text NOT NULL,
  via text NOT NULL
);
CREATE INDEX knowledge_document_changes_source_idx ON knowledge_document_changes (source, at);
