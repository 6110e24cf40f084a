import { createHash } from 'node:crypto';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ThreadRef } from '../../src/bot/index.js';
import type { TeamsUser } from './deps.js';

/** The Microsoft 365 tenant the activity comes from, or null when it names none. */
export function tenantOf(activity: Activity): string | null {
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? null;
}

/** The sender as a Teams identity, or null when the activity carries no AAD object id (e.g. some emulators). */
export function senderOf(activity: Activity): TeamsUser | null {
  const aadObjectId = activity.from?.aadObjectId;
  const tenantId = tenantOf(activity);
  if (!aadObjectId || !tenantId) return null;
  return { aadObjectId, tenantId };
}

export function isPersonal(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (!type && !activity.conversation?.isGroup);
}

export function isChannel(activity: Activity): boolean {
  return activity.conversation?.conversationType === 'channel';
}

/** True when the bot is @mentioned (needed in channels and group chats). */
export function mentionsBot(activity: Activity): boolean {
  const botId = activity.recipient?.id;
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === botId,
  );
}

/** Reference for proactive messages, without the triggering activity id so a send starts a new message. */
export function referenceFor(activity: Activity): Record<string, unknown> {
  const ref: Partial<ConversationReference> = TurnContext.getConversationReference(activity);
  delete ref.activityId;
  return JSON.parse(JSON.stringify(ref)) as Record<string, unknown>;
}

/**
 * Thread of a channel message: Teams marks replies with ";messageid=<root>" on the conversation id; a new post is
 * its own root. Personal and group chats have no threads, so follow-ups there are independent questions.
 */
export function threadOf(activity: Activity): ThreadRef | undefined {
  if (!isChannel(activity)) return undefined;
  const [base, ...params] = (activity.conversation?.id ?? '').split(';');
  if (!base) return undefined;
  const rootParam = params.find((p) => p.startsWith('messageid='));
  const threadId = rootParam ? rootParam.slice('messageid='.length) : activity.id;
  return threadId ? { conversationId: base, threadId } : undefined;
}

/** Conversation id without Teams' ";messageid=" thread suffix. */
export function baseConversationId(activity: Activity): string {
  return (activity.conversation?.id ?? '').split(';')[0] ?? '';
}

/** A short stable key for a delivery: conversation and activity id, hashed to a fixed length. */
export function deliveryKey(activity: Activity, extra = ''): string {
  const raw = `${activity.conversation?.id ?? ''}\u0000${activity.id ?? ''}\u0000${extra}`;
  return createHash('sha256').update(raw).digest('hex').slice(0, 40);
}

/** Display name for "shared by" and logs-free greetings. */
export function senderName(activity: Activity): string {
  return activity.from?.name?.trim() || 'A colleague';
}
