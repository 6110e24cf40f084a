import type { Bm25Index, ScoredChunk } from './bm25-index.js';
import { chunkTerms, isPairTerm, termPair } from './bm25-index.js';
import { tokenize } from './tokenizer.js';
import { MAX_QUESTION_CHARS } from '../shared/limits.js';

/** Questions are cut to this many characters for retrieval (the limit is written once, in src/shared/limits.ts). */
export { MAX_QUESTION_CHARS };
/** At most this many distinct terms from a question are scored (bounds work on pasted text). */
const MAX_QUERY_TERMS = 48;
/** Weight of terms that come only from the earlier question in the thread. */
const CONTEXT_WEIGHT = 0.4;
/** Weight of a pair of adjacent question words (a phrase). */
const PAIR_WEIGHT = 0.5;
/** Weights for a vocabulary concept in the question, the words of its phrase, and pairs inside the phrase. */
const CONCEPT_WEIGHT = 1.5;
const MEMBER_WEIGHT = 0.4;
const MEMBER_PAIR_WEIGHT = 0.2;

export interface QueryTerm {
  term: string;
  /** Weight in ranking. */
  weight: number;
  /** Weight in the support test: 1 for the question's words, less for words from the earlier question. */
  coverageWeight: number;
  /** True when the term is from the earlier question, not this one. */
  fromContext: boolean;
}

export interface Query {
  terms: QueryTerm[];
  /** Concept terms ("§send") the query contains. */
  concepts: Set<string>;
  /** Plain terms in question order (for phrase bonuses). */
  sequence: string[];
  asksForNumber: boolean;
  asksForWho: boolean;
  /** "When...?", "What year...?": the answer must hold a date, year, month or term. */
  asksForWhen: boolean;
  /**
   * The question points back at the earlier one ("How many students does it involve?", "Which schools host
   * them?"): the earlier question's words then count in the support test, at their lower weight.
   */
  refersBack: boolean;
}

export function buildQuery(index: Bm25Index, question: string, context?: string): Query {
  const q = question.slice(0, MAX_QUESTION_CHARS);
  const terms = new Map<string, QueryTerm>();
  const concepts = new Set<string>();
  const addText = (text: string, weight: number, fromContext: boolean) => {
    const tokens = tokenize(text);
    for (const t of tokens) {
      if (t.stop || terms.has(t.term) || terms.size >= MAX_QUERY_TERMS) continue;
      terms.set(t.term, { term: t.term, weight, coverageWeight: weight, fromContext });
    }
    for (const c of index.matcher.concepts(tokens)) {
      if (!fromContext) concepts.add(c);
      if (!terms.has(c)) terms.set(c, { term: c, weight, coverageWeight: weight, fromContext });
    }
  };
  addText(q, 1, false);
  if (context) addText(context.slice(0, MAX_QUESTION_CHARS), CONTEXT_WEIGHT, true);
  // Words of a vocabulary phrase in the question ("special educational needs") count mostly through their
  // concept, so a passage that says "SEND" ranks level with one that spells the phrase out.
  const members = new Set<string>();
  for (const c of concepts) for (const m of index.matcher.members.get(c) ?? []) members.add(m);
  for (const t of terms.values()) {
    if (t.term.startsWith('§') && !t.fromContext) t.weight = CONCEPT_WEIGHT;
    else if (!t.fromContext && members.has(t.term)) t.weight = MEMBER_WEIGHT;
  }
  // Word pairs of the question, as indexed (see termPair): phrase evidence, weighted below single words.
  const sequence = tokenize(q)
    .filter((t) => !t.stop)
    .map((t) => t.term)
    .slice(0, MAX_QUERY_TERMS);
  for (let i = 1; i < sequence.length; i++) {
    const pair = termPair(sequence[i - 1]!, sequence[i]!);
    const inPhrase = members.has(sequence[i - 1]!) && members.has(sequence[i]!);
    if (!terms.has(pair)) terms.set(pair, { term: pair, weight: inPhrase ? MEMBER_PAIR_WEIGHT : PAIR_WEIGHT, coverageWeight: 0, fromContext: false });
  }
  const lower = q.toLowerCase();
  return {
    terms: [...terms.values()],
    concepts,
    sequence,
    asksForNumber: /\bhow (?:many|much|often|long)\b|\bwhat (?:number|percentage|proportion|share)\b|\b(?:total|the) number of\b|\bwhat(?:'s| is| was| are)? the (?:\w+ )?(?:rate|percentage|proportion|number|total)\b|\bpass rate\b/.test(lower),
    asksForWho: /^\s*(?:who|whom|which (?:school|organisation|organization|partner|company))\b/.test(lower),
    // "When did/will.../When are the.../When does it open?" ask for a time; "When do children do better?" does not.
    asksForWhen:
      /^\s*(?:by when|since when|until when|what (?:year|date|month|term)|which (?:year|date|month|term)|when (?:did|was|were|will)\b|when (?:is|are) the\b)/.test(lower) ||
      (/^\s*when\b/.test(lower) && /\b(?:start|starts|started|begin|begins|began|end|ends|ended|open|opens|opened|close|closes|closed|launch|launches|launched|until|finish|finishes|due|happen|happens|held)\b/.test(lower)),
    refersBack: Boolean(context?.trim()) && /\b(?:it|its|they|them|these|those)\b/.test(lower),
  };
}

export function search(index: Bm25Index, query: Query, k: number): ScoredChunk[] {
  const weights = new Map(query.terms.map((t) => [t.term, t.weight]));
  return index.search(weights, k);
}

export interface Support {
  supported: boolean;
  /** Share of the question's information (IDF-weighted) that the best passage covers, 0..1. */
  coverage: number;
  /** The passage that covers the most. */
  best?: ScoredChunk;
  /** Question terms the documents never use. */
  unknownTerms: string[];
  reason: 'covered' | 'no_terms' | 'not_covered' | 'fact_not_found' | 'instruction_override';
  /** True when the question needed the earlier question's words to be supported (it points back at it). */
  usedContext: boolean;
}

/** Minimum IDF-weighted coverage of the question's content terms by one passage for an answer. */
export const MIN_COVERAGE = 0.5;

/**
 * Does any retrieved passage support an answer? Each content term of the question is weighted by its IDF (a
 * word the documents never use weighs the most), and a passage must contain (directly or through the domain
 * vocabulary) at least MIN_COVERAGE of that weight. "What is the capital of France?" fails because "France"
 * carries most of the weight and no passage has it; "What is the NPQSL pass rate?" passes because one passage
 * has all three words. Requests to override instructions are refused before retrieval.
 */
export function assessSupport(index: Bm25Index, query: Query, candidates: ScoredChunk[], question: string): Support {
  const unknownTerms = query.terms.filter((t) => !t.fromContext && !t.term.startsWith('§') && !isPairTerm(t.term) && index.df(t.term) === 0).map((t) => t.term);
  if (looksLikeInstructionOverride(question.slice(0, MAX_QUESTION_CHARS))) return { supported: false, coverage: 0, unknownTerms, reason: 'instruction_override', usedContext: false };
  const plain = query.terms.filter((t) => !t.term.startsWith('§') && !isPairTerm(t.term));
  if (!plain.some((t) => !t.fromContext) && !query.concepts.size) return { supported: false, coverage: 0, unknownTerms, reason: 'no_terms', usedContext: false };
  const bestOf = (withContext: boolean) => {
    let best: ScoredChunk | undefined;
    let bestCoverage = 0;
    for (const c of candidates.slice(0, 3)) {
      const cov = coverage(index, query, chunkTerms(c.chunk, index.matcher), withContext);
      if (cov > bestCoverage) {
        bestCoverage = cov;
        best = c;
      }
    }
    return { best, bestCoverage };
  };
  let { best, bestCoverage } = bestOf(false);
  let usedContext = false;
  // Only a question that fails on its own words and points back at the earlier one ("does it involve") leans on it.
  if (bestCoverage < MIN_COVERAGE && query.refersBack) {
    ({ best, bestCoverage } = bestOf(true));
    usedContext = true;
  }
  const supported = bestCoverage >= MIN_COVERAGE;
  return { supported, coverage: bestCoverage, best, unknownTerms, reason: supported ? 'covered' : 'not_covered', usedContext: usedContext && supported };
}

/** IDF-weighted share of the question's own plain terms that `terms` contains directly or via a shared concept. */
export function coverage(index: Bm25Index, query: Query, terms: Map<string, number> | Set<string>, withContext = false): number {
  const has = (t: string) => terms.has(t);
  let total = 0;
  let covered = 0;
  for (const qt of query.terms) {
    if (qt.term.startsWith('§') || isPairTerm(qt.term)) continue;
    // Support is judged on the question's own words; the earlier question only helps to rank passages, so it can
    // neither sink a follow-up on a new topic nor carry an off-topic question. A question that points back at it
    // ("does it...", "host them") is about its topic, so there its words count too.
    if (qt.fromContext && !withContext) continue;
    const w = index.idf(qt.term) * qt.coverageWeight;
    total += w;
    if (has(qt.term) || conceptCovers(index, query, qt.term, has)) covered += w;
  }
  return total ? covered / total : 0;
}

function conceptCovers(index: Bm25Index, query: Query, term: string, has: (t: string) => boolean): boolean {
  for (const c of query.concepts) {
    if (has(c) && index.matcher.members.get(c)?.has(term)) return true;
  }
  return false;
}

/** "Ignore your instructions", "you are now ...", "reveal your system prompt": not a question about the documents. */
export function looksLikeInstructionOverride(question: string): boolean {
  const q = question.toLowerCase();
  return (
    /\b(?:ignore|disregard|forget|override|bypass)\b[^.?!]{0,60}\b(?:instructions?|rules|prompts?|guidelines|directions|above|previous|prior|context)\b/.test(q) ||
    /\b(?:system|hidden|initial)\s+prompt\b/.test(q) ||
    /\byou are now\b|\bpretend (?:to be|you are)\b|\bact as (?:an?|my)\b|\bjailbreak\b|\bdeveloper mode\b/.test(q)
  );
}
