import winkNLP, { type ItemEntity, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { defaultLexicon, type Lexicon } from './lexicon.js';

/**
 * What a question asks for, and whether a sentence holds it. A passage on the right topic that lacks the figure,
 * date, person or contact asked for does not answer the question: "How many EHCPs are there?" is not answered by
 * a sentence about EHCPs with no number in it, and "what % of pupils..." is not answered by "the KS4 route".
 *
 * Sentences are read with wink-nlp and its English light model (entities DATE, TIME, CARDINAL, PERCENT, ORDINAL,
 * EMAIL, URL; token types such as currency; part of speech) and WordNet (nouns that name people). Chosen over
 * compromise by measurement: on the corpus sentences wink-nlp takes about 0.09 ms a sentence against 1.5 ms, and
 * the few kinds it does not tag (money, people) are read from its tokens and from WordNet.
 */
export type FactKind = 'number' | 'percent' | 'money' | 'time' | 'schedule' | 'period' | 'frequency' | 'person' | 'contact' | 'free' | 'procedure';

/** The kinds of fact a question asks for (none for "what is…", "is there…", "tell me about…"). */
export function askedFacts(question: string): Set<FactKind> {
  const q = question.toLowerCase().replace(/[’‘]/g, "'");
  const out = new Set<FactKind>();
  const money = /\b(?:cost|costs|price|fee|fees|cash|money|funding|fund|budget|spend|spent|pay|paid|salary|invest|invested|investment|worth|charge|£|\$)\b|[£$€]/.test(q);
  if (/\bhow much\b/.test(q)) out.add(money ? 'money' : 'number');
  else if (money && /\b(?:what(?:'s| is| was| are)?|how) (?:\w+ )?(?:cost|price|fee|budget|salary|charge)/.test(q)) out.add('money');
  if (/\bhow many\b|\b(?:total|the) number of\b|\bwhat number\b/.test(q)) out.add('number');
  if (/\bhow often\b|\bhow frequently\b/.test(q)) out.add('frequency');
  if (/\bhow long\b/.test(q)) out.add('number');
  if (/%|\bper ?cent\b|\bpercentage\b|\bproportion\b|\bwhat share\b|\bwhat fraction\b|\b(?:pass|success|completion|attendance|take-?up) rates?\b|\bwhat(?:'s| is| was| are)? the (?:\w+ )?rate\b/.test(q)) out.add('percent');
  // "When did/will…", "When is the…", "When does it open?" ask for a time; "When is education at its best?" asks
  // "in what case" and "When do children do better?" too.
  // A date ("when did it open?", "when are the holidays?") or, for something that recurs ("when does the club
  // run?", "what time does it close?"), a date or a day or time of day ("on Saturdays", "until 6pm").
  const recurring = /\b(?:run|runs|meet|meets|open|opens|close|closes|held|happen|happens|take place|takes place)\b/.test(q) && !/\b(?:did|was|were|will|first|next)\b/.test(q);
  if (
    /^\s*(?:by when|since when|until when|what (?:year|date|month|term|time|day)|which (?:year|date|month|term|day)|when (?:did|was|were|will)\b|when (?:is|are) the\b|when's\b|whens\b)/.test(q) ||
    (/^\s*when\b/.test(q) && /\b(?:start|starts|started|begin|begins|began|end|ends|ended|open|opens|opened|close|closes|closed|launch|launches|launched|until|finish|finishes|due|happen|happens|held|meet|meets|run|runs)\b/.test(q)) ||
    /\b(?:deadline|closing date|what time|what date|which date|start date|end date|term dates?|opening (?:hours|times))\b/.test(q)
  ) {
    out.add(recurring || /\bwhat time\b|\bopening (?:hours|times)\b/.test(q) ? 'schedule' : 'time');
  }
  // "How do I book…", "can I claim…": the answer must say what to do (a step, a form, someone to contact), not
  // only that the thing exists.
  if (/^\s*(?:how (?:do|can|should|would) (?:i|we)|how to|can (?:i|we)|am i (?:allowed|able|entitled)|are we (?:allowed|able|entitled)|where do (?:i|we)|who do (?:i|we) (?:ask|contact|speak|talk))\b/.test(q)) out.add('procedure');
  if (/\b(?:e-?mail|telephone|contact (?:details|number)|mobile number|number to call|out of hours number)\b/.test(q)) out.add('contact');
  if (/^\s*(?:who|whom)\b|\bwho (?:is|are|was|were|leads?|runs?|chairs?|sits?|backed|funds?|funded|delivers?|designed|decides?)\b/.test(q)) out.add('person');
  return out;
}

/** When a question asks for several kinds, these satisfy each (a "how many" answered "free" or "41%" is fine). */
const SATISFIES: Record<FactKind, FactKind[]> = {
  number: ['number', 'percent', 'money'],
  percent: ['percent'],
  money: ['money', 'free'],
  time: ['time'],
  schedule: ['time', 'period'],
  period: ['period'],
  frequency: ['frequency', 'time', 'period'],
  person: ['person'],
  contact: ['contact'],
  free: ['free'],
  procedure: ['procedure', 'contact'],
};

/**
 * Does the text hold each kind of fact asked for? With the question, a "who" is answered only by a name or role
 * the question does not already give ("who is the club manager?" is not answered by "the Saturday Club").
 */
export function holdsFacts(asked: Set<FactKind>, text: string, question?: string, lexicon: Lexicon = defaultLexicon()): boolean {
  if (!asked.size) return true;
  // Whether a sentence names a person in a role is looked up in WordNet word by word: only when it is asked.
  const wantsPerson = [...asked].some((k) => SATISFIES[k].includes('person'));
  const found = new Set(wantsPerson ? factKinds(text, lexicon) : readSentence(text, lexicon).kinds);
  if (question && asked.has('person') && found.has('person') && !hasNewPerson(text, question, lexicon)) found.delete('person');
  for (const kind of asked) {
    // "When is education at its best?" asks "in what case": only a time question that names an event needs a date.
    if (!SATISFIES[kind].some((k) => found.has(k))) return false;
  }
  return true;
}

const POPULATION = /^(?:students?|pupils?|children|child|kids?|young|youngsters?|people|persons?|parents?|carers?|famil(?:y|ies)|learners?|participants?|adults?|staff|teachers?|attendees?|mentees?|residents?|members?|cohorts?)$/;
const NAMING_WORDS = /^(?:year|years|yr|level|levels|goal|goals|ambition|stage|stages|ks|key|grade|phase|part|section|chapter|page|priority|step|cohort|wave)$/i;
const YEAR = /^(?:19|20)\d\d(?:[-–/]\d\d(?:\d\d)?)?$/;
const FRACTION_WORDS = /\b(?:half|halve|halved|a third|two[- ]thirds|a quarter|three[- ]quarters|majority|minority)\b|\b(?:\d+|one|two|three|four|five) (?:in|out of) (?:every )?(?:\d+|two|three|four|five|ten)\b/i;
const FREQUENCY_WORDS = /\b(?:termly|weekly|fortnightly|monthly|annual(?:ly)?|yearly|daily|once|twice|every (?:week|term|month|year|day|half[- ]term)|each (?:week|term|month|year|half[- ]term)|a (?:week|term|month|year)|per (?:week|term|month|year))\b/i;
// "Free school meals" is a measure of disadvantage, not a price.
const FREE_WORDS = /\b(?:free(?! school meals?\b)|no cost|no charge|fully funded|funded places?)\b/i;
// A date or named period ("September", "the summer term", "2030"; wink tags most) and, apart, a day or a time of
// day ("Saturdays", "after school", "8am"), which answers "when does it run?" but not "when are the holidays?".
const DATE_WORDS = /\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b|\b(?:autumn|spring|summer) term\b|\bhalf[- ]term\b|\b(?:19|20)\d\d\b/i;
const PERIOD_WORDS = /\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\b|\b\d{1,2}:\d\d\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b|\bevenings?\b|\bafter[- ]school\b|\bholidays?\b/i;
/** A sentence that tells a reader what to do: "you can…", "to apply, …", "contact…", "book through…". */
const PROCEDURE_WORDS = /\b(?:you (?:can|should|need to|must|may)|to (?:apply|book|register|refer|request|sign up|enrol|claim|join)\b[^.]*,|(?:apply|book|register|sign up|enrol) (?:via|through|online|at|by)|contact (?:the|your|us)|by emailing|please (?:contact|email|call|visit)|form (?:is|can be) (?:found|downloaded))/i;
const PHONE = /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b/;

let nlp: WinkMethods | undefined;
const CACHE_MAX = 20_000;
const cache = new Map<string, SentenceReading>();

/** The NLP pipeline, loaded once (about 0.2 s); call early to keep it off the first question's time. */
export function loadFactReader(): WinkMethods {
  nlp ??= winkNLP(model, ['sbd', 'pos', 'ner']);
  return nlp;
}

function hasNewPerson(text: string, question: string, lexicon: Lexicon): boolean {
  const asked = new Set(question.toLowerCase().match(/[\p{L}\d]+/gu) ?? []);
  const tagged = tagWords(text);
  return tagged.some(({ word, pos }, i) => {
    const lower = word.toLowerCase();
    if (asked.has(lower) || POPULATION.test(lower)) return false;
    return (pos === 'PROPN' && i > 0) || ((pos === 'NOUN' || pos === 'PROPN') && lexicon.namesPerson(lower));
  });
}

/** Words of a short text with their part of speech (Universal tags: NOUN, PROPN, VERB, ADJ, ...). */
export function tagWords(text: string): { word: string; pos: string }[] {
  const reader = loadFactReader();
  const tokens = reader.readDoc(text).tokens();
  const words = tokens.out() as string[];
  const pos = tokens.out(reader.its.pos) as string[];
  return words.map((word, i) => ({ word, pos: pos[i]! }));
}

/** The kinds of fact a text holds (see readSentence). */
export function factKinds(text: string, lexicon: Lexicon = defaultLexicon()): ReadonlySet<FactKind> {
  const reading = readSentence(text, lexicon);
  if (reading.roleNouns.length) {
    // Looked up once, on first need, and kept in the reading.
    if (reading.roleNouns.some((w) => lexicon.namesPerson(w))) reading.kinds.add('person');
    reading.roleNouns = [];
  }
  return reading.kinds;
}

/** A figure in a sentence and the thing it counts, when the sentence says ("41% of participants", "28 students"). */
export interface Figure {
  kind: 'number' | 'percent';
  /**
   * The words naming what the figure counts, lower case: the run of nouns and adjectives after it ("adult",
   * "students" of "757 adult students"; "participants" of "41% of participants"); empty when none follows ("rose to 94%").
   */
  nouns: string[];
}

/** What one reading of a sentence with wink-nlp gives: the kinds of fact, its figures, its date expressions. */
export interface SentenceReading {
  /** The kinds of fact found, except a role noun's 'person' until factKinds has looked up roleNouns. */
  kinds: Set<FactKind>;
  /** Nouns that may name a person in a role ("Chair", "middle leaders"), not yet looked up in WordNet. */
  roleNouns: string[];
  figures: Figure[];
  /**
   * Lower-case words inside the sentence's date expressions ("end" and "2019" of "at the end of 2019"): part of
   * a date, they say when, not what the sentence is about.
   */
  dateWords: Set<string>;
}

/**
 * Read a sentence once (wink-nlp entities, token types and parts of speech; WordNet for nouns naming people), and
 * keep the reading: the same sentences come up question after question.
 */
export function readSentence(text: string, lexicon: Lexicon = defaultLexicon()): SentenceReading {
  const cached = cache.get(text);
  if (cached) return cached;
  const reader = loadFactReader();
  const its = reader.its;
  const doc = reader.readDoc(text);
  const found = new Set<FactKind>();
  const figures: Figure[] = [];
  const dateWords = new Set<string>();
  const roleNouns: string[] = [];
  const tokens = doc.tokens();
  const types = tokens.out(its.type) as string[];
  const pos = tokens.out(its.pos) as string[];
  const words = tokens.out() as string[];
  // "Year 10", "Level 2", "Goal 13", "Key Stage 4": a number that names something is not a figure.
  // The "25" of "2024–25" is part of the academic year.
  const naming = (i: number) => i > 0 && (NAMING_WORDS.test(words[i - 1]!) || (i > 1 && /^[-–/]$/.test(words[i - 1]!) && YEAR.test(words[i - 2]!)));
  const counted = new Set<number>();
  doc.entities().each((e: ItemEntity) => {
    const type = e.out(its.type) as string;
    const value = e.out() as string;
    const [start, end] = e.out(its.span) as unknown as [number, number];
    if (type === 'PERCENT') {
      found.add('percent');
      figures.push({ kind: 'percent', nouns: nounRun(words, pos, end + 1, true) });
      for (let i = start; i <= end; i++) counted.add(i);
    }
    // "Last year", "this term": relative to when the document was written, not a date a reader can use.
    else if (type === 'DATE') {
      for (let i = start; i <= end; i++) dateWords.add(words[i]!.toLowerCase());
      if (!/^(?:last|this|previous|past|recent|next|the last|the past)\b/i.test(value)) found.add('time');
    } else if (type === 'TIME') {
      found.add('period');
      for (let i = start; i <= end; i++) dateWords.add(words[i]!.toLowerCase());
    } else if (type === 'EMAIL' || type === 'URL') found.add('contact');
    else if (type === 'CARDINAL' && !naming(start)) {
      if (YEAR.test(value)) found.add('time');
      else {
        found.add('number');
        figures.push({ kind: 'number', nouns: nounRun(words, pos, end + 1, false) });
        for (let i = start; i <= end; i++) counted.add(i);
      }
    } else if (type === 'ORDINAL' && /\d/.test(value)) found.add('number');
  });
  for (let i = 0; i < words.length; i++) {
    // £1.3m, £1,000, $50: a currency sign before a number.
    if (types[i] === 'currency' && types[i + 1] === 'number') {
      found.add('money');
      counted.add(i + 1);
    }
    if (types[i] === 'number' && !YEAR.test(words[i]!) && !naming(i) && !counted.has(i) && !(i > 0 && types[i - 1] === 'currency')) {
      found.add('number');
      figures.push({ kind: 'number', nouns: nounRun(words, pos, i + 1, false) });
    }
    if (types[i] === 'email' || types[i] === 'url') found.add('contact');
    // A name (not the sentence's first word) or a noun for a person in a role ("middle leaders", "Chair"); the
    // people a service is for ("students", "parents") do not say who did something.
    const lower = words[i]!.toLowerCase();
    if (pos[i] === 'PROPN' && i > 0 && !POPULATION.test(lower)) found.add('person');
    else if ((pos[i] === 'NOUN' || pos[i] === 'PROPN') && !POPULATION.test(lower)) roleNouns.push(lower);
  }
  if (FRACTION_WORDS.test(text)) found.add('percent');
  if (FREQUENCY_WORDS.test(text)) found.add('frequency');
  if (FREE_WORDS.test(text)) found.add('free');
  if (DATE_WORDS.test(text)) found.add('time');
  if (PERIOD_WORDS.test(text)) found.add('period');
  if (PHONE.test(text)) found.add('contact');
  if (PROCEDURE_WORDS.test(text)) found.add('procedure');
  if (NUMBER_WORDS.test(text)) found.add('number');
  const reading = { kinds: found, roleNouns: found.has('person') ? [] : roleNouns, figures, dateWords };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(text, reading);
  return reading;
}

const NUMBER_WORDS = /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?|dozens?)\b/i;

/**
 * The words of the run of adjectives and nouns right after a figure ("12 Haverstock School students", "five T
 * Levels"), or after "of" for a share ("41% of participants"), ending at its last noun.
 */
function nounRun(words: string[], pos: string[], from: number, share: boolean): string[] {
  let i = from;
  if (share && words[i]?.toLowerCase() === 'of') {
    i++;
    while (i < words.length && (pos[i] === 'DET' || pos[i] === 'PRON')) i++;
  }
  const run: string[] = [];
  let end = 0;
  for (; i < words.length && NOUN_RUN.has(pos[i]!); i++) {
    run.push(words[i]!.toLowerCase());
    if (pos[i] === 'NOUN' || pos[i] === 'PROPN') end = run.length;
  }
  return run.slice(0, end);
}

/** The head (last noun) of the run after position `from`. */
function countedNoun(words: string[], pos: string[], from: number, share: boolean): string | undefined {
  return nounRun(words, pos, from, share).at(-1);
}

const NOUN_RUN = new Set(['ADJ', 'NOUN', 'PROPN']);

/** What a "how many / what share" question counts (see questionCounts). */
export interface Counted {
  /** The noun, as written ("exclusions", "pupils"). */
  noun: string;
  /** "All Camden pupils", "every school": everyone of a kind, which the people in one programme are not. */
  all: boolean;
}

/**
 * What a "how many / what share" question counts: the last noun of the run after "how many", "number of", or
 * "% / proportion / percentage / share of" ("how many permanent exclusions" -> exclusions, "what % of all Camden
 * pupils" -> pupils, all). Undefined when the question does not name it ("how many were there?").
 */
export function questionCounts(question: string): Counted | undefined {
  // A question is read again for each of its parts and checks: kept by text.
  return rememberQuestion(COUNTS, question, () => readCounts(question));
}

const COUNTS = new Map<string, Counted | undefined>();
const SUBJECTS = new Map<string, string | undefined>();
const QUESTION_CACHE_MAX = 5_000;

function rememberQuestion<T>(cache: Map<string, T>, question: string, compute: () => T): T {
  if (cache.has(question)) return cache.get(question) as T;
  const value = compute();
  if (cache.size >= QUESTION_CACHE_MAX) cache.clear();
  cache.set(question, value);
  return value;
}

function readCounts(question: string): Counted | undefined {
  const reader = loadFactReader();
  const doc = reader.readDoc(question.slice(0, 300));
  const tokens = doc.tokens();
  const words = (tokens.out() as string[]).map((w) => w.toLowerCase());
  const pos = tokens.out(reader.its.pos) as string[];
  for (let i = 0; i < words.length; i++) {
    let from = -1;
    if (words[i] === 'how' && words[i + 1] === 'many') from = i + 2;
    else if ((words[i] === 'number' || COUNT_WORDS.test(words[i]!)) && words[i + 1] === 'of') from = i + 2;
    if (from < 0) continue;
    let all = false;
    while (from < words.length && (pos[from] === 'DET' || words[from] === 'of')) all ||= ALL_WORDS.test(words[from++]!);
    const noun = countedNoun(words, pos, from, false);
    if (noun) return { noun, all: all || /\bborough[- ]wide\b|\bacross the borough\b|\bwhole borough\b/.test(question.toLowerCase()) };
  }
  return undefined;
}

/**
 * What a "when / what year / how often / how much" question is about: the head noun of its subject ("strategy" in
 * "what year does the strategy end?", "placement" in "how much does a CPP placement cost?", "club" in "when does
 * the Saturday Club run?"). After "does / do / did / will" the last word of the run is the verb, whatever the
 * tagger says ("end", "cost"). Undefined for a pronoun ("when does it run?") or another kind of question.
 */
export function questionSubject(question: string): string | undefined {
  return rememberQuestion(SUBJECTS, question, () => readSubject(question));
}

function readSubject(question: string): string | undefined {
  const reader = loadFactReader();
  const tokens = reader.readDoc(question.slice(0, 300)).tokens();
  const words = (tokens.out() as string[]).map((w) => w.toLowerCase());
  const pos = tokens.out(reader.its.pos) as string[];
  const start = words.findIndex((w) => /^(?:when|how|what|which)$/.test(w));
  if (start < 0 || !/^(?:when|how often|how much|how long|what (?:year|date|month|time|day)|which (?:year|date|month|day))/.test(words.slice(start).join(' '))) return undefined;
  const aux = words.findIndex((w, i) => i > start && pos[i] === 'AUX');
  if (aux < 0) return undefined;
  let i = aux + 1;
  while (i < words.length && pos[i] === 'DET') i++;
  const run: { word: string; noun: boolean }[] = [];
  for (; i < words.length && (NOUN_RUN.has(pos[i]!) || pos[i] === 'NUM'); i++) run.push({ word: words[i]!, noun: pos[i] === 'NOUN' || pos[i] === 'PROPN' });
  // "does the strategy end", "does the club cost per session": after "does" the question still needs its verb,
  // so when none follows the run, the run's last word is it.
  if (DO_SUPPORT.test(words[aux]!) && run.length > 1 && !pos.slice(i).includes('VERB')) run.pop();
  return run.filter((r) => r.noun).at(-1)?.word;
}

const DO_SUPPORT = /^(?:do|does|did|will|would|can|could|should)$/;
const ALL_WORDS = /^(?:all|every|each|whole|entire|overall)$/;
const COUNT_WORDS = /^(?:%|percent|percentage|proportion|share|fraction|rate|majority)$/;
