import type { App, BlockButtonAction } from '@slack/bolt';
import { notice } from '../../../../src/bot/index.js';
import { once, slackActor, type SlackListenerDeps } from '../../context.js';
import { postReply, slackErrorInfo } from '../../post.js';
import { respondReply } from '../../respond.js';

const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** "Share in channel": re-post the stored answer (not a new one) where the person asked; once per answer and channel. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.action<BlockButtonAction>('share_answer', async ({ ack, body, action, respond, client }) => {
    await ack();
    deps.countRequest?.('action_share');
    const channel = body.channel?.id;
    const answerId = action.value ?? '';
    if (!channel) return;
    await once(deps, `share:${answerId}:${channel}`, async () => {
      try {
        const actor = await slackActor(deps, body.user.id, body.team?.id ?? body.user.team_id);
        const name = body.user.name || body.user.username || 'a colleague';
        const reply = await deps.bot.shareAnswer(actor, answerId, name);
        await postReply(client, reply, { channel, maxRetryAfterMs: deps.maxRetryAfterMs });
        await respondReply(respond, notice('success', 'Shared in the channel.'), { replaceOriginal: false });
      } catch (err) {
        const info = slackErrorInfo(err);
        if (info.kind === 'platform' && CANNOT_POST.has(info.error ?? '')) {
          await deps.deliveries.release('slack', `share:${answerId}:${channel}`).catch(() => undefined);
          await respondReply(respond, notice('warning', 'I cannot post in this channel. Invite me first (/invite @Camden staff bot), then share again.')).catch(() => undefined);
          return;
        }
        deps.logger.error({ err }, 'share failed');
      }
    });
  });
}
