/**
 * `npm start`: one process runs everything — store, knowledge index, Slack, Teams, job workers, HTTP server.
 * SIGTERM/SIGINT: stop taking requests, finish in-flight work, close workers and the store, exit 0.
 */
import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from './server.js';
import { guardProcess, stopOnSignal } from './process-lifecycle.js';

/** Drain budget (25 s) plus time to close workers and the store. */
const HARD_EXIT_MS = 40_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  guardProcess(logger);
  const server = await startServer({ config, logger }).catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    logger.fatal({ err }, 'startup failed');
    process.stderr.write(`startup failed${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? String(err)}\n`);
    process.exit(1);
  });
  stopOnSignal(logger, { message: 'shutting down', hardExitMs: HARD_EXIT_MS }, () => server.stop());
}

void main();
