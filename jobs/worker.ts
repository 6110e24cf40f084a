/**
 * `npm run worker`: only the BullMQ workers (reminders, nudges, digests, housekeeping), for scale-out next to
 * any number of `npm start` processes (set JOBS_IN_PROCESS=false on those). Needs Postgres (DATABASE_URL):
 * PGlite can only be opened by one process, the bot's.
 */
import { createSlackAdapter, slackMissing } from '../adapters/slack/index.js';
import { createAppContext } from '../src/app-context.js';
import { createTeamsAdapterFor, jobsServicesFor } from '../src/server.js';
import type { Notifier } from '../src/bot/notifier.js';
import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startJobs } from './index.js';

const HARD_EXIT_MS = 40_000;

async function main(): Promise<number> {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    process.stderr.write(
      'npm run worker needs Postgres: set DATABASE_URL. Without it the bot uses embedded PGlite, which only one ' +
        'process may open; run the jobs inside `npm start` instead (JOBS_IN_PROCESS=true, the default).\n',
    );
    return 2;
  }
  const logger = createLogger(config.LOG_LEVEL, 'camden-worker');
  const context = await createAppContext(config, logger);

  const notifiers: Notifier[] = [];
  if (slackMissing(config).length === 0) {
    // Only the Web API client is used here: no HTTP receiver is mounted and Socket Mode is not started.
    const slack = createSlackAdapter({ config, bot: context.bot, deliveries: context.deliveries, logger });
    notifiers.push(slack.notifier);
  }
  const teams = createTeamsAdapterFor(context, config, logger);
  if (teams.mode !== 'refuse') notifiers.push(teams.notifier);
  if (notifiers.length === 0) logger.warn('neither Slack nor Teams is configured: reminders and digests will be recorded as unreachable');

  const jobs = await startJobs({
    config,
    logger,
    // The knowledge index lives in each bot process, so the nightly re-ingest runs where the bot runs, not here.
    services: jobsServicesFor(context, notifiers, logger, { reloadKnowledge: false }),
  });
  logger.info({ prefix: config.QUEUE_PREFIX, notifiers: notifiers.map((n) => n.platform) }, 'worker started');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'worker shutting down: finishing jobs in hand');
      setTimeout(() => {
        logger.error('worker shutdown took too long; exiting');
        process.exit(1);
      }, HARD_EXIT_MS).unref();
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await jobs.close();
  await context.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`worker failed to start${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
