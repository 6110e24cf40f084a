import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import { handleCommand } from '../../handle-command.js';
import { slackCommandName } from '../../../../src/shared/commands.js';

/** `/attendance` opens the form; `/attendance <quick form>` submits at once; `/attendance status`; `/attendance admin …`. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command(slackCommandName('attendance', deps.commandPrefix), async (args) => {
    await args.ack();
    await handleCommand(deps, 'attendance', args);
  });
}
