import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import { handleCommand } from '../../handle-command.js';
import { slackCommandName } from '../../../../src/shared/commands.js';

/** `/digest`: the latest weekly digest, for network leads and admins (others are refused politely by the core). */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command(slackCommandName('digest', deps.commandPrefix), async (args) => {
    await args.ack();
    await handleCommand(deps, 'digest', args);
  });
}
