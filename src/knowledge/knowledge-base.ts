import { copyFile, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, ValidationError, type FieldProblem } from '../errors.js';
import type { Logger } from '../logger.js';
import { MAX_QUESTION_CHARS } from '../shared/limits.js';
import { Bm25Index, type ScoredChunk } from './bm25-index.js';
import { chunkDocument, type ChunkOptions } from './chunker.js';
import { bestEvidence, holdsAskedFact, passageHasNames, questionNames, splitUnits, selectSentences, type SelectedSentence } from './extractive.js';
import { holdsFacts, loadFactReader } from './facts.js';
import { tokenize } from './tokenizer.js';
import { defaultLexicon } from './lexicon.js';
import { LlmAnswerer, type LlmOptions } from './llm-answerer.js';
import { DocumentLoadError, loadDocument, loadDocumentBytes } from './loaders.js';
import { documentSetFingerprint, folderSignature, readFolderDocuments, type DocumentInput } from './documents.js';
import type { Chunk, DocumentSummary, LoadFailure } from './model.js';
import { cacheKey, readCachedIndex, writeCachedIndex } from './index-cache.js';
import { loadPromptFolder, type PromptTemplate } from './prompt-folder.js';
import { tidyTitle } from './sources.js';
import { assessSupport, buildQuery, coverage, looksLikeInstructionOverride, search, splitQuestion, type Support } from './retrieval.js';
import type { Answer, Answerer, AskOptions, Citation } from './types.js';
import { createConceptMatcher, DOMAIN_VOCABULARY, learnAcronyms, learnInitialisms, learnNames } from './vocabulary.js';

export interface KnowledgeBaseOptions {
  /** Folder of documents (KNOWLEDGE_DIR). */
  dir: string;
  logger: Logger;
  /** With options, answers are written by the model from the retrieved passages; without, they are extractive. */
  llm?: LlmOptions;
  /** teams-ai prompt folder for the model (default: prompts/answer in the project). */
  promptDir?: string;
  chunking?: ChunkOptions;
  /**
   * Folder for an on-disk cache of the built index (keyed by the documents' contents and this module's code).
   * Worth it for short-lived processes such as the CLI; unset = no cache.
   */
  cacheDir?: string;
}

export interface KnowledgeStats {
  documents: number;
  chunks: number;
  /** When the index in use was built; null before the first load. */
  loadedAt: Date | null;
  /** Files in the folder that could not be read at the last load. */
  failures: number;
}

export interface ReloadReport {
  documents: DocumentSummary[];
  chunks: number;
  failures: LoadFailure[];
  loadedAt: Date;
  fingerprint: string;
  /** True when the index came from the on-disk cache instead of being built. */
  fromCache: boolean;
}

export interface IngestReport extends ReloadReport {
  added: string[];
  replaced: string[];
}

/** An answer with how it was produced (for logs, the question log and the CLI). */
export interface DetailedAnswer extends Answer {
  mode: 'extractive' | 'llm' | 'abstain';
  coverage: number;
}

interface IndexState {
  index: Bm25Index;
  /** Words the documents always write as names (see learnNames). */
  names: Set<string>;
  documents: DocumentSummary[];
  failures: LoadFailure[];
  loadedAt: Date;
  fingerprint: string;
}

const DEFAULT_PROMPT_DIR = fileURLToPath(new URL('../../prompts/answer/', import.meta.url));
const PASSAGES_FOR_MODEL = 5;
/** One sentence, or two neighbouring ones, must hold this share of the question's (IDF-weighted) words. */
export const MIN_EVIDENCE_COVERAGE = 0.5;
/** A question word carrying this share of the question's weight must be in the evidence (or its context). */
export const MAX_MISSING_SHARE = 0.4;
/** An answer to a two-part question as a whole must hold this share of each part's words to stand for both. */
const PART_MIN_COVERAGE = 0.35;
const EXCERPT_MAX_CHARS = 600;

/**
 * The knowledge base: documents in a folder, chunked by structure and indexed with BM25. `reload()` builds a new
 * index and swaps it in one assignment, so a question being answered during a reload uses either the old index
 * or the new one, never a half-built one.
 */
export class KnowledgeBase implements Answerer {
  private state?: IndexState;
  private reloading: Promise<unknown> = Promise.resolve();
  /** The files' names, sizes and times at the last content check, so a periodic check reads no file unless one changed. */
  private lastCheck?: { signature: string; fingerprint: string };
  private readonly llm?: LlmAnswerer;
  private promptCache?: Promise<PromptTemplate>;
  readonly dir: string;

  constructor(private readonly options: KnowledgeBaseOptions) {
    this.dir = resolve(options.dir);
    if (options.llm) this.llm = new LlmAnswerer(options.llm, () => this.prompt());
  }

  /** Build a fresh index from the folder and swap it in. Concurrent calls run one after another. */
  reload(): Promise<ReloadReport> {
    return this.serialised(() => this.buildFromFolder());
  }

  /**
   * Build from these documents (the store's) instead of the folder, and swap the index in; nothing is rebuilt when
   * they are the documents the index was built from. An empty set empties the index: documents taken out of the
   * store on purpose (kb remove) must stop being answered from.
   */
  reloadFrom(documents: DocumentInput[]): Promise<ReloadReport> {
    return this.serialised(async () => {
      const s = this.state;
      if (s && s.fingerprint === documentSetFingerprint(documents)) {
        return { documents: [...s.documents], chunks: s.index.size, failures: [...s.failures], loadedAt: s.loadedAt, fingerprint: s.fingerprint, fromCache: false };
      }
      return this.build(documents, [], { keepOnEmpty: false });
    });
  }

  /** The fingerprint (documentSetFingerprint) of the documents the index in use was built from; null before the first. */
  indexFingerprint(): string | null {
    return this.state?.fingerprint ?? null;
  }

  private serialised(build: () => Promise<ReloadReport>): Promise<ReloadReport> {
    const run = this.reloading.then(build);
    this.reloading = run.catch(() => undefined);
    return run;
  }

  /**
   * Copy documents into the folder (replacing files of the same name) and reload. Every file is read first; if
   * any cannot be used, nothing is copied and a ValidationError names each file and the reason.
   */
  async ingest(paths: string[]): Promise<IngestReport> {
    if (!paths.length) throw new ValidationError([{ field: 'path', message: 'Give at least one file to ingest.' }]);
    const problems: FieldProblem[] = [];
    const names = new Map<string, string>();
    for (const p of paths) {
      const name = basename(p);
      if (names.has(name)) {
        problems.push({ field: name, message: `${name}: given twice (${names.get(name)} and ${p}); file names must be unique.` });
        continue;
      }
      names.set(name, p);
      try {
        const s = await stat(p);
        if (!s.isFile()) throw new DocumentLoadError(name, 'not a file');
        await loadDocument(p);
      } catch (err) {
        const reason = err instanceof DocumentLoadError ? err.reason : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((err as Error).message);
        problems.push({ field: name, message: `${name}: ${reason}.` });
      }
    }
    if (problems.length) throw new ValidationError(problems, `Nothing was ingested. ${problems.map((p) => p.message).join(' ')}`);

    await mkdir(this.dir, { recursive: true });
    const existing = new Set(await readdir(this.dir));
    const added: string[] = [];
    const replaced: string[] = [];
    for (const [name, p] of names) {
      if (resolve(p) === join(this.dir, name)) {
        replaced.push(name);
        continue;
      }
      const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
      try {
        await copyFile(p, tmp);
        await rename(tmp, join(this.dir, name));
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      (existing.has(name) ? replaced : added).push(name);
    }
    const report = await this.reload();
    this.options.logger.info({ added, replaced, documents: report.documents.length, chunks: report.chunks }, 'knowledge ingested');
    return { ...report, added, replaced };
  }

  list(): DocumentSummary[] {
    return this.state ? [...this.state.documents] : [];
  }

  stats(): KnowledgeStats {
    const s = this.state;
    return { documents: s?.documents.length ?? 0, chunks: s?.index.size ?? 0, loadedAt: s?.loadedAt ?? null, failures: s?.failures.length ?? 0 };
  }

  failures(): LoadFailure[] {
    return this.state ? [...this.state.failures] : [];
  }

  /** Hash of the names and contents of the supported files in the folder now. */
  async fingerprint(): Promise<string> {
    return documentSetFingerprint((await readFolderDocuments(this.dir)).documents);
  }

  /** True when the files on disk differ from those the index in use was built from. */
  async changedOnDisk(): Promise<boolean> {
    if (!this.state) return true;
    const listing = await folderSignature(this.dir);
    if (listing.settled && this.lastCheck?.signature === listing.signature) return this.lastCheck.fingerprint !== this.state.fingerprint;
    const fingerprint = await this.fingerprint();
    // A file written in the last seconds may still be growing: check its contents again next time.
    this.lastCheck = listing.settled ? { signature: listing.signature, fingerprint } : undefined;
    return fingerprint !== this.state.fingerprint;
  }

  /** Best passages for a query (for tools and tests); does not decide whether they answer it. */
  search(question: string, k = 5, context?: string): ScoredChunk[] {
    const state = this.state;
    if (!state) return [];
    return search(state.index, buildQuery(state.index, question, context), k);
  }

  async answer(question: string, options: AskOptions = {}): Promise<Answer> {
    const { mode: _mode, coverage: _coverage, ...answer } = await this.answerDetailed(question, options);
    return answer;
  }

  async answerDetailed(question: string, options: AskOptions = {}): Promise<DetailedAnswer> {
    const q = typeof question === 'string' ? question.trim() : '';
    if (!q) throw new ValidationError([{ field: 'question', message: 'The question is empty: type what you want to know.' }]);
    const state = this.state; // one snapshot for the whole answer
    if (!state || state.index.size === 0) {
      return { answered: false, answer: 'No documents are loaded yet, so I cannot answer questions. Ask an administrator to add documents to the knowledge base.', citations: [], mode: 'abstain', coverage: 0 };
    }
    const parts = looksLikeInstructionOverride(q) ? [q] : splitQuestion(q);
    const whole = await this.answerOne(state, q, options);
    if (parts.length === 1) return whole;
    // A two-part question answered as a whole, with what each part asks for, is answered; otherwise it is answered
    // part by part, each part read with the other as its topic.
    // A part the whole answer already answers keeps it: read with the whole question, its sentences are about the
    // right thing ("…and how many workshops did it take" is about the school report, not workshops in general).
    const byWhole = parts.map((p) => whole.answered && this.answersPart(state, p, whole.answer));
    if (byWhole.every(Boolean)) return whole;
    const answers: DetailedAnswer[] = [];
    for (const [i, part] of parts.entries()) {
      if (byWhole[i]) {
        answers.push(whole);
        continue;
      }
      const others = parts.filter((_, j) => j !== i).join(' ');
      const context = [options.context, others].filter(Boolean).join(' ');
      answers.push(await this.answerOne(state, part, { context }, true));
    }
    if (answers.every((a) => !a.answered)) return whole;
    return combineParts(parts, answers);
  }

  /** Does an answer to the whole question also answer this part: its words and what it asks for? */
  private answersPart(state: IndexState, part: string, answer: string): boolean {
    const query = buildQuery(state.index, part);
    const tokens = tokenize(answer);
    const terms = new Set([...tokens.filter((t) => !t.stop).map((t) => t.term), ...state.index.matcher.concepts(tokens)]);
    return coverage(state.index, query, terms) >= PART_MIN_COVERAGE && holdsFacts(query.asks, answer, part);
  }

  private async answerOne(state: IndexState, q: string, options: AskOptions, partOf = false): Promise<DetailedAnswer> {
    const { index } = state;
    let query = buildQuery(index, q, options.context, undefined, partOf);
    let ranked = search(index, query, 8);
    if (options.context && !query.refersBack) {
      // A question in a thread that does not point back at the earlier one and stands on its own words is ranked
      // on them alone: the earlier question must not pull its own passages above this one's answer.
      const own = buildQuery(index, q);
      const ownRanked = search(index, own, 8);
      if (assessSupport(index, own, ownRanked, q).supported) {
        query = own;
        ranked = ownRanked;
      }
    }
    let support = assessSupport(index, query, ranked, q);
    const log = this.options.logger;
    // The evidence must also sit together in one sentence (or a list with its lead-in), not be scattered over a
    // passage: "What are the term dates for 2026?" finds "term", "date" and "2026" in one passage, never in one sentence.
    if (support.supported) {
      const evidence = bestEvidence(index, query, ranked, 4, support.usedContext);
      // …and no word that carries much of the question may be missing from it: "how many teachers left" is not
      // answered by a sentence about teachers that says nothing of leaving.
      if (evidence.coverage < MIN_EVIDENCE_COVERAGE || (evidence.missing[0]?.weight ?? 0) >= MAX_MISSING_SHARE) {
        support = { ...support, supported: false, reason: 'not_covered' };
      }
    }
    if (!support.supported) {
      log.info({ answered: false, reason: support.reason, coverage: round(support.coverage) }, 'knowledge answer');
      return { ...this.abstain(state, support), mode: 'abstain', coverage: support.coverage };
    }
    let fallbackNote: string | undefined;
    if (this.llm) {
      try {
        const passages = ranked.slice(0, PASSAGES_FOR_MODEL).map((r) => r.chunk);
        const reply = await this.llm.write(q.slice(0, MAX_QUESTION_CHARS), passages, state.documents.map((d) => d.title));
        if (reply.kind === 'abstain') {
          log.info({ answered: false, reason: 'model_declined', coverage: round(support.coverage) }, 'knowledge answer');
          return { ...this.abstain(state, support), mode: 'abstain', coverage: support.coverage };
        }
        if (reply.kind === 'answer') {
          log.info({ answered: true, mode: 'llm', citations: reply.cited.length, coverage: round(support.coverage) }, 'knowledge answer');
          return {
            answered: true,
            answer: reply.text,
            citations: reply.cited.map((c) => this.citation(index, query, c)),
            mode: 'llm',
            coverage: support.coverage,
          };
        }
        log.warn({ model: this.llm.model }, 'model reply cited no passage; using the extractive answer');
      } catch (err) {
        log.warn({ err: describeError(err), model: this.llm.model }, 'model request failed; using the extractive answer');
        if (isTimeout(err)) fallbackNote = `The written answer took too long (over ${Math.round(this.llm.timeoutMs / 1000)} seconds), so here are the documents' own words.`;
      }
    }
    // The answer comes from passages that hold the names the question uses ("Maria Fidelis", "NPQ"), if any does.
    const named = questionNames(index, query, state.names, q);
    if (named.length) ranked = ranked.slice(0, 4).filter((r) => passageHasNames(index, query, r.chunk, named));
    const sentences = selectSentences(index, query, ranked);
    if (!sentences.length) {
      log.info({ answered: false, reason: named.length ? 'name_not_found' : 'no_sentence', coverage: round(support.coverage) }, 'knowledge answer');
      return { ...this.abstain(state, { ...support, reason: 'not_covered' }), mode: 'abstain', coverage: support.coverage };
    }
    if (!holdsAskedFact(index, query, sentences, ranked)) {
      log.info({ answered: false, reason: 'fact_not_found', coverage: round(support.coverage) }, 'knowledge answer');
      return { ...this.abstain(state, { ...support, reason: 'fact_not_found' }), mode: 'abstain', coverage: support.coverage };
    }
    log.info({ answered: true, mode: 'extractive', coverage: round(support.coverage) }, 'knowledge answer');
    const extractive = composeExtractive(ranked, sentences);
    if (fallbackNote) extractive.answer = `${fallbackNote}\n\n${extractive.answer}`;
    return { ...extractive, mode: 'extractive', coverage: support.coverage };
  }

  private abstain(state: IndexState, support: Support): Answer {
    const titles = state.documents.map((d) => d.title);
    const covers = titles.length ? ` They cover: ${titles.join('; ')}.` : '';
    const lead =
      support.reason === 'instruction_override'
        ? 'I can only answer questions from the knowledge base documents, and I cannot change how I work.'
        : support.reason === 'no_terms'
          ? 'I could not find a topic to look up in that question; please ask it in a few more words.'
          : support.reason === 'fact_not_found'
            ? 'The documents touch on that topic, but I could not find the figure or date you asked for, so I cannot answer it.'
            : 'The documents I can search do not cover that, so I cannot answer it.';
    return { answered: false, answer: `${lead}${covers}`, citations: [] };
  }

  private citation(index: Bm25Index, query: ReturnType<typeof buildQuery>, chunk: Chunk): Citation {
    const picked = selectSentences(index, query, [{ chunk, index: -1, score: 1 }], { maxSentences: 2, passages: 1 });
    const excerpt = picked.length ? picked.map((s) => s.text).join(' … ') : chunk.text;
    return { ...sourceOf(chunk), excerpt: truncate(excerpt, EXCERPT_MAX_CHARS) };
  }

  private prompt(): Promise<PromptTemplate> {
    this.promptCache ??= loadPromptFolder(this.options.promptDir ?? DEFAULT_PROMPT_DIR).catch((err: unknown) => {
      this.promptCache = undefined;
      throw err;
    });
    return this.promptCache;
  }

  /**
   * Build from the folder's documents. A folder that has become empty or unreadable while the index has documents
   * keeps the index (knowledge_empty): a missing mount must not wipe a working bot.
   */
  private async buildFromFolder(): Promise<ReloadReport> {
    const folder = await readFolderDocuments(this.dir);
    return this.build(folder.documents, folder.failures, { keepOnEmpty: true });
  }

  private async build(inputs: DocumentInput[], readFailures: LoadFailure[], opts: { keepOnEmpty: boolean }): Promise<ReloadReport> {
    const log = this.options.logger;
    const started = performance.now();
    const failures: LoadFailure[] = [...readFailures];
    const fingerprint = documentSetFingerprint(inputs);
    const key = this.options.cacheDir ? cacheKey(fingerprint, this.options.chunking) : undefined;
    const cached = key ? await readCachedIndex(this.options.cacheDir!, key) : undefined;
    let fromCache = false;
    let built: { documents: DocumentSummary[]; chunks: Chunk[]; acronyms: Record<string, string[]>; index: Bm25Index } | undefined;
    if (cached) {
      try {
        const matcher = createConceptMatcher({ ...DOMAIN_VOCABULARY, ...cached.acronyms }, learnInitialisms(cached.chunks.map((c) => c.text)));
        built = { documents: cached.documents, chunks: cached.chunks, acronyms: cached.acronyms, index: Bm25Index.restore(cached.chunks, matcher, cached.index) };
        failures.push(...cached.failures);
        fromCache = true;
      } catch (err) {
        log.debug({ err: (err as Error).message }, 'knowledge index cache unusable; rebuilding');
      }
    }
    if (!built) {
      const loadFailures: LoadFailure[] = [];
      const documents: DocumentSummary[] = [];
      const chunks: Chunk[] = [];
      for (const input of [...inputs].sort((a, b) => (a.source < b.source ? -1 : 1))) {
        try {
          const doc = await loadDocumentBytes(input.source, input.format, input.content);
          // sources.yaml, then front matter, give the document's real title and link.
          const info = { ...doc.meta, ...input.meta };
          const result = chunkDocument(info.title ? { ...doc, title: info.title } : doc, this.options.chunking);
          if (!result.chunks.length) throw new DocumentLoadError(doc.source, 'no passages found in the text');
          const title = tidyTitle(result.title);
          for (const c of result.chunks) {
            c.title = title;
            if (info.url) c.url = info.url;
          }
          documents.push({ source: doc.source, title, ...(info.url ? { url: info.url } : {}), format: doc.format, chunks: result.chunks.length, sections: result.sections });
          chunks.push(...result.chunks);
        } catch (err) {
          const reason = err instanceof DocumentLoadError ? err.reason : `could not be processed (${(err as Error).message})`;
          loadFailures.push({ source: input.source, reason });
        }
      }
      failures.push(...loadFailures);
      const acronyms = learnAcronyms(chunks.map((c) => c.text));
      const index = new Bm25Index(chunks, createConceptMatcher({ ...DOMAIN_VOCABULARY, ...acronyms }, learnInitialisms(chunks.map((c) => c.text))));
      built = { documents, chunks, acronyms, index };
      if (key && documents.length) {
        await writeCachedIndex(this.options.cacheDir!, { key, documents, failures: loadFailures, chunks, acronyms, index: index.snapshot() }).catch((err: unknown) =>
          log.debug({ err: (err as Error).message }, 'knowledge index cache not written'),
        );
      }
    }
    const { documents, chunks, index } = built;
    for (const f of failures) log.warn({ source: f.source, reason: f.reason }, 'knowledge document skipped');
    if (opts.keepOnEmpty && !documents.length && this.state?.documents.length) {
      // A missing mount or a folder emptied by mistake must not wipe a working bot: keep answering from the old index.
      log.error({ dir: this.dir, skipped: failures.length }, 'knowledge reload found no readable documents; keeping the current index');
      throw new AppError('knowledge_empty', `No readable documents in ${this.dir}; the current index (${this.state.documents.length} documents) is still in use.`);
    }
    // The lexicon and the sentence reader load once per process (about 0.4 s): here, not on the first question.
    defaultLexicon();
    loadFactReader();
    const loadedAt = new Date();
    const nameTerms = learnNames(chunks.map((c) => c.text));
    this.state = { index, names: nameTerms, documents, failures, loadedAt, fingerprint }; // the atomic swap
    log.info({ documents: documents.length, chunks: chunks.length, skipped: failures.length, fromCache, ms: Math.round(performance.now() - started) }, 'knowledge index built');
    return { documents, chunks: chunks.length, failures, loadedAt, fingerprint, fromCache };
  }
}

/**
 * One answer from the answers to each part: the parts' texts in order with their citations renumbered (a passage
 * cited by two parts is listed once), and a closing line naming any part the documents do not answer.
 */
function combineParts(parts: string[], answers: DetailedAnswer[]): DetailedAnswer {
  const citations: Citation[] = [];
  const texts: string[] = [];
  const uncovered: string[] = [];
  const shown = new Set<DetailedAnswer>();
  const said = new Set<string>();
  answers.forEach((a, i) => {
    if (!a.answered) {
      uncovered.push(parts[i]!.replace(/[?.!\s]+$/, ''));
      return;
    }
    // The whole question's answer, standing for several parts, is shown once.
    if (shown.has(a)) return;
    shown.add(a);
    const numbers = new Map<number, number>();
    const renumber = (n: number): number | undefined => {
      const c = a.citations[n - 1];
      if (!c) return undefined;
      let to = numbers.get(n);
      if (to === undefined) {
        const at = citations.findIndex((x) => x.source === c.source && x.section === c.section && x.excerpt === c.excerpt);
        to = at >= 0 ? at + 1 : citations.push(c);
        numbers.set(n, to);
      }
      return to;
    };
    // A paragraph another part's answer already gave is not said twice (nor its source listed for it).
    const kept: string[] = [];
    for (const paragraph of a.answer.split(/\n{2,}/)) {
      const body = paragraph.replace(/\s*\[[\d,;\s–-]+\]/g, '').trim();
      if (said.has(body)) continue;
      said.add(body);
      kept.push(paragraph.replace(/\[(\d+)\]/g, (whole, n: string) => (renumber(Number(n)) ? `[${renumber(Number(n))}]` : whole)));
    }
    if (kept.length) texts.push(kept.join('\n\n'));
  });
  if (uncovered.length) texts.push(`The documents do not say: ${uncovered.map((u) => `“${u}”`).join('; ')}.`);
  const modes = answers.filter((a) => a.answered).map((a) => a.mode);
  return {
    answered: true,
    answer: texts.join('\n\n'),
    citations,
    mode: modes.includes('llm') ? 'llm' : 'extractive',
    coverage: Math.min(...answers.map((a) => a.coverage)),
  };
}

/** Extractive answer: the chosen sentences grouped by passage, each group followed by its citation number. */
function composeExtractive(ranked: ScoredChunk[], sentences: SelectedSentence[]): Answer {
  const order: number[] = [];
  for (const s of sentences) if (!order.includes(s.chunkRank)) order.push(s.chunkRank);
  const parts: string[] = [];
  const citations: Citation[] = [];
  order.forEach((rank, i) => {
    const chunk = ranked[rank]!.chunk;
    // A list item quoted on its own loses its bullet.
    const picked = sentences.filter((s) => s.chunkRank === rank).map((s) => (s.text.includes('\n') ? s.text : s.text.replace(/^• /, '')));
    parts.push(`${picked.join(' ')} [${i + 1}]`);
    citations.push({ ...sourceOf(chunk), excerpt: truncate(surroundings(chunk, sentences.filter((s) => s.chunkRank === rank)), EXCERPT_MAX_CHARS) });
  });
  return { answered: true, answer: parts.join('\n\n'), citations };
}

/** Where a passage comes from, as a reader sees it: the document's title, its link when known, the section. */
function sourceOf(chunk: Chunk): Omit<Citation, 'excerpt'> {
  return { source: chunk.source, title: chunk.title, ...(chunk.url ? { url: chunk.url } : {}), section: chunk.section };
}

/**
 * The excerpt under an extractive answer: what the passage says around the quoted sentences (the sentence before
 * and the one after), so the reader sees the context instead of the answer a second time. Empty when the answer
 * is the whole passage.
 */
function surroundings(chunk: Chunk, quoted: SelectedSentence[]): string {
  const units = splitUnits(chunk.text);
  const positions = new Set(quoted.map((q) => q.position));
  const first = Math.min(...positions);
  const last = Math.max(...positions);
  const around = [first - 1, last + 1].filter((p) => p >= 0 && p < units.length && !positions.has(p));
  return around.map((p) => units[p]!.replace(/^• /, '')).join(' … ');
}

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40)).trimEnd() + '…';
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return /timeout|abort/i.test(e?.name ?? '') || /timed? ?out|aborted/i.test(e?.message ?? '');
}

function describeError(err: unknown): { name?: string; message: string; status?: number } {
  const e = err as { name?: string; message?: string; status?: number };
  return { name: e?.name, message: e?.message ?? String(err), status: e?.status };
}
