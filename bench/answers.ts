/**
 * `npx tsx bench/answers.ts [FILE...]`: the whole answer path (`KnowledgeBase.answer`: two-part questions, support
 * and evidence tests, names, the asked-for fact, the extractive answer) on the real corpus, timed per question.
 * Default questions: tests/fixtures/knowledge/questions.jsonl plus ../shared/eval/questions-dev.jsonl when present.
 * Five rounds (one with BENCH_QUICK=1); the first round is cold (sentences read for the first time), so p95 is
 * mostly first answers and p50 warm ones. Prints p50/p95/max, first round and later rounds apart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { createLogger } from '../src/logger.js';
import { emitJson, percentile, printTable, quickMode } from './lib/output.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = quickMode ? 1 : 5;

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const files = args.length ? args : [join(ROOT, 'tests/fixtures/knowledge/questions.jsonl'), join(ROOT, '..', 'shared', 'eval', 'questions-dev.jsonl')].filter((f) => existsSync(f));
  const questions = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { question: string }).question));
  const kb = new KnowledgeBase({ dir: join(ROOT, 'knowledge'), logger: createLogger('silent') });
  await kb.reload();
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of questions) {
      const t = performance.now();
      await kb.answer(q);
      (round === 0 ? cold : warm).push(performance.now() - t);
    }
  }
  const all = [...cold, ...warm].sort((a, b) => a - b);
  cold.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  const rows = [
    ['all rounds', all],
    ['first round (cold)', cold],
    ['later rounds (warm)', warm],
  ] as const;
  if (emitJson(rows.filter(([, xs]) => xs.length).flatMap(([name, xs]) => [
    { name: `answers ${name}: p50`, value: percentile(xs, 50), unit: 'ms' },
    { name: `answers ${name}: p95`, value: percentile(xs, 95), unit: 'ms' },
  ]))) return;
  console.log(`Answer path on the real corpus: ${questions.length} questions x ${ROUNDS} rounds (Node ${process.version})\n`);
  printTable(['answers', 'count', 'p50 ms', 'p95 ms', 'max ms'], rows.filter(([, xs]) => xs.length).map(([name, xs]) => [name, String(xs.length), percentile(xs, 50).toFixed(2), percentile(xs, 95).toFixed(2), xs.at(-1)!.toFixed(1)]), ['l', 'r', 'r', 'r', 'r']);
}

await main();
