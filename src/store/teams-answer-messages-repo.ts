import { createHmac } from 'node:crypto';
import type { Queryable } from './db.js';
import type { SettingsRepo } from './settings-repo.js';

/**
 * Teams message -> stored answer id (table teams_answer_messages), for Teams' feedback loop. The message is keyed
 * by an HMAC of its conversation and message ids under a per-installation secret, so the table cannot be joined
 * back to a person's chat: answers stay unattributed, as in the question log.
 */
export interface TeamsAnswerMessagesRepo {
  /** Idempotent: the same message recorded twice keeps its first answer. */
  remember(conversationId: string, activityId: string, answerId: string): Promise<void>;
  answerFor(conversationId: string, activityId: string): Promise<string | null>;
}

const SECRET_SETTING = 'teams_answer_messages_key';

export function createTeamsAnswerMessagesRepo(db: Queryable, settings: SettingsRepo): TeamsAnswerMessagesRepo {
  const keyOf = async (conversationId: string, activityId: string) =>
    createHmac('sha256', await settings.installationSecret(SECRET_SETTING)).update(`${conversationId}\u0000${activityId}`).digest('base64url');
  return {
    async remember(conversationId, activityId, answerId) {
      await db.query('INSERT INTO teams_answer_messages (message_key, answer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        await keyOf(conversationId, activityId),
        answerId,
      ]);
    },
    async answerFor(conversationId, activityId) {
      const { rows } = await db.query<{ answer_id: string }>('SELECT answer_id FROM teams_answer_messages WHERE message_key = $1', [
        await keyOf(conversationId, activityId),
      ]);
      return rows[0]?.answer_id ?? null;
    },
  };
}
