import type { Queryable } from './db.js';

export type NotificationKind = 'reminder' | 'nudge' | 'digest';
export type ClaimState = 'sending' | 'sent' | 'retryable' | 'failed' | 'unknown';

/** Identifies one notification effect: a kind of message, to one recipient, for one period (a week's Monday). */
export interface NotificationKey {
  kind: NotificationKind;
  /** "person:12", "slack-channel:C0DIGEST1", "teams-channel:19:abc@thread.tacv2". */
  recipient: string;
  /** YYYY-MM-DD Monday of the week the message is about. */
  period: string;
}

export interface NotificationClaim extends NotificationKey {
  state: ClaimState;
  attempts: number;
  jobId: string | null;
  platform: string | null;
  messageId: string | null;
  /** The conversation the message is in (Slack DM channel, Teams conversation), when the platform said. */
  conversationId: string | null;
  /** Reminders and nudges: the centres the message named. */
  centreIds: string[] | null;
  errorCode: string | null;
  errorMessage: string | null;
  claimedAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

/** Outcome of trying to claim: only `claimed` may send. */
export type ClaimOutcome =
  | { status: 'claimed'; attempts: number }
  | { status: 'already'; state: Exclude<ClaimState, 'retryable'> };

interface Row {
  kind: NotificationKind;
  recipient: string;
  period: string;
  state: ClaimState;
  attempts: number;
  job_id: string | null;
  platform: string | null;
  message_id: string | null;
  conversation_id: string | null;
  centre_ids: string[] | null;
  error_code: string | null;
  error_message: string | null;
  claimed_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

const toClaim = (r: Row): NotificationClaim => ({
  kind: r.kind,
  recipient: r.recipient,
  period: r.period,
  state: r.state,
  attempts: Number(r.attempts),
  jobId: r.job_id,
  platform: r.platform,
  messageId: r.message_id,
  conversationId: r.conversation_id ?? null,
  centreIds: r.centre_ids ?? null,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  claimedAt: new Date(r.claimed_at),
  updatedAt: new Date(r.updated_at),
  sentAt: r.sent_at ? new Date(r.sent_at) : null,
});

const trimMessage = (s: string) => (s.length > 1000 ? s.slice(0, 999) + '…' : s);

/** Postgres-backed claims that make each (kind, recipient, period) notification go out at most once. */
export class NotificationClaimsRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Claim the right to send. A fresh key, or one whose previous attempt failed retryably (nothing went out),
   * becomes 'sending' and is ours; any other state means someone else sent it, is sending it, or it must not be
   * sent again. Each branch is a single atomic statement, so two workers racing get one winner.
   */
  async claim(key: NotificationKey, jobId: string): Promise<ClaimOutcome> {
    const inserted = await this.db.query<{ attempts: number }>(
      `INSERT INTO notification_claims (kind, recipient, period, state, attempts, job_id)
       VALUES ($1, $2, $3, 'sending', 1, $4)
       ON CONFLICT (kind, recipient, period) DO NOTHING
       RETURNING attempts`,
      [key.kind, key.recipient, key.period, jobId],
    );
    if (inserted.rows.length) return { status: 'claimed', attempts: Number(inserted.rows[0].attempts) };
    const reclaimed = await this.db.query<{ attempts: number }>(
      `UPDATE notification_claims
          SET state = 'sending', attempts = attempts + 1, job_id = $4, updated_at = now()
        WHERE kind = $1 AND recipient = $2 AND period = $3 AND state = 'retryable'
        RETURNING attempts`,
      [key.kind, key.recipient, key.period, jobId],
    );
    if (reclaimed.rows.length) return { status: 'claimed', attempts: Number(reclaimed.rows[0].attempts) };
    const current = await this.get(key);
    // The row can only have vanished if an operator deleted it between statements; treat as not ours.
    const state = current?.state ?? 'sending';
    return { status: 'already', state: state === 'retryable' ? 'sending' : state };
  }

  async markSent(key: NotificationKey, result: { platform: string; messageId?: string; conversationId?: string; centreIds?: string[] }): Promise<void> {
    await this.db.query(
      `UPDATE notification_claims
          SET state = 'sent', platform = $4, message_id = $5, conversation_id = $6, centre_ids = $7::text[],
              error_code = NULL, error_message = NULL, sent_at = now(), updated_at = now()
        WHERE kind = $1 AND recipient = $2 AND period = $3`,
      [key.kind, key.recipient, key.period, result.platform, result.messageId ?? null, result.conversationId ?? null, result.centreIds ?? null],
    );
  }

  /** Reminders and nudges sent to a recipient about a week, with their message ids: what to update when a return arrives. */
  async sentReminders(recipient: string, period: string): Promise<NotificationClaim[]> {
    const r = await this.db.query<Row>(
      `SELECT * FROM notification_claims
        WHERE recipient = $1 AND period = $2 AND kind IN ('reminder', 'nudge') AND state = 'sent' AND message_id IS NOT NULL
        ORDER BY sent_at`,
      [recipient, period],
    );
    return r.rows.map(toClaim);
  }

  /** Nothing went out; a later attempt may claim again. */
  async markRetryable(key: NotificationKey, error: { code: string; message: string }): Promise<void> {
    await this.setError(key, 'retryable', error);
  }

  /** Permanent failure: recorded, never retried. */
  async markFailed(key: NotificationKey, error: { code: string; message: string }): Promise<void> {
    await this.setError(key, 'failed', error);
  }

  /** The send's outcome is unknown (the platform did not answer in time): recorded, never resent automatically. */
  async markUnknown(key: NotificationKey, error: { code: string; message: string }): Promise<void> {
    await this.setError(key, 'unknown', error);
  }

  private async setError(key: NotificationKey, state: 'retryable' | 'failed' | 'unknown', error: { code: string; message: string }) {
    await this.db.query(
      `UPDATE notification_claims
          SET state = $4, error_code = $5, error_message = $6, updated_at = now()
        WHERE kind = $1 AND recipient = $2 AND period = $3 AND state = 'sending'`,
      [key.kind, key.recipient, key.period, state, error.code, trimMessage(error.message)],
    );
  }

  async get(key: NotificationKey): Promise<NotificationClaim | null> {
    const r = await this.db.query<Row>(
      'SELECT * FROM notification_claims WHERE kind = $1 AND recipient = $2 AND period = $3',
      [key.kind, key.recipient, key.period],
    );
    return r.rows.length ? toClaim(r.rows[0]) : null;
  }

  async list(filter: { kind?: NotificationKind; period?: string; state?: ClaimState } = {}): Promise<NotificationClaim[]> {
    const r = await this.db.query<Row>(
      `SELECT * FROM notification_claims
        WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR period = $2) AND ($3::text IS NULL OR state = $3)
        ORDER BY kind, period, recipient`,
      [filter.kind ?? null, filter.period ?? null, filter.state ?? null],
    );
    return r.rows.map(toClaim);
  }

  /**
   * Claims left in 'sending' longer than `olderThanMs` belong to a worker that died mid-send. Whether the
   * platform got the message is unknown, so they become 'unknown' (kept, never resent) and are returned for logging.
   */
  async expireStale(olderThanMs: number): Promise<NotificationClaim[]> {
    const r = await this.db.query<Row>(
      `UPDATE notification_claims
          SET state = 'unknown', error_code = 'worker_lost',
              error_message = 'The worker stopped while sending; the message may or may not have been delivered.',
              updated_at = now()
        WHERE state = 'sending' AND updated_at < now() - ($1::double precision * interval '1 millisecond')
        RETURNING *`,
      [olderThanMs],
    );
    return r.rows.map(toClaim);
  }

  /** Housekeeping: forget claims for periods older than `beforePeriod` (YYYY-MM-DD). */
  async purgeBefore(beforePeriod: string): Promise<number> {
    const r = await this.db.query('DELETE FROM notification_claims WHERE period < $1', [beforePeriod]);
    return r.rowCount;
  }
}
