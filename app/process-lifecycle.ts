import type { Logger } from '../src/logger.js';

/**
 * For a long-running process (`npm start`, `npm run worker`). Every handler catches its own errors, so a stray
 * rejection comes from a library call nobody awaited: log it and keep serving rather than drop the work in hand.
 * An uncaught exception leaves unknown state: exit.
 */
export function guardProcess(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

export interface ShutdownOptions {
  /** Logged when the first signal arrives. */
  message: string;
  /** Exit 1 if `stop` has not finished by then (its own drain budget plus closing what is left). */
  hardExitMs: number;
}

/**
 * On the first SIGTERM or SIGINT, runs `stop` and exits 0 when it resolves, 1 when it fails or overruns. npm and
 * the terminal may both deliver the same Ctrl-C: later signals do not cut the drain short.
 */
export function stopOnSignal(logger: Logger, opts: ShutdownOptions, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal }, opts.message);
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, opts.hardExitMs).unref();
    stop().then(
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
