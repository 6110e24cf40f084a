import type { App } from '@slack/bolt';
import { once, slackActor, type SlackListenerDeps } from '../../context.js';
import { respondReply } from '../../respond.js';
import { errorReply } from '../../../../src/bot/index.js';

/** `/digest`: the latest weekly digest, for network leads and admins (others are refused politely by the core). */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command('/digest', async ({ command, ack, respond }) => {
    await ack();
    deps.countRequest?.('command_digest');
    await once(deps, `cmd:${command.trigger_id}`, async () => {
      try {
        const actor = await slackActor(deps, command.user_id, command.team_id);
        await respondReply(respond, await deps.bot.digest(actor));
      } catch (err) {
        deps.logger.error({ err }, '/digest failed');
        await respondReply(respond, errorReply(err)).catch(() => undefined);
      }
    }, 'run');
  });
}
