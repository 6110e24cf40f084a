import { isPairTerm, type Bm25Index, type ScoredChunk } from './bm25-index.js';
import type { Chunk } from './model.js';
import { holdsFacts, readSentence, type Counted } from './facts.js';
import { defaultLexicon, type Lexicon } from './lexicon.js';
import { termCredit, type Query, type QueryTerm } from './retrieval.js';
import { tokenize } from './tokenizer.js';

/** A sentence (or a list with its lead-in) that can be quoted on its own. */
export interface Passage {
  text: string;
  chunkRank: number;
  position: number;
}

export interface SelectedSentence extends Passage {
  score: number;
  /** Share of the question's words in the sentence itself (its context not counted), 0..1. */
  coverage: number;
  /** Share of the question's words in the sentence with its context (heading, opening and previous sentence at half). */
  inContext: number;
  /**
   * The sentence is about the question: it holds a good share of its words itself, or follows one that does
   * ("The Head Start Programme… supports young people." "Thirty participants have…").
   */
  onTopic: boolean;
}

/** The sentences that give an asked-for fact must hold this share of the question's words (with their context). */
const MIN_FACT_PASSAGE_COVERAGE = 0.4;
/** Score added to a sentence that holds the fact the question asks for (a figure for "how many"…). */
const FACT_BONUS = 0.3;
/** A neighbouring sentence brought in for the asked-for fact must hold this share of the question's words. */
const NEIGHBOUR_MIN_COVERAGE = 0.2;
const ANAPHORIC = /^(?:These|This|Those|They|It|Its|Their|Such|Both|He|She|The latter|The former)\b/;
/** A list quoted with its lead-in is cut after this many words. */
const LIST_MAX_WORDS = 160;
const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|St|No|approx|incl)\.$/i;

/** Split passage text into quotable units: sentences, and lead-in sentences ending ':' together with their list. */
export function splitUnits(text: string): readonly string[] {
  let units = UNITS.get(text);
  if (!units) {
    if (UNITS.size >= TEXT_CACHE_MAX) UNITS.clear();
    UNITS.set(text, (units = readUnits(text)));
  }
  return units;
}

/** Readings kept by text: the same passages and sentences come up question after question (bounded). */
const TEXT_CACHE_MAX = 20_000;
const UNITS = new Map<string, readonly string[]>();

function readUnits(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n{2,}/)) {
    const lines = para.split('\n');
    const listStart = lines.findIndex((l) => l.startsWith('• '));
    const prose = (listStart < 0 ? lines : lines.slice(0, listStart)).join(' ');
    const items = listStart < 0 ? [] : lines.slice(listStart);
    const sentences = splitSentences(prose);
    if (items.length) {
      const lead = sentences.pop();
      out.push(...sentences);
      if (lead && lead.endsWith(':')) {
        // The lead-in means nothing without its list; a very long list is cut with "…".
        const kept: string[] = [];
        let words = 0;
        for (const item of items) {
          words += item.split(/\s+/).length;
          if (words > LIST_MAX_WORDS && kept.length) {
            kept.push('• …');
            break;
          }
          kept.push(item);
        }
        out.push([lead, ...kept].join('\n'));
      } else {
        if (lead) out.push(lead);
        out.push(...items);
      }
    } else {
      out.push(...sentences);
    }
  }
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

export function splitSentences(text: string): string[] {
  const parts = text.split(/(?<=[.!?][’”"')]?)\s+(?=[‘“"'(£]?[\p{Lu}\d])/u);
  const out: string[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (prev !== undefined && (ABBREVIATIONS.test(prev) || /\b\p{Lu}\.$/u.test(prev))) out[out.length - 1] = `${prev} ${p}`;
    else out.push(p);
  }
  return out;
}

export interface SelectOptions {
  /** Most sentences in an extractive answer (default 3). */
  maxSentences?: number;
  /** How many top passages to read sentences from (default 4). */
  passages?: number;
}

/**
 * Pick the sentences that best answer the question from the best passages. A sentence scores by the
 * IDF-weighted share of question terms it contains (domain vocabulary counts), plus: question words in the same
 * order as in the question, a number when the question asks "how many", a name when it asks "who", and the rank
 * of its passage. Further sentences must score close to the best one and must not repeat it.
 */
export function selectSentences(index: Bm25Index, query: Query, ranked: ScoredChunk[], options: SelectOptions = {}): SelectedSentence[] {
  const maxSentences = options.maxSentences ?? 3;
  const top = ranked.slice(0, options.passages ?? 4).filter((r, i) => i === 0 || r.score >= ranked[0]!.score * 0.35);
  if (!top.length) return [];
  const plain = query.terms.filter((t) => !t.term.startsWith('§') && !isPairTerm(t.term));
  const totalWeight = plain.reduce((s, t) => s + t.idf * t.coverageWeight, 0) || 1;
  const bigrams = new Set<string>();
  for (let i = 1; i < query.sequence.length; i++) bigrams.add(`${query.sequence[i - 1]} ${query.sequence[i]}`);

  // "What year does the strategy end?" is not answered by "At the end of 2019…": a word that is part of the
  // sentence's own date says when, not what the sentence is about.
  const asksTime = query.asks.has('time') || query.asks.has('schedule');
  const candidates: SelectedSentence[] = [];
  const unitsByRank: (readonly string[])[] = [];
  const coverageAt = new Map<string, number>();
  top.forEach((r, rank) => {
    const units = splitUnits(r.chunk.text);
    unitsByRank[rank] = units;
    // What sets a sentence's topic counts for half: the section heading, the passage's opening sentence and the
    // sentence just before ("Trauma-Informed Practice in Camden (TIPiC)… These sessions run termly").
    const heading = termSet(index, r.chunk.section);
    const unitTerms = units.map((u) => termSet(index, u));
    units.forEach((text, position) => {
      const own = asksTime ? withoutDateWords(unitTerms[position]!, text) : unitTerms[position]!;
      const context = [heading, unitTerms[0]!, ...(position > 0 ? [unitTerms[position - 1]!] : [])];
      let covered = 0;
      let coveredHere = 0;
      const inText = (t: string) => own.has(t);
      const inContext = (t: string) => context.some((c) => c.has(t));
      for (const qt of plain) {
        const w = qt.idf * qt.coverageWeight;
        const here = termCredit(index, query, qt, inText);
        coveredHere += w * here;
        covered += w * Math.max(here, 0.5 * termCredit(index, query, qt, inContext));
      }
      const coverage = coveredHere / totalWeight;
      coverageAt.set(`${rank}:${position}`, coverage);
      let score = covered / totalWeight;
      if (score === 0) return;
      const seq = readText(index, text).sequence;
      let pairs = 0;
      for (let i = 1; i < seq.length; i++) if (bigrams.has(`${seq[i - 1]} ${seq[i]}`)) pairs++;
      score += Math.min(pairs, 3) * 0.06;
      score += (r.score / top[0]!.score) * 0.2;
      const words = text.split(/\s+/).length;
      if (words < 5) score -= 0.2;
      // Long units cover more words by chance; a list with its lead-in is judged like a long sentence.
      if (words > 45) score -= 0.12 * Math.log2(words / 45);
      candidates.push({ text, chunkRank: rank, position, score, coverage, inContext: covered / totalWeight, onTopic: false });
    });
  });
  // A sentence holding the asked-for fact scores more. Reading a sentence for facts is the costly part (wink-nlp,
  // WordNet), so only sentences that the bonus could bring within reach of the best are read: one below 75% of the
  // best score even with the bonus can be neither the best nor chosen beside it.
  if (query.asks.size) {
    const bonus = query.asks.has('person') && query.asks.size === 1 ? 0.08 : FACT_BONUS;
    const reach = 0.75 * Math.max(...candidates.map((c) => c.score));
    for (const c of candidates) if ((reach <= 0 || c.score + bonus >= reach) && holdsFacts(query.asks, c.text)) c.score += bonus;
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  if (!best) return [];
  const chosen: SelectedSentence[] = [best];
  for (const c of candidates.slice(1)) {
    if (chosen.length >= maxSentences) break;
    if (c.score < best.score * 0.75) break;
    if (chosen.some((s) => similar(s.text, c.text))) continue;
    chosen.push(c);
  }
  // "How many...?" wants a figure: if the best sentence has none and the next one does, the next one goes too.
  if (query.asks.size && !holdsFacts(query.asks, best.text)) {
    const next = unitsByRank[best.chunkRank]![best.position + 1];
    // …when it is on the question's topic itself: a figure in the next sentence about something else is no answer.
    const onTopic = (coverageAt.get(`${best.chunkRank}:${best.position + 1}`) ?? 0) >= NEIGHBOUR_MIN_COVERAGE;
    if (next && onTopic && holdsFacts(query.asks, next) && !chosen.some((s) => s.chunkRank === best.chunkRank && s.position === best.position + 1)) {
      chosen.push({ text: next, chunkRank: best.chunkRank, position: best.position + 1, score: best.score, coverage: coverageAt.get(`${best.chunkRank}:${best.position + 1}`) ?? 0, inContext: 0, onTopic: false });
    }
  }
  // A sentence that starts "These three ambitions..." needs the sentence before it to make sense.
  for (const c of [...chosen]) {
    if (c.position > 0 && ANAPHORIC.test(c.text) && !chosen.some((s) => s.chunkRank === c.chunkRank && s.position === c.position - 1)) {
      const prev = unitsByRank[c.chunkRank]![c.position - 1]!;
      if (!prev.includes('\n')) chosen.push({ text: prev, chunkRank: c.chunkRank, position: c.position - 1, score: c.score, coverage: coverageAt.get(`${c.chunkRank}:${c.position - 1}`) ?? 0, inContext: 0, onTopic: false });
    }
  }
  for (const c of chosen) {
    const here = coverageAt.get(`${c.chunkRank}:${c.position}`) ?? 0;
    const before = coverageAt.get(`${c.chunkRank}:${c.position - 1}`) ?? 0;
    c.onTopic = here >= NEIGHBOUR_MIN_COVERAGE || before >= NEIGHBOUR_MIN_COVERAGE;
  }
  // Passages in order of their best sentence (the best answer first), sentences in reading order within each.
  const groupScore = new Map<number, number>();
  for (const c of chosen) groupScore.set(c.chunkRank, Math.max(groupScore.get(c.chunkRank) ?? 0, c.score));
  return chosen.sort((a, b) => groupScore.get(b.chunkRank)! - groupScore.get(a.chunkRank)! || a.chunkRank - b.chunkRank || a.position - b.position);
}

/**
 * The names in the question that the documents know ("Maria Fidelis", "LaSWAP", "Haverstock": words they always
 * write with a capital, used in a few passages). The answer must come from a passage that has them: a figure about
 * attendance in general does not answer "what's Maria Fidelis's attendance?".
 */
export function questionNames(index: Bm25Index, query: Query, names: ReadonlySet<string>, question: string, lexicon: Lexicon = defaultLexicon()): QueryTerm[] {
  // The question must use it as a name too: written with a capital, or a word general English does not know
  // ("laswap"); "kids" is not the "Kids" of "Camden Kids Talk".
  const capitalised = new Set(tokenize(question.replace(/(^|[.?!]\s+)\S+/g, '$1').replace(/\b\p{Ll}[\p{L}'’-]*/gu, '')).map((t) => t.term));
  const rare = Math.max(2, index.size * NAME_MAX_SHARE);
  return query.terms.filter((qt) => {
    if (qt.fromContext || qt.background || !qt.word || !names.has(qt.term) || CALENDAR.test(qt.word)) return false;
    if (!capitalised.has(qt.term) && lexicon.informativeness(qt.word) < NAME_MIN_INFORMATIVENESS) return false;
    const df = index.df(qt.term);
    return df > 0 && df <= rare;
  });
}

/** Does the passage (text or heading) hold every one of the names? */
export function passageHasNames(index: Bm25Index, query: Query, chunk: Chunk, named: QueryTerm[]): boolean {
  if (!named.length) return true;
  const terms = termSet(index, `${chunk.section}\n${chunk.text}`);
  return named.every((qt) => termCredit(index, query, qt, (t) => terms.has(t)) > 0);
}

const CALENDAR = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?$/;
/** A name written in lower case in the question still counts when general English hardly knows the word. */
const NAME_MIN_INFORMATIVENESS = 0.8;
/** A name used by more than this share of the passages (Camden, London) is the setting, not the subject. */
const NAME_MAX_SHARE = 0.1;

/**
 * Whether the chosen sentences hold the kind of fact the question asks for (facts.ts): a figure for "how many", a
 * share for "what percentage", money for "how much does it cost", a date or period for "when", contact details
 * for "what is their email". A passage about the right topic without it must not be passed off as the answer.
 */
export function holdsAskedFact(index: Bm25Index, query: Query, sentences: SelectedSentence[], ranked: ScoredChunk[]): boolean {
  // The passage the best sentence comes from must hold it: another passage's figure answers another question.
  // Only sentences on the question's topic count (a date in a sentence about phonics does not say when the
  // network meets).
  const best = sentences.filter((s) => s.chunkRank === sentences[0]!.chunkRank);
  const onTopic = best.filter((s) => s.onTopic);
  if (!holdsFacts(query.asks, onTopic.map((s) => s.text).join(' '), query.text)) return false;
  // And that passage must answer the question itself, not lend its figure to another passage's topic ("the A level
  // pass rate" is not the NPQSL's 100% pass rate).
  if (query.asks.size && Math.max(...best.map((s) => s.inContext)) < MIN_FACT_PASSAGE_COVERAGE) return false;
  // And a figure must count what the question counts: "41% of participants" does not say what share of all
  // Camden pupils are eligible, "28 students accessed placements" is not a number of exclusions.
  if (query.counts && !countsTheSame(index, query, onTopic.map((s) => s.text))) return false;
  // And the date or price must be the subject's: "At the end of 2019, the Council invested…" does not say when the
  // strategy ends, however many of the strategy's passages are near it.
  if (query.subject && !onTopic.some((s) => aboutSubject(index, query, ranked[s.chunkRank]!.chunk, s))) return false;
  return true;
}

/** Is the sentence about the question's subject: named in it, the sentence before, the heading, the passage's opening or the document's title? */
function aboutSubject(index: Bm25Index, query: Query, chunk: Chunk, sentence: Passage): boolean {
  const subject = query.subject;
  if (!subject) return true;
  const term = tokenize(subject)[0]?.term;
  const qt = query.terms.find((t) => t.term === term && !t.fromContext);
  if (!term || !qt) return true;
  const units = splitUnits(chunk.text);
  const texts = [sentence.text, units[sentence.position - 1] ?? '', units[0] ?? '', chunk.section, `${chunk.title} ${chunk.source.replace(/\.[a-z]+$/i, '').replace(/[-_]+/g, ' ')}`];
  const terms = new Set(texts.flatMap((t) => [...termSet(index, t)]));
  return termCredit(index, query, qt, (t) => terms.has(t)) > 0;
}

/**
 * Does one of the figures in these sentences count what the question counts? A figure followed by its noun ("28
 * students", "41% of participants") must name the same thing (the same word, a vocabulary concept, a WordNet
 * synonym or narrower word, one of the words for learners, or a whole such as "population"); a figure with no noun
 * ("rose to 94%") counts it when its sentence names it.
 */
export function countsTheSame(index: Bm25Index, query: Query, sentences: string[], lexicon: Lexicon = defaultLexicon()): boolean {
  const counted = query.counts;
  if (!counted) return true;
  const wanted = query.asks.has('percent') && !query.asks.has('number') ? ['percent'] : ['number', 'percent'];
  let figures = 0;
  for (const text of sentences) {
    for (const f of readSentence(text, lexicon).figures) {
      if (!wanted.includes(f.kind)) continue;
      figures++;
      if (f.nouns.length ? f.nouns.some((n) => sameThing(index, counted, n, lexicon)) : mentions(index, text, counted, lexicon)) return true;
    }
  }
  // A figure in words ("half of the schools", "twelve students") is not read as one: nothing to compare.
  return figures === 0;
}

/** Words for the children and young people the documents are about: in a school's documents, the same people. */
const LEARNERS = new Set(['pupil', 'student', 'child', 'kid', 'learner', 'youngster', 'teenager', 'adolesc', 'young', 'person', 'peopl']);
/** Nouns for everyone of a kind: "11% of our school population" answers "what % of pupils". */
const WHOLES = new Set(['popul', 'total', 'cohort', 'overal']);
/**
 * Nouns for those who took part in something: the young people of the programme the sentence is about, so they
 * answer "how many young people have been on Head Start", but not a question about all pupils.
 */
const TAKING_PART = new Set(['particip', 'attende', 'member', 'mente', 'enrol']);

function sameThing(index: Bm25Index, counted: Counted, found: string, lexicon: Lexicon): boolean {
  const asked = counted.noun;
  const a = tokenize(asked)[0]?.term ?? asked;
  const b = tokenize(found)[0]?.term ?? found;
  if (a === b || WHOLES.has(b)) return true;
  if (LEARNERS.has(a) && LEARNERS.has(b)) return true;
  if (LEARNERS.has(a) && TAKING_PART.has(b) && !counted.all) return true;
  const conceptsA = index.matcher.concepts(tokenize(asked));
  if (conceptsA.length && index.matcher.concepts(tokenize(found)).some((c) => conceptsA.includes(c))) return true;
  const stems = (words: string[]) => new Set(words.filter((w) => !/[\s-]/.test(w)).map((w) => tokenize(w)[0]?.term ?? w));
  // A synonym, or a narrower word ("tutees" are students): a broader word counts more than was asked.
  return stems(lexicon.synonyms(asked)).has(b) || stems(lexicon.synonyms(found)).has(a) || stems(lexicon.broader(found)).has(a);
}

function mentions(index: Bm25Index, text: string, counted: Counted, lexicon: Lexicon): boolean {
  const terms = termSet(index, text);
  if (terms.has(tokenize(counted.noun)[0]?.term ?? counted.noun)) return true;
  for (const t of tokenize(text)) if (!t.stop && !t.joined && sameThing(index, counted, t.word, lexicon)) return true;
  return false;
}

/**
 * The best share of the question's (IDF-weighted) words found together in one sentence or two neighbouring ones
 * of the top passages (heading words count half). Evidence scattered over a whole passage scores low.
 */
export function evidenceCoverage(index: Bm25Index, query: Query, ranked: ScoredChunk[], passages = 4, withContext = false): number {
  return bestEvidence(index, query, ranked, passages, withContext).coverage;
}

export interface Evidence {
  /** Share of the question's weight in the best window, 0..1. */
  coverage: number;
  /** Question terms the best window does not hold (not even in its context), heaviest first. */
  missing: { term: QueryTerm; weight: number }[];
  /** Rank of the passage of the best window. */
  rank: number;
}

/**
 * The best window (one sentence or two neighbouring ones) of the top passages for the question's own words. What
 * sets the topic of a window counts half: the section heading, the sentence before the window and the passage's
 * opening sentence (a subject named there is what "These sessions…" two sentences later is about).
 */
export function bestEvidence(index: Bm25Index, query: Query, ranked: ScoredChunk[], passages = 4, withContext = false): Evidence {
  // The question's own words only, as in the passage test (retrieval.ts coverage).
  const plain = query.terms.filter((t) => !t.term.startsWith('§') && !isPairTerm(t.term) && (!t.fromContext || withContext));
  const total = plain.reduce((s, t) => s + t.idf * t.coverageWeight, 0);
  let best: Evidence = { coverage: 0, missing: [], rank: 0 };
  if (!total) return best;
  const asksTime = query.asks.has('time') || query.asks.has('schedule');
  ranked.slice(0, passages).forEach((r, rank) => {
    const units = splitUnits(r.chunk.text).map((text) => (asksTime ? withoutDateWords(termSet(index, text), text) : termSet(index, text)));
    const heading = termSet(index, r.chunk.section);
    for (let i = 0; i < units.length; i++) {
      const window = units.slice(i, i + 2);
      const context = [heading, units[0]!, ...(i > 0 ? [units[i - 1]!] : [])];
      const inWindow = (t: string) => window.some((u) => u.has(t));
      const inContext = (t: string) => context.some((u) => u.has(t));
      let covered = 0;
      const missing: Evidence['missing'] = [];
      for (const qt of plain) {
        const w = qt.idf * qt.coverageWeight;
        const credit = Math.max(termCredit(index, query, qt, inWindow), 0.5 * termCredit(index, query, qt, inContext));
        covered += w * credit;
        if (credit === 0) missing.push({ term: qt, weight: w / total });
      }
      if (covered / total > best.coverage) best = { coverage: covered / total, missing: missing.sort((a, b) => b.weight - a.weight), rank };
    }
  });
  return best;
}

/** The terms of a sentence less the words of its date expressions ("end" and "2019" of "at the end of 2019"). */
function withoutDateWords(terms: ReadonlySet<string>, text: string): ReadonlySet<string> {
  const dateWords = readSentence(text).dateWords;
  if (!dateWords.size) return terms;
  const out = new Set(terms);
  for (const w of dateWords) for (const t of tokenize(w)) out.delete(t.term);
  return out;
}

const CONTENT = new Map<string, ReadonlySet<string>>();

/** A text's content terms (no vocabulary concepts), kept by text. */
function contentSet(text: string): ReadonlySet<string> {
  let set = CONTENT.get(text);
  if (!set) {
    set = new Set(tokenize(text).filter((t) => !t.stop).map((t) => t.term));
    if (CONTENT.size >= TEXT_CACHE_MAX) CONTENT.clear();
    CONTENT.set(text, set);
  }
  return set;
}

/** Plain terms and vocabulary concepts of a text, in one set. */
function termSet(index: Bm25Index, text: string): ReadonlySet<string> {
  return readText(index, text).terms;
}

interface TextReading {
  /** Plain terms and vocabulary concepts. */
  terms: ReadonlySet<string>;
  /** Content terms in order (for phrase matches). */
  sequence: readonly string[];
}

const READINGS = new WeakMap<Bm25Index['matcher'], Map<string, TextReading>>();

/** A text's terms, read once per vocabulary (the matcher) and kept by text (bounded). */
function readText(index: Bm25Index, text: string): TextReading {
  let byText = READINGS.get(index.matcher);
  if (!byText) READINGS.set(index.matcher, (byText = new Map()));
  let reading = byText.get(text);
  if (!reading) {
    const tokens = tokenize(text);
    reading = {
      terms: new Set([...tokens.filter((t) => !t.stop).map((t) => t.term), ...index.matcher.concepts(tokens)]),
      sequence: tokens.filter((t) => !t.stop && !t.joined).map((t) => t.term),
    };
    if (byText.size >= TEXT_CACHE_MAX) byText.clear();
    byText.set(text, reading);
  }
  return reading;
}

function viaConcept(query: Query, index: Bm25Index, concepts: Set<string>, term: string): boolean {
  for (const c of query.concepts) if (concepts.has(c) && index.matcher.members.get(c)?.has(term)) return true;
  return false;
}

function similar(a: string, b: string): boolean {
  const ta = contentSet(a);
  const tb = contentSet(b);
  let inter = 0;
  for (const t of ta) if (tb.has(t)) inter++;
  return inter / Math.max(1, Math.min(ta.size, tb.size)) > 0.7;
}
