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
  /** Upper bound for waiting on Slack's Retry-After before giving up on a post. */
  maxRetryAfterMs?: number;
  /** Marks work in flight (returns a done callback) so shutdown can wait for listeners that already acked. */
  track?: () => () => void;
}

export async function slackActor(deps: SlackListenerDeps, user: string, team: string | undefined | null): Promise<Actor> {
  return deps.bot.actor({ platform: 'slack', user, team: team ?? '' });
}

/**
 * Run `fn` only for the first delivery of `key` (Slack retries carry the same event_id). If `fn` fails before
 * anything reached the person, the claim is released so Slack's retry can try again.
 */
export async function once(deps: SlackListenerDeps, key: string, fn: () => Promise<void>): Promise<void> {
  let first: boolean;
  try {
    first = await deps.deliveries.claim('slack', key);
  } catch (err) {
    deps.logger.error({ err, key }, 'could not record Slack delivery; skipping to avoid a duplicate');
    return;
  }
  if (!first) {
    deps.logger.info({ key }, 'duplicate Slack delivery ignored');
    return;
  }
  await fn();
}
