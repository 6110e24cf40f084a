import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, NotAuthorisedError, NotFoundError, UnavailableError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ScoredChunk } from './bm25-index.js';
import type { DetailedAnswer, IngestReport, KnowledgeBaseOptions, KnowledgeStats, ReloadReport } from './knowledge-base.js';
import type { DocumentSummary, LoadFailure } from './model.js';
import type { DocumentInput } from './documents.js';
import type { Answer, Answerer, AskOptions } from './types.js';
import type { KnowledgeWorkerData, KnowledgeWorkerMethod, KnowledgeWorkerReply, SerializedError } from './worker-protocol.js';

export interface ThreadedKnowledgeBaseOptions extends Omit<KnowledgeBaseOptions, 'logger'> {
  /** The main thread's logger; the worker logs at its level with its bindings plus `thread: "knowledge"`. */
  logger: Logger;
  /** Worker entry module. Default: knowledge-worker next to this file (tests pass a wrapper). */
  workerUrl?: URL;
  /** Unexpected worker exits allowed within `restartWindowMs` before giving up until that window passes. Default 5. */
  maxRestarts?: number;
  /** Default 60 s. */
  restartWindowMs?: number;
  /** Delay before the first restart, doubled for each restart within the window, at most 5 s. Default 200 ms. */
  restartDelayMs?: number;
}

interface Pending {
  method: KnowledgeWorkerMethod;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

const MAX_RESTART_DELAY_MS = 5_000;
/** Loads the entry (workerData.entry) in the worker, through tsx when it is TypeScript. */
const BOOT_URL = new URL('./knowledge-worker-boot.mjs', import.meta.url);
const EMPTY_STATS: KnowledgeStats = { documents: 0, chunks: 0, loadedAt: null, failures: 0 };

/**
 * The knowledge base hosted in a `node:worker_threads` Worker, so BM25 retrieval and sentence scoring run off the
 * event loop that has to acknowledge Slack and Teams within their deadlines (and accept new connections). Same
 * surface as KnowledgeBase, async where it must cross the thread; `stats()` stays synchronous by caching what the
 * worker reported with its last reply. Errors thrown in the worker come back as the same typed errors.
 *
 * If the worker dies, calls in flight fail with UnavailableError and a new worker is started (with backoff, at
 * most `maxRestarts` within `restartWindowMs`); calls made meanwhile wait for it. `close()` terminates the worker.
 * Start it with `ThreadedKnowledgeBase.start()`, which resolves once the first index is loaded.
 */
export class ThreadedKnowledgeBase implements Answerer {
  readonly dir: string;
  private readonly logger: Logger;
  private readonly workerUrl: URL;
  private readonly workerData: KnowledgeWorkerData;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  private readonly restartDelayMs: number;
  private worker?: Worker;
  private ready: Promise<Worker>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private cachedStats: KnowledgeStats = EMPTY_STATS;
  private restarts: number[] = [];
  private gaveUpAt?: number;
  private restartTimer?: NodeJS.Timeout;
  /** Ends the wait before a restart early (close() during the backoff). */
  private wakeRestart?: () => void;
  private closed = false;

  private constructor(options: ThreadedKnowledgeBaseOptions) {
    const { logger, workerUrl, maxRestarts, restartWindowMs, restartDelayMs, ...kbOptions } = options;
    this.dir = kbOptions.dir;
    this.logger = logger;
    // The entry has this module's extension: .ts under tsx (dev, tests), .js if compiled.
    this.workerUrl = workerUrl ?? new URL(`./knowledge-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
    this.workerData = { entry: this.workerUrl.href, options: kbOptions, logLevel: logger.level, logBindings: { ...logger.bindings(), thread: 'knowledge' } };
    this.maxRestarts = maxRestarts ?? 5;
    this.restartWindowMs = restartWindowMs ?? 60_000;
    this.restartDelayMs = restartDelayMs ?? 200;
    this.ready = this.spawn();
  }

  /** Start the worker and load the index; rejects (with the worker's error) if the first load fails. */
  static async start(options: ThreadedKnowledgeBaseOptions): Promise<ThreadedKnowledgeBase> {
    const kb = new ThreadedKnowledgeBase(options);
    try {
      await kb.ready;
    } catch (err) {
      await kb.close();
      throw err;
    }
    return kb;
  }

  answer(question: string, options: AskOptions = {}): Promise<Answer> {
    return this.call('answer', [question, options]) as Promise<Answer>;
  }

  answerDetailed(question: string, options: AskOptions = {}): Promise<DetailedAnswer> {
    return this.call('answerDetailed', [question, options]) as Promise<DetailedAnswer>;
  }

  /** Best passages for a query (for tools and tests); does not decide whether they answer it. */
  search(question: string, k = 5, context?: string): Promise<ScoredChunk[]> {
    return this.call('search', [question, k, context]) as Promise<ScoredChunk[]>;
  }

  /** The index's figures as of the worker's last reply (updated by every call, including reload and ingest). */
  stats(): KnowledgeStats {
    return { ...this.cachedStats };
  }

  list(): Promise<DocumentSummary[]> {
    return this.call('list', []) as Promise<DocumentSummary[]>;
  }

  failures(): Promise<LoadFailure[]> {
    return this.call('failures', []) as Promise<LoadFailure[]>;
  }

  reload(): Promise<ReloadReport> {
    return this.call('reload', []) as Promise<ReloadReport>;
  }

  /** Build from these documents (the store's) on the thread; nothing is rebuilt when the index already holds them. */
  reloadFrom(documents: DocumentInput[]): Promise<ReloadReport> {
    return this.call('reloadFrom', [documents]) as Promise<ReloadReport>;
  }

  indexFingerprint(): Promise<string | null> {
    return this.call('indexFingerprint', []) as Promise<string | null>;
  }

  ingest(paths: string[]): Promise<IngestReport> {
    return this.call('ingest', [paths]) as Promise<IngestReport>;
  }

  fingerprint(): Promise<string> {
    return this.call('fingerprint', []) as Promise<string>;
  }

  changedOnDisk(): Promise<boolean> {
    return this.call('changedOnDisk', []) as Promise<boolean>;
  }

  /** Terminate the worker; calls in flight or made later fail with UnavailableError. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.wakeRestart?.(); // a call waiting for a restart now fails instead of waiting forever
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new UnavailableError('The knowledge base is shutting down; please ask again in a minute.'));
    if (worker) await worker.terminate();
  }

  private async call(method: KnowledgeWorkerMethod, args: unknown[]): Promise<unknown> {
    const worker = await this.whenReady();
    // close() or a crash may have come between the worker being ready and this call resuming.
    if (this.closed) throw new UnavailableError('The knowledge base is shut down.');
    if (this.worker !== worker) throw new UnavailableError('The knowledge base stopped while working on this; please ask again in a moment.');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      try {
        worker.postMessage({ id, method, args });
      } catch (err) {
        // Arguments that cannot be cloned (functions, symbols): the caller's mistake, reported like bad input.
        this.pending.delete(id);
        reject(new ValidationError([{ field: 'question', message: `Cannot pass that to the knowledge base (${(err as Error).message}).` }]));
      }
    });
  }

  /** The running worker; waits through a restart in progress (never longer than the restart attempts allow). */
  private async whenReady(): Promise<Worker> {
    for (let attempt = 0; attempt <= this.maxRestarts + 1; attempt++) {
      if (this.closed) throw new UnavailableError('The knowledge base is shut down.');
      if (this.gaveUpAt !== undefined && Date.now() - this.gaveUpAt >= this.restartWindowMs) {
        // The restarts ran out a while ago: try once more for this call rather than staying down for good.
        this.gaveUpAt = undefined;
        this.restarts = [];
        this.ready = this.spawn();
      }
      const current = this.ready;
      try {
        return await current;
      } catch (err) {
        if (this.ready === current || this.closed) throw toUnavailable(err);
        // A newer worker is being started; wait for that one.
      }
    }
    throw new UnavailableError('The knowledge base could not be restarted; please try again in a minute.');
  }

  private spawn(): Promise<Worker> {
    return new Promise<Worker>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(BOOT_URL, { workerData: this.workerData, name: 'knowledge' });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.worker = worker;
      let isReady = false;
      let lastError: Error | undefined;
      worker.on('message', (msg: KnowledgeWorkerReply) => {
        if (msg.type === 'ready') {
          isReady = true;
          this.cachedStats = msg.stats;
          resolve(worker);
        } else if (msg.type === 'failed') {
          lastError = reviveError(msg.error);
          void worker.terminate();
        } else if (msg.type === 'reply') {
          this.cachedStats = msg.stats;
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          if (msg.ok) p.resolve(msg.value);
          else p.reject(reviveError(msg.error));
        }
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (code) => {
        if (!isReady) reject(lastError ?? new UnavailableError(`The knowledge base worker exited while loading (code ${code}).`));
        if (this.worker !== worker) return; // terminated by close() or already replaced
        this.worker = undefined;
        if (this.closed) return;
        const restart = isReady || this.restarts.length > 0; // a first start that fails is reported by start(), not retried
        this.logger.error(
          { code, err: lastError ? { name: lastError.name, message: lastError.message } : undefined, inFlight: this.pending.size, restart },
          'knowledge worker exited',
        );
        this.failPending(
          new UnavailableError('The knowledge base stopped while working on this; please ask again in a moment.', { cause: lastError }),
        );
        if (restart) this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < this.restartWindowMs);
    if (this.restarts.length >= this.maxRestarts) {
      this.gaveUpAt = now;
      this.logger.error({ restarts: this.restarts.length, windowMs: this.restartWindowMs }, 'knowledge worker keeps exiting; not restarting it for now');
      this.ready = Promise.reject(new UnavailableError('The knowledge base is unavailable; please try again in a few minutes.'));
      this.ready.catch(() => undefined);
      return;
    }
    const delay = Math.min(this.restartDelayMs * 2 ** this.restarts.length, MAX_RESTART_DELAY_MS);
    this.restarts.push(now);
    this.ready = new Promise<void>((resolve) => {
      this.wakeRestart = resolve;
      this.restartTimer = setTimeout(resolve, delay);
    }).then(() => {
      this.wakeRestart = undefined;
      if (this.closed) throw new UnavailableError('The knowledge base is shut down.');
      return this.spawn();
    });
    this.ready.catch(() => undefined); // awaited by callers; the exit handler schedules the next attempt
  }

  private failPending(err: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }
}

/** Re-create an error from the worker as the same typed error, so callers behave as with the in-process knowledge base. */
export function reviveError(e: SerializedError): Error {
  let err: Error;
  if (e.app) {
    switch (e.code) {
      case 'validation_failed':
        err = new ValidationError(e.problems ?? [], e.message);
        break;
      case 'not_authorised':
        err = new NotAuthorisedError(e.message);
        break;
      case 'not_found':
        err = new NotFoundError(e.message);
        break;
      case 'unavailable':
        err = new UnavailableError(e.message);
        break;
      default:
        err = new AppError(e.code ?? 'internal', e.message);
    }
  } else {
    err = new Error(e.message);
    if (e.code) (err as NodeJS.ErrnoException).code = e.code;
  }
  err.name = e.name;
  return err;
}

function toUnavailable(err: unknown): Error {
  if (err instanceof AppError) return err;
  return new UnavailableError('The knowledge base is unavailable; please try again in a minute.', { cause: err });
}
