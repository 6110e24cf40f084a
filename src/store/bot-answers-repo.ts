import { randomUUID } from 'node:crypto';
import type { Citation } from '../shared/citation.js';
import type { Platform } from '../shared/platform.js';
import type { PlatformIdentity } from '../directory/types.js';
import type { Queryable } from './db.js';
import { mapDbError } from './errors.js';
import { platformUserId, type SubjectKeys } from './subject-keys.js';

/** An answer the bot gave, as stored: nothing in it names the asker or the chat. */
export interface StoredAnswer {
  id: string;
  platform: Platform;
  question: string;
  answer: string;
  answered: boolean;
  citations: Citation[];
  createdAt: Date;
}

/**
 * An answer to store. The asker, the thread and the conversations where the answer is public are kept only as keyed
 * hashes (src/store/subject-keys.ts).
 */
export interface NewAnswer {
  platform: Platform;
  question: string;
  answer: string;
  answered: boolean;
  citations: Citation[];
  /** Who asked (only they may share it; export and erasure find it). */
  asker: PlatformIdentity;
  /** Where it was asked, so a follow-up in the same thread finds the thread's first question. */
  thread?: { conversationId: string; threadId: string } | null;
  /** The conversation where the answer is posted for everyone to see (a channel mention), if any. */
  publicIn?: string | null;
}

/** How someone stands to a stored answer in one conversation (the sharing rule on top lives in the bot core). */
export interface AnswerRelation {
  /** They asked the question. */
  asked: boolean;
  /** The answer is already visible to everyone in this conversation. */
  publicHere: boolean;
}

export interface BotAnswersRepo {
  save(answer: NewAnswer): Promise<StoredAnswer>;
  get(id: string): Promise<StoredAnswer | null>;
  /** The first question asked in a thread (its root), or null. */
  threadRoot(platform: Platform, conversationId: string, threadId: string): Promise<StoredAnswer | null>;
  /** One vote per voter per answer; voting again changes it (and its comment: what they wrote with it, if anything). */
  vote(answerId: string, voter: PlatformIdentity, helpful: boolean, comment?: string | null): Promise<'recorded' | 'changed' | 'same'>;
  relation(answerId: string, who: PlatformIdentity, conversationId: string): Promise<AnswerRelation>;
  /** The answer is now visible to everyone in this conversation (it was shared there). */
  markPublic(answerId: string, platform: Platform, conversationId: string): Promise<void>;
  purgeOlderThan(cutoff: Date): Promise<number>;
}

interface AnswerRow {
  id: string;
  platform: Platform;
  question: string;
  answer: string;
  answered: boolean;
  citations: Citation[] | string;
  created_at: Date | string;
}

const answerCols = 'id, platform, question, answer, answered, citations, created_at';

function toAnswer(r: AnswerRow): StoredAnswer {
  return {
    id: r.id,
    platform: r.platform,
    question: r.question,
    answer: r.answer,
    answered: r.answered,
    citations: typeof r.citations === 'string' ? (JSON.parse(r.citations) as Citation[]) : r.citations,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  };
}

/** A vote's comment as stored: control characters removed, trimmed, at most 2000 characters; empty is none. */
export function cleanComment(comment: string | null | undefined): string | null {
  // eslint-disable-next-line no-control-regex
  const c = (comment ?? '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
  return c ? c.slice(0, 2000) : null;
}

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapDbError(err);
  }
}

const isAnswerId = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

/**
 * Stored answers and their feedback (tables bot_answers, bot_feedback). The asker, voters, threads and the
 * conversations an answer is public in are stored as keyed hashes only (`keys`), never as platform ids.
 */
export function createBotAnswersRepo(db: Queryable, keys: SubjectKeys): BotAnswersRepo {
  const userKey = (who: PlatformIdentity) => keys.user(who.platform, platformUserId(who));
  const conversationKey = (platform: Platform, conversationId: string) => keys.conversation(platform, conversationId);
  return {
    save: (a: NewAnswer) =>
      run(async () => {
        const threadKey = a.thread ? await keys.conversation(a.platform, a.thread.conversationId, a.thread.threadId) : null;
        const publicKeys = a.publicIn ? [await conversationKey(a.platform, a.publicIn)] : [];
        const { rows } = await db.query<AnswerRow>(
          `INSERT INTO bot_answers (id, platform, question, answer, answered, citations, asker_hash, thread_key, public_keys)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::text[]) RETURNING ${answerCols}`,
          [randomUUID(), a.platform, a.question, a.answer, a.answered, JSON.stringify(a.citations), await userKey(a.asker), threadKey, publicKeys],
        );
        return toAnswer(rows[0]!);
      }),

    get: (id: string) =>
      run(async () => {
        if (!isAnswerId(id)) return null;
        const { rows } = await db.query<AnswerRow>(`SELECT ${answerCols} FROM bot_answers WHERE id = $1`, [id]);
        return rows[0] ? toAnswer(rows[0]) : null;
      }),

    threadRoot: (platform: Platform, conversationId: string, threadId: string) =>
      run(async () => {
        const { rows } = await db.query<AnswerRow>(
          `SELECT ${answerCols} FROM bot_answers WHERE platform = $1 AND thread_key = $2 ORDER BY seq ASC LIMIT 1`,
          [platform, await keys.conversation(platform, conversationId, threadId)],
        );
        return rows[0] ? toAnswer(rows[0]) : null;
      }),

    vote: (answerId: string, voter: PlatformIdentity, helpful: boolean, comment?: string | null) =>
      run(async () => {
        const { rows } = await db.query<{ previous: boolean | null }>(
          `WITH prev AS (SELECT helpful FROM bot_feedback WHERE answer_id = $1 AND voter_hash = $2)
           INSERT INTO bot_feedback (answer_id, voter_hash, helpful, comment) VALUES ($1, $2, $3, $4)
           ON CONFLICT (answer_id, voter_hash) DO UPDATE SET helpful = EXCLUDED.helpful, comment = EXCLUDED.comment, updated_at = now()
           RETURNING (SELECT helpful FROM prev) AS previous`,
          [answerId, await userKey(voter), helpful, cleanComment(comment)],
        );
        const previous = rows[0]?.previous ?? null;
        return previous === null ? 'recorded' : previous === helpful ? 'same' : 'changed';
      }),

    relation: (answerId: string, who: PlatformIdentity, conversationId: string) =>
      run(async (): Promise<AnswerRelation> => {
        if (!isAnswerId(answerId)) return { asked: false, publicHere: false };
        const { rows } = await db.query<{ asked: boolean; public_here: boolean }>(
          `SELECT asker_hash IS NOT DISTINCT FROM $2 AND asker_hash IS NOT NULL AS asked, $3 = ANY(public_keys) AS public_here
           FROM bot_answers WHERE id = $1`,
          [answerId, await userKey(who), await conversationKey(who.platform, conversationId)],
        );
        return { asked: rows[0]?.asked === true, publicHere: rows[0]?.public_here === true };
      }),

    markPublic: (answerId: string, platform: Platform, conversationId: string) =>
      run(async () => {
        if (!isAnswerId(answerId)) return;
        await db.query(
          `UPDATE bot_answers SET public_keys = array_append(public_keys, $2::text) WHERE id = $1 AND NOT ($2 = ANY(public_keys))`,
          [answerId, await conversationKey(platform, conversationId)],
        );
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
