import type { Queryable } from './db.js';
import { mapDbError } from './errors.js';

/** Teams message id -> stored answer id (table teams_answer_messages), for Teams' feedback loop. */
export interface TeamsAnswerMessagesRepo {
  /** Idempotent: the same message recorded twice keeps its first answer. */
  remember(conversationId: string, activityId: string, answerId: string): Promise<void>;
  answerFor(conversationId: string, activityId: string): Promise<string | null>;
}

export function createTeamsAnswerMessagesRepo(db: Queryable): TeamsAnswerMessagesRepo {
  return {
    async remember(conversationId, activityId, answerId) {
      try {
        await db.query(
          'INSERT INTO teams_answer_messages (conversation_id, activity_id, answer_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [conversationId, activityId, answerId],
        );
      } catch (err) {
        throw mapDbError(err);
      }
    },
    async answerFor(conversationId, activityId) {
      try {
        const { rows } = await db.query<{ answer_id: string }>(
          'SELECT answer_id FROM teams_answer_messages WHERE conversation_id = $1 AND activity_id = $2',
          [conversationId, activityId],
        );
        return rows[0]?.answer_id ?? null;
      } catch (err) {
        throw mapDbError(err);
      }
    },
  };
}
