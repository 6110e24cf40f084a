import type { Chunk } from './model.js';
import { tokenize } from './tokenizer.js';
import type { ConceptMatcher } from './vocabulary.js';

/** Field weights: a word in the section heading counts double; the document title and file name count a little. */
const FIELD_WEIGHTS = { text: 1, section: 2, title: 0.5 } as const;

export interface IndexOptions {
  /** BM25 term-frequency saturation (default 1.2). */
  k1?: number;
  /** BM25 length normalisation (default 0.75). */
  b?: number;
}

export interface ScoredChunk {
  chunk: Chunk;
  /** Index of the chunk in the index, for term look-ups. */
  index: number;
  score: number;
}

/** Terms a chunk is indexed under, weighted by field, with concept terms from the vocabulary. */
export function chunkTerms(chunk: Chunk, matcher: ConceptMatcher): Map<string, number> {
  const tf = new Map<string, number>();
  const add = (text: string, weight: number, pairs: boolean) => {
    const tokens = tokenize(text);
    let prev: string | undefined;
    for (const t of tokens) {
      if (t.stop) continue;
      tf.set(t.term, (tf.get(t.term) ?? 0) + weight);
      if (t.joined) continue;
      if (pairs && prev !== undefined) {
        const pair = termPair(prev, t.term);
        tf.set(pair, (tf.get(pair) ?? 0) + weight);
      }
      prev = t.term;
    }
    for (const c of matcher.concepts(tokens)) tf.set(c, (tf.get(c) ?? 0) + weight);
  };
  add(chunk.text, FIELD_WEIGHTS.text, true);
  add(chunk.section, FIELD_WEIGHTS.section, true);
  add(titleField(chunk), FIELD_WEIGHTS.title, false);
  return tf;
}

/** The document field: title plus the file name's words ("coming back stronger thinkpiece 2020"). */
function titleField(chunk: Chunk): string {
  return `${chunk.title} ${chunk.source.replace(/\.[a-z]+$/i, '').replace(/[-_]+/g, ' ')}`;
}

/** Word ids stay far below 2^26, so a pair key (first × 2^26 + second) is an exact integer. */
const PAIR_KEY_SHIFT = 2 ** 26;

/**
 * Adjacent content words ("famili learn" for "Family Learning") are indexed as one more term, so a passage with
 * the question's words as a phrase outranks one with the same words scattered, with the phrase's own IDF.
 */
export function termPair(a: string, b: string): string {
  return `${a} ${b}`;
}

export function isPairTerm(term: string): boolean {
  return term.includes(' ');
}

export interface IndexSnapshot {
  termIds: [string, number][];
  pairIds: [number, number][];
  termCount: number;
  offsets: string;
  postingIds: string;
  postingTfs: string;
  lengths: string;
  avgLength: number;
  k1: number;
  b: number;
}

/** An immutable BM25 index over chunks. Build a new one to change the corpus. */
export class Bm25Index {
  readonly chunks: readonly Chunk[];
  readonly matcher: ConceptMatcher;
  /** Word or concept -> posting-list id; postings of id t are postingIds/Tfs[offsets[t] .. offsets[t + 1]). */
  private readonly termIds = new Map<string, number>();
  /** Word pair (id of first word × PAIR_KEY_SHIFT + id of second) -> posting-list id. */
  private readonly pairIds = new Map<number, number>();
  private readonly termCount: number;
  private readonly offsets: Int32Array;
  private readonly postingIds: Int32Array;
  private readonly postingTfs: Float32Array;
  private readonly lengths: Float32Array;
  private readonly avgLength: number;
  private readonly k1: number;
  private readonly b: number;

  constructor(chunks: Chunk[], matcher: ConceptMatcher, options: IndexOptions = {}) {
    this.chunks = chunks;
    this.matcher = matcher;
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.lengths = new Float32Array(chunks.length);

    // Pass 1: a forward index (chunk -> term ids and frequencies) in growable typed arrays, and document
    // frequencies. Terms are counted in a sparse accumulator (no per-chunk Map, no pair strings): this is the
    // hot loop of a large build.
    let fwdTerms = new Int32Array(1 << 16);
    let fwdTfs = new Float32Array(1 << 16);
    const fwdStart = new Int32Array(chunks.length + 1);
    let df = new Int32Array(1 << 12);
    let acc = new Float64Array(1 << 12);
    const touched: number[] = [];
    let nextId = 0;
    const newId = (): number => {
      const id = nextId++;
      if (id >= df.length) {
        df = grow(df, df.length * 2);
        acc = grow(acc, acc.length * 2);
      }
      return id;
    };
    const count = (id: number, weight: number) => {
      if (acc[id] === 0) touched.push(id);
      acc[id]! += weight;
    };
    const termId = (term: string): number => {
      let id = this.termIds.get(term);
      if (id === undefined) this.termIds.set(term, (id = newId()));
      return id;
    };
    const addField = (text: string, weight: number, pairs: boolean) => {
      const tokens = tokenize(text);
      let prev = -1;
      for (const t of tokens) {
        if (t.stop) continue;
        const id = termId(t.term);
        count(id, weight);
        if (t.joined) continue;
        if (pairs && prev >= 0) {
          const key = prev * PAIR_KEY_SHIFT + id;
          let pid = this.pairIds.get(key);
          if (pid === undefined) this.pairIds.set(key, (pid = newId()));
          count(pid, weight);
        }
        prev = id;
      }
      for (const c of matcher.concepts(tokens)) count(termId(c), weight);
    };

    let n = 0;
    let total = 0;
    chunks.forEach((chunk, i) => {
      fwdStart[i] = n;
      addField(chunk.text, FIELD_WEIGHTS.text, true);
      addField(chunk.section, FIELD_WEIGHTS.section, true);
      addField(titleField(chunk), FIELD_WEIGHTS.title, false);
      let len = 0;
      for (const id of touched) {
        const f = acc[id]!;
        acc[id] = 0;
        df[id]!++;
        if (n >= fwdTerms.length) {
          fwdTerms = grow(fwdTerms, fwdTerms.length * 2);
          fwdTfs = grow(fwdTfs, fwdTfs.length * 2);
        }
        fwdTerms[n] = id;
        fwdTfs[n] = f;
        n++;
        len += f;
      }
      touched.length = 0;
      this.lengths[i] = len;
      total += len;
    });
    fwdStart[chunks.length] = n;
    this.avgLength = chunks.length ? total / chunks.length : 1;
    this.termCount = nextId;

    // Pass 2: invert into one compressed array of postings per term, chunk ids ascending.
    this.offsets = new Int32Array(nextId + 1);
    for (let t = 0; t < nextId; t++) this.offsets[t + 1] = this.offsets[t]! + df[t]!;
    this.postingIds = new Int32Array(n);
    this.postingTfs = new Float32Array(n);
    const fill = this.offsets.slice(0, nextId);
    for (let i = 0; i < chunks.length; i++) {
      for (let j = fwdStart[i]!; j < fwdStart[i + 1]!; j++) {
        const t = fwdTerms[j]!;
        const at = fill[t]!++;
        this.postingIds[at] = i;
        this.postingTfs[at] = fwdTfs[j]!;
      }
    }
  }

  /** Plain data for an on-disk cache (typed arrays as base64). */
  snapshot(): IndexSnapshot {
    const b64 = (a: Int32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    return {
      termIds: [...this.termIds],
      pairIds: [...this.pairIds],
      termCount: this.termCount,
      offsets: b64(this.offsets),
      postingIds: b64(this.postingIds),
      postingTfs: b64(this.postingTfs),
      lengths: b64(this.lengths),
      avgLength: this.avgLength,
      k1: this.k1,
      b: this.b,
    };
  }

  /** Rebuild an index from `snapshot()` output for the same chunks, without re-tokenising. */
  static restore(chunks: Chunk[], matcher: ConceptMatcher, snap: IndexSnapshot): Bm25Index {
    const buf = (s: string) => {
      const b = Buffer.from(s, 'base64');
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    };
    const index = Object.create(Bm25Index.prototype) as Bm25Index;
    const lengths = new Float32Array(buf(snap.lengths));
    const offsets = new Int32Array(buf(snap.offsets));
    if (lengths.length !== chunks.length || offsets.length !== snap.termCount + 1) throw new Error('index snapshot does not match its chunks');
    Object.assign(index, {
      chunks,
      matcher,
      termIds: new Map(snap.termIds),
      pairIds: new Map(snap.pairIds),
      termCount: snap.termCount,
      offsets,
      postingIds: new Int32Array(buf(snap.postingIds)),
      postingTfs: new Float32Array(buf(snap.postingTfs)),
      lengths,
      avgLength: snap.avgLength,
      k1: snap.k1,
      b: snap.b,
    });
    return index;
  }

  /** Posting-list id of a term, a concept ("§send") or a word pair ("famili learn"). */
  private idOf(term: string): number | undefined {
    const space = term.indexOf(' ');
    if (space < 0) return this.termIds.get(term);
    const a = this.termIds.get(term.slice(0, space));
    const b = this.termIds.get(term.slice(space + 1));
    return a === undefined || b === undefined ? undefined : this.pairIds.get(a * PAIR_KEY_SHIFT + b);
  }

  get size(): number {
    return this.chunks.length;
  }

  /** Every plain word the index holds (stemmed; no concepts, no pairs), for spelling correction. */
  words(): IterableIterator<string> {
    return this.termIds.keys();
  }

  /** Posting lists: words, concepts and word pairs. */
  get vocabularySize(): number {
    return this.termCount;
  }

  /** Does the chunk (by its position in the index) hold the term in any field? Postings are searched, the text is not read again. */
  contains(chunkIndex: number, term: string): boolean {
    const id = this.idOf(term);
    if (id === undefined) return false;
    let lo = this.offsets[id]!;
    let hi = this.offsets[id + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.postingIds[mid]!;
      if (at === chunkIndex) return true;
      if (at < chunkIndex) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  df(term: string): number {
    const id = this.idOf(term);
    return id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!;
  }

  /** BM25 idf (always positive); a term the corpus never uses gets the highest value. */
  idf(term: string): number {
    const n = this.chunks.length;
    const df = this.df(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Top `k` chunks for weighted query terms. */
  search(query: Map<string, number>, k = 5): ScoredChunk[] {
    const n = this.chunks.length;
    if (!n || !query.size) return [];
    const scores = new Float64Array(n);
    const touched: number[] = [];
    for (const [term, weight] of query) {
      const id = this.idOf(term);
      if (id === undefined) continue;
      const idf = this.idf(term) * weight;
      const end = this.offsets[id + 1]!;
      for (let j = this.offsets[id]!; j < end; j++) {
        const doc = this.postingIds[j]!;
        const tf = this.postingTfs[j]!;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / this.avgLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (idf * (tf * (this.k1 + 1))) / norm;
      }
    }
    return topK(touched, scores, k).map((i) => ({ chunk: this.chunks[i]!, index: i, score: scores[i]! }));
  }
}

function grow<T extends Int32Array | Float32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** Partial selection of the k best ids (a small sorted buffer; k is small). */
function topK(ids: number[], scores: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (const id of ids) {
    const s = scores[id]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let pos = best.length;
    while (pos > 0 && scores[best[pos - 1]!]! < s) pos--;
    best.splice(pos, 0, id);
    if (best.length > k) best.pop();
  }
  return best;
}
