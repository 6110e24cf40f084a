import { TeamsInfo, type Activity, type TurnContext } from 'botbuilder';
import type { ProfileLookup } from '../../../src/directory/linking.js';
import type { AttendanceFormModel } from '../../../src/bot/index.js';
import { attendanceFormAttachment } from '../cards/attendance-form-card.js';
import type { Actor, PlatformIdentity } from '../../../src/directory/types.js';
import type { Reply } from '../../../src/shared/reply.js';
import { isPersonal, referenceFor, senderOf } from '../activity.js';
import { replyToActivity } from '../cards/reply-card.js';
import type { TeamsAdapterDeps } from '../deps.js';

/**
 * Who clicked a button (feedback, share) or installed the bot. Real Teams traffic always carries the sender's AAD
 * object id and tenant; an emulator without them is plain staff, never a directory person.
 */
export async function actorFor(deps: TeamsAdapterDeps, context: TurnContext): Promise<Actor> {
  const identity = identityOf(context.activity);
  if (!senderOf(context.activity)) return { identity, person: null };
  return deps.bot.actor(identity, profileOf(context));
}

/**
 * The sender's email and user principal name from the conversation's roster (TeamsInfo.getMember: GET
 * /v3/conversations/{id}/members/{memberId}), for linking them to the directory by email on first contact.
 */
export function profileOf(context: TurnContext): ProfileLookup {
  return async () => {
    const from = context.activity.from;
    if (!from?.id || !senderOf(context.activity)) return null;
    try {
      const m = await TeamsInfo.getMember(context, from.id);
      return { emails: [m.email, m.userPrincipalName].filter((e): e is string => !!e), name: m.name ?? null };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  };
}

/**
 * The sender as the core's identity. Without an AAD object id and tenant (some emulators) the tenant is empty, which
 * no directory entry has, so the sender is plain staff.
 */
export function identityOf(activity: Activity): PlatformIdentity {
  const user = senderOf(activity);
  return user ? { platform: 'teams', ...user } : { platform: 'teams', aadObjectId: activity.from?.id ?? 'unknown', tenantId: '' };
}

/** The attendance form as a card message, filled in with the return already in for its centre and week. */
export function formCard(form: AttendanceFormModel): Partial<Activity> {
  return { type: 'message', attachments: [attendanceFormAttachment(form)] };
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
