import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { Answer, Answerer } from './types.js';

/** One line of a question file (the format of ../shared/eval/questions.jsonl). */
export const evalQuestionSchema = z
  .object({
    id: z.string().min(1),
    question: z.string().min(1),
    topic: z.string().optional(),
    expect_any: z.array(z.string().min(1)).optional(),
    abstain: z.boolean().optional(),
  })
  .refine((q) => q.abstain === true || (q.expect_any?.length ?? 0) > 0, {
    message: 'needs "expect_any" (a list of accepted phrases) or "abstain": true',
  });

export type EvalQuestion = z.infer<typeof evalQuestionSchema>;

export interface EvalResult {
  question: EvalQuestion;
  answer: Answer;
  passed: boolean;
  /** Why it failed, in words. */
  failure?: string;
}

/** Parse JSON lines; every bad line is reported with its line number. Blank lines and lines starting '#' are skipped. */
export function parseJsonLines<T>(text: string, schema: z.ZodType<T>, what = 'line'): T[] {
  const out: T[] = [];
  const problems: { field: string; message: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      problems.push({ field: `line ${i + 1}`, message: `line ${i + 1}: not valid JSON` });
      return;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((iss) => (iss.path.length ? `${iss.path.join('.')}: ${iss.message}` : iss.message)).join('; ');
      problems.push({ field: `line ${i + 1}`, message: `line ${i + 1}: ${detail}` });
      return;
    }
    out.push(parsed.data);
  });
  if (problems.length) throw new ValidationError(problems, `Bad ${what}s:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
  return out;
}

/**
 * Fold text for matching: lower case, curly quotes and dashes straightened, Markdown emphasis markers removed,
 * whitespace collapsed.
 */
export function foldForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b\u2032`]/g, "'")
    .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/(\*\*|__|\*|_|~~)(?=\S)|(?<=\S)(\*\*|__|\*|_|~~)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A question passes when the answer or a cited excerpt contains one expected phrase; an abstain question passes when not answered. */
export function scoreAnswer(question: EvalQuestion, answer: Answer): EvalResult {
  if (question.abstain) {
    return answer.answered
      ? { question, answer, passed: false, failure: 'expected the bot to decline, but it answered' }
      : { question, answer, passed: true };
  }
  if (!answer.answered) return { question, answer, passed: false, failure: 'the bot declined to answer' };
  const haystacks = [answer.answer, ...answer.citations.map((c) => c.excerpt)].map(foldForMatch);
  const hit = (question.expect_any ?? []).some((e) => haystacks.some((h) => h.includes(foldForMatch(e))));
  return hit ? { question, answer, passed: true } : { question, answer, passed: false, failure: `none of ${JSON.stringify(question.expect_any)} in the answer or its excerpts` };
}

/** What happened to one question: the five outcomes `eval` counts. */
export type EvalOutcome = 'correct' | 'wrong' | 'false_abstain' | 'correct_abstain' | 'answered_should_abstain';

export const OUTCOME_LABELS: Record<EvalOutcome, string> = {
  correct: 'correct',
  wrong: 'wrong',
  false_abstain: 'false abstain',
  correct_abstain: 'correct abstain',
  answered_should_abstain: 'answered but should abstain',
};

export function outcomeOf(result: EvalResult): EvalOutcome {
  if (result.question.abstain) return result.answer.answered ? 'answered_should_abstain' : 'correct_abstain';
  if (!result.answer.answered) return 'false_abstain';
  return result.passed ? 'correct' : 'wrong';
}

export interface EvalSummary {
  passed: number;
  total: number;
  outcomes: Record<EvalOutcome, number>;
  /** Per topic (questions without one are under "(none)"), in first-seen order. */
  topics: { topic: string; passed: number; total: number; outcomes: Record<EvalOutcome, number> }[];
}

const noOutcomes = (): Record<EvalOutcome, number> => ({ correct: 0, wrong: 0, false_abstain: 0, correct_abstain: 0, answered_should_abstain: 0 });

export function summariseEval(results: EvalResult[]): EvalSummary {
  const outcomes = noOutcomes();
  const topics = new Map<string, EvalSummary['topics'][number]>();
  for (const r of results) {
    const o = outcomeOf(r);
    outcomes[o]++;
    const name = r.question.topic ?? '(none)';
    const t = topics.get(name) ?? { topic: name, passed: 0, total: 0, outcomes: noOutcomes() };
    topics.set(name, t);
    t.total++;
    if (r.passed) t.passed++;
    t.outcomes[o]++;
  }
  return { passed: results.filter((r) => r.passed).length, total: results.length, outcomes, topics: [...topics.values()] };
}

/** "correct 45, wrong 2, false abstain 3, ..." leaving out outcomes that did not happen when `compact`. */
export function formatOutcomes(outcomes: Record<EvalOutcome, number>, compact = false): string {
  return (Object.keys(OUTCOME_LABELS) as EvalOutcome[])
    .filter((k) => !compact || outcomes[k] > 0)
    .map((k) => `${OUTCOME_LABELS[k]} ${outcomes[k]}`)
    .join(', ');
}

export async function runEval(answerer: Answerer, questions: EvalQuestion[]): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const q of questions) results.push(scoreAnswer(q, await answerer.answer(q.question)));
  return results;
}
