import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/knowledge/chunker.js';
import { loadDocument } from '../../src/knowledge/loaders.js';
import type { Chunk } from '../../src/knowledge/model.js';
import { isHeadingText, parseDocument } from '../../src/knowledge/structure.js';
import { CORPUS_DIR } from './helpers.js';

const REPORT = 'building-back-stronger-annual-report-2024-25.md';
const STRATEGY = 'camden-education-strategy-to-2030.txt';
const THINKPIECE = 'coming-back-stronger-thinkpiece-2020.txt';

const chunks: Record<string, Chunk[]> = {};
const titles: Record<string, string> = {};

beforeAll(async () => {
  for (const f of [REPORT, STRATEGY, THINKPIECE]) {
    const r = chunkDocument(await loadDocument(join(CORPUS_DIR, f)));
    chunks[f] = r.chunks;
    titles[f] = r.title;
  }
});

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('chunking the real corpus', () => {
  it('finds each document title', () => {
    expect(titles[STRATEGY]).toBe('Camden’s Education Strategy to 2030');
    expect(titles[THINKPIECE]).toBe('Coming back stronger: a contribution to a conversation about Camden’s education strategy');
    expect(titles[REPORT]).toMatch(/^Building Back Stronger Annual Report/);
  });

  it('makes every goal of the annual report its own section, in order, and no chunk spans two goals', () => {
    const sections = [...new Set(chunks[REPORT]!.map((c) => c.section))];
    const goals = sections.filter((s) => /^Goal \d+:/.test(s));
    expect(goals.map((g) => Number(/^Goal (\d+)/.exec(g)![1]))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(sections).toContain('Goal 13: Opportunity Centres to facilitate learning beyond the school day');
    for (const c of chunks[REPORT]!) {
      // A goal heading never appears inside a passage: the chunk would span two sections.
      expect(c.text).not.toMatch(/(^|\n)Goal \d+:/);
      expect(c.text).not.toMatch(/(^|\n)Ambition \d /);
    }
    const goal13 = chunks[REPORT]!.filter((c) => c.section.startsWith('Goal 13:'));
    expect(goal13.map((c) => c.text).join(' ')).toContain('London AI Campus');
    expect(goal13.map((c) => c.text).join(' ')).not.toContain('Camden School Report');
  });

  it('drops the table of contents', () => {
    expect(chunks[REPORT]!.some((c) => /\.{3,}|\t\d+/.test(c.text))).toBe(false);
    expect(chunks[REPORT]![0]!.section).not.toMatch(/Contents/);
  });

  it('carries the document title and a section heading on every chunk', () => {
    for (const [f, list] of Object.entries(chunks)) {
      expect(list.length).toBeGreaterThan(10);
      for (const c of list) {
        expect(c.title).toBe(titles[f]);
        expect(c.source).toBe(f);
        expect(c.section.length).toBeGreaterThan(3);
      }
    }
  });

  it('finds the numbered headings of the thinkpiece, including ones wrapped over two lines', () => {
    const sections = [...new Set(chunks[THINKPIECE]!.map((c) => c.section))];
    expect(sections).toEqual([
      'Introduction',
      'The purposes of education',
      '1. Anchor development in a place-based model of change',
      '2. Provide more resources for children at risk',
      '3. Harness the power of technology',
      '4. Reinvent a broad, inclusive and relevant education for all',
      '5. Strengthen capacity through collaboration',
      'In conclusion',
    ]);
  });

  it('keeps the list of five building blocks (a list, not headings) inside the introduction', () => {
    const intro = chunks[THINKPIECE]!.filter((c) => c.section === 'Introduction').map((c) => c.text).join('\n');
    expect(intro).toContain('• Anchor development in a place-based model of change.');
    expect(intro).toContain('• Strengthen capacity through collaboration.');
  });

  it('removes footnotes, footnote markers and page numbers from PDF-extracted text', () => {
    const all = chunks[THINKPIECE]!.map((c) => c.text).join('\n');
    expect(all).not.toContain('www.epi.org.uk');
    expect(all).not.toContain('Bloomsbury');
    expect(all).toContain('between children from poorer homes and their peers.');
    expect(all).not.toMatch(/peers1\b/);
    expect(all).toContain('champions of peace and justice’.');
    // A marker that wrapped onto the start of the next line.
    expect(all).toContain('emphasis on examination grades in secondary schools. That same poll also found');
    const strategy = chunks[STRATEGY]!.map((c) => c.text).join('\n');
    expect(strategy).not.toMatch(/(^|\n)\d{1,2}(\n|$)/);
  });

  it('repairs line breaks, hyphenation and paragraphs broken across columns', () => {
    const strategy = chunks[STRATEGY]!.map((c) => c.text).join('\n');
    expect(strategy).toContain('inclusive, inspiring, creative and horizon-broadening curriculum');
    expect(strategy).toContain('addressing climate change, or campaigning for LGBTQ rights');
    expect(strategy).not.toMatch(/[a-z]- [a-z]/);
    const report = chunks[REPORT]!.map((c) => c.text).join('\n');
    expect(report).toContain('address skills and confidence gaps in parents');
    expect(report).not.toContain('**');
    // A dash glued to a word is punctuation, not a list item.
    expect(chunks[THINKPIECE]!.map((c) => c.text).join('\n')).toContain('recognising -and indeed, learning from- the excellent work');
  });

  it('drops pull quotes that repeat the body text', () => {
    const strategy = chunks[STRATEGY]!.map((c) => c.text);
    const matches = strategy.filter((t) => t.includes('use the pandemic as a springboard'));
    expect(matches).toHaveLength(1);
    expect(strategy.filter((t) => t.includes('getting back to normal’ is not enough'))).toHaveLength(1);
  });

  it('groups the strategy’s priority pages under their priority titles', () => {
    const sections = new Set(chunks[STRATEGY]!.map((c) => c.section));
    expect([...sections].some((s) => s.includes('Opportunity Centres to facilitate learning beyond the school day'))).toBe(true);
    expect(sections).toContain('A Fair Start');
    expect(sections).toContain('How are we going to work together to implement this strategy?');
    // The three Fair Start priorities follow "rests on three development priorities:" and are a list, not headings.
    expect(sections).not.toContain('Thriving children who are ready to learn in school');
  });

  it('makes passages of a readable size', () => {
    for (const list of Object.values(chunks)) {
      for (const c of list) expect(words(c.text)).toBeLessThanOrEqual(300);
      const sizes = list.map((c) => words(c.text)).sort((a, b) => a - b);
      expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThan(80);
    }
  });

  it('recognises headings by shape', () => {
    expect(isHeadingText('Goal 13: Opportunity Centres to facilitate learning beyond the school day')).toBe(true);
    expect(isHeadingText('Ambition 2 An Excellent School Experience')).toBe(true);
    expect(isHeadingText('The purposes of education')).toBe(true);
    expect(isHeadingText('In the strategy, we pledged to')).toBe(false);
    expect(isHeadingText('In the strategy we pledged to:')).toBe(false);
    expect(isHeadingText('1. Anchor development in a place-based model of change.')).toBe(false);
    expect(isHeadingText('Ofsted has judged them all to be good or better. They perform well')).toBe(false);
  });

  it('treats Markdown headings as nested sections', () => {
    const { blocks } = parseDocument({ source: 'x.md', format: 'md', pages: ['# Handbook\n\n## Trips\n\nTrips need a risk assessment.\n\n### Residential\n\nResidential trips need governor approval.\n'], pdfLike: false });
    const { chunks: cs } = chunkDocument({ source: 'x.md', format: 'md', pages: ['# Handbook\n\n## Trips\n\nTrips need a risk assessment.\n\n### Residential\n\nResidential trips need governor approval.\n'], pdfLike: false });
    expect(blocks[0]).toMatchObject({ kind: 'heading', text: 'Trips' });
    expect(cs.map((c) => c.section)).toEqual(['Trips', 'Trips › Residential']);
    expect(cs[0]!.title).toBe('Handbook');
  });
});
