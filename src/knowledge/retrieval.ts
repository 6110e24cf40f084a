import type { Bm25Index, ScoredChunk } from './bm25-index.js';
import { chunkTerms, isPairTerm, termPair } from './bm25-index.js';
import { askedFacts, questionCounts, questionSubject, type Counted, type FactKind } from './facts.js';
import { defaultLexicon, type Lexicon } from './lexicon.js';
import { stem, tokenize, type Token } from './tokenizer.js';
import { SCHOOL_TERMS } from './vocabulary.js';
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
  /** The word as the question wrote it (plain terms of the question only). */
  word?: string;
  /**
   * The word is only in the asker's account of themselves ("I'm a new SENCO at a primary — is there a toolkit…"):
   * it sets the scene, so it weighs less and is not a name the answer must hold.
   */
  background?: true;
  /**
   * The other word of a compound general English knows ("sick" of "sick pay"), when the documents never write the
   * compound and never use that word: this word alone is not what was asked, so it counts only with its partner.
   */
  compoundWith?: QueryTerm;
  /**
   * How much the term weighs in the support test: its IDF when the documents use it; for a word they never use,
   * the IDF of what it was matched to (a synonym, a spelling, a compound), or else the highest IDF scaled by how
   * informative the word is in general English (an everyday word little, a name or an acronym fully).
   */
  idf: number;
  /**
   * Other ways the documents may say it (each a list of terms that must all be present): hyphen and spacing
   * variants, WordNet synonyms, a corrected spelling. A passage that has one covers the term.
   */
  alternatives?: Alternative[];
}

/** Another way the documents may say a question word: all of `terms` must be present; `credit` is how much it counts. */
export interface Alternative {
  terms: string[];
  /** 1 for a spelling or spacing variant; less for a synonym, which may mean something else in context. */
  credit: number;
}

/** A WordNet synonym covers a word at this share of its weight: "conditions" is not quite "weather". */
export const SYNONYM_CREDIT = 0.7;
/** A broader word (WordNet hypernym) covers a word at this share: a "tutee" is a student, but not every student is one. */
export const BROADER_CREDIT = 0.5;

export interface Query {
  terms: QueryTerm[];
  /** Concept terms ("§send") the query contains. */
  concepts: Set<string>;
  /** Plain terms in question order (for phrase bonuses). */
  sequence: string[];
  /** The question as asked (cut to MAX_QUESTION_CHARS). */
  text: string;
  /** What the question asks for (a figure, a share, money, a time, a person, contact details): the answer must hold it. */
  asks: Set<FactKind>;
  /**
   * What a "how many / what share" question counts, as written ("exclusions" in "how many permanent exclusions",
   * "pupils" in "what % of all Camden pupils"): a figure about something else does not answer it.
   */
  counts?: Counted;
  /**
   * What a "when / how often / how much" question is about, as written ("strategy" in "what year does the strategy
   * end?"): the sentence giving the date or figure must be about it (itself, or the sentence before, its heading,
   * its passage's opening or its document's title), however common the word is in the documents.
   */
  subject?: string;
  /**
   * The question points back at the earlier one ("How many students does it involve?", "Which schools host
   * them?"): the earlier question's words then count in the support test, at their lower weight.
   */
  refersBack: boolean;
  /** One part of a two-part question: the other part's words (its topic) always count in the support test. */
  partOf: boolean;
}

export function buildQuery(index: Bm25Index, question: string, context?: string, lexicon: Lexicon = defaultLexicon(), partOf = false): Query {
  const q = question.slice(0, MAX_QUESTION_CHARS);
  const terms = new Map<string, QueryTerm>();
  const concepts = new Set<string>();
  const addText = (text: string, weight: number, fromContext: boolean) => {
    const tokens = tokenize(text);
    for (const t of tokens) {
      if (t.stop || terms.has(t.term) || terms.size >= MAX_QUERY_TERMS) continue;
      // A hyphenated word's joined form stands for its parts: only when the documents write it that way.
      if (t.joined) {
        if (index.df(t.term) > 0) terms.set(t.term, { term: t.term, weight: weight * 0.5, coverageWeight: 0, fromContext, idf: 0 });
        continue;
      }
      terms.set(t.term, { term: t.term, weight, coverageWeight: weight, fromContext, word: t.word, idf: 0 });
    }
    for (const c of index.matcher.concepts(tokens)) {
      if (!fromContext) concepts.add(c);
      if (!terms.has(c)) terms.set(c, { term: c, weight, coverageWeight: weight, fromContext, idf: 0 });
    }
    if (!fromContext) {
      expandUnknownWords(index, lexicon, tokens, terms);
      addWrittenAsOne(index, tokens, terms, weight);
    }
  };
  // "What year / which date / what time…" names the slot the answer fills, not the topic: those words are not scored.
  addText(q.replace(FRAME_SLOT, '$1'), 1, false);
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
    .filter((t) => !t.stop && !t.joined)
    .map((t) => t.term)
    .slice(0, MAX_QUERY_TERMS);
  for (let i = 1; i < sequence.length; i++) {
    const pair = termPair(sequence[i - 1]!, sequence[i]!);
    const inPhrase = members.has(sequence[i - 1]!) && members.has(sequence[i]!);
    if (!terms.has(pair)) terms.set(pair, { term: pair, weight: inPhrase ? MEMBER_PAIR_WEIGHT : PAIR_WEIGHT, coverageWeight: 0, fromContext: false, idf: 0 });
  }
  const maxIdf = index.idf('\u0000never');
  for (const t of terms.values()) {
    if (t.term.startsWith('§') || isPairTerm(t.term)) {
      t.idf = index.idf(t.term);
      continue;
    }
    // How informative the word is in general English scales its weight: "ahead" or "heard" tell little about
    // the topic even where the documents happen to use them rarely; a name or a specialist word keeps its weight.
    const general = t.word ? GENERAL_FLOOR + (1 - GENERAL_FLOOR) * lexicon.informativeness(t.word) : 1;
    if (index.df(t.term) > 0) t.idf = index.idf(t.term) * general;
    else {
      // A word the documents never use: an everyday one ("totally", "asked") weighs little, a name or acronym fully.
      t.idf = maxIdf * (t.word ? lexicon.informativeness(t.word) : 1);
      // A word matched to how the documents say it weighs what that says, never more than the word itself.
      if (t.alternatives?.length) t.idf = Math.min(t.idf, Math.max(...t.alternatives.map((alt) => alt.terms.reduce((s, a) => s + index.idf(a), 0) / alt.terms.length)));
    }
  }
  markBackground(index, q, terms);
  markUnknownCompounds(index, lexicon, q, terms);
  const lower = q.toLowerCase();
  const asks = askedFacts(q);
  return {
    terms: [...terms.values()],
    concepts,
    sequence,
    text: q,
    asks,
    counts: asks.has('number') || asks.has('percent') ? questionCounts(q) : undefined,
    subject: ['time', 'schedule', 'frequency', 'money'].some((k) => asks.has(k as FactKind)) ? questionSubject(q) : undefined,
    partOf: partOf && Boolean(context?.trim()),
    // One part of a two-part question is always about the other part's topic ("…: which year group and how many places?").
    refersBack: Boolean(context?.trim()) && (partOf || /\b(?:it|its|they|them|these|those)\b/.test(lower)),
  };
}

export function search(index: Bm25Index, query: Query, k: number): ScoredChunk[] {
  const weights = new Map(query.terms.map((t) => [t.term, t.weight]));
  // A word the documents never use is searched for as they say it.
  for (const t of query.terms) {
    for (const alt of t.alternatives ?? []) {
      for (const a of alt.terms) if (!weights.has(a)) weights.set(a, (t.weight * ALTERNATIVE_WEIGHT * alt.credit) / alt.terms.length);
    }
  }
  return index.search(weights, k);
}

/**
 * "Sick pay", "exchange rate", "travel expenses": a compound general English knows as one thing (WordNet), which
 * the documents never write and one of whose words they never use. The word they do use ("pay") then means
 * something else in them ("to pay for devices"), so it counts only where the compound's other word (or a synonym
 * of it) is found too.
 */
function markUnknownCompounds(index: Bm25Index, lexicon: Lexicon, question: string, terms: Map<string, QueryTerm>): void {
  const written = tokenize(question).filter((t) => !t.joined);
  for (let i = 0; i + 1 < written.length; i++) {
    const a = written[i]!;
    const b = written[i + 1]!;
    if (a.stop || b.stop || index.df(termPair(a.term, b.term)) > 0) continue;
    const ta = terms.get(a.term);
    const tb = terms.get(b.term);
    if (!ta || !tb || ta.fromContext || tb.fromContext) continue;
    const [known, unknown] = index.df(a.term) === 0 && index.df(b.term) > 0 ? [tb, ta] : index.df(b.term) === 0 && index.df(a.term) > 0 ? [ta, tb] : [];
    if (!known || !unknown || unknown.compoundWith || !lexicon.isCompound(a.word, b.word)) continue;
    known.compoundWith = unknown;
  }
}

/** Share of its weight a word keeps when it is only in the asker's account of themselves (see markBackground). */
export const BACKGROUND_WEIGHT = 0.5;

/**
 * Where the question proper starts after the asker's account of themselves: "I'm a new SENCO at a primary — is
 * there a borough toolkit…?", "I teach A level chemistry, is there a network…". The account speaks in the first
 * person and ends at a dash, a comma, a colon or a full stop followed by a question ("is there", "what", "how",
 * "any"…). A topic named first ("google apprenticeship info session — how many went?") is not an account: it is
 * what is asked about. -1 when there is none.
 */
export function questionStart(question: string): number {
  const firstMark = question.indexOf('?');
  const head = firstMark >= 0 ? question.slice(0, firstMark) : question;
  let start = -1;
  for (const m of head.matchAll(CLAUSE_THEN_QUESTION)) {
    const before = head.slice(0, m.index);
    if (FIRST_PERSON.test(before)) start = m.index + m[0].length;
  }
  return start;
}

const POINTS_BACK = /\b(?:this|that|it|these|those|them|they|such)\b/i;
const FIRST_PERSON = /\b(?:i|i'm|im|i've|ive|i'd|me|my|we|we're|we've|our|us)\b/i;
const CLAUSE_THEN_QUESTION =
  /(?:\s+[—–-]{1,2}\s+|\s*[,;:.!]\s+)(?:(?:so|but|and|anyway|just wondering|wondering)\s+)?(?=(?:is|are|was|were|does|do|did|can|could|would|will|should|what|what's|whats|how|who|when|where|which|why|has|have|any)\b)/gi;

/** Words found only in the asker's account of themselves weigh BACKGROUND_WEIGHT of their weight (see questionStart). */
function markBackground(index: Bm25Index, question: string, terms: Map<string, QueryTerm>): void {
  const start = questionStart(question);
  if (start < 0) return;
  const rest = question.slice(start);
  const asked = tokenize(rest);
  // "…, what's camden's line on this?": a question that points back at the account is about it.
  if (POINTS_BACK.test(rest) || asked.filter((t) => !t.stop && !t.joined).length < 2) return;
  const own = new Set([...asked.map((t) => t.term), ...index.matcher.concepts(asked)]);
  for (const t of terms.values()) {
    if (t.fromContext || own.has(t.term) || isPairTerm(t.term)) continue;
    t.weight *= BACKGROUND_WEIGHT;
    t.coverageWeight *= BACKGROUND_WEIGHT;
    t.background = true;
  }
}

const FRAME_SLOT = /\b(what|which)\s+(?:year|years|date|dates|month|day|time|organisations?|organizations?|groups?|partners?|companies|company|charities|charity|people|person)\b/gi;

/** Weight kept by the commonest English words in the support test (see buildQuery). */
export const GENERAL_FLOOR = 0.35;
/** A question word the documents use at most this many times is also looked up in the lexicon. */
const RARE_DF = 2;
/** Ranking weight of the other ways of saying a word (shared among the words of a phrase). */
const ALTERNATIVE_WEIGHT = 0.8;
/** WordNet senses looked at per part of speech, commonest first: rarer senses drift off topic. */
const SYNONYM_SENSES = 3;

/**
 * A letter and a word that the documents write as one ("A level" -> "A-level", "e safety" -> "e-safety"): the
 * joined word becomes a question term of its own, so the passage that has the whole thing outweighs one with only
 * "level". The word alone is another, weaker way of saying it. (Two whole words keep their word pair instead.)
 */
function addWrittenAsOne(index: Bm25Index, tokens: Token[], terms: Map<string, QueryTerm>, weight: number): void {
  const written = tokens.filter((t) => !t.joined);
  for (let i = 0; i + 1 < written.length; i++) {
    const a = written[i]!;
    const b = written[i + 1]!;
    if (a.word.length !== 1 || b.word.length < 2 || b.stop) continue;
    const word = a.word + b.word;
    const term = stem(word);
    if (terms.has(term) || index.df(term) === 0 || terms.size >= MAX_QUERY_TERMS) continue;
    const parts = [a, b].filter((t) => !t.stop).map((t) => t.term);
    terms.set(term, { term, weight, coverageWeight: weight, fromContext: false, word, idf: 0, alternatives: [{ terms: parts, credit: 0.5 }] });
    // The parts now count through the whole word.
    for (const p of [a, b]) {
      const qt = terms.get(p.term);
      if (qt && !p.stop && (index.df(p.term) > 0 || !qt.alternatives?.length)) qt.coverageWeight = 0;
    }
  }
}

/**
 * For each question word the documents never use, find how they might say it instead: the word joined with its
 * neighbour ("drop out" -> "dropout") or split in two ("dropout" -> "drop out"), WordNet synonyms the documents
 * use ("finished" -> "complete"), or, for a word general English does not know either, the nearest indexed
 * spelling ("saturdy" -> "saturday"). Found alternatives are stored on the term.
 */
function expandUnknownWords(index: Bm25Index, lexicon: Lexicon, tokens: Token[], terms: Map<string, QueryTerm>): void {
  const known = (t: string) => index.df(t) > 0;
  const written = tokens.filter((t) => !t.joined);
  for (let i = 0; i < written.length; i++) {
    const tok = written[i]!;
    const qt = terms.get(tok.term);
    // A word the documents never use, or use once or twice in another sense ("Kids Talk"), is looked up.
    if (!qt || tok.stop || qt.fromContext || qt.alternatives || index.df(tok.term) > RARE_DF || tok.term.startsWith('§')) continue;
    const alternatives: Alternative[] = [];
    const add = (terms: string[], credit = 1) => {
      if (terms.length && terms.every(known) && !alternatives.some((a) => a.terms.join(' ') === terms.join(' '))) alternatives.push({ terms, credit });
    };
    // Spacing: "drop out" / "dropout".
    const next = written[i + 1];
    const prev = written[i - 1];
    if (next) add([stem(tok.word + next.word)]);
    if (prev) add([stem(prev.word + tok.word)]);
    for (let cut = 3; cut <= tok.word.length - 3; cut++) {
      const a = stem(tok.word.slice(0, cut));
      const b = stem(tok.word.slice(cut));
      if (known(a) && known(b) && index.df(`${a} ${b}`) > 0) add([a, b]);
    }
    // A short form the documents never define, read as the initials of a name they use often ("CL").
    const initialism = tok.word.length >= 2 && tok.word.length <= 4 && !known(tok.term) ? index.matcher.initialisms.get(tok.word) : undefined;
    if (initialism) add(initialism);
    // A phrase that is a vocabulary concept is said every way the concept is ("PD" -> "professional development"
    // -> CPD, training, professional learning), not only in the phrase's own words.
    const addPhrase = (phrase: string, credit: number, maxWords: number) => {
      const phraseTokens = tokenize(phrase);
      const words = phraseTokens.filter((t) => !t.stop && !t.joined);
      if (!words.length || words.length > maxWords) return;
      add(words.map((t) => t.term), credit);
      for (const c of index.matcher.concepts(phraseTokens)) if (conceptIsPhrase(index, c, words)) add([c], credit);
    };
    // School shorthand ("wex", "uni", "PD"), then synonyms from WordNet, as the documents write them.
    for (const phrase of SCHOOL_TERMS[tok.word] ?? []) addPhrase(phrase, 1, Infinity);
    for (const syn of lexicon.synonyms(tok.word, SYNONYM_SENSES)) addPhrase(syn, SYNONYM_CREDIT, 3);
    // Another form of the same word ("produced" -> "production"): an indexed word that extends its stem a little.
    if (!known(tok.term) && tok.term.length >= 5) for (const w of otherForms(index, tok.term)) add([w], SYNONYM_CREDIT);
    // Broader words for a noun ("tutee" -> "student", "mum" -> "parent"), at less credit.
    if (!alternatives.length) {
      for (const word of lexicon.broader(tok.word)) {
        const broaderTokens = tokenize(word).filter((t) => !t.stop && !t.joined);
        if (broaderTokens.length && broaderTokens.length <= 2) add(broaderTokens.map((t) => t.term), BROADER_CREDIT);
      }
    }
    // Spelling: only for a word general English does not know either (a name must not be "corrected").
    if (!alternatives.length && !known(tok.term) && tok.word.length >= 5 && /^[a-z]+$/.test(tok.word) && !lexicon.isEnglish(tok.word)) {
      const corrected = nearestSpelling(index, tok.term);
      if (corrected) add([corrected]);
    }
    if (alternatives.length) qt.alternatives = alternatives;
  }
}

/** Is the concept the whole of the phrase (every word of it a word of the concept), not one word inside it? */
function conceptIsPhrase(index: Bm25Index, concept: string, words: Token[]): boolean {
  const members = index.matcher.members.get(concept);
  return Boolean(members) && words.every((w) => members!.has(w.term));
}

/**
 * Look-ups that scan the whole index vocabulary, kept per index and word: the same question word comes back for
 * each part of a question and each check.
 */
const SCANS = new WeakMap<Bm25Index, Map<string, unknown>>();

function scanOnce<T>(index: Bm25Index, key: string, compute: () => T): T {
  let byKey = SCANS.get(index);
  if (!byKey) SCANS.set(index, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key) as T;
  const value = compute();
  if (byKey.size >= 10_000) byKey.clear();
  byKey.set(key, value);
  return value;
}

/** Indexed words that extend the term's stem by one to three letters ("produc" -> "production"), no digits. */
function otherForms(index: Bm25Index, term: string): string[] {
  return scanOnce(index, `forms\u0000${term}`, () => {
    const out: string[] = [];
    for (const w of index.words()) if (w.length > term.length && w.length <= term.length + 3 && w.startsWith(term) && !/\d/.test(w)) out.push(w);
    return out;
  });
}

/** The indexed word nearest in spelling (one edit for short words, two for long), the commonest on a tie. */
function nearestSpelling(index: Bm25Index, term: string): string | undefined {
  return scanOnce(index, `spelling\u0000${term}`, () => scanSpelling(index, term));
}

function scanSpelling(index: Bm25Index, term: string): string | undefined {
  const max = term.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = max + 1;
  let bestDf = 0;
  for (const w of index.words()) {
    if (w.startsWith('§') || Math.abs(w.length - term.length) > max || w[0] !== term[0] || /\d/.test(w)) continue;
    const d = editDistance(term, w, bestDistance);
    if (d < bestDistance || (d === bestDistance && index.df(w) > bestDf)) {
      best = w;
      bestDistance = d;
      bestDf = index.df(w);
    }
  }
  return bestDistance <= max ? best : undefined;
}

/** Damerau-Levenshtein distance (adjacent swaps count one); past `limit` it gives up and returns more than `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]![j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (i > 0 && rowMin > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
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
      // The index's postings say what a passage holds, without reading its text again (chunkTerms).
      const cov = coverage(index, query, c.index >= 0 ? { has: (t: string) => index.contains(c.index, t) } : chunkTerms(c.chunk, index.matcher), withContext);
      if (cov > bestCoverage) {
        bestCoverage = cov;
        best = c;
      }
    }
    return { best, bestCoverage };
  };
  let { best, bestCoverage } = bestOf(query.partOf);
  let usedContext = query.partOf;
  // Only a question that fails on its own words and points back at the earlier one ("does it involve") leans on it.
  if (bestCoverage < MIN_COVERAGE && query.refersBack) {
    ({ best, bestCoverage } = bestOf(true));
    usedContext = true;
  }
  const supported = bestCoverage >= MIN_COVERAGE;
  return { supported, coverage: bestCoverage, best, unknownTerms, reason: supported ? 'covered' : 'not_covered', usedContext: usedContext && supported };
}

/** IDF-weighted share of the question's own plain terms that `terms` contains directly or via a shared concept. */
export function coverage(index: Bm25Index, query: Query, terms: { has(term: string): boolean }, withContext = false): number {
  const has = (t: string) => terms.has(t);
  let total = 0;
  let covered = 0;
  for (const qt of query.terms) {
    if (qt.term.startsWith('§') || isPairTerm(qt.term)) continue;
    // Support is judged on the question's own words; the earlier question only helps to rank passages, so it can
    // neither sink a follow-up on a new topic nor carry an off-topic question. A question that points back at it
    // ("does it...", "host them") is about its topic, so there its words count too.
    if (qt.fromContext && !withContext) continue;
    const w = qt.idf * qt.coverageWeight;
    total += w;
    covered += w * termCredit(index, query, qt, has);
  }
  return total ? covered / total : 0;
}

/**
 * How far a text with these terms holds the question term, 0..1: fully as written or through a vocabulary
 * concept, partly through a synonym (its credit), not at all otherwise.
 */
export function termCredit(index: Bm25Index, query: Query, qt: QueryTerm, has: (t: string) => boolean): number {
  const own = ownCredit(index, query, qt, has);
  return qt.compoundWith && own > 0 ? Math.min(own, ownCredit(index, query, qt.compoundWith, has)) : own;
}

function ownCredit(index: Bm25Index, query: Query, qt: QueryTerm, has: (t: string) => boolean): number {
  if (has(qt.term) || conceptCovers(index, query, qt.term, has)) return 1;
  let best = 0;
  for (const alt of qt.alternatives ?? []) if (alt.credit > best && alt.terms.every(has)) best = alt.credit;
  return best;
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

/**
 * The parts of a question that asks two things ("who backed it? and is there a group…", "is it free and how
 * often does it run?"): split at a question mark followed by more, or at "and" / "or" followed by a new question
 * ("and how many…", "and is there…"). Each part must have words of its own; otherwise the question is one part.
 */
export function splitQuestion(question: string): string[] {
  const q = question.slice(0, MAX_QUESTION_CHARS);
  const pieces = q
    .split(/\?\s+(?=\S)|[,;]?\s+(?:and|or|&|also|plus)\s+(?=(?:is|are|does|do|did|how|what|what's|whats|who|whom|when|where|which|can|could|has|have|was|were|will|if|whether)\b)/i)
    .map((p) => p.trim().replace(/^(?:and|or|also)\s+/i, ''))
    .filter(Boolean);
  if (pieces.length < 2 || pieces.length > 4) return [q];
  // A part too short to ask anything ("why?") or with no word to look up stays with the rest.
  if (pieces.some((p) => !tokenize(p).some((t) => !t.stop && !t.joined))) return [q];
  return pieces;
}
