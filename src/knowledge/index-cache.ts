import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IndexSnapshot } from './bm25-index.js';
import { lexiconVersions } from './lexicon.js';
import type { Chunk, DocumentSummary, LoadFailure } from './model.js';

/**
 * On-disk cache of a built index, so a short-lived process (the `ask` CLI) does not re-parse and re-index the
 * corpus on every start. The key covers the documents' names and contents (the fingerprint), the chunking
 * options and the source code of this module's folder, so any change to documents or code misses the cache.
 * A cache that cannot be read or written is ignored: the index is built as usual.
 */
export interface CachedIndex {
  key: string;
  documents: DocumentSummary[];
  /** Load failures of supported files (unsupported files are listed afresh on every load). */
  failures: LoadFailure[];
  chunks: Chunk[];
  acronyms: Record<string, string[]>;
  index: IndexSnapshot;
}

const KEEP_FILES = 8;
let codeHash: string | undefined;

/**
 * Hash of the knowledge module's own files (chunking, vocabulary and index code, and any data file beside them
 * such as a word list) and of the versions of the lexicon packages it reads (word frequencies, WordNet, wink-nlp).
 */
function codeVersion(): string {
  if (codeHash) return codeHash;
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const hash = createHash('sha256');
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile()) continue;
    hash.update(entry.name).update(readFileSync(join(dir, entry.name)));
  }
  hash.update(lexiconVersions());
  codeHash = hash.digest('hex');
  return codeHash;
}

export function cacheKey(fingerprint: string, options: unknown): string {
  return createHash('sha256').update(fingerprint).update(JSON.stringify(options ?? {})).update(codeVersion()).digest('hex').slice(0, 32);
}

export async function readCachedIndex(dir: string, key: string): Promise<CachedIndex | undefined> {
  try {
    const data = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as CachedIndex;
    return data.key === key && Array.isArray(data.chunks) && data.index ? data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCachedIndex(dir: string, entry: CachedIndex): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${entry.key}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(entry));
  await rename(tmp, file);
  // Keep the cache small: only the newest few entries.
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP_FILES) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, t: await stat(join(dir, n)).then((s) => s.mtimeMs, () => 0) })));
  dated.sort((a, b) => b.t - a.t);
  await Promise.all(dated.slice(KEEP_FILES).map((d) => unlink(join(dir, d.n)).catch(() => undefined)));
}
