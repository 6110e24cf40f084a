import type { DocumentInput, DocumentKey } from './documents.js';
import type { DocumentFormat } from './model.js';

/** A document the store holds, without its bytes (for `kb list` and for deciding whether to rebuild). */
export interface StoredDocument extends DocumentKey {
  format: DocumentFormat;
  /** Size of the content in bytes. */
  size: number;
  /** Grows with every change (update, removal, return). */
  version: number;
  /** The KNOWLEDGE_DIR it was imported from (resolved path); null when none. */
  folder: string | null;
  updatedAt: Date;
}

/** What putting one document did. `kept_removed`: taken out with `kb remove` earlier and unchanged, so left out. */
export type PutOutcome = 'added' | 'updated' | 'unchanged' | 'restored' | 'kept_removed';

export interface PutOptions {
  /** The folder it comes from (resolved path), recorded so only that folder's import removes it. */
  folder: string | null;
  /** For the audit: "folder /srv/knowledge", "kb ingest". */
  via: string;
  /** Bring it back even when it was taken out with `kb remove` and its content is unchanged (an explicit ingest). */
  restore: boolean;
}

/**
 * Where documents live (implemented by the store: src/store/knowledge-documents-repo.ts). Every bot process builds its
 * index from the documents in use here, and watches `marker()` to rebuild when they change.
 */
export interface DocumentStore {
  /** Changes whenever the set of documents in use changes; reads no content. */
  marker(): Promise<string>;
  /** The documents in use, without content, by source. */
  list(): Promise<StoredDocument[]>;
  /** The documents in use with their content (what an index is built from). */
  contents(): Promise<DocumentInput[]>;
  /** Adds or updates one document; nothing is written when its content and metadata are unchanged. Audited. */
  put(doc: DocumentInput, options: PutOptions): Promise<PutOutcome>;
  /**
   * Takes a document out of use (the row stays, marked removed, for the audit). `fromFolder`: only when it was imported
   * from that folder. False when there was no such document in use.
   */
  remove(source: string, options: { by: 'folder' | 'kb remove'; via: string; fromFolder?: string }): Promise<boolean>;
  /** Sources in use that were imported from this folder. */
  sourcesFrom(folder: string): Promise<string[]>;
}
