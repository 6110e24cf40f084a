import type { App } from '@slack/bolt';
import { askingActor, once, type SlackListenerDeps } from '../../context.js';
import { respondReply } from '../../respond.js';
import { fromSlackText } from '../../text.js';
import { slackErrorInfo } from '../../post.js';

/** `/ask <question>`: the answer comes back only to the asker, with a "Share in channel" button. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command('/ask', async ({ command, ack, respond }) => {
    await ack();
    deps.countRequest?.('command_ask');
    await once(deps, `cmd:${command.trigger_id}`, async () => {
      try {
        const actor = await askingActor(deps, command.user_id, command.team_id);
        const { reply } = await deps.bot.ask(actor, fromSlackText(command.text ?? ''), { shareable: true });
        await respondReply(respond, reply);
      } catch (err) {
        deps.logger.error({ err }, '/ask failed');
        deps.countError?.('slack_ask', slackErrorInfo(err).kind);
      }
    }, 'run');
  });
}
