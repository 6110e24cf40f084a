/**
 * `npx tsx bench/holdout.ts [FILE]`: the question file (default ../shared/eval/questions-dev.jsonl) split in two
 * halves by a fixed seed, and the knowledge base's eval on each half. Tune on the first half ("tune") and read the
 * second ("hold-out") only to report: a mechanism that lifts the tuning half and not the hold-out one fitted the
 * questions, not the way staff write.
 *
 * The split is stratified by topic (each topic's questions are shuffled with the seed and dealt alternately), so
 * both halves have the same mix of topics and of questions that must be declined. BENCH_SEED changes the seed
 * (default 12). `--write DIR` writes DIR/tune.jsonl and DIR/holdout.jsonl (to run another checkout's `npm run eval`
 * on the same halves) and exits. `--verbose` lists each half's failures.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalQuestionSchema, formatOutcomes, parseJsonLines, runEval, summariseEval, type EvalQuestion } from '../src/knowledge/eval.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { createLogger } from '../src/logger.js';
import { emitJson, printTable } from './lib/output.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = Number(process.env.BENCH_SEED ?? 12);

/** Deterministic pseudo-random numbers (mulberry32), so the halves are the same on every run and machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The two halves: each topic shuffled with the seed, dealt alternately (tune first), each half in file order. */
export function splitHalves(questions: EvalQuestion[], seed = SEED): { tune: EvalQuestion[]; holdout: EvalQuestion[] } {
  const random = rng(seed);
  const byTopic = new Map<string, EvalQuestion[]>();
  for (const q of questions) byTopic.set(q.topic ?? '', [...(byTopic.get(q.topic ?? '') ?? []), q]);
  const tune = new Set<string>();
  let turn = 0;
  for (const group of byTopic.values()) {
    const shuffled = [...group];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (const q of shuffled) if (turn++ % 2 === 0) tune.add(q.id);
  }
  return { tune: questions.filter((q) => tune.has(q.id)), holdout: questions.filter((q) => !tune.has(q.id)) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--write') ?? join(ROOT, '..', 'shared', 'eval', 'questions-dev.jsonl');
  const questions = parseJsonLines(readFileSync(file, 'utf8'), evalQuestionSchema, 'question line');
  const halves = splitHalves(questions);
  const writeAt = args.indexOf('--write');
  if (writeAt >= 0) {
    const dir = args[writeAt + 1]!;
    mkdirSync(dir, { recursive: true });
    for (const [name, qs] of Object.entries(halves)) writeFileSync(join(dir, `${name}.jsonl`), qs.map((q) => JSON.stringify(q)).join('\n') + '\n');
    console.log(`wrote ${join(dir, 'tune.jsonl')} (${halves.tune.length}) and ${join(dir, 'holdout.jsonl')} (${halves.holdout.length}), seed ${SEED}`);
    return;
  }
  const kb = new KnowledgeBase({ dir: join(ROOT, 'knowledge'), logger: createLogger('silent') });
  await kb.reload();
  const rows: string[][] = [];
  const figures = [];
  for (const [name, qs] of Object.entries(halves)) {
    const results = await runEval(kb, qs);
    const s = summariseEval(results);
    rows.push([name, `${s.passed}/${s.total}`, `${s.outcomes.correct_abstain}/${s.outcomes.correct_abstain + s.outcomes.answered_should_abstain}`, formatOutcomes(s.outcomes)]);
    figures.push({ name: `${name}: passed (of ${s.total})`, value: s.passed, unit: 'questions' });
    if (args.includes("--verbose") && (name === "tune" || args.includes("--all"))) for (const r of results.filter((x) => !x.passed)) console.log(`${name} FAIL ${r.question.id}: ${r.question.question}\n    ${r.answer.answer.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  if (emitJson(figures)) return;
  console.log(`${file} split by seed ${SEED} (stratified by topic)\n`);
  printTable(['half', 'passed', 'declined', 'outcomes'], rows, ['l', 'r', 'r', 'l']);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
