import type { Authorize, webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';

export interface BotIdentity {
  botUserId?: string;
  botId?: string;
}

/**
 * Single-workspace authorisation that survives Slack being unreachable at startup. Bolt's built-in one calls
 * auth.test once in the constructor and caches the promise, so one failed call (network blip at boot) leaves an
 * unhandled rejection and every later event failing. Here a success is cached and a failure is retried on the
 * next event. The bot's user and bot ids let Bolt ignore the bot's own messages.
 */
export function resilientAuthorize(client: webApi.WebClient, token: string): { authorize: Authorize<boolean>; warm(logger: Logger): Promise<void> } {
  let cached: Promise<BotIdentity> | null = null;
  const identity = (): Promise<BotIdentity> => {
    cached ??= client.auth.test({ token }).then(
      (r) => ({ botUserId: r.user_id, botId: r.bot_id }),
      (err: unknown) => {
        cached = null;
        throw err;
      },
    );
    return cached;
  };
  return {
    authorize: async () => ({ botToken: token, ...(await identity()) }),
    async warm(logger) {
      try {
        const who = await identity();
        logger.info({ botUserId: who.botUserId }, 'Slack token verified');
      } catch (err) {
        logger.warn({ err }, 'Slack auth.test failed at startup; will retry on the first event');
      }
    },
  };
}
