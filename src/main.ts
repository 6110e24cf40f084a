/**
 * `npm start`: one process runs everything — store, knowledge index, Slack, Teams, job workers, HTTP server.
 * SIGTERM/SIGINT: stop taking requests, finish in-flight work, close workers and the store, exit 0.
 */
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/** Drain budget (25 s) plus time to close workers and the store. */
const HARD_EXIT_MS = 40_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  // Every handler catches its own errors; a stray rejection comes from a library call nobody awaited. Log it and
  // keep serving rather than drop every in-flight request. An uncaught exception leaves unknown state: exit.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  const server = await startServer({ config, logger }).catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    logger.fatal({ err }, 'startup failed');
    process.stderr.write(`startup failed${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? String(err)}\n`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // npm and the terminal may both deliver the same Ctrl-C; later signals do not cut the drain short.
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
