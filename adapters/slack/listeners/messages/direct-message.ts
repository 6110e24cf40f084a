import type { App } from '@slack/bolt';
import { handleMessage } from '../../handle-message.js';
import { once, type SlackListenerDeps } from '../../context.js';

/**
 * A direct message: a question, or any of the chat commands ("help", "attendance status", a quick form, "digest");
 * the core decides which. Ignored: the bot's own and other bots' messages, edits, deletions, joins and
 * every other subtype, and messages outside DMs (channel questions come as app_mention).
 */
export function register(app: App, deps: SlackListenerDeps): void {
  app.message(async ({ message, body, client, context }) => {
    deps.countRequest?.('message');
    if (message.channel_type !== 'im' || message.subtype !== undefined) return;
    if ('bot_id' in message && message.bot_id) return;
    if (!message.user || !message.text) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${message.channel}:${message.ts}`;
    await once(deps, `event:${eventId}`, () =>
      handleMessage(client, deps, {
        user: message.user,
        team: message.team ?? (body as { team_id?: string }).team_id,
        channel: message.channel,
        ts: message.ts,
        thread_ts: message.thread_ts,
        text: message.text ?? '',
        surface: 'dm',
      }),
      context.retryNum,
    );
  });
}
