import { Application, type TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { errorReply } from '../../src/bot/index.js';
import type { TeamsAdapterDeps } from './deps.js';
import { registerCardActions } from './handlers/card-actions.js';
import { registerInstallHandlers } from './handlers/install.js';
import { registerMessageHandler } from './handlers/message.js';
import { sendReply } from './handlers/turn.js';

/**
 * The teams-ai Application: routing only. Answers come from the bot core (no AI module, no planner);
 * routes are matched in registration order, so card buttons come before the catch-all message route.
 */
export function createTeamsApplication(adapter: TeamsAdapter, deps: TeamsAdapterDeps): Application {
  const app = new Application({
    adapter,
    botAppId: deps.config.MICROSOFT_APP_ID ?? '',
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  registerCardActions(app, deps);
  registerInstallHandlers(app, deps);
  registerMessageHandler(app, deps);
  app.error(async (context: TurnContext, err: Error) => {
    deps.logger.error({ err, activityType: context.activity?.type }, 'Teams turn failed');
    try {
      await sendReply(context, errorReply(err));
    } catch {
      // The connector itself is failing; the error is logged above.
    }
  });
  return app;
}
