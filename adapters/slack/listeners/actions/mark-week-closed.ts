import type { App, BlockButtonAction } from '@slack/bolt';
import { decodeOpenFormValue } from '../../../../src/bot/index.js';
import { actionIdPattern } from '../../blocks/action-ids.js';
import type { SlackListenerDeps } from '../../context.js';
import { postReply } from '../../post.js';

/**
 * A reminder's "No sessions this week" (after Slack's confirm dialog): the core records the week closed for the
 * button's centre; the lead gets the receipt in the conversation the reminder is in, and the reminder itself is
 * updated by the job side to say so. Each click has its own action_ts, so a double click stores one version and then
 * "no change".
 */
export function register(app: App, deps: SlackListenerDeps): void {
  app.action<BlockButtonAction>({ action_id: actionIdPattern('mark_week_closed') }, async ({ ack, body, client }) => {
    await ack();
    deps.countRequest?.('action_mark_closed');
    try {
      const action = body.actions[0];
      const preset = decodeOpenFormValue(action?.type === 'button' ? action.value : undefined);
      const outcome = await deps.bot.handle({
        identity: { platform: 'slack', user: body.user.id, team: body.team?.id ?? body.user.team_id ?? '' },
        surface: 'card',
        markClosed: preset,
        deliveryKey: `slack:closed:${body.container?.message_ts ?? ''}:${action?.action_ts ?? body.trigger_id}`,
      });
      const reply = outcome.kind === 'reply' ? (outcome.receipt ?? outcome.reply) : outcome.kind === 'open-form' ? outcome.fallback : outcome.reply;
      const channel = body.channel?.id ?? (await client.conversations.open({ users: body.user.id })).channel?.id;
      if (channel) await postReply(client, reply, { channel, maxRetryAfterMs: deps.maxRetryAfterMs });
    } catch (err) {
      deps.logger.error({ err }, 'marking the week closed failed');
    }
  });
}
