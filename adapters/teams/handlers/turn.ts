import type { TurnContext } from 'botbuilder';
import type { Actor } from '../../../src/directory/types.js';
import type { Reply } from '../../../src/shared/reply.js';
import { isPersonal, referenceFor, senderOf } from '../activity.js';
import { replyToActivity } from '../cards/reply-card.js';
import type { TeamsAdapterDeps } from '../deps.js';

/**
 * Who is talking. Real Teams traffic always carries the sender's AAD object id and tenant; an emulator without
 * them is treated as plain staff (questions only), never as a directory person. `ask`: questions and help, which
 * fall back to plain staff when the directory cannot be read.
 */
export async function actorFor(deps: TeamsAdapterDeps, context: TurnContext, purpose: 'ask' | 'act' = 'act'): Promise<Actor> {
  const user = senderOf(context.activity);
  if (!user) {
    return { identity: { platform: 'teams', aadObjectId: context.activity.from?.id ?? 'unknown', tenantId: '' }, person: null };
  }
  const identity = { platform: 'teams' as const, ...user };
  return purpose === 'ask' ? deps.bot.askingActor(identity) : deps.bot.actor(identity);
}

/** Keep the person's personal-chat reference fresh so jobs can message them later. Never fails the turn. */
export async function rememberConversation(deps: TeamsAdapterDeps, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const user = senderOf(activity);
  if (!user || !isPersonal(activity) || !activity.serviceUrl) return;
  try {
    await deps.conversations.saveReference(user, referenceFor(activity));
  } catch (err) {
    deps.logger.warn({ err, code: (err as { code?: string }).code }, 'could not store Teams conversation reference');
  }
}

export async function sendReply(context: TurnContext, reply: Reply): Promise<string | undefined> {
  const res = await context.sendActivity(replyToActivity(reply));
  return res?.id;
}
