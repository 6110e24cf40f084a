import { stableMetaJson } from '../knowledge/documents.js';
import type { DocumentStore, PutOutcome, StoredDocument } from '../knowledge/document-store.js';
import type { DocumentFormat } from '../knowledge/model.js';
import type { SourceInfo } from '../knowledge/sources.js';
import type { Db, Queryable } from './db.js';

interface Row {
  source: string;
  format: DocumentFormat;
  content_hash: string;
  meta: SourceInfo;
  size: number;
  version: number;
  folder: string | null;
  updated_at: Date;
  removed_at: Date | null;
  removed_by: 'folder' | 'kb remove' | null;
}

const COLUMNS = 'source, format, content_hash, meta, octet_length(content)::int AS size, version, folder, updated_at, removed_at, removed_by';

function toStored(r: Row): StoredDocument {
  return { source: r.source, format: r.format, contentHash: r.content_hash, meta: r.meta ?? {}, size: r.size, version: r.version, folder: r.folder, updatedAt: new Date(r.updated_at) };
}

async function audit(q: Queryable, source: string, version: number, action: 'added' | 'updated' | 'restored' | 'removed', hash: string, via: string): Promise<void> {
  await q.query('INSERT INTO knowledge_document_changes (source, version, action, content_hash, via) VALUES ($1, $2, $3, $4, $5)', [source, version, action, hash, via]);
}

/** The knowledge base's documents (knowledge_documents), with every change audited (knowledge_document_changes). */
export function createKnowledgeDocumentsRepo(db: Db): DocumentStore {
  return {
    async marker() {
      const r = await db.query<{ n: number; sum: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(source || ':' || version, ',' ORDER BY source)) AS sum
           FROM knowledge_documents WHERE removed_at IS NULL`,
      );
      return `${r.rows[0]?.n ?? 0}:${r.rows[0]?.sum ?? ''}`;
    },

    async list() {
      const r = await db.query<Row>(`SELECT ${COLUMNS} FROM knowledge_documents WHERE removed_at IS NULL ORDER BY source`);
      return r.rows.map(toStored);
    },

    async contents() {
      const r = await db.query<{ source: string; format: DocumentFormat; content: Uint8Array; content_hash: string; meta: SourceInfo }>(
        'SELECT source, format, content, content_hash, meta FROM knowledge_documents WHERE removed_at IS NULL ORDER BY source',
      );
      return r.rows.map((x) => ({ source: x.source, format: x.format, content: new Uint8Array(x.content), contentHash: x.content_hash, meta: x.meta ?? {} }));
    },

    async put(doc, options) {
      // Most puts find the document as it is (every start imports its folder): decided without sending the bytes.
      const seen = await db.query<Row>(`SELECT ${COLUMNS} FROM knowledge_documents WHERE source = $1`, [doc.source]);
      const current = seen.rows[0];
      const unchanged = (row: Row) => row.content_hash === doc.contentHash && row.format === doc.format && stableMetaJson(row.meta ?? {}) === stableMetaJson(doc.meta ?? {});
      if (current && unchanged(current)) {
        if (current.removed_at === null) return 'unchanged';
        if (current.removed_by === 'kb remove' && !options.restore) return 'kept_removed';
      }
      return db.transaction(async (tx): Promise<PutOutcome> => {
        const meta = JSON.stringify(doc.meta ?? {});
        // Two processes importing the same new file at once: one inserts, the other finds the row (and its lock).
        const inserted = await tx.query(
          `INSERT INTO knowledge_documents (source, format, content, content_hash, meta, folder) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
           ON CONFLICT (source) DO NOTHING RETURNING version`,
          [doc.source, doc.format, doc.content, doc.contentHash, meta, options.folder],
        );
        if (inserted.rows.length) {
          await audit(tx, doc.source, 1, 'added', doc.contentHash, options.via);
          return 'added';
        }
        const r = await tx.query<Row>(`SELECT ${COLUMNS} FROM knowledge_documents WHERE source = $1 FOR UPDATE`, [doc.source]);
        const row = r.rows[0]!;
        const same = unchanged(row);
        if (row.removed_at === null && same) return 'unchanged';
        if (row.removed_at !== null && same && row.removed_by === 'kb remove' && !options.restore) return 'kept_removed';
        const action = row.removed_at === null ? 'updated' : 'restored';
        const u = await tx.query<{ version: number }>(
          `UPDATE knowledge_documents SET format = $2, content = $3, content_hash = $4, meta = $5::jsonb, folder = $6, version = version + 1,
                  updated_at = now(), removed_at = NULL, removed_by = NULL
            WHERE source = $1 RETURNING version`,
          [doc.source, doc.format, doc.content, doc.contentHash, meta, options.folder],
        );
        await audit(tx, doc.source, u.rows[0]!.version, action, doc.contentHash, options.via);
        return action;
      });
    },

    remove(source, options) {
      return db.transaction(async (tx) => {
        const r = await tx.query<{ version: number; content_hash: string }>(
          `UPDATE knowledge_documents SET removed_at = now(), removed_by = $2, version = version + 1, updated_at = now()
            WHERE source = $1 AND removed_at IS NULL AND ($3::text IS NULL OR folder = $3::text) RETURNING version, content_hash`,
          [source, options.by, options.fromFolder ?? null],
        );
        const row = r.rows[0];
        if (!row) return false;
        await audit(tx, source, row.version, 'removed', row.content_hash, options.via);
        return true;
      });
    },

    async sourcesFrom(folder) {
      const r = await db.query<{ source: string }>('SELECT source FROM knowledge_documents WHERE folder = $1 AND removed_at IS NULL ORDER BY source', [folder]);
      return r.rows.map((x) => x.source);
    },
  };
}

