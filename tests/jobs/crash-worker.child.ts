// Child process for worker-crash.test.ts: a job worker on the parent's Postgres schema, Redis prefix and fake
// Slack. The parent kills it with SIGKILL while a send is in flight.
import { webApi } from '@slack/bolt';
import { createSlackNotifier } from '../../adapters/slack/notifier.js';
import { startJobs } from '../../jobs/index.js';
import { jobsServicesFromStore } from '../../app/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { createStore } from '../../src/store/store.js';

const { TEST_DATABASE_URL: url, CHILD_SCHEMA: schema, CHILD_SLACK_URL: slackUrl, CHILD_PREFIX: prefix, REDIS_URL } = process.env;
const store = createStore(createPgDb({ connectionString: url!, schema }));
const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slackUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 60_000 });
await startJobs({
  config: loadConfig({ REDIS_URL, QUEUE_PREFIX: prefix } as NodeJS.ProcessEnv),
  services: jobsServicesFromStore({ store, notifiers: [createSlackNotifier(client)] }),
  logger: createLogger('silent'),
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  now: () => new Date('2026-11-20T14:00:00Z'),
});
process.stdout.write('ready\n');
// Stay up until killed (bounded: exit after two minutes whatever happens).
setTimeout(() => process.exit(3), 120_000);
