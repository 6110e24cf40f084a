// Worker-thread bootstrap for ThreadedKnowledgeBase. Node 20 runs `--import tsx` again in a worker but its loader
// hooks do not apply to the worker's entry (ERR_UNKNOWN_FILE_EXTENSION), and under vitest there is no tsx flag at
// all; so a TypeScript entry is loaded through tsx's API here. A compiled (.js) entry is imported as it is.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') throw new Error('knowledge-worker-boot.mjs needs workerData.entry (the worker module URL).');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
