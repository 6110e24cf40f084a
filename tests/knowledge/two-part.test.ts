import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { corpusKb, tempDir } from './helpers.js';

const DOC = `# Annual notes

## School report

Parents asked for fuller information about local schools. A developer group of 15 school leaders attended 7 workshops to develop a model school report. Every school now has its own online report.

## Wellbeing

Wellbeing workshops take place across the borough. We delivered staff workshops in 10 settings on wellbeing and resilience. Alongside this, 28 parent workshops were held in 17 schools.

## Attendance

Every school sends an attendance report each term, and the report goes to the school's governors.

## Governors

School governors read the annual report from each school and report back to parents.

## Libraries

The borough library holds books, maps and newspapers for residents. Its new design won an award, and it takes part in the summer reading challenge.
`;

let kb: KnowledgeBase;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  await writeFile(join(t.dir, 'notes.md'), DOC);
  kb = await corpusKb({ dir: t.dir });
});
afterAll(() => cleanup());

describe('two-part questions', () => {
  it('keeps the whole question\'s answer for the part it answers, instead of re-reading that part alone', async () => {
    const a = await kb.answer('who designed the school report and how many workshops did it take');
    expect(a.answered).toBe(true);
    // "it" is the school report: the report's 7 workshops, not the wellbeing workshops.
    expect(a.answer).toMatch(/7 workshops/);
    expect(a.answer).not.toMatch(/10 settings/);
    // Shown once, with one citation for it.
    expect(a.answer.match(/7 workshops/g)).toHaveLength(1);
  });
});
