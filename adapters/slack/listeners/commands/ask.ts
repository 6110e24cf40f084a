import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import { handleCommand } from '../../handle-command.js';
import { slackCommandName } from '../../../../src/shared/commands.js';

/** `/ask <question>`: the answer comes back only to the asker, with a "Share in channel" button. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command(slackCommandName('ask', deps.commandPrefix), async (args) => {
    await args.ack();
    await handleCommand(deps, 'ask', args);
  });
}
