import type { App } from '@slack/bolt';
import { handleMessage, stripMentions } from '../../handle-message.js';
import { once, type SlackListenerDeps } from '../../context.js';

/** @mention in a channel: the core's reply in the thread; follow-ups in that thread use its first question as context. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.event('app_mention', async ({ event, body, client, context }) => {
    deps.countRequest?.('event_app_mention');
    // An edited mention arrives as a new event (new event_id): it was answered when first sent.
    if (event.bot_id || event.subtype || !event.user || ('edited' in event && event.edited)) return;
    await once(deps, `event:${body.event_id}`, () =>
      handleMessage(client, deps, {
        user: event.user!,
        team: event.team ?? body.team_id,
        channel: event.channel,
        ts: event.ts,
        thread_ts: event.thread_ts,
        text: stripMentions(event.text),
        surface: 'mention',
      }),
      context.retryNum,
    );
  });
}
