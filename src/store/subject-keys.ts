import { createHmac } from 'node:crypto';
import type { SettingsRepo } from './settings-repo.js';
import type { PlatformIdentity } from '../directory/types.js';

export type SubjectPlatform = 'slack' | 'teams' | 'cli';

/**
 * Keyed hashes that stand in for people and chats wherever the bot keeps something about them without naming them
 * (question log, stored answers, feedback votes, threads). HMAC-SHA256 under QUESTION_LOG_SALT or, unset, a random
 * per-installation secret kept in `settings`: nobody without that key can recompute a hash from a Slack or Teams id,
 * and `directory export` / `directory delete` (which hold the key) find every row of one person through them.
 */
export interface SubjectKeys {
  /** The person on one platform: HMAC of "platform:userId" (Slack user id; Teams AAD object id). */
  user(platform: SubjectPlatform, userId: string): Promise<string>;
  /** A conversation, optionally one thread in it: lets a follow-up find its thread without storing a chat id. */
  conversation(platform: SubjectPlatform, conversationId: string, threadId?: string): Promise<string>;
}

/** Settings key of the generated secret (the question log's historical name: existing hashes stay valid). */
export const SUBJECT_SECRET_SETTING = 'question_log_salt';

export function createSubjectKeys(settings: Pick<SettingsRepo, 'installationSecret'>, salt?: string): SubjectKeys {
  const secret = () => (salt ? Promise.resolve(salt) : settings.installationSecret(SUBJECT_SECRET_SETTING));
  const mac = async (text: string) => createHmac('sha256', await secret()).update(text).digest('base64url');
  return {
    user: (platform, userId) => mac(`${platform}:${userId}`),
    conversation: (platform, conversationId, threadId) =>
      mac(`conversation\u0000${platform}\u0000${conversationId}${threadId === undefined ? '' : `\u0000${threadId}`}`),
  };
}

/** The platform id a person's keyed hash is made from: the Slack user id, or the Teams AAD object id. */
export function platformUserId(identity: PlatformIdentity): string {
  return identity.platform === 'slack' ? identity.user : identity.aadObjectId;
}
