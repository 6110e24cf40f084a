/**
 * Worker entry for the threaded knowledge base tests: the real knowledge worker, plus two ways to make it die.
 * Asking "crash the worker" ends the thread at once; a file named `.crash-on-start` in the knowledge folder makes
 * every new worker exit before it has loaded (a restart that fails).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { KnowledgeWorkerData } from '../../src/knowledge/worker-protocol.js';

const data = workerData as KnowledgeWorkerData;
if (existsSync(join(data.options.dir, '.crash-on-start'))) process.exit(4);
parentPort!.on('message', (m: { method?: string; args?: unknown[] }) => {
  if (m.method === 'answer' && m.args?.[0] === 'crash the worker') process.exit(3);
});
await import('../../src/knowledge/knowledge-worker.js');
