/**
 * `npx tsx bench/baseline.ts`: our knowledge base side by side with the baseline a typical starter bot ships
 * (bench/lib/naive-bm25.ts: plain BM25 over fixed 512-token windows, no structure, no stemming, no vocabulary,
 * no support test), on the eval questions (BENCH_EVAL_FILE, default ../shared/eval/questions.jsonl) and the
 * documents in knowledge/.
 *
 * Both are scored with src/knowledge/eval.ts's scoreAnswer (a question passes when the answer text or a cited
 * excerpt contains one of expect_any; an abstain question passes when not answered). The baseline's answer is its
 * top window (as answer text and as the one cited excerpt); it abstains only when no window scored above 0.
 * Recall@k: share of the answerable questions where one of the top k passages (our chunks / its windows)
 * contains an expected phrase, folded as the eval folds. Latency: ours is the whole answer path (retrieval,
 * support test, extractive answer); the baseline's is its search. BENCH_QUICK=1: 5 timing rounds instead of 20.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalQuestionSchema, foldForMatch, parseJsonLines, scoreAnswer, type EvalQuestion } from '../src/knowledge/eval.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { loadDocument, formatOf } from '../src/knowledge/loaders.js';
import type { Answer } from '../src/knowledge/types.js';
import { createLogger } from '../src/logger.js';
import { NaiveBm25 } from './lib/naive-bm25.js';
import { emitJson, percentile, printTable, quickMode, type Figure } from './lib/output.js';
import { readdirSync } from 'node:fs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = join(ROOT, 'knowledge');
const EVAL_FILE = process.env.BENCH_EVAL_FILE ?? join(ROOT, '..', 'shared', 'eval', 'questions.jsonl');
const ROUNDS = quickMode ? 5 : 20;

interface System {
  label: string;
  passages: number;
  buildMs: number;
  /** Answer as the eval sees it. */
  answer(question: string): Promise<Answer>;
  /** Passage texts, best first. */
  top(question: string, k: number): string[];
  /** The operation timed for latency. */
  timed(question: string): Promise<unknown>;
}

async function ours(): Promise<System> {
  const kb = new KnowledgeBase({ dir: CORPUS, logger: createLogger('silent') });
  const t = performance.now();
  const report = await kb.reload();
  const buildMs = performance.now() - t;
  return {
    label: 'ours',
    passages: report.chunks,
    buildMs,
    answer: (q) => kb.answer(q),
    top: (q, k) => kb.search(q, k).map((s) => s.chunk.text),
    timed: (q) => kb.answer(q),
  };
}

async function baseline(): Promise<System> {
  const t = performance.now();
  const files = readdirSync(CORPUS).filter((f) => formatOf(f)).sort();
  const docs = [];
  for (const f of files) {
    const d = await loadDocument(join(CORPUS, f));
    docs.push({ source: d.source, text: d.pages.join('\n') });
  }
  const index = new NaiveBm25(docs);
  const buildMs = performance.now() - t;
  return {
    label: 'baseline',
    passages: index.windows.length,
    buildMs,
    async answer(q) {
      const best = index.search(q, 1)[0];
      if (!best) return { answered: false, answer: '', citations: [] };
      return { answered: true, answer: best.window.text, citations: [{ source: best.window.source, title: best.window.source, section: `window ${best.window.ordinal + 1}`, excerpt: best.window.text }] };
    },
    top: (q, k) => index.search(q, k).map((s) => s.window.text),
    timed: async (q) => index.search(q, 1),
  };
}

interface Result {
  system: System;
  passed: number;
  total: number;
  abstainPassed: number;
  abstainTotal: number;
  recall1: number;
  recall3: number;
  answerable: number;
  p50: number;
  p95: number;
}

async function measure(system: System, questions: EvalQuestion[]): Promise<Result> {
  let passed = 0;
  let abstainPassed = 0;
  let hit1 = 0;
  let hit3 = 0;
  const answerable = questions.filter((q) => !q.abstain);
  for (const q of questions) {
    const r = scoreAnswer(q, await system.answer(q.question));
    if (r.passed) passed++;
    if (q.abstain && r.passed) abstainPassed++;
    if (q.abstain) continue;
    const expected = (q.expect_any ?? []).map(foldForMatch);
    const contains = (text: string) => {
      const folded = foldForMatch(text);
      return expected.some((e) => folded.includes(e));
    };
    const top = system.top(q.question, 3);
    if (top.slice(0, 1).some(contains)) hit1++;
    if (top.some(contains)) hit3++;
  }
  for (const q of questions) await system.timed(q.question); // warm-up
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of questions) {
      const t = performance.now();
      await system.timed(q.question);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return {
    system,
    passed,
    total: questions.length,
    abstainPassed,
    abstainTotal: questions.length - answerable.length,
    recall1: hit1 / Math.max(1, answerable.length),
    recall3: hit3 / Math.max(1, answerable.length),
    answerable: answerable.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
  };
}

async function main(): Promise<void> {
  const questions = parseJsonLines(readFileSync(EVAL_FILE, 'utf8'), evalQuestionSchema, 'question line');
  const results = [await measure(await baseline(), questions), await measure(await ours(), questions)];
  const figures: Figure[] = results.flatMap((r) => [
    { name: `${r.system.label}: eval passed (of ${r.total})`, value: r.passed, unit: 'questions' },
    { name: `${r.system.label}: abstain questions passed (of ${r.abstainTotal})`, value: r.abstainPassed, unit: 'questions' },
    { name: `${r.system.label}: recall@1 (${r.answerable} answerable)`, value: r.recall1 * 100, unit: '%' },
    { name: `${r.system.label}: recall@3`, value: r.recall3 * 100, unit: '%' },
    { name: `${r.system.label}: latency p50`, value: r.p50, unit: 'ms' },
    { name: `${r.system.label}: latency p95`, value: r.p95, unit: 'ms' },
    { name: `${r.system.label}: passages indexed`, value: r.system.passages, unit: 'count' },
    { name: `${r.system.label}: load + index build`, value: r.system.buildMs, unit: 'ms' },
  ]);
  if (emitJson(figures)) return;
  const [b, o] = results as [Result, Result];
  const pctStr = (v: number) => `${(v * 100).toFixed(0)}%`;
  console.log(`Baseline (BM25, 512-token windows) vs ours on ${EVAL_FILE}, ${ROUNDS} timing rounds, node ${process.version}\n`);
  printTable(
    ['figure', 'baseline', 'ours'],
    [
      [`eval passed (of ${b.total})`, String(b.passed), String(o.passed)],
      [`abstain questions passed (of ${b.abstainTotal})`, String(b.abstainPassed), String(o.abstainPassed)],
      [`recall@1 (${b.answerable} answerable)`, pctStr(b.recall1), pctStr(o.recall1)],
      ['recall@3', pctStr(b.recall3), pctStr(o.recall3)],
      ['latency p50 (ms)', b.p50.toFixed(2), o.p50.toFixed(2)],
      ['latency p95 (ms)', b.p95.toFixed(2), o.p95.toFixed(2)],
      ['passages indexed', String(b.system.passages), String(o.system.passages)],
      ['load + index build (ms)', b.system.buildMs.toFixed(0), o.system.buildMs.toFixed(0)],
    ],
  );
}

await main();
