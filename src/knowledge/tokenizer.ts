import { stemmer } from 'stemmer';

/**
 * Words that carry no topic: English function words plus the words people use to frame a question or an
 * instruction ("what", "tell", "explain"). They are kept for phrase matching but never scored.
 */
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her here hers
  herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
  once only or other our ours ourselves out over own same she should so some such than that the their theirs them
  themselves then there these they this those through to too under until up very was we were what when where which
  while who whom why will with would you your yours yourself yourselves s t d ll m re ve y also may might must shall
  us let lets many much get got go going gone tell explain describe summarise summarize give list please know
  anything something thing things any kind sort does say says said mention mentioned document documents
  information info detail details question answer one find want looking able name outline show percentage
  proportion total number amount often far share called per mean means meant whats whos wheres hows whens im ive id dont doesnt didnt isnt arent wasnt cant
  couldnt wont wouldnt shouldnt theres thats heres`.split(/\s+/),
);

/** Irregular forms the Porter stemmer leaves apart, and a few it wrongly merges (government ≠ governed). */
const LEMMAS: Record<string, string> = {
  government: 'government',
  governments: 'government',
  led: 'lead',
  leads: 'lead',
  leading: 'lead',
  children: 'child',
  taught: 'teach',
  went: 'go',
  people: 'person',
  women: 'woman',
  men: 'man',
  bought: 'buy',
  built: 'build',
  ran: 'run',
  began: 'begin',
  begun: 'begin',
  took: 'take',
  taken: 'take',
  reduction: 'reduc',
  reductions: 'reduc',
};

export interface Token {
  /** Normalised, stemmed form. */
  term: string;
  /** True for function words and question words (not scored). */
  stop: boolean;
  /** The word as written, lower case (for the lexicon: general-English frequency, synonyms, spelling). */
  word: string;
  /**
   * The parts of a hyphenated word written as one ("drop-out" gives "drop", "out" and then "dropout"), so
   * "drop-out", "dropout" and "drop out" meet. Not part of phrases or word pairs.
   */
  joined?: true;
}

/** Fold curly quotes, dashes and accents so "Camden’s" and "Camden's" tokenise the same. */
export function foldText(text: string): string {
  const folded = /[^\x00-\x7f]/.test(text)
    ? text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
        .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
        .replace(/[\u2010-\u2015\u2212]/g, '-')
    : text;
  return (
    folded
      // Academic years: "2024/2025", "2024-25" and "2024/25" are the same year, and so is "24/25" (not "Years 10/11").
      .replace(/\b((?:19|20)\d\d)\s*[-/]\s*(?:(?:19|20)(\d\d)|(\d\d))\b/g, (_, a: string, b?: string, c?: string) => `${a}/${b ?? c}`)
      .replace(/(?<![\d/.-])(\d\d)\s*\/\s*(\d\d)(?![\d/.])/g, (whole, a: string, b: string) => (Number(a) >= 14 && Number(b) === Number(a) + 1 ? `20${a}/${b}` : whole))
      // Year groups as staff write them: "y11", "Yr 7", "y12s" are "Year 11", "Year 7", "Year 12".
      .replace(/\b[Yy](?:[Rr]|ear)?\s?(\d{1,2})(?:s\b|\b)/g, 'Year $1')
      // Ordinals in figures: "6th form" is "sixth form".
      .replace(/\b(\d{1,2})(?:st|nd|rd|th)\b/gi, (whole, n: string) => ORDINALS[Number(n)] ?? whole)
  );
}

const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth'];

const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_MAX = 200_000;

export function stem(word: string): string {
  const cached = STEM_CACHE.get(word);
  if (cached !== undefined) return cached;
  const result = LEMMAS[word] ?? (/^\d/.test(word) ? word : stemmer(word));
  if (STEM_CACHE.size >= STEM_CACHE_MAX) STEM_CACHE.clear();
  STEM_CACHE.set(word, result);
  return result;
}

/** A word, or a hyphenated compound of words ("drop-out", "care-experienced", "post-16"). */
const WORD = /[a-z0-9]+(?:'[a-z]+)?(?:-[a-z0-9]+(?:'[a-z]+)?)*/g;

function isStop(word: string, term: string): boolean {
  // "went" is stemmed to "go": a stop word by its lemma is a stop word too. A single letter ("w" for "with", the
  // "e" and "g" of "e.g.") says nothing on its own.
  return STOPWORDS.has(word) || (LEMMAS[word] !== undefined && STOPWORDS.has(term)) || /^[a-z]$/.test(word);
}

/**
 * Split text into stemmed tokens in order; possessive 's is dropped, numbers are kept as they are. A hyphenated
 * compound of letters gives its parts and then the whole written as one word (marked `joined`).
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const lower = foldText(text).toLowerCase();
  for (const m of lower.matchAll(WORD)) {
    const parts = m[0].split('-').map((p) => {
      const apos = p.indexOf("'");
      return apos >= 0 ? p.slice(0, apos) : p;
    }).filter(Boolean);
    for (const w of parts) {
      const term = stem(w);
      out.push({ term, stop: isStop(w, term), word: w });
    }
    if (parts.length > 1 && parts.every((p) => /[a-z]/.test(p))) {
      const whole = parts.join('');
      out.push({ term: stem(whole), stop: false, word: whole, joined: true });
    }
  }
  return out;
}

/** Scored terms only (no stopwords), in order, duplicates kept. */
export function contentTerms(text: string): string[] {
  return tokenize(text)
    .filter((t) => !t.stop && !t.joined)
    .map((t) => t.term);
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word.toLowerCase());
}
