import type { App } from '@slack/bolt';
import { answerMessage, stripMentions } from '../../answer-message.js';
import { eventWhenUnrecorded, once, type SlackListenerDeps } from '../../context.js';

/** @mention in a channel: answer in the thread; follow-ups in that thread use its first question as context. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.event('app_mention', async ({ event, body, client, context }) => {
    deps.countRequest?.('event_app_mention');
    if (event.bot_id || event.subtype || !event.user) return;
    await once(deps, `event:${body.event_id}`, () =>
      answerMessage(client, deps, {
        user: event.user!,
        team: event.team ?? body.team_id,
        channel: event.channel,
        ts: event.ts,
        thread_ts: event.thread_ts,
        text: stripMentions(event.text),
        replyInThread: true,
      }),
      eventWhenUnrecorded(context.retryNum),
    );
  });
}
