import type { App, BlockButtonAction } from '@slack/bolt';
import { attendanceModal } from '../../blocks/attendance-modal.js';
import { slackWho, type SlackListenerDeps } from '../../context.js';
import { postReply } from '../../post.js';
import { decodeOpenFormValue } from '../../../../src/bot/index.js';
import { actionIdPattern } from '../../blocks/action-ids.js';

/** "Submit a return" button (App Home, reminders): open the attendance modal, on the reminder's centre and week. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.action<BlockButtonAction>({ action_id: actionIdPattern('open_attendance_form') }, async ({ ack, body, client }) => {
    await ack();
    deps.countRequest?.('action_open_form');
    try {
      const value = body.actions[0]?.type === 'button' ? body.actions[0].value : undefined;
      const outcome = await deps.bot.handle({
        ...slackWho(deps, body.user.id, body.team?.id ?? body.user.team_id),
        surface: 'card',
        openForm: decodeOpenFormValue(value),
        deliveryKey: `slack:action:${body.trigger_id}`,
      });
      if (outcome.kind === 'open-form') {
        await client.views.open({ trigger_id: body.trigger_id, view: attendanceModal(outcome.form) });
      } else {
        const dm = await client.conversations.open({ users: body.user.id });
        if (dm.channel?.id) await postReply(client, outcome.reply, { channel: dm.channel.id, maxRetryAfterMs: deps.maxRetryAfterMs });
      }
    } catch (err) {
      deps.logger.error({ err }, 'open attendance form failed');
    }
  });
}
