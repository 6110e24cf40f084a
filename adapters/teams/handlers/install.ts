import type { TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { isPersonal } from '../activity.js';
import type { TeamsAdapterDeps } from '../deps.js';
import { actorFor, rememberConversation, sendReply } from './turn.js';

/**
 * Install and roster changes: store the conversation reference (so reminders can reach a lead who has only
 * installed the app) and greet once when the bot itself is added.
 */
export function registerInstallHandlers(app: Application, deps: TeamsAdapterDeps): void {
  app.conversationUpdate('membersAdded', async (context: TurnContext) => {
    await rememberConversation(deps, context);
    const botId = context.activity.recipient?.id;
    const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
    if (!botAdded) return;
    const actor = await actorFor(deps, context);
    await sendReply(context, isPersonal(context.activity) ? await deps.bot.home(actor) : deps.bot.help(actor));
  });

  app.activity('installationUpdate', async (context: TurnContext) => {
    if (context.activity.action === 'add' || context.activity.action === 'add-upgrade') {
      await rememberConversation(deps, context);
    }
  });
}
