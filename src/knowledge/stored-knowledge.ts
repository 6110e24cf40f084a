import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import { importFolder } from './document-import.js';
import type { DocumentStore } from './document-store.js';
import { documentSetFingerprint, folderSignature, type DocumentInput } from './documents.js';
import type { DetailedAnswer, KnowledgeStats, ReloadReport } from './knowledge-base.js';
import type { Answer, Answerer, AskOptions } from './types.js';

/** What the index lives in: the threaded knowledge base (the server) or an in-process one. */
export interface IndexHost extends Answerer {
  answerDetailed(question: string, options?: AskOptions): Promise<DetailedAnswer>;
  stats(): KnowledgeStats;
  reloadFrom(documents: DocumentInput[]): Promise<ReloadReport>;
  indexFingerprint(): Promise<string | null> | string | null;
  close?(): Promise<void>;
}

/**
 * A bot process's knowledge base when documents live in the store: its KNOWLEDGE_DIR is imported into the store at
 * start and whenever its files change, and the index is built from the store's documents, rebuilt (on the knowledge
 * thread) when `marker()` says they changed, through any process. `changedOnDisk()` / `reload()` are what the server's
 * check and the nightly housekeeping call.
 */
export class StoredKnowledgeBase implements Answerer {
  readonly dir: string;
  /** The folder's file listing at the last import; undefined = import at the next check. */
  private folderSeen?: string;
  /** The store's marker the index was last brought in line with. */
  private markerSeen?: string;

  private constructor(
    private readonly kb: IndexHost,
    private readonly store: DocumentStore,
    dir: string,
    private readonly logger: Logger,
  ) {
    this.dir = resolve(dir);
  }

  /**
   * Imports the folder into the store (done at start, beside the first index build), and says what the folder looked
   * like, for `start`.
   */
  static async importAtStart(store: DocumentStore, dir: string, logger: Logger): Promise<FolderImported> {
    const listing = await folderListing(resolve(dir));
    await importFolder(store, dir, logger);
    return { listing };
  }

  /**
   * Imports the folder (unless `imported` says it was, by `importAtStart`), then builds from the store unless the index
   * already holds exactly its documents.
   */
  static async start(kb: IndexHost, store: DocumentStore, dir: string, logger: Logger, imported?: FolderImported): Promise<StoredKnowledgeBase> {
    const stored = new StoredKnowledgeBase(kb, store, dir, logger);
    if (imported) {
      stored.folderSeen = imported.listing;
      await stored.refresh();
    } else {
      await stored.reload();
    }
    return stored;
  }

  answer(question: string, options?: AskOptions): Promise<Answer> {
    return this.kb.answer(question, options);
  }

  answerDetailed(question: string, options?: AskOptions): Promise<DetailedAnswer> {
    return this.kb.answerDetailed(question, options);
  }

  stats(): KnowledgeStats {
    return this.kb.stats();
  }

  /**
   * True when the folder's files or the store's documents changed since the index was brought in line. A file written
   * in the last 2 s may still be growing: it is looked at once it has settled.
   */
  async changedOnDisk(): Promise<boolean> {
    const listing = await this.folderListing();
    if (listing !== undefined && listing !== this.folderSeen) return true;
    return (await this.store.marker()) !== this.markerSeen;
  }

  /** Import the folder if its files changed (always at start), then rebuild from the store if its documents changed. */
  async reload(): Promise<{ rebuilt: boolean }> {
    const listing = await this.folderListing();
    const first = this.markerSeen === undefined;
    if (first || (listing !== undefined && listing !== this.folderSeen)) {
      await importFolder(this.store, this.dir, this.logger);
      this.folderSeen = listing;
    }
    return this.refresh();
  }

  close(): Promise<void> {
    return this.kb.close?.() ?? Promise.resolve();
  }

  private async refresh(): Promise<{ rebuilt: boolean }> {
    // The marker first: a change made while the documents are read shows up as a new marker at the next check.
    const marker = await this.store.marker();
    if (marker === this.markerSeen) return { rebuilt: false };
    const listed = await this.store.list();
    let rebuilt = false;
    if (documentSetFingerprint(listed) !== (await this.kb.indexFingerprint())) {
      const report = await this.kb.reloadFrom(await this.store.contents());
      rebuilt = true;
      this.logger.info({ documents: report.documents.length, chunks: report.chunks, skipped: report.failures.length }, 'knowledge index rebuilt from the store');
    }
    this.markerSeen = marker;
    return { rebuilt };
  }

  private folderListing(): Promise<string | undefined> {
    return folderListing(this.dir);
  }
}

/** What the folder looked like when it was imported at start. */
export interface FolderImported {
  listing: string | undefined;
}

/** The folder's listing (names, sizes, times), or undefined while a file is still being written. */
async function folderListing(dir: string): Promise<string | undefined> {
  const s = await folderSignature(dir);
  return s.settled ? s.signature : undefined;
}
