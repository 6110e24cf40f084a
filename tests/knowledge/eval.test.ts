import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evalQuestionSchema, foldForMatch, parseJsonLines, runEval, scoreAnswer } from '../../src/knowledge/eval.js';
import { corpusKb, QUESTIONS_FILE } from './helpers.js';

describe('eval on the fixture question set', () => {
  it('passes at least 20 of 22 questions, both abstentions included', async () => {
    const questions = parseJsonLines(await readFile(QUESTIONS_FILE, 'utf8'), evalQuestionSchema);
    expect(questions).toHaveLength(22);
    const results = await runEval(await corpusKb(), questions);
    const failed = results.filter((r) => !r.passed).map((r) => `${r.question.id}: ${r.failure}`);
    const abstentions = results.filter((r) => r.question.abstain);
    expect(abstentions).toHaveLength(2);
    expect(abstentions.every((r) => r.passed)).toBe(true);
    expect(results.filter((r) => r.passed).length, failed.join('\n')).toBeGreaterThanOrEqual(20);
    // Every answered question is cited.
    for (const r of results) if (r.answer.answered) expect(r.answer.citations.length).toBeGreaterThan(0);
  });
});

describe('eval on paraphrased questions (wording not taken from the documents)', () => {
  it('passes at least 24 of 26', async () => {
    const file = QUESTIONS_FILE.replace('questions.jsonl', 'paraphrases.jsonl');
    const questions = parseJsonLines(await readFile(file, 'utf8'), evalQuestionSchema);
    const results = await runEval(await corpusKb(), questions);
    const failed = results.filter((r) => !r.passed).map((r) => `${r.question.id}: ${r.failure}`);
    expect(results.filter((r) => r.passed).length, failed.join('\n')).toBeGreaterThanOrEqual(24);
  });
});

describe('scoring', () => {
  const q = { id: 'x', question: 'q', expect_any: ['“A Fair Start”', 'Flourishing  Lives'] };

  it('folds case, whitespace, curly quotes and Markdown emphasis', () => {
    expect(foldForMatch('**A  Fair** _Start_ ’s “x”')).toBe("a fair start 's \"x\"");
    expect(scoreAnswer(q, { answered: true, answer: 'ambitions: *flourishing*\nlives', citations: [] }).passed).toBe(true);
    expect(scoreAnswer(q, { answered: true, answer: 'it says "a fair start"', citations: [] }).passed).toBe(true);
  });

  it('accepts a match in a cited excerpt, and fails unanswered or unmatched questions', () => {
    const cite = { source: 's', title: 't', section: 'x', excerpt: 'Flourishing Lives is an ambition' };
    expect(scoreAnswer(q, { answered: true, answer: 'see source', citations: [cite] }).passed).toBe(true);
    expect(scoreAnswer(q, { answered: true, answer: 'nothing', citations: [] })).toMatchObject({ passed: false, failure: expect.stringMatching(/none of/) });
    expect(scoreAnswer(q, { answered: false, answer: 'A Fair Start', citations: [] })).toMatchObject({ passed: false, failure: 'the bot declined to answer' });
  });

  it('passes an abstain question only when the bot declines', () => {
    const a = { id: 'a', question: 'pizza?', abstain: true };
    expect(scoreAnswer(a, { answered: false, answer: 'no', citations: [] }).passed).toBe(true);
    expect(scoreAnswer(a, { answered: true, answer: 'pizza', citations: [] }).passed).toBe(false);
  });

  it('reports every bad line of a question file with its line number', () => {
    const text = '{"id":"a","question":"q","expect_any":["x"]}\nnot json\n\n{"id":"b","question":"q"}\n';
    expect(() => parseJsonLines(text, evalQuestionSchema, 'question line')).toThrow(/line 2: not valid JSON[\s\S]*line 4: needs "expect_any"/);
  });
});
