import { beforeAll, describe, expect, it } from 'vitest';
import { splitSentences, splitUnits } from '../../src/knowledge/extractive.js';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { corpusKb } from './helpers.js';

describe('quotable units', () => {
  it('splits sentences but not after abbreviations or initials', () => {
    expect(splitSentences('Schools use tools, e.g. Google Classroom. Staff like it. See J. Smith for more.')).toEqual([
      'Schools use tools, e.g. Google Classroom.',
      'Staff like it.',
      'See J. Smith for more.',
    ]);
  });

  it('keeps a lead-in ending ":" with its list, and cuts a very long list with an ellipsis', () => {
    const short = splitUnits('Intro sentence. We will:\n• Do one thing\n• Do another');
    expect(short).toEqual(['Intro sentence.', 'We will:\n• Do one thing\n• Do another']);
    const items = Array.from({ length: 30 }, (_, i) => `• Item number ${i} with several more words in it`).join('\n');
    const long = splitUnits(`The pledge promises:\n${items}`);
    expect(long).toHaveLength(1);
    expect(long[0]!.startsWith('The pledge promises:\n• Item number 0')).toBe(true);
    expect(long[0]!.endsWith('\n• …')).toBe(true);
  });

  it('quotes list items on their own when there is no lead-in', () => {
    expect(splitUnits('In the strategy we pledged to\n• Act early\n• Share data')).toEqual(['In the strategy we pledged to', '• Act early', '• Share data']);
  });
});

describe('extractive answers on the real corpus', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await corpusKb();
  });

  it('brings the sentence before one that starts "These ..."', async () => {
    const a = await kb.answer('What are the three ambitions of the education strategy?');
    expect(a.answer).toMatch(/a fair start, an excellent school experience and flourishing lives\. These three ambitions/);
  });

  it('adds the next sentence when a "how many" question needs a figure', async () => {
    const a = await kb.answer('How many schools take part in Healthy Schools?');
    expect(a.answer).toContain('71% of Camden schools');
  });

  it('numbers citations in order and cites only passages it quotes', async () => {
    const a = await kb.answer('Which NPQs does Camden Learning offer?');
    const markers = [...a.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(markers).toEqual(a.citations.map((_, i) => i + 1));
    // The excerpt shows what surrounds the quoted sentences in the passage, not the answer a second time.
    for (const c of a.citations) {
      for (const piece of c.excerpt.split(' … ').filter(Boolean)) expect(a.answer.replace(/\s+/g, ' ')).not.toContain(piece.replace(/\s+/g, ' '));
    }
  });
});
