import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSlackAdapter, slackMissing, type SlackAdapter } from '../adapters/slack/index.js';
import { createTeamsAdapter, type TeamsAdapterDeps, type TeamsBot } from '../adapters/teams/index.js';
import { jobsServicesFromStore } from '../jobs/store-services.js';
import { mountQueueBoard, startJobs, type JobsHandle } from '../jobs/index.js';
import { createAppContext, type AppContext, type AppContextOverrides } from './app-context.js';
import type { Notifier } from './bot/notifier.js';
import type { Config } from './config.js';
import { createTeamsAnswerMessagesRepo } from './store/teams-answer-messages-repo.js';

/** What /healthz reports. `status` is "ok" when the core (store) is up; the server then answers 200, else 503. */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  store: { ok: boolean; engine?: string; latencyMs?: number; error?: string };
  redis: { status: string };
  index: { documents: number; chunks: number; loadedAt?: string } | null;
  /** slack 'socket-connecting': Socket Mode is retrying its connection (status is then 'degraded'). */
  adapters: { slack: 'http' | 'socket' | 'socket-connecting' | 'off'; teams: 'on' | 'local-dev' | 'off' };
}

export interface HealthSources {
  version: string;
  store(): Promise<{ ok: boolean; engine?: string; latencyMs?: number; error?: string }>;
  /** Redis/BullMQ connection status ("ready", "connecting", "off", …). */
  redis?(): Promise<string> | string;
  index?(): { documents: number; chunks: number; loadedAt?: Date | string } | null;
  adapters(): HealthReport['adapters'];
}

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  health: HealthSources;
  /** Bolt's ExpressReceiver router (serves POST /slack/events); absent when Slack is off or in Socket Mode. */
  slackRouter?: Router | null;
  /** Further routes (Teams at POST /api/messages, bull-board at /admin/queues), mounted after ours. */
  mounts?: ((app: Express) => void)[];
}

const HEALTH_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T> | T, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p).catch(() => fallback),
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function healthReport(h: HealthSources): Promise<HealthReport> {
  const [store, redis] = await Promise.all([
    withTimeout(h.store(), HEALTH_TIMEOUT_MS, { ok: false, error: 'no answer within 2 s' }),
    withTimeout(h.redis ? h.redis() : 'off', HEALTH_TIMEOUT_MS, 'no answer'),
  ]);
  let index: HealthReport['index'] = null;
  try {
    const s = h.index?.();
    if (s) index = { documents: s.documents, chunks: s.chunks, ...(s.loadedAt ? { loadedAt: new Date(s.loadedAt).toISOString() } : {}) };
  } catch {
    index = null;
  }
  const adapters = h.adapters();
  const status = !store.ok ? 'down' : (redis === 'ready' || redis === 'off') && adapters.slack !== 'socket-connecting' ? 'ok' : 'degraded';
  return { status, version: h.version, store, redis: { status: redis }, index, adapters };
}

/** The express app: Slack events, health, metrics, plus whatever other adapters mount. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = req.path === '/slack/events' || req.path === '/api/messages' || req.path === '/healthz' || req.path === '/metrics' ? req.path : 'other';
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  if (deps.slackRouter) app.use(deps.slackRouter);
  app.get('/healthz', async (_req, res) => {
    const report = await healthReport(deps.health);
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  for (const mount of deps.mounts ?? []) mount(app);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return app;
}

/** Counts work still running after the HTTP response (Slack listeners ack first, then work). */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  begin(): () => void {
    this.count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
  }
  get size(): number {
    return this.count;
  }
  /** Resolves true when idle, false if `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export interface Listening {
  server: Server;
  port: number;
  url: string;
  /** Stop accepting connections and wait for open requests to finish (bounded). */
  close(timeoutMs?: number): Promise<void>;
}

/** Listen on host:port (port 0 picks a free one). */
export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Listening> {
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    server,
    port: actual,
    url: `http://${shownHost}:${actual}`,
    close(timeoutMs = 10_000) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Whole bring-up: context (store, index, services, bot) + adapters + jobs + HTTP.

export interface StartServerOptions {
  config: Config;
  logger: Logger;
  /** Default config.PORT; 0 picks a free port. */
  port?: number;
  /** Address to listen on. Default all interfaces; loopback only while Teams runs unauthenticated (TEAMS_LOCAL_DEV). */
  host?: string;
  /** Injected store / answerer / clock (tests). */
  overrides?: AppContextOverrides;
  /** Run BullMQ schedules and workers here. Default config.JOBS_IN_PROCESS. */
  jobs?: boolean;
  slack?: { maxRetryAfterMs?: number; timeoutMs?: number; viewAckBudgetMs?: number; socketRetryMs?: number };
  teams?: Pick<TeamsAdapterDeps, 'openIdMetadataUrl' | 'channelServiceUrl' | 'sendPolicy'>;
  /** How long stop() waits, in all, for open requests and in-flight work (ms) before closing anyway. Default 25 s. */
  drainMs?: number;
  /** How often to check the knowledge files for changes and reload (ms). Default 1 minute. */
  knowledgeCheckMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The address listened on ("0.0.0.0" for every interface). */
  address: string;
  context: AppContext;
  slack: SlackAdapter | null;
  teams: TeamsBot;
  jobs: JobsHandle | null;
  /** Notifiers for jobs, in order of preference. */
  notifiers: Notifier[];
  /** Stop taking requests, finish in-flight work, close jobs and the store. Safe to call twice. */
  stop(): Promise<void>;
}

let cachedVersion: string | undefined;
export function appVersion(): string {
  if (cachedVersion) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version?: string };
    cachedVersion = pkg.version ?? 'unknown';
  } catch {
    cachedVersion = 'unknown';
  }
  return cachedVersion;
}

/**
 * What the jobs need from this process. Nightly housekeeping purges the question log, stored answers and delivery
 * keys past retention. `reloadKnowledge` only where this process serves questions (its index is in memory).
 */
export function jobsServicesFor(context: AppContext, notifiers: Notifier[], options: { reloadKnowledge: boolean }) {
  const kb = context.answerer;
  return jobsServicesFromStore({
    store: context.store,
    notifiers,
    questionLog: context.questionLog,
    botData: { purge: (now: Date) => context.purgeBotData(now) },
    knowledge:
      options.reloadKnowledge && kb.changedOnDisk && kb.reload ? { changedOnDisk: () => kb.changedOnDisk!(), reload: () => kb.reload!() } : undefined,
  });
}

/** Reload the index when its files changed on disk, checked every `everyMs`; null when the answerer cannot reload. */
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
        logger.info(kb.stats?.() ?? {}, 'knowledge files changed: index reloaded');
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

/** The Teams adapter over this process's context; the server mounts it, `npm run worker` uses only its notifier. */
export function createTeamsAdapterFor(context: AppContext, config: Config, logger: Logger, overrides?: Partial<TeamsAdapterDeps>): TeamsBot {
  return createTeamsAdapter({
    config,
    bot: context.bot,
    conversations: {
      saveReference: (user, reference) => context.directory.saveTeamsConversationReference(user, reference),
      markUnreachable: async (user) => {
        await context.directory.markTeamsUnreachable(user);
      },
    },
    deliveries: context.deliveries,
    answerMessages: createTeamsAnswerMessagesRepo(context.store.db, context.store.settings),
    logger,
    ...overrides,
  });
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
    let slack: SlackAdapter | null = null;
    const missing = slackMissing(config);
    if (missing.length) {
      logger.info({ missing }, `Slack is off: set ${missing.join(' and ')} to switch it on`);
    } else {
      slack = createSlackAdapter({
        config,
        bot: context.bot,
        deliveries: context.deliveries,
        logger,
        countRequest: (kind) => context.metrics.platformRequests.inc({ platform: 'slack', kind }),
        countError: (where, code) => context.metrics.errors.inc({ code, where }),
        track: () => inFlight.begin(),
        ...options.slack,
      });
      await slack.start();
      logger.info({ mode: slack.mode }, 'Slack is on');
      const s = slack;
      cleanups.push(() => s.stop());
    }

    // Teams: mounted always; without MICROSOFT_APP_ID it refuses traffic unless TEAMS_LOCAL_DEV=true.
    const teams = createTeamsAdapterFor(context, config, logger, options.teams);
    if (teams.mode === 'refuse') {
      logger.info('Teams is off: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TENANT_ID for SingleTenant or UserAssignedMSI) to switch it on');
    }

    const notifiers: Notifier[] = [...(slack ? [slack.notifier] : []), ...(teams.mode !== 'refuse' ? [teams.notifier] : [])];

    // Jobs: reminders, digests, housekeeping (BullMQ on REDIS_URL).
    let jobs: JobsHandle | null = null;
    // Without in-process workers (they run in npm run worker, which serves no HTTP) the dashboard and Redis
    // health still live here, on the queues alone, when ADMIN_PASSWORD asks for the dashboard.
    const workers = options.jobs ?? config.JOBS_IN_PROCESS;
    if (workers || config.ADMIN_PASSWORD) {
      const services = jobsServicesFor(context, notifiers, { reloadKnowledge: workers });
      jobs = await startJobs({ config, logger, services, workers });
      const j = jobs;
      cleanups.push(() => j.close());
    }
    // Documents added with `kb ingest` (or copied in) are answered from within a minute, not at the nightly
    // housekeeping; the check reads no file unless a name, size or time changed.
    const timer = watchKnowledge(context, logger, options.knowledgeCheckMs ?? 60_000);
    if (timer) cleanups.push(async () => clearInterval(timer));

    const app = createApp({
      logger,
      metrics: context.metrics,
      slackRouter: slack?.router ?? null,
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
          if (jobs && mountQueueBoard(a, jobs.queues, { password: config.ADMIN_PASSWORD })) logger.info('bull-board at /admin/queues');
        },
      ],
    });

    // Unauthenticated Teams traffic is for an emulator on this machine: nothing else on the network may reach it.
    const host = options.host ?? (teams.mode === 'local-dev' ? '127.0.0.1' : undefined);
    if (!options.host && host) logger.warn({ host }, 'TEAMS_LOCAL_DEV: listening on the loopback address only');
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
