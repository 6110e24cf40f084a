import { createHash, randomUUID } from 'node:crypto';
import type { Citation } from '../shared/citation.js';
import type { Platform } from '../shared/platform.js';
import type { Queryable } from './db.js';
import { mapDbError } from './errors.js';

/** An answer the bot gave, as stored (no asker id). */
export interface StoredAnswer {
  id: string;
  platform: Platform;
  question: string;
  answer: string;
  answered: boolean;
  citations: Citation[];
  conversationId: string | null;
  threadId: string | null;
  createdAt: Date;
}

export interface NewAnswer {
  platform: Platform;
  question: string;
  answer: string;
  answered: boolean;
  citations: Citation[];
  conversationId?: string | null;
  threadId?: string | null;
}

export interface BotAnswersRepo {
  save(answer: NewAnswer): Promise<StoredAnswer>;
  get(id: string): Promise<StoredAnswer | null>;
  /** The first question asked in a thread (its root), or null. */
  threadRoot(platform: Platform, conversationId: string, threadId: string): Promise<StoredAnswer | null>;
  /** One vote per voter per answer; voting again changes it. */
  vote(answerId: string, voterKey: string, helpful: boolean): Promise<'recorded' | 'changed' | 'same'>;
  purgeOlderThan(cutoff: Date): Promise<number>;
}

interface AnswerRow {
  id: string;
  platform: Platform;
  question: string;
  answer: string;
  answered: boolean;
  citations: Citation[] | string;
  conversation_id: string | null;
  thread_id: string | null;
  created_at: Date | string;
}

function toAnswer(r: AnswerRow): StoredAnswer {
  return {
    id: r.id,
    platform: r.platform,
    question: r.question,
    answer: r.answer,
    answered: r.answered,
    citations: typeof r.citations === 'string' ? (JSON.parse(r.citations) as Citation[]) : r.citations,
    conversationId: r.conversation_id,
    threadId: r.thread_id,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  };
}

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapDbError(err);
  }
}

/** Stored answers and their feedback (tables bot_answers, bot_feedback). */
export function createBotAnswersRepo(db: Queryable): BotAnswersRepo {
  return {
    save: (a: NewAnswer) =>
      run(async () => {
        const { rows } = await db.query<AnswerRow>(
          `INSERT INTO bot_answers (id, platform, question, answer, answered, citations, conversation_id, thread_id)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) RETURNING *`,
          [randomUUID(), a.platform, a.question, a.answer, a.answered, JSON.stringify(a.citations), a.conversationId ?? null, a.threadId ?? null],
        );
        return toAnswer(rows[0]!);
      }),

    get: (id: string) =>
      run(async () => {
        if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
        const { rows } = await db.query<AnswerRow>('SELECT * FROM bot_answers WHERE id = $1', [id]);
        return rows[0] ? toAnswer(rows[0]) : null;
      }),

    threadRoot: (platform: Platform, conversationId: string, threadId: string) =>
      run(async () => {
        const { rows } = await db.query<AnswerRow>(
          `SELECT * FROM bot_answers WHERE platform = $1 AND conversation_id = $2 AND thread_id = $3
           ORDER BY seq ASC LIMIT 1`,
          [platform, conversationId, threadId],
        );
        return rows[0] ? toAnswer(rows[0]) : null;
      }),

    vote: (answerId: string, voterKey: string, helpful: boolean) =>
      run(async () => {
        const voterHash = createHash('sha256').update(`feedback:${voterKey}`).digest('hex');
        const { rows } = await db.query<{ previous: boolean | null }>(
          `WITH prev AS (SELECT helpful FROM bot_feedback WHERE answer_id = $1 AND voter_hash = $2)
           INSERT INTO bot_feedback (answer_id, voter_hash, helpful) VALUES ($1, $2, $3)
           ON CONFLICT (answer_id, voter_hash) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = now()
           RETURNING (SELECT helpful FROM prev) AS previous`,
          [answerId, voterHash, helpful],
        );
        const previous = rows[0]?.previous ?? null;
        return previous === null ? 'recorded' : previous === helpful ? 'same' : 'changed';
      }),

    purgeOlderThan: (cutoff: Date) =>
      run(async () => (await db.query('DELETE FROM bot_answers WHERE created_at < $1', [cutoff])).rowCount),
  };
}

/** Totals of feedback for one answer (for tests and reports). */
export async function feedbackCounts(db: Queryable, answerId: string): Promise<{ helpful: number; notHelpful: number }> {
  const { rows } = await db.query<{ helpful: number | string; not_helpful: number | string }>(
    `SELECT count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS not_helpful
     FROM bot_feedback WHERE answer_id = $1`,
    [answerId],
  );
  return { helpful: Number(rows[0]?.helpful ?? 0), notHelpful: Number(rows[0]?.not_helpful ?? 0) };
}
