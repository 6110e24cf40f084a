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
  proportion total number amount`.split(/\s+/),
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
  // Academic years: "2024/2025", "2024-25" and "2024/25" are the same year.
  return folded.replace(/\b((?:19|20)\d\d)\s*[-/]\s*(?:(?:19|20)(\d\d)|(\d\d))\b/g, (_, a: string, b?: string, c?: string) => `${a}/${b ?? c}`);
}

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

const WORD = /[a-z0-9]+(?:'[a-z]+)?/g;

/** Split text into stemmed tokens in order; possessive 's is dropped, numbers are kept as they are. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const lower = foldText(text).toLowerCase();
  for (const m of lower.matchAll(WORD)) {
    let w = m[0];
    const apos = w.indexOf("'");
    if (apos >= 0) w = w.slice(0, apos);
    if (!w) continue;
    out.push({ term: stem(w), stop: STOPWORDS.has(w) });
  }
  return out;
}

/** Scored terms only (no stopwords), in order, duplicates kept. */
export function contentTerms(text: string): string[] {
  return tokenize(text)
    .filter((t) => !t.stop)
    .map((t) => t.term);
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word.toLowerCase());
}
