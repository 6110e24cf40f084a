import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { ThreadedKnowledgeBase } from '../../src/knowledge/threaded-knowledge-base.js';
import type { Answer } from '../../src/knowledge/types.js';
import { CORPUS_DIR, corpusKb, QUESTIONS_FILE, silentLogger } from './helpers.js';

const questions = readFileSync(QUESTIONS_FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => (JSON.parse(l) as { question: string }).question);
/** Enough answering that, in process, it holds the event loop for a clearly measurable stretch. */
const BATCH = Array.from({ length: 6 }, () => questions).flat();

/** Answer the whole batch at once (as 200 askers would) and report the event-loop delay meanwhile, in ms. */
async function lagWhile(answer: (q: string) => Promise<Answer>): Promise<{ max: number; p99: number; answers: Answer[] }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20)); // the histogram's timer is running before the work starts
  const answers = await Promise.all(BATCH.map((q) => answer(q)));
  await new Promise((r) => setTimeout(r, 20)); // let the histogram take its last sample
  h.disable();
  return { max: h.max / 1e6, p99: h.percentile(99) / 1e6, answers };
}

describe('threaded knowledge base: the main event loop stays free', () => {
  let local: KnowledgeBase;
  let threaded: ThreadedKnowledgeBase;
  beforeAll(async () => {
    local = await corpusKb();
    threaded = await ThreadedKnowledgeBase.start({ dir: CORPUS_DIR, logger: silentLogger });
    await threaded.answer(questions[0]!); // warm both
    await local.answer(questions[0]!);
  });
  afterAll(async () => threaded?.close());

  it('answering a batch on the worker delays the main loop far less than answering it in process', async () => {
    const inProcess = await lagWhile((q) => local.answer(q));
    const offThread = await lagWhile((q) => threaded.answer(q));
    console.info(
      `event-loop delay answering ${BATCH.length} questions: in process max ${inProcess.max.toFixed(1)} ms (p99 ${inProcess.p99.toFixed(1)}), ` +
        `on the worker max ${offThread.max.toFixed(1)} ms (p99 ${offThread.p99.toFixed(1)})`,
    );
    expect(offThread.answers).toEqual(inProcess.answers);
    expect(offThread.max).toBeLessThan(inProcess.max / 3);
  });
});
