import type { Config } from '../config.js';
import { MAX_QUESTION_CHARS } from '../shared/limits.js';
import type { Logger } from '../logger.js';
import type { Store } from './store.js';
import type { FrequentQuestion } from './question-log-repo.js';
import { createSubjectKeys, type SubjectKeys } from './subject-keys.js';

export type QuestionPlatform = 'slack' | 'teams' | 'cli';

export interface QuestionLogOptions {
  /** QUESTION_LOG_SALT; when unset a random per-installation salt is generated once and kept in the database. */
  salt?: string;
  /** QUESTION_LOG_DAYS: entries older than this are deleted by purgeQuestionLog. */
  retentionDays: number;
  logger?: Logger;
}

export interface QuestionRecord {
  platform: QuestionPlatform;
  /** Platform user id (Slack user id; Teams AAD object id). Only its salted hash is stored. */
  userId: string;
  question: string;
  answered: boolean;
  at?: Date;
  /** Platform delivery id, so a redelivered question is logged once. */
  deliveryKey?: string;
}


/** Grouping form of a question: case, quotes, punctuation and spacing folded. */
export function normaliseQuestion(q: string): string {
  return q
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’ʼ`]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Question log for the digest's "unanswered questions", with salted user hashes and a retention limit. */
export class QuestionLog {
  /** The keyed hashes this log (and the stored answers and votes) use for people and chats. */
  readonly keys: SubjectKeys;

  constructor(
    private readonly store: Store,
    private readonly opts: QuestionLogOptions,
  ) {
    this.keys = createSubjectKeys(store.settings, opts.salt);
  }

  /** HMAC-SHA256 of "platform:userId" under the salt; the same person on one platform always hashes the same. */
  hashUser(platform: QuestionPlatform, userId: string): Promise<string> {
    return this.keys.user(platform, userId);
  }

  async record(entry: QuestionRecord): Promise<void> {
    const question = entry.question.trim().slice(0, MAX_QUESTION_CHARS);
    if (!question) return;
    await this.store.questionLog.insert({
      platform: entry.platform,
      userHash: await this.hashUser(entry.platform, entry.userId),
      question,
      normalised: normaliseQuestion(question),
      answered: entry.answered,
      askedAt: entry.at ?? new Date(),
      deliveryKey: entry.deliveryKey ?? null,
    });
  }

  /** Most frequent unanswered questions asked in [from, to), most frequent first. */
  async topUnanswered(from: Date, to: Date, limit: number): Promise<{ question: string; count: number }[]> {
    const rows: FrequentQuestion[] = await this.store.questionLog.topUnanswered(from, to, limit);
    return rows.map((r) => ({ question: r.question, count: r.count }));
  }

  /**
   * The questions of [from, to) the digest counts as knowledge gaps, newest first: those the bot declined and those
   * whose answer was marked Not helpful (at most `limit` of each). The digest groups and filters them.
   */
  async gapEntries(from: Date, to: Date, limit = 2_000): Promise<{ question: string; why: 'declined' | 'not_helpful' }[]> {
    const [declined, unhelpful] = await Promise.all([
      this.store.questionLog.unansweredIn(from, to, limit),
      this.store.questionLog.notHelpfulIn(from, to, limit),
    ]);
    return [
      ...declined.map((d) => ({ question: d.question, why: 'declined' as const, at: d.askedAt })),
      ...unhelpful.map((u) => ({ question: u.question, why: 'not_helpful' as const, at: u.votedAt })),
    ]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .map(({ question, why }) => ({ question, why }));
  }

  /** Deletes entries older than QUESTION_LOG_DAYS before `now`; returns how many. Scheduled by the jobs. */
  async purgeQuestionLog(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.opts.retentionDays * 86_400_000);
    return this.store.questionLog.purgeBefore(before);
  }
}

export function createQuestionLog(store: Store, config: Pick<Config, 'QUESTION_LOG_SALT' | 'QUESTION_LOG_DAYS'>, logger?: Logger): QuestionLog {
  return new QuestionLog(store, { salt: config.QUESTION_LOG_SALT, retentionDays: config.QUESTION_LOG_DAYS, logger });
}
