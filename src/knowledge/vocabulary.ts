import { defaultLexicon, type Lexicon } from './lexicon.js';
import { tokenize, type Token } from './tokenizer.js';

/**
 * Domain vocabulary: each group lists phrases that mean the same thing in Camden's education documents.
 * When a passage or a question contains any phrase of a group, it also gets the group's concept term
 * (e.g. "§send"), so "special educational needs" in a question finds a passage that only says "SEND".
 * Keep groups narrow: a group that is too broad pulls unrelated passages into every answer.
 * Documented in docs/knowledge.md.
 */
export const DOMAIN_VOCABULARY: Record<string, string[]> = {
  send: [
    'SEND',
    'SEN',
    'special educational needs',
    'special educational needs and disabilities',
    'special educational need',
    'special needs',
    'learning difficulties',
  ],
  senco: ['SENCO', 'special educational needs coordinator', 'SEN coordinator'],
  ehcp: ['EHCP', 'EHC plan', 'education health and care plan'],
  cpd: [
    'CPD',
    'professional development',
    'continuing professional development',
    'professional learning',
    'training',
    'teacher training',
  ],
  npq: [
    'NPQ',
    'national professional qualification',
    'NPQSL',
    'NPQH',
    'NPQSEN',
    'NPQLT',
    'NPQLTD',
    'NPQLBC',
    'NPQEL',
    'NPQML',
  ],
  ect: [
    'ECT',
    'ECF',
    'ECTE',
    'early career',
    'early career teacher',
    'early career framework',
    'newly qualified teacher',
    'NQT',
    'statutory induction',
  ],
  tlevel: ['T Level', 'T Levels', 'technical qualification', 'technical and vocational education'],
  fsm: ['FSM', 'free school meals', 'pupil premium', 'disadvantaged', 'disadvantage'],
  post16: ['post-16', 'post 16', 'sixth form', 'sixth-form', '16-19', '16 to 19', 'key stage 5', 'KS5', '16+'],
  oc: ['OC', 'OCs', 'Opportunity Centre', 'Opportunity Centres'],
  iag: ['IAG', 'information advice and guidance', 'careers guidance', 'careers advice', 'careers education'],
  neet: ['NEET', 'not in education employment or training'],
  pshe: ['PSHE', 'personal social and health education', 'personal social health and economic'],
  eyfs: ['EYFS', 'early years foundation stage', 'early years'],
  wellbeing: ['wellbeing', 'well-being', 'well being', 'mental health'],
  headteacher: ['headteacher', 'headteachers', 'head teacher', 'head teachers', 'principal'],
  ai: ['AI', 'artificial intelligence'],
  ks2: ['KS2', 'key stage 2'],
  ks3: ['KS3', 'key stage 3'],
  ks4: ['KS4', 'key stage 4', 'GCSE', 'GCSEs'],
  attendance: ['attendance', 'absence', 'absent', 'persistent absence'],
  apprenticeship: ['apprenticeship', 'apprenticeships', 'apprentice'],
  parents: ['parents', 'parent', 'carers', 'families', 'family'],
  participate: ['take part', 'took part', 'taking part', 'takes part', 'participate', 'participated', 'participating', 'participation'],
};

/**
 * Short forms school staff write that neither the documents nor WordNet know, with what they stand for. Used only
 * for a question word the documents never use (it becomes another way of saying that word), so it cannot change
 * how a passage is indexed. Keep it to common school shorthand, not to words of one question; documented in
 * docs/knowledge.md.
 */
export const SCHOOL_TERMS: Record<string, string[]> = {
  pd: ['professional development'],
  uni: ['university', 'higher education'],
  unis: ['universities', 'higher education'],
  wex: ['work experience'],
  rwm: ['reading writing and maths'],
  ta: ['teaching assistant'],
  tas: ['teaching assistants'],
  headship: ['headteacher'],
  sencos: ['SENCOs'],
  slt: ['senior leadership'],
  ehc: ['EHCP'],
  yr: ['year'],
  yrs: ['years'],
  govs: ['governors'],
};

export interface ConceptMatcher {
  /** Initials of names the documents use often ("cl" -> Camden Learning), see learnInitialisms. */
  readonly initialisms: ReadonlyMap<string, string[]>;
  /** Concept terms (e.g. "§send") for every phrase found in the tokens, one per occurrence. */
  concepts(tokens: Token[]): string[];
  /** For each concept, the plain terms of its phrases (used to tell which question terms a concept covers). */
  readonly members: ReadonlyMap<string, ReadonlySet<string>>;
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

interface CompiledPhrase {
  terms: string[];
  concept: string;
}

/** Compile phrase groups (domain vocabulary plus acronyms learnt from the documents) into a matcher. */
export function createConceptMatcher(groups: Record<string, string[]>, initialisms: ReadonlyMap<string, string[]> = new Map()): ConceptMatcher {
  const byFirst = new Map<string, CompiledPhrase[]>();
  const members = new Map<string, Set<string>>();
  const groupMap = new Map<string, string[]>();
  for (const [name, phrases] of Object.entries(groups)) {
    const concept = `§${name}`;
    groupMap.set(concept, phrases);
    const set = members.get(concept) ?? new Set<string>();
    members.set(concept, set);
    for (const phrase of phrases) {
      const tokens = tokenize(phrase).filter((t) => !t.joined);
      const terms = tokens.map((t) => t.term);
      if (!terms.length) continue;
      for (const t of tokens) if (!t.stop) set.add(t.term);
      const list = byFirst.get(terms[0]!) ?? [];
      list.push({ terms, concept });
      byFirst.set(terms[0]!, list);
    }
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.terms.length - a.terms.length);

  return {
    initialisms,
    members,
    groups: groupMap,
    concepts(all: Token[]): string[] {
      const out: string[] = [];
      // Phrases are matched on the words as written; a hyphenated word's joined form is not one of them.
      const tokens = all.some((t) => t.joined) ? all.filter((t) => !t.joined) : all;
      for (let i = 0; i < tokens.length; i++) {
        const candidates = byFirst.get(tokens[i]!.term);
        if (!candidates) continue;
        const seenHere = new Set<string>();
        for (const c of candidates) {
          if (seenHere.has(c.concept) || i + c.terms.length > tokens.length) continue;
          let ok = true;
          for (let j = 1; j < c.terms.length; j++) {
            if (tokens[i + j]!.term !== c.terms[j]) {
              ok = false;
              break;
            }
          }
          if (ok) {
            out.push(c.concept);
            seenHere.add(c.concept);
          }
        }
      }
      return out;
    },
  };
}

const ACRONYM_JOINERS = new Set(['and', 'of', 'for', 'the', '&', 'in', 'to', 'on', 'by', 'at', 'with']);

/**
 * Learn acronyms the documents define, e.g. "Rights-Respecting Schools (RRS)" or "Early Career Teacher
 * Entitlement (ECTE)": the words before the brackets whose initials spell the acronym. Returns groups in the
 * same shape as DOMAIN_VOCABULARY, keyed "acr-<acronym>".
 */
export function learnAcronyms(texts: Iterable<string>): Record<string, string[]> {
  const found: Record<string, Set<string>> = {};
  // "(RRS)", "(ECR7)", and mixed case with at least two capitals: "(TIPiC)".
  const re = /\(((?=(?:[^)]*[A-Z]){2})[A-Z][A-Za-z0-9]{1,7})s?\)/g;
  for (const text of texts) {
    for (const m of text.matchAll(re)) {
      const acronym = m[1]!;
      const before = text.slice(Math.max(0, m.index - 160), m.index);
      const words = before
        .replace(/[,]/g, ' ')
        .trim()
        .split(/\s+/)
        .slice(-12)
        .filter((w) => /^[\p{L}\d'’&-]+$/u.test(w));
      const phrase = matchInitials(words, acronym);
      if (!phrase) continue;
      (found[acronym] ??= new Set()).add(phrase);
    }
  }
  const groups: Record<string, string[]> = {};
  for (const [acronym, phrases] of Object.entries(found)) groups[`acr-${acronym.toLowerCase()}`] = [acronym, ...phrases];
  return groups;
}

/**
 * The shortest run of words ending just before the brackets whose initials (hyphen parts count) spell `acronym`,
 * or, for an acronym longer than the name it follows ("Trauma-Informed Practice (TIPiC)", the "in Camden" left
 * out), a run of at least three capitalised words whose initials begin it.
 */
function matchInitials(words: string[], acronym: string): string | undefined {
  const target = acronym.toLowerCase();
  const exact = matchRun(words, target, false);
  if (exact) return exact;
  return target.length > 3 ? matchRun(words, target, true) : undefined;
}

function matchRun(words: string[], target: string, prefix: boolean): string | undefined {
  for (let start = words.length - 1; start >= 0; start--) {
    const run = words.slice(start);
    if (!/^\p{Lu}/u.test(run[0]!)) continue;
    // Each word gives its initial; a number gives itself ("Every Child Reading by 7" -> ECR7).
    const initials = run
      .filter((w) => !ACRONYM_JOINERS.has(w.toLowerCase()))
      .flatMap((w) => w.split('-').filter(Boolean))
      .map((w) => (/^\d+$/.test(w) ? w : w[0]!.toLowerCase()))
      .join('');
    if (initials === target) return run.join(' ');
    if (prefix && initials.length >= 3 && target.startsWith(initials) && run.every((w) => /^\p{Lu}/u.test(w))) return run.join(' ');
    if (initials.length > target.length) break;
  }
  return undefined;
}

/**
 * Words the documents treat as names: written with a capital (or in capitals) wherever they stand inside a
 * sentence ("Maria Fidelis", "Haverstock", "LaSWAP", "Google"), never in lower case. Returned as stemmed terms.
 */
export function learnNames(texts: Iterable<string>, lexicon: Lexicon = defaultLexicon()): Set<string> {
  const capital = new Map<string, number>();
  const lower = new Set<string>();
  for (const text of texts) {
    // At the start of a sentence a capital says nothing, except on a word general English does not know.
    for (const m of text.matchAll(/(?:^|[.!?:]\s+)(\p{Lu}[\p{L}'’-]*)/gu)) {
      const word = m[1]!.replace(/['’]s$/, '');
      const term = tokenize(word).filter((t) => !t.stop && !t.joined)[0]?.term;
      if (term && !lexicon.isEnglish(word)) capital.set(term, (capital.get(term) ?? 0) + 1);
    }
    for (const m of text.matchAll(/(?<=[\p{L}\d,;:)’'"”] )[\p{L}][\p{L}'’-]*/gu)) {
      const word = m[0].replace(/['’]s$/, '');
      const term = tokenize(word).filter((t) => !t.stop && !t.joined)[0]?.term;
      if (!term) continue;
      if (/^\p{Lu}/u.test(word)) capital.set(term, (capital.get(term) ?? 0) + 1);
      else lower.add(term);
    }
  }
  return new Set([...capital.keys()].filter((t) => !lower.has(t)));
}

/**
 * Initials of the names the documents use often ("Camden Learning" -> "cl", "Opportunity Centre" -> "oc"), for a
 * short form a question uses that the documents never define. Each initialism maps to its commonest name's terms.
 */
export function learnInitialisms(texts: Iterable<string>, minCount = 3): Map<string, string[]> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const m of text.matchAll(/\b\p{Lu}[\p{L}’'-]+(?:\s+(?:of|and|for|the)?\s*\p{Lu}[\p{L}’'-]+){1,3}/gu)) {
      const words = m[0].split(/\s+/).filter((w) => !ACRONYM_JOINERS.has(w.toLowerCase()));
      if (words.some((w) => /^\p{Lu}{2,}/u.test(w))) continue; // already an acronym
      counts.set(words.join(' '), (counts.get(words.join(' ')) ?? 0) + 1);
    }
  }
  const best = new Map<string, { phrase: string; n: number }>();
  for (const [phrase, n] of counts) {
    if (n < minCount) continue;
    const initials = phrase.split(' ').map((w) => w[0]!.toLowerCase()).join('');
    if ((best.get(initials)?.n ?? 0) < n) best.set(initials, { phrase, n });
  }
  return new Map([...best].map(([k, v]) => [k, tokenize(v.phrase).filter((t) => !t.stop && !t.joined).map((t) => t.term)]));
}
