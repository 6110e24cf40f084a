/**
 * `npm start`'s bring-up: the context (store, index, services, bot core), the adapters, the jobs and HTTP, in that
 * order, and a stop() that drains requests and in-flight work before closing them again in reverse.
 */
import type { AddressInfo } from 'node:net';
import { lazyNotificationsRunner, startJobs, type JobsHandle } from '../jobs/index.js';
import type { ReminderReceipts } from '../jobs/reminder-receipts.js';
import type { SlackAdapter } from '../adapters/slack/index.js';
import type { Notifier } from '../src/bot/notifier.js';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import {
  createAppContext,
  createSlackAdapterFor,
  createTeamsAdapterFor,
  jobsServicesFor,
  notifiersOf,
  reminderReceiptsFor,
  type AppContext,
  type AppContextOverrides,
  type SlackOptions,
  type TeamsEndpoint,
  type TeamsOptions,
} from './compose.js';
import { appVersion, createApp, InFlight, listen } from './http.js';
import { runDoctor } from './doctor.js';
import { startRetention, type RetentionOptions, type RetentionTimer } from './retention.js';

export interface StartServerOptions {
  config: Config;
  logger: Logger;
  /** Default config.PORT; 0 picks a free port. */
  port?: number;
  /** Address to listen on. Default HOST, else all interfaces; loopback only while Teams runs unauthenticated (TEAMS_LOCAL_DEV). */
  host?: string;
  /** Injected store / answerer / clock (tests). */
  overrides?: AppContextOverrides;
  /** Run BullMQ schedules and workers here. Default config.JOBS_IN_PROCESS. */
  jobs?: boolean;
  slack?: Omit<SlackOptions, 'track'>;
  teams?: TeamsOptions;
  /** How long stop() waits, in all, for open requests and in-flight work (ms) before closing anyway. Default 25 s. */
  drainMs?: number;
  /** How often to check the knowledge folder and the store's documents for changes (ms). Default KNOWLEDGE_CHECK_SECONDS. */
  knowledgeCheckMs?: number;
  /** The retention timer's pace (tests shorten it). */
  retention?: RetentionOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The address listened on ("0.0.0.0" for every interface). */
  address: string;
  context: AppContext;
  slack: SlackAdapter | null;
  teams: TeamsEndpoint;
  jobs: JobsHandle | null;
  /** Notifiers for jobs, in order of preference. */
  notifiers: Notifier[];
  /** Purges past retention in this process, also while Redis is down. */
  retention: RetentionTimer;
  /** Updates the week's reminders when a return arrives (tests wait on its idle()). */
  reminderReceipts: ReminderReceipts;
  /** Stop taking requests, finish in-flight work, close jobs and the store. Safe to call twice. */
  stop(): Promise<void>;
}

/** Reload the index when its folder or the store's documents changed, checked every `everyMs`; null when the answerer cannot reload. */
function watchKnowledge(context: AppContext, logger: Logger, everyMs: number): NodeJS.Timeout | null {
  const kb = context.answerer;
  if (!kb.changedOnDisk || !kb.reload) return null;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      if (await kb.changedOnDisk!()) {
        await kb.reload!();
        logger.info(kb.stats?.() ?? {}, 'knowledge documents changed: index brought up to date');
      }
    })()
      .catch((err: unknown) => logger.error({ err }, 'knowledge reload failed; keeping the current index'))
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const context = await createAppContext(config, logger, options.overrides);
  const inFlight = new InFlight();
  const cleanups: (() => Promise<void>)[] = [() => context.close()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    // Slack: on with a bot token plus a signing secret (HTTP) or app token (Socket Mode).
    const slack = await createSlackAdapterFor(context, { ...options.slack, track: () => inFlight.begin() });
    if (slack) {
      await slack.start();
      logger.info({ mode: slack.mode }, 'Slack is on');
      cleanups.push(() => slack.stop());
    }
    // Teams: mounted always; without MICROSOFT_APP_ID it refuses traffic unless TEAMS_LOCAL_DEV=true.
    const teams = await createTeamsAdapterFor(context, options.teams);
    const notifiers = notifiersOf(slack, teams);

    // A return stored here updates the week's reminders and nudges that named it ("received"), through the notifier
    // that sent each one.
    const reminderReceipts = reminderReceiptsFor(context, notifiers);
    cleanups.push(() => reminderReceipts.idle());

    // Jobs: reminders, digests, housekeeping (BullMQ on REDIS_URL).
    let jobs: JobsHandle | null = null;
    let mountBoard: typeof import('../jobs/board.js').mountQueueBoard | null = null;
    // Without in-process workers (they run in npm run worker, which serves no HTTP) the dashboard and Redis
    // health still live here, on the queues alone, when ADMIN_PASSWORD asks for the dashboard.
    const workers = options.jobs ?? config.JOBS_IN_PROCESS;
    if (workers || config.ADMIN_PASSWORD) {
      const services = jobsServicesFor(context, notifiers, { reloadKnowledge: workers });
      jobs = await startJobs({
        config,
        logger,
        services,
        workers,
        now: context.now,
        observeNotification: (o) => context.metrics.notifications.inc(o),
      });
      const j = jobs;
      cleanups.push(() => j.close());
      // bull-board (and lodash, valibot, ejs under it) is loaded only when ADMIN_PASSWORD mounts it.
      if (config.ADMIN_PASSWORD) mountBoard = (await import('../jobs/board.js')).mountQueueBoard;
      context.useNotifications({ runNow: (job, week) => j.runNotificationsNow(job, week) });
    } else {
      // No queues here (the workers run in `npm run worker`): `admin run` opens the notify queue when first used.
      const runner = lazyNotificationsRunner({ config, logger, services: jobsServicesFor(context, notifiers, { reloadKnowledge: false }) });
      context.useNotifications({ runNow: (job, week) => runner.runNotificationsNow(job, week) });
      cleanups.push(() => runner.close());
    }
    // Retention runs here too, not only as the nightly job: it must not stop while Redis is down.
    const retention = startRetention(context, logger, options.retention);
    cleanups.push(() => retention.stop());
    // Documents added with `kb ingest` (or copied in) are answered from within a minute, not at the nightly
    // housekeeping; the check reads no file unless a name, size or time changed.
    const timer = watchKnowledge(context, logger, options.knowledgeCheckMs ?? config.KNOWLEDGE_CHECK_SECONDS * 1000);
    if (timer) cleanups.push(async () => clearInterval(timer));

    const app = createApp({
      logger,
      metrics: context.metrics,
      metricsToken: config.METRICS_TOKEN,
      slackRouter: slack?.router ?? null,
      slackNotConfigured: !slack,
      verbose: {
        password: config.ADMIN_PASSWORD,
        doctor: () =>
          runDoctor(config, {
            directory: context.directory,
            redis: { status: jobs ? (jobs.redisStatus() === 'up' ? 'ready' : 'down') : 'off' },
            teamsLoginUrl: options.teams?.loginUrl,
            teamsChannelServiceUrl: options.teams?.channelServiceUrl,
          }),
      },
      health: {
        version: appVersion(),
        store: () => context.store.health(),
        redis: () => (jobs ? (jobs.redisStatus() === 'up' ? 'ready' : 'down') : 'off'),
        index: () => {
          const s = context.answerer.stats?.();
          return s ? { documents: s.documents, chunks: s.chunks, loadedAt: s.loadedAt ?? undefined } : null;
        },
        adapters: () => ({
          slack: !slack ? 'off' : slack.mode === 'http' ? 'http' : slack.connected() ? 'socket' : 'socket-connecting',
          teams: teams.mode === 'refuse' ? 'off' : teams.mode === 'local-dev' ? 'local-dev' : 'on',
        }),
      },
      mounts: [
        (a) => {
          a.post('/api/messages', (req, res) => {
            const done = inFlight.begin();
            context.metrics.platformRequests.inc({ platform: 'teams', kind: 'activity' });
            teams
              .handle(req as never, res as never)
              .catch((err: unknown) => logger.error({ err }, 'teams activity failed'))
              .finally(done);
          });
        },
        (a) => {
          if (jobs && mountBoard?.(a, jobs.queues, { password: config.ADMIN_PASSWORD, logger })) logger.info('bull-board at /admin/queues');
        },
      ],
    });

    // Unauthenticated Teams traffic is for an emulator on this machine: nothing else on the network may reach it.
    const host = options.host ?? config.HOST ?? (teams.mode === 'local-dev' ? '127.0.0.1' : undefined);
    if (!options.host && !config.HOST && host) logger.warn({ host }, 'TEAMS_LOCAL_DEV: listening on the loopback address only');
    const listening = await listen(app, options.port ?? config.PORT, host);
    logger.info({ url: listening.url, version: appVersion() }, 'server listening');

    let stopping: Promise<void> | undefined;
    return {
      url: listening.url,
      port: listening.port,
      address: (listening.server.address() as AddressInfo).address,
      context,
      slack,
      teams,
      jobs,
      notifiers,
      retention,
      reminderReceipts,
      stop() {
        stopping ??= (async () => {
          // One deadline for both waits, so cleanup (workers, store) still fits before main's hard exit.
          const deadline = Date.now() + (options.drainMs ?? 25_000);
          await listening.close(deadline - Date.now());
          const idle = await inFlight.idle(Math.max(0, deadline - Date.now()));
          if (!idle) logger.warn({ pending: inFlight.size }, 'shutdown: in-flight work did not finish in time');
          await cleanup();
          logger.info('server stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
