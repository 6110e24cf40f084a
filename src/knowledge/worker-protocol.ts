/** Messages between ThreadedKnowledgeBase (main thread) and knowledge-worker.ts (its worker thread). */
import type { FieldProblem } from '../errors.js';
import type { KnowledgeBaseOptions, KnowledgeStats } from './knowledge-base.js';

/** What the worker is started with (structured-cloned, so no logger: it builds its own from level and bindings). */
export interface KnowledgeWorkerData {
  /** URL of the worker module that knowledge-worker-boot.mjs loads. */
  entry: string;
  options: Omit<KnowledgeBaseOptions, 'logger'>;
  logLevel: string;
  logBindings: Record<string, unknown>;
}

export type KnowledgeWorkerMethod = 'answer' | 'answerDetailed' | 'search' | 'list' | 'failures' | 'reload' | 'reloadFrom' | 'indexFingerprint' | 'ingest' | 'fingerprint' | 'changedOnDisk';

export interface KnowledgeWorkerRequest {
  id: number;
  method: KnowledgeWorkerMethod;
  args: unknown[];
}

/** An error as it crosses the thread boundary; re-created on the main side as the same typed error. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  /** True for an AppError (or subclass): re-created as one. */
  app?: boolean;
  problems?: FieldProblem[];
}

export type KnowledgeWorkerReply =
  | { type: 'ready'; stats: KnowledgeStats }
  | { type: 'failed'; error: SerializedError }
  | { type: 'reply'; id: number; ok: true; value: unknown; stats: KnowledgeStats }
  | { type: 'reply'; id: number; ok: false; error: SerializedError; stats: KnowledgeStats };
