import type { Store } from '../store/store.js';
import type { DigestSource } from './digest-service.js';

/** The digest's data from the store (directory, returns, question log). */
export function storeDigestSource(store: Pick<Store, 'directory' | 'returns' | 'questionLog'>): DigestSource {
  return {
    listCentres: () => store.directory.listCentres(),
    listReturns: (from, to) => store.returns.list({ from, to }),
    listAmendedSince: (since, beforeWeek) => store.returns.amendedSince(since, beforeWeek),
    topUnanswered: async (from, to, limit) =>
      (await store.questionLog.topUnanswered(from, to, limit)).map((q) => ({ question: q.question, count: q.count })),
  };
}
