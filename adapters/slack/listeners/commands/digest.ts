import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../context.js';
import { handleCommand } from '../../handle-command.js';

/** `/digest`: the latest weekly digest, for network leads and admins (others are refused politely by the core). */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command('/digest', async (args) => {
    await args.ack();
    await handleCommand(deps, 'digest', args);
  });
}
