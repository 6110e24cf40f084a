import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { formatOf, MAX_DOCUMENT_BYTES, SOURCES_FILE, SUPPORTED_EXTENSIONS } from './formats.js';
import type { DocumentFormat, LoadFailure } from './model.js';
import type { SourceInfo } from './sources.js';

/**
 * A document as the index is built from it, wherever it is kept (a folder, or the store): the file's own bytes (re-read
 * by the same loaders, so an index built from the store is the index built from the folder), their SHA-256, and
 * what `sources.yaml` says about it (title, url, owner, published).
 */
export interface DocumentInput {
  /** File name, unique: the document's id ("camden-education-strategy-to-2030.txt"). */
  source: string;
  format: DocumentFormat;
  content: Uint8Array;
  /** SHA-256 of `content`, hex. */
  contentHash: string;
  meta: SourceInfo;
}

/** What identifies a document's version without its bytes (the store lists these without reading the contents). */
export type DocumentKey = Pick<DocumentInput, 'source' | 'contentHash' | 'meta'>;

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * One hash for a set of documents: their names, contents and metadata. Two processes whose sets are the same build the
 * same index, so a process compares this before rebuilding.
 */
export function documentSetFingerprint(docs: readonly DocumentKey[]): string {
  const hash = createHash('sha256');
  for (const d of [...docs].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
    hash.update(d.source).update('\0').update(d.contentHash).update('\0').update(stableMetaJson(d.meta)).update('\n');
  }
  return hash.digest('hex');
}

/** Metadata as JSON with its keys in order, for comparing. */
export function stableMetaJson(meta: SourceInfo): string {
  return JSON.stringify(Object.fromEntries(Object.entries(meta ?? {}).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));
}

export interface FolderDocuments {
  documents: DocumentInput[];
  /** Files that are not documents (wrong type, empty, too large, unreadable) and a bad sources.yaml, by name with the reason. */
  failures: LoadFailure[];
  /** False when the folder itself could not be read (missing mount): nothing may be concluded about removed files. */
  readable: boolean;
}

/**
 * The documents in a folder (KNOWLEDGE_DIR): every supported file, with `sources.yaml`'s entry for it. Reads bytes and
 * hashes them; parsing (PDF, DOCX, HTML) is left to the index build, on the knowledge thread.
 */
export async function readFolderDocuments(dir: string): Promise<FolderDocuments> {
  const failures: LoadFailure[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    failures.push({ source: dir, reason: code === 'ENOENT' ? 'knowledge folder not found' : `cannot read folder (${code})` });
    return { documents: [], failures, readable: false };
  }
  // The YAML reader is loaded only for a folder that has a sources.yaml.
  const sources = names.includes(SOURCES_FILE) ? await (await import('./sources.js')).readSourcesFile(dir) : { entries: {} as Record<string, SourceInfo>, failures: [] };
  failures.push(...sources.failures);
  const documents: DocumentInput[] = [];
  for (const name of names) {
    if (name === SOURCES_FILE) continue;
    const path = join(dir, name);
    const format = formatOf(name);
    if (!format) {
      if (!(await stat(path).then((s) => s.isDirectory(), () => false))) {
        failures.push({ source: name, reason: `unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(', ')})` });
      }
      continue;
    }
    const read = await readDocumentFile(path);
    if ('reason' in read) {
      failures.push({ source: name, reason: read.reason });
      continue;
    }
    documents.push({ source: name, format, content: read.bytes, contentHash: contentHash(read.bytes), meta: sources.entries[name] ?? {} });
  }
  return { documents, failures, readable: true };
}

/** A document file's bytes, or why it cannot be one (not found, unreadable, empty, too large). */
export async function readDocumentFile(path: string): Promise<{ bytes: Uint8Array } | { reason: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { reason: 'not a file' };
    if (info.size > MAX_DOCUMENT_BYTES) return { reason: `file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB` };
    const bytes = await readFile(path);
    if (bytes.length === 0) return { reason: 'file is empty' };
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read file (${code ?? String(err)})` };
  }
}

const SETTLE_MS = 2_000;

/**
 * Names, sizes and modification times of a folder's files: a check that reads no file. `settled` is false while a file
 * was written in the last 2 s (it may still be growing), so its contents are read again next time.
 */
export async function folderSignature(dir: string): Promise<{ signature: string; settled: boolean }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.') && (formatOf(n) || n === SOURCES_FILE)).sort();
  } catch (err) {
    return { signature: `unreadable ${(err as NodeJS.ErrnoException).code ?? ''}`, settled: true };
  }
  const parts: string[] = [];
  let settled = true;
  for (const n of names) {
    const info = await stat(join(dir, n)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs < SETTLE_MS) settled = false;
    parts.push(`${basename(n)}\0${info ? `${info.size}\0${info.mtimeMs}\0${info.ctimeMs}` : 'missing'}`);
  }
  return { signature: parts.join('\n'), settled };
}
