import { describe, expect, it } from 'vitest';
import { Bm25Index, chunkTerms } from '../../src/knowledge/bm25-index.js';
import { selectSentences, splitUnits } from '../../src/knowledge/extractive.js';
import { factKinds, holdsFacts, questionCounts, questionSubject, readSentence } from '../../src/knowledge/facts.js';
import { defaultLexicon } from '../../src/knowledge/lexicon.js';
import type { Chunk } from '../../src/knowledge/model.js';
import { assessSupport, buildQuery, search } from '../../src/knowledge/retrieval.js';
import { createConceptMatcher, DOMAIN_VOCABULARY } from '../../src/knowledge/vocabulary.js';

const TEXTS = [
  'The Saturday Club meets at the Euston Skills Centre. It is free for students in Years 9 to 11.',
  'Camden Learning runs termly networks for subject leaders. The network is chaired by a headteacher.',
  'Special educational needs coordinators meet each half term. 41% of participants were eligible for free school meals.',
];

function indexOf(texts: string[]): Bm25Index {
  const chunks: Chunk[] = texts.map((text, i) => ({ id: `t#${i}`, source: 'notes-2024.md', title: 'Notes', section: `Section ${i}`, text, ordinal: i }));
  return new Bm25Index(chunks, createConceptMatcher(DOMAIN_VOCABULARY));
}

describe('what is read once and kept', () => {
  it("answers 'does this passage hold the term' from the index's postings, as reading its text would", () => {
    const index = indexOf(TEXTS);
    index.chunks.forEach((chunk, i) => {
      const terms = chunkTerms(chunk, index.matcher);
      for (const t of terms.keys()) expect(index.contains(i, t), t).toBe(true);
      for (const t of ['saturdai', 'network', '§send', 'note', 'section', 'nowher']) expect(index.contains(i, t), `${i} ${t}`).toBe(terms.has(t));
    });
  });

  it('gives the same support and sentences on a second, warm reading', () => {
    const index = indexOf(TEXTS);
    const ask = (q: string) => {
      const query = buildQuery(index, q);
      const ranked = search(index, query, 3);
      return { support: assessSupport(index, query, ranked, q).coverage, sentences: selectSentences(index, query, ranked).map((s) => s.text) };
    };
    for (const q of ['when does the saturday club meet?', 'who chairs the subject leaders network?', 'what % of participants get free school meals?']) {
      expect(ask(q)).toEqual(ask(q));
    }
    expect(splitUnits(TEXTS[0]!)).toBe(splitUnits(TEXTS[0]!));
  });

  it('looks a role noun up in WordNet only when a person is asked for, and then keeps the answer', () => {
    const text = 'The network is led by middle leaders from local schools.';
    expect(readSentence(text).roleNouns).toContain('leaders');
    expect(holdsFacts(new Set(['number']), text)).toBe(false);
    expect(holdsFacts(new Set(['person']), text)).toBe(true);
    expect(readSentence(text).roleNouns).toEqual([]);
    expect(factKinds(text).has('person')).toBe(true);
  });

  it('gives the same query, lexicon answers and question readings when asked again', () => {
    const index = indexOf(TEXTS);
    const q = 'how many studnets go to the saturdy club, and what % of participnts get meals?';
    const first = buildQuery(index, q);
    expect(buildQuery(index, q).terms).toEqual(first.terms);
    expect(first.terms.find((t) => t.word === 'saturdy')?.alternatives?.[0]?.terms).toEqual(['saturdai']);
    const lex = defaultLexicon();
    expect(lex.synonyms('finished')).toEqual(lex.synonyms('finished'));
    expect(lex.informativeness('finished')).toBe(lex.informativeness('finished'));
    expect(questionCounts('how many permanent exclusions were there?')).toEqual({ noun: 'exclusions', all: false });
    expect(questionCounts('how many permanent exclusions were there?')).toEqual({ noun: 'exclusions', all: false });
    expect(questionSubject('what year does the strategy end?')).toBe('strategy');
    expect(questionSubject('what year does the strategy end?')).toBe('strategy');
  });
});
