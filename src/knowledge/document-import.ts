import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import type { DocumentStore } from './document-store.js';
import { readFolderDocuments } from './documents.js';
import type { LoadFailure } from './model.js';

export interface FolderImportReport {
  /** The folder, resolved. */
  folder: string;
  added: string[];
  updated: string[];
  /** Taken out earlier and back now (changed, or named by `kb ingest`). */
  restored: string[];
  unchanged: string[];
  /** In the folder, but taken out with `kb remove` and unchanged since: left out. */
  keptRemoved: string[];
  /** Imported from this folder earlier; their files are gone, so they were taken out of the store. */
  removed: string[];
  /** Files that are not documents, by name with the reason (nothing of them is stored). */
  failures: LoadFailure[];
}

export interface FolderImportOptions {
  /** Sources to bring back even if `kb remove` took them out (the files `kb ingest` was given). */
  restore?: Iterable<string>;
  /** For the audit; default "folder <path>". */
  via?: string;
}

/**
 * Brings the store in line with one folder (KNOWLEDGE_DIR): each document file is put (written only when its content
 * or sources.yaml entry changed), and documents imported from this same folder whose files are gone are taken out.
 * Documents from other folders or from `kb ingest` elsewhere are never touched. A folder that cannot be read, or holds
 * no document at all, takes nothing out (a missing mount must not empty every bot's knowledge base).
 */
export async function importFolder(store: DocumentStore, dir: string, logger: Logger, options: FolderImportOptions = {}): Promise<FolderImportReport> {
  const folder = resolve(dir);
  const via = options.via ?? `folder ${folder}`;
  const restore = new Set(options.restore ?? []);
  const read = await readFolderDocuments(folder);
  const report: FolderImportReport = { folder, added: [], updated: [], restored: [], unchanged: [], keptRemoved: [], removed: [], failures: read.failures };
  for (const doc of read.documents) {
    const outcome = await store.put(doc, { folder, via, restore: restore.has(doc.source) });
    const list = { added: report.added, updated: report.updated, restored: report.restored, unchanged: report.unchanged, kept_removed: report.keptRemoved }[outcome];
    list.push(doc.source);
  }
  const present = new Set(read.documents.map((d) => d.source));
  const gone = (await store.sourcesFrom(folder)).filter((s) => !present.has(s));
  if (gone.length && (!read.readable || present.size === 0)) {
    logger.warn({ folder, kept: gone.length }, 'KNOWLEDGE_DIR holds no documents now; the documents imported from it stay in the store (kb remove takes them out)');
  } else {
    for (const source of gone) {
      if (await store.remove(source, { by: 'folder', via, fromFolder: folder })) report.removed.push(source);
    }
  }
  const changed = report.added.length + report.updated.length + report.restored.length + report.removed.length;
  if (changed) {
    logger.info({ folder, added: report.added, updated: report.updated, restored: report.restored, removed: report.removed }, 'knowledge folder imported into the store');
  }
  if (report.keptRemoved.length) {
    logger.info({ folder, sources: report.keptRemoved }, 'documents taken out with kb remove are still in KNOWLEDGE_DIR; left out (kb ingest brings one back)');
  }
  return report;
}
