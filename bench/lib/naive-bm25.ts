/**
 * The baseline a typical starter bot ships: plain BM25 over fixed, non-overlapping windows of 512 tokens, where a
 * token is a run of letters or digits, lower-cased. No document structure (headings, lists), no stemming, no
 * stop words, no domain vocabulary, no test of whether the passage answers the question. Used only by
 * bench/baseline.ts to put our retrieval side by side with it.
 */

export interface Window {
  source: string;
  /** Position of the window in its document. */
  ordinal: number;
  /** The window's text: its 512 tokens joined by single spaces, as a starter bot would show it. */
  text: string;
}

export interface NaiveOptions {
  /** Tokens per window (default 512). */
  windowTokens?: number;
  k1?: number;
  b?: number;
}

export interface Scored {
  window: Window;
  score: number;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

export function naiveTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export class NaiveBm25 {
  readonly windows: Window[] = [];
  private readonly termFreqs: Map<string, number>[] = [];
  private readonly lengths: number[] = [];
  private readonly docFreq = new Map<string, number>();
  private readonly avgLength: number;
  private readonly k1: number;
  private readonly b: number;

  constructor(documents: { source: string; text: string }[], options: NaiveOptions = {}) {
    const size = options.windowTokens ?? 512;
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    for (const doc of documents) {
      const tokens = naiveTokens(doc.text);
      for (let start = 0, ordinal = 0; start < tokens.length; start += size, ordinal++) {
        const slice = tokens.slice(start, start + size);
        const tf = new Map<string, number>();
        for (const t of slice) tf.set(t, (tf.get(t) ?? 0) + 1);
        for (const t of tf.keys()) this.docFreq.set(t, (this.docFreq.get(t) ?? 0) + 1);
        this.windows.push({ source: doc.source, ordinal, text: slice.join(' ') });
        this.termFreqs.push(tf);
        this.lengths.push(slice.length);
      }
    }
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
  }

  /** Lucene's BM25 IDF (always positive, so even "the" adds a little). */
  private idf(term: string): number {
    const n = this.docFreq.get(term) ?? 0;
    return Math.log(1 + (this.windows.length - n + 0.5) / (n + 0.5));
  }

  /** The k best windows with a score above 0, best first. */
  search(question: string, k: number): Scored[] {
    const terms = [...new Set(naiveTokens(question))].filter((t) => this.docFreq.has(t));
    const scored: Scored[] = [];
    for (let i = 0; i < this.windows.length; i++) {
      const tf = this.termFreqs[i]!;
      const norm = this.k1 * (1 - this.b + (this.b * this.lengths[i]!) / this.avgLength);
      let score = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (f) score += this.idf(t) * ((f * (this.k1 + 1)) / (f + norm));
      }
      if (score > 0) scored.push({ window: this.windows[i]!, score });
    }
    return scored.sort((a, b) => b.score - a.score).slice(0, k);
  }
}
