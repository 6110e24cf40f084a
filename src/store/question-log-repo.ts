import type { Logger } from '../logger.js';
import type { Db, Queryable } from './db.js';

export interface QuestionLogEntry {
  platform: 'slack' | 'teams' | 'cli';
  /** Salted hash of the asker's platform id (never the id). */
  userHash: string;
  question: string;
  /** Grouping form of the question (see normaliseQuestion). */
  normalised: string;
  answered: boolean;
  askedAt: Date;
  /** Platform delivery id: a redelivered question is logged once. */
  deliveryKey?: string | null;
}

export interface QuestionLogRow extends QuestionLogEntry {
  id: number;
}

export interface FrequentQuestion {
  /** The most recent wording of the question. */
  question: string;
  normalised: string;
  count: number;
}

export interface QuestionLogRepo {
  /** False when deliveryKey was seen before (nothing stored). */
  insert(entry: QuestionLogEntry): Promise<boolean>;
  /** Most frequent unanswered questions asked in [from, to), grouped by normalised text, most frequent first. */
  topUnanswered(from: Date, to: Date, limit: number): Promise<FrequentQuestion[]>;
  /** Questions the bot could not answer asked in [from, to), newest first, at most `limit`. */
  unansweredIn(from: Date, to: Date, limit: number): Promise<{ question: string; askedAt: Date }[]>;
  /**
   * Questions whose answer someone marked Not helpful in [from, to) (the vote as it stands), newest vote first, one
   * per answer, at most `limit` (from the stored answers and their votes).
   */
  notHelpfulIn(from: Date, to: Date, limit: number): Promise<{ question: string; votedAt: Date }[]>;
  /** Deletes entries asked before `before`; returns how many. */
  purgeBefore(before: Date): Promise<number>;
  byUserHashes(hashes: string[]): Promise<QuestionLogRow[]>;
}

interface Row {
  id: number;
  asked_at: Date;
  platform: QuestionLogEntry['platform'];
  user_hash: string;
  question: string;
  normalised: string;
  answered: boolean;
  delivery_key: string | null;
}

export function createQuestionLogRepo(db: Db, logger?: Logger): QuestionLogRepo {
  return {
    async insert(e) {
      const r = await db.query(
        `INSERT INTO question_log (asked_at, platform, user_hash, question, normalised, answered, delivery_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
        [e.askedAt, e.platform, e.userHash, e.question, e.normalised, e.answered, e.deliveryKey ?? null],
      );
      return r.rows.length === 1;
    },
    async topUnanswered(from, to, limit) {
      const r = await db.query<{ question: string; normalised: string; count: number }>(
        `SELECT (array_agg(question ORDER BY asked_at DESC))[1] AS question, normalised, count(*)::int AS count
         FROM question_log WHERE NOT answered AND asked_at >= $1 AND asked_at < $2 AND normalised <> ''
         GROUP BY normalised ORDER BY count(*) DESC, max(asked_at) DESC, normalised LIMIT $3`,
        [from, to, Math.max(0, Math.floor(limit))],
      );
      return r.rows;
    },
    async unansweredIn(from, to, limit) {
      const r = await db.query<{ question: string; asked_at: Date }>(
        `SELECT question, asked_at FROM question_log WHERE NOT answered AND asked_at >= $1 AND asked_at < $2
         ORDER BY asked_at DESC, id DESC LIMIT $3`,
        [from, to, Math.max(0, Math.floor(limit))],
      );
      return r.rows.map((x) => ({ question: x.question, askedAt: new Date(x.asked_at) }));
    },
    async notHelpfulIn(from, to, limit) {
      const r = await db.query<{ question: string; voted_at: Date }>(
        `SELECT a.question, max(f.updated_at) AS voted_at
           FROM bot_feedback f JOIN bot_answers a ON a.id = f.answer_id
          WHERE NOT f.helpful AND f.updated_at >= $1 AND f.updated_at < $2
          GROUP BY a.id, a.question ORDER BY voted_at DESC LIMIT $3`,
        [from, to, Math.max(0, Math.floor(limit))],
      );
      return r.rows.map((x) => ({ question: x.question, votedAt: new Date(x.voted_at) }));
    },
    async purgeBefore(before) {
      const r = await db.query('DELETE FROM question_log WHERE asked_at < $1 RETURNING id', [before]);
      if (r.rows.length) logger?.info({ purged: r.rows.length }, 'question log purged');
      return r.rows.length;
    },
    async byUserHashes(hashes) {
      if (!hashes.length) return [];
      const r = await db.query<Row>('SELECT * FROM question_log WHERE user_hash = ANY($1::text[]) ORDER BY asked_at, id', [hashes]);
      return r.rows.map((x) => ({
        id: x.id,
        askedAt: x.asked_at,
        platform: x.platform,
        userHash: x.user_hash,
        question: x.question,
        normalised: x.normalised,
        answered: x.answered,
        deliveryKey: x.delivery_key,
      }));
    },
  };
}
