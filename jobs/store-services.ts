import type { Notifier } from '../src/bot/notifier.js';
import { storeDigestSource } from '../src/digest/store-source.js';
import { NotificationClaimsRepo } from '../src/store/notification-claims-repo.js';
import type { Store } from '../src/store/store.js';
import type { JobsServices } from './ports.js';

export interface StoreServicesOptions {
  store: Store;
  /** In order of preference (a person is messaged on the first platform that can reach them). */
  notifiers: Notifier[];
  /** The question log service (src/store/question-log.ts): purges past QUESTION_LOG_DAYS. */
  questionLog?: { purgeQuestionLog(now: Date): Promise<number> };
  /** The bot's stored answers and delivery keys (src/app-context.ts purgeBotData): purged past retention. */
  botData?: { purge(now: Date): Promise<{ answers: number; deliveries: number }> };
  /** The knowledge base: re-ingested at night when its files changed. */
  knowledge?: { changedOnDisk(): Promise<boolean>; reload(): Promise<unknown> };
}

/** JobsServices over the store and the adapters' notifiers. */
export function jobsServicesFromStore(opts: StoreServicesOptions): JobsServices {
  const { store } = opts;
  return {
    directory: {
      listCentres: () => store.directory.listCentres(),
      leadsOf: (centreId) => store.directory.peopleWithRole('oc_lead', centreId),
      networkLeads: () => store.directory.peopleWithRole('network_lead'),
      getPerson: (id) => store.directory.getPerson(id),
      digestChannels: () => store.directory.getDigestChannels(),
    },
    attendance: { listReturns: (from, to) => store.returns.list({ from, to }) },
    digestSource: storeDigestSource(store),
    claims: new NotificationClaimsRepo(store.db),
    notifiers: opts.notifiers,
    housekeeping: {
      knowledgeChangedOnDisk: opts.knowledge ? () => opts.knowledge!.changedOnDisk() : undefined,
      reloadKnowledge: opts.knowledge ? () => opts.knowledge!.reload() : undefined,
      purgeQuestionLog: opts.questionLog ? (now) => opts.questionLog!.purgeQuestionLog(now) : undefined,
      purgeBotData: opts.botData ? (now) => opts.botData!.purge(now) : undefined,
    },
  };
}
