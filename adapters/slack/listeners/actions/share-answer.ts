import type { App, BlockButtonAction } from '@slack/bolt';
import { errorReply, notice } from '../../../../src/bot/index.js';
import { once, slackActor, type SlackListenerDeps } from '../../context.js';
import { postReply, slackErrorInfo } from '../../post.js';
import { respondReply } from '../../respond.js';
import { actionIdPattern } from '../../blocks/action-ids.js';

const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * "Share in channel": re-post the stored answer (not a new one) where the person asked; once per answer and
 * channel. Anything that cannot be shared (answer gone, bot not in the channel) is said to the sharer only.
 */
export function register(app: App, deps: SlackListenerDeps): void {
  app.action<BlockButtonAction>({ action_id: actionIdPattern('share_answer') }, async ({ ack, body, action, respond, client }) => {
    await ack();
    deps.countRequest?.('action_share');
    const channel = body.channel?.id;
    const answerId = action.value ?? '';
    if (!channel) return;
    const key = `share:${answerId}:${channel}`;
    const share = async () => {
      let posting = false;
      try {
        const actor = await slackActor(deps, body.user.id, body.team?.id ?? body.user.team_id);
        const name = body.user.name || body.user.username || 'a colleague';
        const outcome = await deps.bot.shareAnswerOutcome(actor, answerId, name, channel);
        if (!outcome.ok) {
          await deps.deliveries.release('slack', key);
          await respondReply(respond, outcome.reply);
          return;
        }
        posting = true;
        await postReply(client, outcome.reply, { channel, maxRetryAfterMs: deps.maxRetryAfterMs });
        await respondReply(respond, notice('success', 'Shared in the channel.'));
      } catch (err) {
        const info = slackErrorInfo(err);
        // The sharer decides about a second try: the button works again, and says when the post may be there already.
        await deps.deliveries.release('slack', key);
        if (info.kind === 'platform' && CANNOT_POST.has(info.error ?? '')) {
          await respondReply(respond, notice('warning', 'I cannot post in this channel. Invite me first (/invite @Camden staff bot), then share again.')).catch(() => undefined);
          return;
        }
        deps.logger.error({ err }, 'share failed');
        const maybePosted = posting && info.kind !== 'platform' && info.kind !== 'rate_limited';
        const reply = maybePosted
          ? notice('warning', 'Slack did not confirm the post, so the answer may already be in the channel. Look there before sharing again.')
          : errorReply(err);
        await respondReply(respond, reply).catch(() => undefined);
      }
    };
    if ((await once(deps, key, share)) === 'duplicate') {
      await respondReply(respond, notice('info', 'This answer is already shared in this channel.')).catch(() => undefined);
    }
  });
}

