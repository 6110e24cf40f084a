import type { AllMiddlewareArgs, RespondFn, SlashCommand } from '@slack/bolt';
import { errorReply, notice } from '../../src/bot/index.js';
import { attendanceModal } from './blocks/attendance-modal.js';
import { once, slackWho, type SlackListenerDeps } from './context.js';
import { postReply, slackErrorInfo } from './post.js';
import { hasImages } from './blocks/render-reply.js';
import { DM_IMAGE_NOTE } from './notifier.js';
import { uploadImages } from './upload-images.js';
import { respondReply } from './respond.js';
import { slackInput } from './text.js';
import { commandText } from '../../src/shared/commands.js';

export interface CommandArgs {
  command: SlashCommand;
  respond: RespondFn;
  client: AllMiddlewareArgs['client'];
}

/**
 * A slash command (`/ask`, `/attendance`, `/digest`): its name and text go to the core as one line, so
 * `/attendance status` means what "attendance status" means in a DM or a Teams chat. The reply is ephemeral
 * (through response_url); a form opens as a modal on the command's trigger. Handled once per trigger_id.
 */
export async function handleCommand(deps: SlackListenerDeps, name: string, { command, respond, client }: CommandArgs): Promise<void> {
  deps.countRequest?.(`command_${name}`);
  await once(
    deps,
    `cmd:${command.trigger_id}`,
    async () => {
      // Set once a reply is handed to response_url: if that call fails, Slack may still have shown it, so no error
      // notice follows it (it could contradict the answer, and a hung response_url would be tried twice).
      let replied = false;
      try {
        const { text, channels } = slackInput(command.text ?? '');
        const outcome = await deps.bot.handle({
          ...slackWho(deps, command.user_id, command.team_id),
          surface: 'command',
          command: name,
          text,
          channels,
          conversationId: command.channel_id,
          deliveryKey: `slack:cmd:${command.trigger_id}`,
        });
        if (outcome.kind !== 'open-form' && hasImages(outcome.reply)) {
          // An ephemeral reply cannot carry the digest's chart: the digest goes to the person's DM with the bot, the
          // chart right after it, and the command's channel says where.
          const dm = (await client.conversations.open({ users: command.user_id })).channel?.id;
          if (dm) {
            replied = true;
            await postReply(client, outcome.reply, { channel: dm, maxRetryAfterMs: deps.maxRetryAfterMs, imageNote: DM_IMAGE_NOTE });
            await uploadImages(client, outcome.reply, dm, deps.logger);
            if (command.channel_id !== dm) {
              await respondReply(respond, notice('info', 'Your digest, with its chart, is in your messages with me.'));
            }
            return;
          }
        }
        if (outcome.kind !== 'open-form') {
          replied = true;
          await respondReply(respond, outcome.reply);
          return;
        }
        try {
          await client.views.open({ trigger_id: command.trigger_id, view: attendanceModal(outcome.form, { channel: command.channel_id }) });
        } catch (err) {
          if (slackErrorInfo(err).error !== 'expired_trigger_id') throw err;
          replied = true;
          await respondReply(
            respond,
            notice(
              'warning',
              `The form took too long to open. Please run ${commandText('slack', 'attendance')} again, or submit in one line, e.g. ` +
                commandText('slack', 'attendance sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3'),
            ),
          );
        }
      } catch (err) {
        deps.logger.error({ err, command: name }, 'slash command failed');
        deps.countError?.(`slack_${name}`, slackErrorInfo(err).kind);
        if (!replied) await respondReply(respond, errorReply(err)).catch(() => undefined);
      }
    },
  );
}
