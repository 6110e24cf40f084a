import { Application, type TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { ActivityTypes } from 'botbuilder';
import { errorReply, notice } from '../../src/bot/index.js';
import { tenantOf } from './activity.js';
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
  refuseOtherTenants(app, deps);
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

const OTHER_TENANT =
  "Sorry, I only work for staff in this school network's Microsoft 365 organisation, so I can't help with this account.";

/**
 * With MICROSOFT_APP_TENANT_ID set, only that organisation's users are served: anyone else gets one polite line and
 * nothing about them is stored (no conversation reference, no question log). Runs before every route.
 */
function refuseOtherTenants(app: Application, deps: TeamsAdapterDeps): void {
  const allowed = deps.config.MICROSOFT_APP_TENANT_ID?.toLowerCase();
  if (!allowed) return;
  app.turn('beforeTurn', async (context: TurnContext) => {
    const tenant = tenantOf(context.activity)?.toLowerCase();
    if (tenant === allowed) return true;
    deps.logger.info({ activityType: context.activity.type, tenantKnown: !!tenant }, 'Teams activity from another organisation refused');
    if (context.activity.type === ActivityTypes.Message) await sendReply(context, notice('info', OTHER_TENANT)).catch(() => undefined);
    return false;
  });
}
