import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SOURCES_FILE } from './formats.js';
import type { LoadFailure } from './model.js';

/**
 * What a reader should see about a document: its real title, where the original lives, who publishes it and when.
 * A Markdown document may carry it as front matter (`title`, `url`, `owner`, `published` between `---` lines at
 * the top); `knowledge/sources.yaml` beside the documents gives it for any file by name and wins over front matter.
 */
export interface SourceInfo {
  title?: string;
  /** Link to the original document (http or https only). */
  url?: string;
  owner?: string;
  published?: string;
}

export { SOURCES_FILE };

const sourceSchema = z
  .object({
    title: z.string().trim().min(1).optional(),
    url: z.string().trim().optional(),
    owner: z.string().trim().min(1).optional(),
    published: z.union([z.string(), z.number(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))).optional(),
  })
  .strict();

/** A link we are willing to show: http(s), no spaces, quotes or angle brackets (it goes into Slack and Teams markup). */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const u = url.trim();
  return /^https?:\/\/[^\s<>"'|`\\]+$/i.test(u) ? u : undefined;
}

function clean(raw: z.infer<typeof sourceSchema>): SourceInfo {
  const out: SourceInfo = {};
  if (raw.title) out.title = tidyTitle(raw.title);
  const url = safeUrl(raw.url);
  if (url) out.url = url;
  if (raw.owner) out.owner = raw.owner;
  if (raw.published) out.published = raw.published;
  return out;
}

/**
 * Read `sources.yaml` (file name -> title, url, owner, published). A missing file is fine; a bad one is reported
 * as a load failure by name, with the reason, and ignored.
 */
export async function readSourcesFile(dir: string): Promise<{ entries: Record<string, SourceInfo>; failures: LoadFailure[] }> {
  let text: string;
  try {
    text = await readFile(join(dir, SOURCES_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {}, failures: [] };
    return { entries: {}, failures: [{ source: SOURCES_FILE, reason: `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }] };
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (err) {
    return { entries: {}, failures: [{ source: SOURCES_FILE, reason: `not valid YAML (${(err as Error).message.split('\n')[0]})` }] };
  }
  const parsed = z.record(z.string(), sourceSchema).safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { entries: {}, failures: [{ source: SOURCES_FILE, reason: `expected "file name: { title, url, owner, published }" (${detail})` }] };
  }
  const entries: Record<string, SourceInfo> = {};
  const failures: LoadFailure[] = [];
  for (const [name, raw] of Object.entries(parsed.data)) {
    entries[name] = clean(raw);
    if (raw.url && !entries[name]!.url) failures.push({ source: SOURCES_FILE, reason: `${name}: url must be an http(s) link without spaces; it is left out` });
  }
  return { entries, failures };
}

/** Front matter at the top of a Markdown document: the metadata and the text without it. */
export function splitFrontMatter(text: string): { meta: SourceInfo; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { meta: {}, body: text };
  try {
    const data = parseYaml(m[1]!) as unknown;
    const parsed = sourceSchema.passthrough().safeParse(data ?? {});
    if (!parsed.success) return { meta: {}, body: text.slice(m[0].length) };
    const { title, url, owner, published } = parsed.data;
    return { meta: clean({ title, url, owner, published }), body: text.slice(m[0].length) };
  } catch {
    return { meta: {}, body: text };
  }
}

/** A title as people write it: one space between words, no word said twice in a row ("Annual Report Report"). */
export function tidyTitle(title: string): string {
  return title
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b(\p{L}[\p{L}'’-]*)(?:\s+\1\b)+/giu, '$1');
}
