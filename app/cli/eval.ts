import { readFile } from 'node:fs/promises';
import { isAppError } from '../../src/errors.js';
import { openKnowledgeBaseForCli } from '../../src/knowledge/cli-support.js';
import { evalQuestionSchema, formatOutcomes, parseJsonLines, runEval, summariseEval } from '../../src/knowledge/eval.js';

/**
 * `eval FILE`: answer every question of a question file, print each failure, a line per topic, the count of each
 * outcome (correct, wrong, false abstain, correct abstain, answered but should abstain), and end with
 * "eval: N/M passed".
 * Exit code 0 when every question passed, 1 otherwise, 2 for a bad file.
 */
export async function run(args: string[]): Promise<number> {
  const file = args.filter((a) => !a.startsWith('--'))[0];
  if (!file || args.length !== 1) {
    process.stderr.write('usage: eval FILE   (JSON lines: {"id","question","expect_any":[...]} or {"id","question","abstain":true})\n');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`eval: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}\n`);
    return 2;
  }
  let questions;
  try {
    questions = parseJsonLines(text, evalQuestionSchema, 'question line');
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`eval: ${file}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const kb = await openKnowledgeBaseForCli();
  const results = await runEval(kb, questions);
  for (const r of results.filter((x) => !x.passed)) {
    const got = r.answer.answer.replace(/\s+/g, ' ').slice(0, 240);
    process.stdout.write(`FAIL ${r.question.id}: ${r.question.question}\n  ${r.failure}\n  answered=${r.answer.answered}: ${got}\n`);
  }
  const summary = summariseEval(results);
  for (const t of summary.topics) process.stdout.write(`topic ${t.topic}: ${t.passed}/${t.total} passed (${formatOutcomes(t.outcomes, true)})\n`);
  process.stdout.write(`outcomes: ${formatOutcomes(summary.outcomes)}\n`);
  process.stdout.write(`eval: ${summary.passed}/${summary.total} passed\n`);
  return summary.passed === summary.total ? 0 : 1;
}
