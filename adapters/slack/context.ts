import type { Bot } from '../../src/bot/index.js';
import type { Actor } from '../../src/directory/types.js';
import type { Logger } from '../../src/logger.js';
import type { DeliveriesRepo } from '../../src/store/bot-deliveries-repo.js';

/** Counts Slack requests by kind; the server passes its prom-client counter in. */
export type CountRequest = (kind: string) => void;

export interface SlackListenerDeps {
  bot: Bot;
  /** Decides duplicates of platform deliveries (event_id, trigger_id) in Postgres. */
  deliveries: DeliveriesRepo;
  logger: Logger;
  countRequest?: CountRequest;
  /** Counts a reply that could not be delivered (camden_errors_total), so it shows beyond the log. */
  countError?: (where: string, code: string) => void;
  /** Upper bound for waiting on Slack's Retry-After before giving up on a post. */
  maxRetryAfterMs?: number;
  /** How long a modal submission may take before the modal is closed and the outcome sent as a DM. Default 2.4 s. */
  viewAckBudgetMs?: number;
  /** Marks work in flight (returns a done callback) so shutdown can wait for listeners that already acked. */
  track?: () => () => void;
}

export async function slackActor(deps: SlackListenerDeps, user: string, team: string | undefined | null): Promise<Actor> {
  return deps.bot.actor({ platform: 'slack', user, team: team ?? '' });
}

/**
 * Run `fn` only for the first delivery of `key` (Slack retries events with the same event_id).
 * When the claim cannot be recorded (database down): `whenUnrecorded: 'run'` goes ahead, so the person gets an
 * answer or a clear "try again" rather than silence; `'skip'` drops it, for a redelivery (an earlier delivery may
 * have been answered). Events are acknowledged before listeners run, so Slack does not redeliver a first delivery:
 * use `eventWhenUnrecorded(context.retryNum)` for events; commands and button clicks are never redelivered: 'run'.
 * Says whether `fn` ran, or why not ('duplicate': already claimed; 'skipped': unrecorded and whenUnrecorded 'skip').
 */
/** For events: run a first delivery when it cannot be recorded (it was acked and will not come again); skip retries. */
export function eventWhenUnrecorded(retryNum: number | undefined): 'skip' | 'run' {
  return retryNum ? 'skip' : 'run';
}

export async function once(
  deps: SlackListenerDeps,
  key: string,
  fn: () => Promise<void>,
  whenUnrecorded: 'skip' | 'run',
): Promise<'ran' | 'duplicate' | 'skipped'> {
  let first: boolean;
  try {
    first = await deps.deliveries.claim('slack', key);
  } catch (err) {
    if (whenUnrecorded === 'run') {
      deps.logger.warn({ err, key }, 'could not record Slack delivery; handling it anyway (first delivery, not redelivered)');
      await fn();
      return 'ran';
    }
    deps.logger.error({ err, key }, 'could not record Slack redelivery; skipping it so it cannot be answered twice');
    return 'skipped';
  }
  if (!first) {
    deps.logger.info({ key }, 'duplicate Slack delivery ignored');
    return 'duplicate';
  }
  await fn();
  return 'ran';
}
