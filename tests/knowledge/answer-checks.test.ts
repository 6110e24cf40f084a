import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { corpusKb, tempDir } from './helpers.js';

const DOC = `# Youth Programmes

## Saturday Club

The Saturday Club at the Euston Skills Centre gives Year 10 students hands-on careers sessions. Sessions run on Saturday mornings and are free. In 2024-25, 40 students took part. The club prioritised inclusion, with 41% of participants eligible for free school meals.

## Haverstock Science Week

Haverstock School hosted a science week for Year 8 pupils with 12 workshops. Teachers from five schools attended the closing event.

## Attendance

Overall attendance across secondary schools rose to 94% in 2024-25.

## Inclusion

The Haverstock Pathways route supports students at risk of permanent exclusion. In 2024-25, 28 students accessed placements, with none lost to exclusion.

## Our strategy

The youth strategy sets out how the borough supports young people into work. At the end of 2019, the Council invested in the first Saturday Club sessions.
`;

let kb: KnowledgeBase;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  await writeFile(join(t.dir, 'programmes.md'), DOC);
  kb = await corpusKb({ dir: t.dir });
});
afterAll(() => cleanup());

describe('answer checks on a small document', () => {
  it('answers a two-part question part by part and says which part the documents do not cover', async () => {
    const a = await kb.answer('Is the Saturday Club free? and when does the Haverstock science week start?');
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/free/);
    expect(a.answer).toMatch(/The documents do not say: “when does the Haverstock science week start”/);
  });

  it('declines when a name the documents know is not in the passage that holds the figure', async () => {
    const a = await kb.answer("What's Haverstock School's overall attendance percentage?");
    expect(a.answered).toBe(false);
  });

  it('takes "free" as the answer to "how much", and a year group is no figure', async () => {
    const a = await kb.answer('How much does the Saturday Club cost per session?');
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/free/);
    const b = await kb.answer('How much does the Saturday Club pay its volunteers?');
    expect(b.answered).toBe(false);
  });

  it('declines a figure that counts something other than what the question counts', async () => {
    // The share is of the club's participants, not of all pupils; the 28 are students, not exclusions.
    expect((await kb.answer('what % of all pupils are eligible for free school meals?')).answered).toBe(false);
    expect((await kb.answer('how many permanent exclusions were there at Haverstock last year?')).answered).toBe(false);
  });

  it('answers with a figure that counts what was asked, in other words for the same people', async () => {
    const a = await kb.answer('what % of Saturday Club pupils were eligible for free school meals?');
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/41% of participants/);
    const b = await kb.answer('how many young people accessed Haverstock Pathways placements?');
    expect(b.answered).toBe(true);
    expect(b.answer).toMatch(/28 students/);
  });

  it('takes no word of another date as the subject of a "when"', async () => {
    // "end" in "At the end of 2019" is part of that date, which is about the club's first sessions: nothing says
    // when the strategy ends.
    const a = await kb.answer('what year does the strategy end?');
    expect(a.answered).toBe(false);
    expect(a.answer).not.toMatch(/2019/);
  });

  it('carries the subject named earlier in the paragraph into the sentence that answers', async () => {
    const a = await kb.answer('when does the Saturday Club run?');
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/Saturday mornings/);
  });
});

describe('on the shipped documents', () => {
  let corpus: KnowledgeBase;
  beforeAll(async () => {
    corpus = await corpusKb();
  });

  it('declines a procedure question the documents only mention the subject of', async () => {
    expect((await corpus.answer('how do I book a meeting room at the London AI Campus?')).answered).toBe(false);
  });

  it('answers with a learnt initialism (CL = Camden Learning)', async () => {
    const a = await corpus.answer('what professional coaching does CL offer headteachers?');
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/coaching/i);
  });
});
