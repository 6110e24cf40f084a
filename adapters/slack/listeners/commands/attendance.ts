import type { App } from '@slack/bolt';
import { attendanceModal } from '../../blocks/attendance-modal.js';
import { once, slackActor, type SlackListenerDeps } from '../../context.js';
import { respondReply } from '../../respond.js';
import { errorReply } from '../../../../src/bot/index.js';

/**
 * `/attendance` opens the form; `/attendance <quick form>` submits at once (idempotency key: the trigger id);
 * `/attendance status`; `/attendance admin …` for admins.
 */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command('/attendance', async ({ command, ack, respond, client }) => {
    await ack();
    deps.countRequest?.('command_attendance');
    await once(deps, `cmd:${command.trigger_id}`, async () => {
      try {
        const actor = await slackActor(deps, command.user_id, command.team_id);
        const outcome = await deps.bot.attendanceCommand(actor, command.text ?? '', `slack:cmd:${command.trigger_id}`);
        if (outcome.kind === 'open-form') {
          await client.views.open({ trigger_id: command.trigger_id, view: attendanceModal(outcome.form, { channel: command.channel_id }) });
        } else {
          await respondReply(respond, outcome.reply);
        }
      } catch (err) {
        deps.logger.error({ err }, '/attendance failed');
        await respondReply(respond, errorReply(err)).catch(() => undefined);
      }
    }, 'run');
  });
}
