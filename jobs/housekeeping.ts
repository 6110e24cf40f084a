import type { Logger } from '../src/logger.js';
import { addDays, localDate } from '../src/shared/calendar.js';
import type { BotDataPurged, JobsServices } from './ports.js';

export interface HousekeepingOptions {
  services: Pick<JobsServices, 'housekeeping' | 'claims'>;
  timeZone: string;
  logger: Logger;
  /** A claim still 'sending' after this long belongs to a worker that died mid-send (ms). */
  staleClaimMs?: number;
  /** Notification claims are kept this many days (they are the record of what was sent). */
  claimRetentionDays?: number;
}

export interface HousekeepingResult {
  knowledge: 'reloaded' | 'unchanged' | 'not_configured';
  questionLogPurged: number | null;
  /** Present when this process purges the bot's stored answers and delivery keys. */
  botDataPurged?: BotDataPurged;
  staleClaims: number;
  claimsPurged: number;
}

/** Nightly: re-ingest changed knowledge files, purge the question log past retention, tidy notification claims. */
export async function runHousekeeping(now: Date, opts: HousekeepingOptions): Promise<HousekeepingResult> {
  const h = opts.services.housekeeping;
  let knowledge: HousekeepingResult['knowledge'] = 'not_configured';
  if (h.knowledgeChangedOnDisk && h.reloadKnowledge) {
    if (await h.knowledgeChangedOnDisk()) {
      await h.reloadKnowledge();
      knowledge = 'reloaded';
      opts.logger.info('knowledge files changed on disk; index reloaded');
    } else {
      knowledge = 'unchanged';
    }
  }
  const questionLogPurged = h.purgeQuestionLog ? await h.purgeQuestionLog(now) : null;
  const botDataPurged = h.purgeBotData ? await h.purgeBotData(now) : undefined;
  const stale = await opts.services.claims.expireStale(opts.staleClaimMs ?? 15 * 60_000);
  for (const c of stale) {
    opts.logger.warn(
      { kind: c.kind, recipient: c.recipient, period: c.period, job: c.jobId },
      'a worker stopped while sending this notification; it is marked unknown and will not be resent',
    );
  }
  const cutoff = addDays(localDate(now, opts.timeZone), -(opts.claimRetentionDays ?? 400));
  const claimsPurged = await opts.services.claims.purgeBefore(cutoff);
  const result: HousekeepingResult = { knowledge, questionLogPurged, ...(botDataPurged ? { botDataPurged } : {}), staleClaims: stale.length, claimsPurged };
  opts.logger.info(result, 'housekeeping done');
  return result;
}
