import { createBot, type Bot } from './bot/index.js';
import type { BotDeps, DigestPort, QuestionLogPort } from './bot/ports.js';
import type { Config } from './config.js';
import { DigestService } from './digest/digest-service.js';
import { storeDigestSource } from './digest/store-source.js';
import { parseTermStarts } from './digest/terms.js';
import { importDirectory } from './directory/import.js';
import { readDirectoryFile } from './directory/file.js';
import type { DirectoryService } from './directory/service.js';
import type { Answerer } from './knowledge/types.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createBotAnswersRepo } from './store/bot-answers-repo.js';
import { createDeliveriesRepo, type DeliveriesRepo } from './store/bot-deliveries-repo.js';
import { openStore } from './store/open-store.js';
import type { QuestionLog } from './store/question-log.js';
import type { Store } from './store/store.js';
import type { AttendanceService } from './attendance/service.js';
import { createDomainServices } from './attendance/domain-services.js';

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
  deliveries: DeliveriesRepo;
  bot: Bot;
  metrics: Metrics;
  /**
   * Retention for the bot's own tables: stored answers (and their feedback) older than QUESTION_LOG_DAYS, and
   * delivery claims older than 7 days (Slack retries within minutes). Returns how many rows went.
   */
  purgeBotData(now: Date): Promise<{ answers: number; deliveries: number }>;
  /** Close what this context opened (the store unless it was injected; the knowledge base's worker thread unless the answerer was injected). */
  close(): Promise<void>;
}

/** The server's knowledge base runs on a worker thread, so answering never delays acknowledgements (the CLI keeps it in process). */
async function buildAnswerer(config: Config, logger: Logger): Promise<AppAnswerer> {
  const { createThreadedKnowledgeBase } = await import('./knowledge/index.js');
  return createThreadedKnowledgeBase(config, logger.child({ component: 'knowledge' }));
}

export async function createAppContext(config: Config, logger: Logger, overrides: AppContextOverrides = {}): Promise<AppContext> {
  const store = overrides.store ?? (await openStore(config, logger.child({ component: 'store' })));
  const ownsStore = !overrides.store;
  let ownedAnswerer: AppAnswerer | undefined;
  try {
    if (config.DIRECTORY_FILE) {
      const file = await readDirectoryFile(config.DIRECTORY_FILE);
      const report = await importDirectory(store, file, logger, { changedOnly: true });
      logger.info({ file: config.DIRECTORY_FILE, report }, 'directory loaded');
    }
    if (!overrides.answerer) ownedAnswerer = await buildAnswerer(config, logger);
    const answerer = overrides.answerer ?? ownedAnswerer!;
    const now = overrides.now ?? (() => new Date());
    const metrics = overrides.metrics ?? createMetrics();
    const { directory, attendance, questionLog } = createDomainServices(store, config, logger, now);
    const digest = new DigestService({
      source: storeDigestSource(store),
      timeZone: config.SCHEDULE_TIMEZONE,
      termStarts: parseTermStarts(config.TERM_STARTS),
      now,
    });
    const questionLogPort: QuestionLogPort = { record: (e) => questionLog.record(e) };
    const digestPort: DigestPort = { latestDigestFor: (actor) => digest.latestDigestFor(actor) };
    const answers = createBotAnswersRepo(store.db);
    const deliveries = createDeliveriesRepo(store.db);
    const deps: BotDeps = {
      answerer,
      directory,
      attendance,
      answers,
      questionLog: questionLogPort,
      digest: digestPort,
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
      bot: createBot(deps),
      metrics,
      async purgeBotData(now) {
        const day = 86_400_000;
        return {
          answers: await answers.purgeOlderThan(new Date(now.getTime() - config.QUESTION_LOG_DAYS * day)),
          deliveries: await deliveries.purgeOlderThan(new Date(now.getTime() - 7 * day)),
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
