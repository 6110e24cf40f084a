/**
 * Retrieval benchmark: index build time, peak memory and query latency (p50/p95) on the real corpus and on
 * synthetic corpora of 10k and 100k chunks. Run: `npx tsx bench/retrieval.ts` (add `--sizes 10000` to choose).
 *
 * Each corpus is measured in its own child process so peak memory (max RSS) belongs to that corpus alone.
 * A "query" is the whole answer path without file I/O: build the query, BM25 search, the support test and
 * extractive sentence selection.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bm25Index } from '../src/knowledge/bm25-index.js';
import { selectSentences } from '../src/knowledge/extractive.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import type { Chunk } from '../src/knowledge/model.js';
import { assessSupport, buildQuery, search } from '../src/knowledge/retrieval.js';
import { createConceptMatcher, DOMAIN_VOCABULARY, learnAcronyms } from '../src/knowledge/vocabulary.js';
import { createLogger } from '../src/logger.js';
import { emitJson, quickMode } from './lib/output.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = join(ROOT, 'knowledge');
const QUESTIONS = join(ROOT, 'tests/fixtures/knowledge/questions.jsonl');
const QUERY_ROUNDS = quickMode ? 5 : 20;

interface Row {
  corpus: string;
  chunks: number;
  terms: number;
  buildMs: number;
  peakRssMb: number;
  heapMb: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
}

function questions(): string[] {
  return readFileSync(QUESTIONS, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { question: string }).question);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Deterministic pseudo-random numbers so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function timeQueries(index: Bm25Index, qs: string[]): number[] {
  const times: number[] = [];
  for (let round = 0; round < QUERY_ROUNDS; round++) {
    for (const q of qs) {
      const t = performance.now();
      const query = buildQuery(index, q);
      const ranked = search(index, query, 8);
      const support = assessSupport(index, query, ranked, q);
      if (support.supported) selectSentences(index, query, ranked);
      times.push(performance.now() - t);
    }
  }
  return times.sort((a, b) => a - b);
}

async function measureReal(): Promise<Row> {
  const kb = new KnowledgeBase({ dir: CORPUS, logger: createLogger('silent') });
  const t = performance.now();
  await kb.reload();
  const buildMs = performance.now() - t;
  const index = (kb as unknown as { state: { index: Bm25Index } }).state.index;
  const times = timeQueries(index, questions());
  return row('real corpus (3 docs)', index, buildMs, times);
}

/** Synthetic corpus: passages stitched from random sentences of the real corpus, under synthetic goal headings. */
async function measureSynthetic(size: number): Promise<Row> {
  const kb = new KnowledgeBase({ dir: CORPUS, logger: createLogger('silent') });
  await kb.reload();
  const real = (kb as unknown as { state: { index: Bm25Index } }).state.index.chunks;
  const sentences = real.flatMap((c) => c.text.split(/(?<=[.!?])\s+|\n/)).filter((s) => s.split(' ').length >= 6);
  const headings = [...new Set(real.map((c) => c.section))];
  const random = rng(size);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const chunks: Chunk[] = [];
  for (let i = 0; i < size; i++) {
    const parts: string[] = [];
    let words = 0;
    while (words < 120) {
      const s = pick(sentences);
      parts.push(s);
      words += s.split(' ').length;
    }
    const source = `synthetic-${Math.floor(i / 50)}.md`;
    chunks.push({ id: `${source}#${i % 50}`, source, title: `Synthetic report ${Math.floor(i / 50)}`, section: `${pick(headings)} (${i % 97})`, text: parts.join(' '), ordinal: i % 50 });
  }
  const t = performance.now();
  const matcher = createConceptMatcher({ ...DOMAIN_VOCABULARY, ...learnAcronyms(chunks.map((c) => c.text)) });
  const index = new Bm25Index(chunks, matcher);
  const buildMs = performance.now() - t;
  const times = timeQueries(index, questions());
  return row(`synthetic ${size.toLocaleString('en-GB')} chunks`, index, buildMs, times);
}

function row(corpus: string, index: Bm25Index, buildMs: number, times: number[]): Row {
  const mem = process.memoryUsage();
  return {
    corpus,
    chunks: index.size,
    terms: index.vocabularySize,
    buildMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapMb: mem.heapUsed / 1024 / 1024,
    queries: times.length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
  };
}

function printTable(rows: Row[]): void {
  const header = ['corpus', 'chunks', 'terms', 'build ms', 'peak RSS MB', 'heap MB', 'queries', 'p50 ms', 'p95 ms'];
  const cells = rows.map((r) => [r.corpus, String(r.chunks), String(r.terms), r.buildMs.toFixed(0), r.peakRssMb.toFixed(0), r.heapMb.toFixed(0), String(r.queries), r.p50Ms.toFixed(2), r.p95Ms.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const child = args.indexOf('--child');
  if (child >= 0) {
    const what = args[child + 1]!;
    const r = what === 'real' ? await measureReal() : await measureSynthetic(Number(what));
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? args[sizesArg + 1]!.split(',').map(Number) : quickMode ? [10_000] : [10_000, 100_000];
  const rows: Row[] = [];
  for (const what of ['real', ...sizes.map(String)]) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', what], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      timeout: 15 * 60_000,
      env: { ...process.env, LOG_LEVEL: 'silent', BENCH_JSON: '0' },
    });
    rows.push(JSON.parse(out.trim().split('\n').at(-1)!) as Row);
  }
  const short = (r: Row) => (r.corpus.startsWith('real') ? 'real corpus' : r.corpus.replace(/ chunks$/, ''));
  const json = emitJson(
    rows.flatMap((r) => [
      { name: `${short(r)}: chunks`, value: r.chunks, unit: 'count' },
      { name: `${short(r)}: index build`, value: r.buildMs, unit: 'ms' },
      { name: `${short(r)}: peak RSS`, value: r.peakRssMb, unit: 'MB' },
      { name: `${short(r)}: query p50`, value: r.p50Ms, unit: 'ms' },
      { name: `${short(r)}: query p95`, value: r.p95Ms, unit: 'ms' },
    ]),
  );
  if (json) return;
  console.log(`Retrieval benchmark (Node ${process.version}, ${QUERY_ROUNDS} rounds of the 22 eval questions per corpus)\n`);
  printTable(rows);
}

await main();
