import type { TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { isPersonal, senderOf } from '../activity.js';
import type { TeamsAdapterDeps } from '../deps.js';
import { actorFor, rememberConversation, sendReply } from './turn.js';

/**
 * Install and roster changes: store the conversation reference (so reminders can reach a lead who has only
 * installed the app), greet once when the bot itself is added, and stop messaging someone who uninstalled it.
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
    const action = context.activity.action;
    if (action === 'add' || action === 'add-upgrade') {
      await rememberConversation(deps, context);
      // Installed for a lead (by them or centrally by IT): link them to the directory by email now, so reminders reach
      // them before they ever write. Never fails the install.
      await actorFor(deps, context).catch((err: unknown) => deps.logger.warn({ err }, 'could not link the Teams user on install'));
    } else if ((action === 'remove' || action === 'remove-upgrade') && isPersonal(context.activity)) {
      // Uninstalled from the person's chat: reminders would only bounce with 403, so stop now.
      const user = senderOf(context.activity);
      if (user) {
        await deps.conversations.markUnreachable(user).catch((err: unknown) => {
          deps.logger.warn({ err }, 'could not mark Teams identity unreachable after uninstall');
        });
      }
    }
  });
}
