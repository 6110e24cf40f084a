import type { App } from '@slack/bolt';
import { attendanceModal } from '../../blocks/attendance-modal.js';
import { once, slackActor, type SlackListenerDeps } from '../../context.js';
import { respondReply } from '../../respond.js';
import { fromSlackText } from '../../text.js';
import { errorReply, notice } from '../../../../src/bot/index.js';
import { slackErrorInfo } from '../../post.js';

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
        const outcome = await deps.bot.attendanceCommand(actor, fromSlackText(command.text ?? ''), `slack:cmd:${command.trigger_id}`);
        if (outcome.kind === 'open-form') {
          try {
            await client.views.open({ trigger_id: command.trigger_id, view: attendanceModal(outcome.form, { channel: command.channel_id }) });
          } catch (err) {
            if (slackErrorInfo(err).error !== 'expired_trigger_id') throw err;
            await respondReply(respond, notice('warning', 'The form took too long to open. Please run /attendance again, or submit in one line, e.g. /attendance sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3'));
          }
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
