/**
 * `npm run worker`: only the BullMQ workers (reminders, nudges, digests, housekeeping), for scale-out next to
 * any number of `npm start` processes (set JOBS_IN_PROCESS=false on those). Needs Postgres (DATABASE_URL):
 * PGlite can only be opened by one process, the bot's.
 */
import { createAppContext, createSlackAdapterFor, createTeamsAdapterFor, jobsServicesFor, notifiersOf } from './compose.js';
import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startJobs } from '../jobs/index.js';
import { startRetention } from './retention.js';
import { guardProcess, stopOnSignal } from './process-lifecycle.js';
import type { Answerer } from '../src/knowledge/types.js';
import { UnavailableError } from '../src/errors.js';

/** Job drain (up to 20 s each for workers and queues) plus closing the store. */
const HARD_EXIT_MS = 40_000;

const NO_ANSWERS: Answerer = {
  answer: () => Promise.reject(new UnavailableError('Questions are answered by the bot process, not the job worker.')),
};

async function main(): Promise<number | undefined> {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    process.stderr.write(
      'npm run worker needs Postgres: set DATABASE_URL. Without it the bot uses embedded PGlite, which only one ' +
        'process may open; run the jobs inside `npm start` instead (JOBS_IN_PROCESS=true, the default).\n',
    );
    return 2;
  }
  const logger = createLogger(config.LOG_LEVEL, 'camden-worker');
  guardProcess(logger);
  // The worker never answers questions (nothing here receives them): no knowledge index to build.
  const context = await createAppContext(config, logger, { answerer: NO_ANSWERS });

  // Only the adapters' notifiers are used here: no HTTP receiver is mounted and Socket Mode is not started.
  const notifiers = notifiersOf(await createSlackAdapterFor(context), await createTeamsAdapterFor(context));
  if (notifiers.length === 0) logger.warn('neither Slack nor Teams is configured: reminders and digests will be recorded as unreachable');

  const jobs = await startJobs({
    config,
    logger,
    // The knowledge index lives in each bot process, so the nightly re-ingest runs where the bot runs, not here.
    services: jobsServicesFor(context, notifiers, { reloadKnowledge: false }),
  });
  logger.info({ prefix: config.QUEUE_PREFIX, notifiers: notifiers.map((n) => n.platform) }, 'worker started');
  // Retention also runs on a timer here, so it goes on while Redis (and with it the housekeeping job) is down.
  const retention = startRetention(context, logger);

  stopOnSignal(logger, { message: 'worker shutting down: finishing jobs in hand', hardExitMs: HARD_EXIT_MS }, async () => {
    await retention.stop();
    await jobs.close();
    await context.close();
  });
}

main().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`worker failed to start${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
