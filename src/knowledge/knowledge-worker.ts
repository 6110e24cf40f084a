/**
 * Worker-thread entry for ThreadedKnowledgeBase: hosts one real KnowledgeBase and serves calls posted by the main
 * thread, so retrieval and sentence scoring never run on the event loop that acknowledges Slack and Teams.
 * Protocol (see threaded-knowledge-base.ts): after the first load it posts `{ type: 'ready', stats }` (or
 * `{ type: 'failed', error }`); each `{ id, method, args }` gets `{ type: 'reply', id, ok, value | error, stats }`.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AppError, ValidationError } from '../errors.js';
import { createLogger } from '../logger.js';
import { KnowledgeBase } from './knowledge-base.js';
import type { DocumentInput } from './documents.js';
import type { KnowledgeWorkerData, KnowledgeWorkerReply, KnowledgeWorkerRequest, SerializedError } from './worker-protocol.js';

function serializeError(err: unknown): SerializedError {
  if (err instanceof ValidationError) return { name: err.name, code: err.code, message: err.message, problems: err.problems, app: true };
  if (err instanceof AppError) return { name: err.name, code: err.code, message: err.message, app: true };
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

async function serve(): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('knowledge-worker.ts runs only as a worker thread (see ThreadedKnowledgeBase).');
  const port = parentPort;
  const data = workerData as KnowledgeWorkerData;
  const logger = createLogger(data.logLevel).child(data.logBindings);
  const kb = new KnowledgeBase({ ...data.options, logger });

  const methods: Record<KnowledgeWorkerRequest['method'], (...args: never[]) => unknown> = {
    answer: (q: string, o?: { context?: string }) => kb.answer(q, o),
    answerDetailed: (q: string, o?: { context?: string }) => kb.answerDetailed(q, o),
    search: (q: string, k?: number, context?: string) => kb.search(q, k, context),
    list: () => kb.list(),
    failures: () => kb.failures(),
    reload: () => kb.reload(),
    reloadFrom: (documents: DocumentInput[]) => kb.reloadFrom(documents),
    indexFingerprint: () => kb.indexFingerprint(),
    ingest: (paths: string[]) => kb.ingest(paths),
    fingerprint: () => kb.fingerprint(),
    changedOnDisk: () => kb.changedOnDisk(),
  };

  port.on('message', (msg: KnowledgeWorkerRequest) => {
    void (async () => {
      let reply: KnowledgeWorkerReply;
      try {
        const fn = methods[msg.method];
        if (!fn) throw new AppError('unknown_method', `The knowledge worker has no method "${String(msg.method)}".`);
        const value = await (fn as (...args: unknown[]) => unknown)(...(Array.isArray(msg.args) ? msg.args : []));
        reply = { type: 'reply', id: msg.id, ok: true, value, stats: kb.stats() };
      } catch (err) {
        reply = { type: 'reply', id: msg.id, ok: false, error: serializeError(err), stats: kb.stats() };
      }
      port.postMessage(reply);
    })();
  });

  try {
    await kb.reload();
    port.postMessage({ type: 'ready', stats: kb.stats() } satisfies KnowledgeWorkerReply);
  } catch (err) {
    port.postMessage({ type: 'failed', error: serializeError(err) } satisfies KnowledgeWorkerReply);
  }
}

await serve();
