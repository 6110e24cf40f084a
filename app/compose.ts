/**
 * The composition root: the one place that builds the store, the domain services, the bot core, the adapters and
 * what the jobs need, and ties them together. `npm start` (app/server.ts), `npm run worker` (app/worker.ts) and the
 * CLI (app/cli/) all build from here; nothing under src/ knows about adapters/ or jobs/.
 */
import type { SlackAdapter, SlackAdapterOptions } from '../adapters/slack/index.js';
import { slackMissing } from '../adapters/slack/missing.js';
import type { TeamsAdapterDeps, TeamsBot } from '../adapters/teams/index.js';
import { teamsAuthMode } from '../adapters/teams/mode.js';
import { refuseUnconfigured, teamsOffNotifier } from '../adapters/teams/off.js';
import type { BotDataPurged, JobsServices } from '../jobs/ports.js';
import { createReminderReceipts, type ReminderReceipts } from '../jobs/reminder-receipts.js';
import { AttendanceService } from '../src/attendance/service.js';
import { createBot, type Bot } from '../src/bot/index.js';
import type { Notifier } from '../src/bot/notifier.js';
import type { BotDeps, DigestPort, QuestionLogPort, ReturnEventsPort } from '../src/bot/ports.js';
import type { Config } from '../src/config.js';
import { DigestService } from '../src/digest/digest-service.js';
import { parseTermStarts } from '../src/digest/terms.js';
import { importDirectory } from '../src/directory/import.js';
import { DirectoryService } from '../src/directory/service.js';
import { DirectoryAdmin } from '../src/directory/admin.js';
import type { AccountDirectory, NotificationsPort } from '../src/bot/admin.js';
import { UnavailableError } from '../src/errors.js';
import { useSlackCommandPrefix } from '../src/shared/commands.js';
import type { Answerer } from '../src/knowledge/types.js';
import type { ThreadedKnowledgeBase } from '../src/knowledge/threaded-knowledge-base.js';
import type { FolderImported } from '../src/knowledge/stored-knowledge.js';
import type { Logger } from '../src/logger.js';
import { createBotAnswersRepo } from '../src/store/bot-answers-repo.js';
import { createDeliveriesRepo } from '../src/store/bot-deliveries-repo.js';
import { DeliveryGuard } from '../src/bot/deliveries.js';
import { NotificationClaimsRepo } from '../src/store/notification-claims-repo.js';
import { openStore } from '../src/store/open-store.js';
import { createQuestionLog, type QuestionLog } from '../src/store/question-log.js';
import type { Store } from '../src/store/store.js';
import { createTeamsAnswerMessagesRepo } from '../src/store/teams-answer-messages-repo.js';
import { createMetrics, type Metrics } from './metrics.js';

// ---------------------------------------------------------------------------------------------------------------
// Services over one store: the only way to it for the bot, the jobs, the digest and the CLI.

export interface Services {
  directory: DirectoryService;
  attendance: AttendanceService;
  questionLog: QuestionLog;
  digest: DigestService;
}

export type ServicesConfig = Pick<Config, 'SCHEDULE_TIMEZONE' | 'QUESTION_LOG_SALT' | 'QUESTION_LOG_DAYS' | 'TERM_STARTS'> & Partial<Pick<Config, 'REMINDER_CRON'>>;

/**
 * The directory, attendance, question-log and digest services over one store, configured from Config
 * (SCHEDULE_TIMEZONE, QUESTION_LOG_SALT, QUESTION_LOG_DAYS, TERM_STARTS, REMINDER_CRON for the week that is due). `directory` and `attendance` are the bot's
 * DirectoryPort and AttendancePort as they are; the digest reads through the other three.
 */
export function createServices(store: Store, config: ServicesConfig, logger?: Logger, now?: () => Date): Services {
  const directory = new DirectoryService(store, { timeZone: config.SCHEDULE_TIMEZONE, now, logger });
  const attendance = new AttendanceService(store, directory, { timeZone: config.SCHEDULE_TIMEZONE, reminderCron: config.REMINDER_CRON, now, logger });
  const questionLog = createQuestionLog(store, config, logger);
  const digest = new DigestService({
    attendance,
    directory,
    questionLog,
    timeZone: config.SCHEDULE_TIMEZONE,
    termStarts: parseTermStarts(config.TERM_STARTS),
    now,
  });
  return { directory, attendance, questionLog, digest };
}

// ---------------------------------------------------------------------------------------------------------------
// Returns stored, told to whoever listens (the server updates the week's reminders; the CLI and tests need nobody).

export type ReturnStored = Parameters<ReturnEventsPort['stored']>[0];

export interface ReturnEvents extends ReturnEventsPort {
  /** Call `handler` for every return stored from now on; a failing handler is logged, never the submitter's problem. */
  listen(handler: (event: ReturnStored) => Promise<void> | void): void;
}

export function createReturnEvents(logger: Logger): ReturnEvents {
  const handlers: ((event: ReturnStored) => Promise<void> | void)[] = [];
  return {
    listen(handler) {
      handlers.push(handler);
    },
    stored(event) {
      for (const h of handlers) {
        Promise.resolve()
          .then(() => h(event))
          .catch((err: unknown) => logger.warn({ err, centre: event.centreId, week: event.weekStart }, 'a listener of stored returns failed'));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The context: store, index, services and bot core, shared by the adapters, the server and the jobs.

/** Index statistics for /healthz (the knowledge base's stats(), when the answerer has them). */
export interface IndexStats {
  documents: number;
  chunks: number;
  loadedAt?: Date | string | null;
}

/** An answerer that may also report index stats and reload (the real KnowledgeBase does both). */
export type AppAnswerer = Answerer & {
  stats?(): IndexStats;
  changedOnDisk?(): Promise<boolean>;
  reload?(): Promise<unknown>;
  /** Release what it holds (the threaded knowledge base's worker); called by AppContext.close() when the context built it. */
  close?(): Promise<void>;
};

export interface AppContextOverrides {
  /** Use this store instead of opening one from config (tests: openTestStore). Not closed by the context. */
  store?: Store;
  /** Use this answerer instead of building the knowledge base from KNOWLEDGE_DIR. */
  answerer?: AppAnswerer;
  /** Clock for week defaults and logs (tests). */
  now?: () => Date;
  metrics?: Metrics;
}

/** Everything the adapters, server and jobs share: one store, one index, one bot core. */
export interface AppContext {
  config: Config;
  logger: Logger;
  store: Store;
  answerer: AppAnswerer;
  directory: DirectoryService;
  attendance: AttendanceService;
  questionLog: QuestionLog;
  digest: DigestService;
  /** The one de-duplication of platform deliveries (src/bot/deliveries.ts), both adapters. */
  deliveries: DeliveryGuard;
  /** What admins change from chat (people, roles, pauses, digest channels), audited. */
  admin: DirectoryAdmin;
  /** Chat platforms whose accounts can be found by email; each adapter adds its own when it is created. */
  accounts: AccountDirectory[];
  /** Where `admin run` sends from: set once the jobs are up (the server's), until then it says the jobs are not running. */
  useNotifications(port: NotificationsPort | null): void;
  /** Returns stored by the bot (created or amended): the server listens to update the week's reminders. */
  returnEvents: ReturnEvents;
  bot: Bot;
  metrics: Metrics;
  now: () => Date;
  /**
   * Retention for the bot's own tables: stored answers (and their feedback) older than QUESTION_LOG_DAYS, delivery
   * claims older than 7 days (Slack retries within minutes), and the conversation references of Teams users who are
   * in no directory and have not written for QUESTION_LOG_DAYS. Returns how many rows went.
   */
  purgeBotData(now: Date): Promise<BotDataPurged>;
  /** Close what this context opened (the store unless it was injected; the knowledge base's worker thread unless the answerer was injected). */
  close(): Promise<void>;
}

/**
 * The server's knowledge base runs on a worker thread, so answering never delays acknowledgements (the CLI keeps it in
 * process). Only the thread's front is loaded here: the index, the lexicon and the sentence reader live in the thread.
 */
async function buildAnswerer(config: Config, logger: Logger): Promise<ThreadedKnowledgeBase> {
  const { createThreadedKnowledgeBase } = await import('../src/knowledge/threaded.js');
  return createThreadedKnowledgeBase(config, logger.child({ component: 'knowledge' }));
}

/**
 * Documents live in the store: KNOWLEDGE_DIR is imported into it, and the index (first built from the folder, on its
 * thread, while the store opened) is rebuilt from the store's documents when they are not the folder's.
 */
async function storedKnowledge(threaded: ThreadedKnowledgeBase, store: Store, imported: FolderImported, config: Config, logger: Logger): Promise<AppAnswerer> {
  const { StoredKnowledgeBase } = await import('../src/knowledge/stored-knowledge.js');
  return StoredKnowledgeBase.start(threaded, store.documents, config.KNOWLEDGE_DIR, logger.child({ component: 'knowledge' }), imported);
}

/** KNOWLEDGE_DIR into the store, as soon as the store is open (while the knowledge thread builds its first index). */
async function importKnowledgeFolder(store: Store, config: Config, logger: Logger): Promise<FolderImported> {
  const { StoredKnowledgeBase } = await import('../src/knowledge/stored-knowledge.js');
  return StoredKnowledgeBase.importAtStart(store.documents, config.KNOWLEDGE_DIR, logger.child({ component: 'knowledge' }));
}

export async function createAppContext(config: Config, logger: Logger, overrides: AppContextOverrides = {}): Promise<AppContext> {
  // Every hint that names a slash command, and the commands the Slack adapter registers, use the configured names.
  useSlackCommandPrefix(config.SLACK_COMMAND_PREFIX);
  // The store (open, migrate, import KNOWLEDGE_DIR) and the knowledge index (its own thread, first built from the
  // folder) are independent: brought up side by side.
  const storeReady = overrides.store ? Promise.resolve(overrides.store) : openStore(config, logger.child({ component: 'store' }));
  const [opened, built, imported] = await Promise.allSettled([
    storeReady,
    overrides.answerer ? undefined : buildAnswerer(config, logger),
    overrides.answerer ? undefined : storeReady.then((store) => importKnowledgeFolder(store, config, logger)),
  ]);
  if (opened.status === 'rejected' || built.status === 'rejected' || imported.status === 'rejected') {
    if (opened.status === 'fulfilled' && !overrides.store) await opened.value.close().catch(() => undefined);
    if (built.status === 'fulfilled') await built.value?.close?.().catch(() => undefined);
    throw opened.status === 'rejected' ? opened.reason : built.status === 'rejected' ? built.reason : (imported as PromiseRejectedResult).reason;
  }
  const store = opened.value;
  const ownsStore = !overrides.store;
  let ownedAnswerer: AppAnswerer | undefined = built.value;
  try {
    if (built.value && imported.value) ownedAnswerer = await storedKnowledge(built.value, store, imported.value, config, logger);
    if (config.DIRECTORY_FILE) {
      // Loaded only with a directory file: the YAML parser is not needed otherwise.
      const { readDirectoryFile } = await import('../src/directory/file.js');
      const file = await readDirectoryFile(config.DIRECTORY_FILE);
      const report = await importDirectory(store, file, logger, {
        changedOnly: true,
        timeZone: config.SCHEDULE_TIMEZONE,
        now: overrides.now?.(),
      });
      logger.info({ file: config.DIRECTORY_FILE, report: { ...report, refused: report.refused.length } }, 'directory loaded');
    }
    const answerer = overrides.answerer ?? ownedAnswerer!;
    const now = overrides.now ?? (() => new Date());
    const metrics = overrides.metrics ?? createMetrics();
    const { directory, attendance, questionLog, digest } = createServices(store, config, logger, now);
    const questionLogPort: QuestionLogPort = { record: (e) => questionLog.record(e) };
    const digestPort: DigestPort = { latestDigestFor: (actor) => digest.latestDigestFor(actor), digestForWeek: (actor, week) => digest.digestForWeek(actor, week) };
    const answers = createBotAnswersRepo(store.db, questionLog.keys);
    const deliveryClaims = createDeliveriesRepo(store.db);
    const deliveries = new DeliveryGuard(deliveryClaims, {
      logger: logger.child({ component: 'deliveries' }),
      observe: ({ platform, outcome }) => metrics.deliveries.inc({ platform, outcome }),
    });
    const admin = new DirectoryAdmin(store, directory, logger.child({ component: 'directory' }));
    const accounts: AccountDirectory[] = [];
    let notifications: NotificationsPort | null = null;
    const returnEvents = createReturnEvents(logger);
    const deps: BotDeps = {
      admin,
      accounts,
      notifications: {
        runNow(job, week) {
          if (!notifications) {
            throw new UnavailableError(
              'Reminders and digests are not running on this server (no job queue: check REDIS_URL and JOBS_IN_PROCESS). Nothing was sent.',
            );
          }
          return notifications.runNow(job, week);
        },
      },
      answerer,
      directory,
      attendance,
      answers,
      questionLog: questionLogPort,
      digest: digestPort,
      returns: returnEvents,
      observe: metrics.observer,
      logger: logger.child({ component: 'bot' }),
      now,
    };
    return {
      config,
      logger,
      store,
      answerer,
      directory,
      attendance,
      questionLog,
      digest,
      deliveries,
      admin,
      accounts,
      useNotifications(port) {
        notifications = port;
      },
      returnEvents,
      bot: createBot(deps),
      metrics,
      now,
      async purgeBotData(at) {
        const day = 86_400_000;
        const cutoff = new Date(at.getTime() - config.QUESTION_LOG_DAYS * day);
        return {
          answers: await answers.purgeOlderThan(cutoff),
          deliveries: await deliveryClaims.purgeOlderThan(new Date(at.getTime() - 7 * day)),
          teamsReferences: await store.directory.expireUnlinkedTeamsIdentities(cutoff),
        };
      },
      async close() {
        await ownedAnswerer?.close?.();
        if (ownsStore) await store.close();
      },
    };
  } catch (err) {
    await ownedAnswerer?.close?.().catch(() => undefined);
    if (ownsStore) await store.close().catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Adapters over the context.

export type SlackOptions = Pick<SlackAdapterOptions, 'maxRetryAfterMs' | 'timeoutMs' | 'viewAckBudgetMs' | 'socketRetryMs' | 'track'>;

/**
 * The Slack adapter over this context, or null (with the reason logged) when its variables are not set; Bolt is only
 * loaded when Slack is configured. The worker uses only its notifier: no HTTP receiver is mounted there and Socket
 * Mode is not started.
 */
export async function createSlackAdapterFor(context: AppContext, options: SlackOptions = {}): Promise<SlackAdapter | null> {
  const { config, logger } = context;
  const missing = slackMissing(config);
  if (missing.length) {
    logger.info({ missing }, `Slack is off: set ${missing.join(' and ')} to switch it on`);
    return null;
  }
  const { createSlackAdapter } = await import('../adapters/slack/index.js');
  const slack = createSlackAdapter({
    config,
    bot: context.bot,
    deliveries: context.deliveries,
    logger,
    countRequest: (kind) => context.metrics.platformRequests.inc({ platform: 'slack', kind }),
    countError: (where, code) => context.metrics.errors.inc({ code, where }),
    ...options,
  });
  context.accounts.push(slack.accounts);
  return slack;
}

export type TeamsOptions = Partial<Pick<TeamsAdapterDeps, 'openIdMetadataUrl' | 'channelServiceUrl' | 'sendPolicy'>> & {
  /** Entra's sign-in host for the first-run check's token test (tests: a local fake). */
  loginUrl?: string;
};

/** What the server and the worker use of the Teams adapter. */
export type TeamsEndpoint = Pick<TeamsBot, 'handle' | 'notifier' | 'mode' | 'status'>;

/**
 * The Teams adapter over this context; the server mounts it, `npm run worker` uses only its notifier. Without
 * MICROSOFT_APP_ID (and TEAMS_LOCAL_DEV) it is an endpoint that refuses everything, and teams-ai and botbuilder
 * (about 90 MB and 3 s at start) are not loaded at all.
 */
export async function createTeamsAdapterFor(context: AppContext, options: TeamsOptions = {}): Promise<TeamsEndpoint> {
  const { config, logger } = context;
  if (teamsAuthMode(config) === 'refuse') {
    logger.info('Teams is off: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID (MICROSOFT_APP_TYPE is SingleTenant unless set) to switch it on');
    return {
      mode: 'refuse',
      status: () => 'disabled',
      notifier: teamsOffNotifier,
      handle: async (_req, res) => refuseUnconfigured(res),
    };
  }
  const { createTeamsAdapter } = await import('../adapters/teams/index.js');
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
    openIdMetadataUrl: options.openIdMetadataUrl,
    channelServiceUrl: options.channelServiceUrl,
    sendPolicy: options.sendPolicy,
  });
}

/** Notifiers for the jobs, in order of preference (a person is messaged on the first platform that can reach them). */
export function notifiersOf(slack: SlackAdapter | null, teams: TeamsEndpoint): Notifier[] {
  return [...(slack ? [slack.notifier] : []), ...(teams.mode !== 'refuse' ? [teams.notifier] : [])];
}

/**
 * Reminders that say "received": every return the bot stores from now on updates the week's reminders and nudges
 * that named its centre, through the notifier that sent each (the claims record which, and where).
 */
export function reminderReceiptsFor(context: AppContext, notifiers: Notifier[]): ReminderReceipts {
  const receipts = createReminderReceipts({
    claims: new NotificationClaimsRepo(context.store.db),
    directory: context.directory,
    attendance: context.attendance,
    notifiers,
    timeZone: context.config.SCHEDULE_TIMEZONE,
    reminderCron: context.config.REMINDER_CRON,
    logger: context.logger.child({ component: 'reminder-receipts' }),
  });
  context.returnEvents.listen((event) => receipts.returnStored(event));
  return receipts;
}

// ---------------------------------------------------------------------------------------------------------------
// What the jobs need.

export interface JobsServicesOptions {
  /** In order of preference (a person is messaged on the first platform that can reach them). */
  notifiers: Notifier[];
  /** The bot's stored answers and delivery keys (AppContext.purgeBotData): purged past retention. */
  botData?: { purge(now: Date): Promise<BotDataPurged> };
  /** The knowledge base: re-ingested at night when its files changed. */
  knowledge?: { changedOnDisk(): Promise<boolean>; reload(): Promise<unknown> };
}

/** JobsServices over the services and the adapters' notifiers; the claims are the jobs' own ledger in the store. */
export function jobsServices(services: Services, store: Store, opts: JobsServicesOptions): JobsServices {
  return {
    directory: services.directory,
    attendance: services.attendance,
    digests: services.digest,
    claims: new NotificationClaimsRepo(store.db),
    notifiers: opts.notifiers,
    housekeeping: {
      knowledgeChangedOnDisk: opts.knowledge ? () => opts.knowledge!.changedOnDisk() : undefined,
      reloadKnowledge: opts.knowledge ? () => opts.knowledge!.reload() : undefined,
      purgeQuestionLog: (now) => services.questionLog.purgeQuestionLog(now),
      purgeBotData: opts.botData ? (now) => opts.botData!.purge(now) : undefined,
    },
  };
}

/** Tests and benches: JobsServices over a bare store, with the default configuration unless one is given. */
export function jobsServicesFromStore(opts: JobsServicesOptions & { store: Store; config?: Partial<ServicesConfig>; now?: () => Date }): JobsServices {
  const config: ServicesConfig = { SCHEDULE_TIMEZONE: 'Europe/London', QUESTION_LOG_SALT: undefined, QUESTION_LOG_DAYS: 180, TERM_STARTS: undefined, ...opts.config };
  return jobsServices(createServices(opts.store, config, undefined, opts.now), opts.store, opts);
}

/**
 * What the jobs need from this process. Nightly housekeeping purges the question log, stored answers and delivery
 * keys past retention. `reloadKnowledge` only where this process serves questions (its index is in memory).
 */
export function jobsServicesFor(context: AppContext, notifiers: Notifier[], options: { reloadKnowledge: boolean }): JobsServices {
  const kb = context.answerer;
  return jobsServices(context, context.store, {
    notifiers,
    botData: { purge: (now: Date) => context.purgeBotData(now) },
    knowledge:
      options.reloadKnowledge && kb.changedOnDisk && kb.reload ? { changedOnDisk: () => kb.changedOnDisk!(), reload: () => kb.reload!() } : undefined,
  });
}
