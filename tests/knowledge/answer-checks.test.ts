import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { corpusKb, tempDir } from './helpers.js';

const DOC = `# Youth Programmes

## Saturday Club

The Saturday Club at the Euston Skills Centre gives Year 10 students hands-on careers sessions. Sessions run on Saturday mornings and are free. In 2024-25, 40 students took part.

## Haverstock Science Week

Haverstock School hosted a science week for Year 8 pupils with 12 workshops. Teachers from five schools attended the closing event.

## Attendance

Overall attendance across secondary schools rose to 94% in 2024-25.
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
