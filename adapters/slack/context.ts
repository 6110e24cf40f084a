import type { Bot } from '../../src/bot/index.js';
import type { Actor } from '../../src/directory/types.js';
import type { Logger } from '../../src/logger.js';
import type { DeliveryGuard } from '../../src/bot/deliveries.js';
import type { PlatformIdentity } from '../../src/directory/types.js';
import type { SlackProfiles } from './profiles.js';

/** Counts Slack requests by kind; the server passes its prom-client counter in. */
export type CountRequest = (kind: string) => void;

export interface SlackListenerDeps {
  bot: Bot;
  /** Handles each platform delivery (event_id, trigger_id) once: the core's one policy (src/bot/deliveries.ts). */
  deliveries: DeliveryGuard;
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
  /** Workspace members by email (set by the adapter): people in the directory are linked on first contact. */
  profiles?: SlackProfiles;
  /** SLACK_COMMAND_PREFIX: the slash commands are /<prefix>ask, /<prefix>attendance, /<prefix>digest. */
  commandPrefix?: string;
}

/** The person as the core names them, and how to find their email if the directory does not know them yet. */
export function slackWho(deps: SlackListenerDeps, user: string, team: string | undefined | null): { identity: PlatformIdentity; profile?: ReturnType<SlackProfiles['lookup']> } {
  return { identity: { platform: 'slack', user, team: team ?? '' }, profile: deps.profiles?.lookup(user) };
}

export async function slackActor(deps: SlackListenerDeps, user: string, team: string | undefined | null): Promise<Actor> {
  const who = slackWho(deps, user, team);
  return deps.bot.actor(who.identity, who.profile);
}

/** Run `fn` for the first delivery of `key` only (commands and clicks are never redelivered; events are on retry). */
export function once(deps: SlackListenerDeps, key: string, fn: () => Promise<void>, retryNum?: number) {
  return deps.deliveries.once('slack', key, fn, { retry: !!retryNum });
}
