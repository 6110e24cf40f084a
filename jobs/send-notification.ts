import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { NotifierError, type Notifier, type NotifierErrorCode, type SendResult } from '../src/bot/notifier.js';
import type { Reply } from '../src/shared/reply.js';
import type { Person } from '../src/directory/types.js';
import type { Logger } from '../src/logger.js';
import type { NotificationKey } from '../src/store/notification-claims-repo.js';
import { parseRecipient, type NotificationJobData } from './notification-job.js';
import type { JobsServices } from './ports.js';
import { reminderReply } from './reminder-reply.js';
import { dueUntilText } from '../src/attendance/due-week.js';

export interface SendProcessorOptions {
  services: JobsServices;
  timeZone: string;
  /** REMINDER_CRON: the reminder says until when a return typed without a week counts for its week. */
  reminderCron?: string;
  logger: Logger;
  /** Pause the whole queue for `ms` (worker.rateLimit); then the job is retried without spending an attempt. */
  rateLimit(ms: number): Promise<void>;
  /** Used when a 429 carries no Retry-After. */
  defaultRetryAfterMs?: number;
  /** How long a built digest is reused for other recipients of the same week (ms). */
  digestCacheMs?: number;
  /** Called once per processed notification with how it ended (metrics). */
  observe?(outcome: NotificationOutcome): void;
}

/** How one attempt at a notification ended, for metrics. */
export interface NotificationOutcome {
  kind: NotificationJobData['kind'];
  platform: string;
  outcome: 'sent' | 'skipped' | 'unreachable' | 'permanent' | 'invalid_request' | 'unknown' | 'rate_limited' | 'transient';
}

export type SendOutcome =
  | { status: 'sent'; platform: string; messageId?: string }
  | { status: 'skipped'; reason: string };

/**
 * Processor of one notification: re-check it is still wanted, claim its key in Postgres, send, record.
 *
 * The claim makes the effect at-most-once per (kind, recipient, period) on BullMQ's at-least-once delivery:
 * a duplicate or retried job finds the claim 'sent' (or 'sending', if a worker died mid-send) and sends nothing.
 * Transient failures and 429s mark the claim 'retryable' (nothing went out) so the retry may claim it again.
 */
export function createSendProcessor(opts: SendProcessorOptions): (job: Job<NotificationJobData>) => Promise<SendOutcome> {
  const cache = new Map<string, { reply: Promise<Reply>; expires: number }>();
  /** A network lead's own digest lists the unanswered questions; a channel's only counts them by topic. */
  const digestFor = (period: string, audience: 'person' | 'channel'): Promise<Reply> => {
    const t = Date.now();
    for (const [k, v] of cache) if (v.expires <= t) cache.delete(k);
    const cacheKey = `${period}|${audience}`;
    let hit = cache.get(cacheKey);
    if (!hit) {
      hit = { reply: opts.services.digests.digestFor(period, audience), expires: t + (opts.digestCacheMs ?? 10 * 60_000) };
      hit.reply.catch(() => cache.delete(cacheKey));
      cache.set(cacheKey, hit);
    }
    return hit.reply;
  };

  const pickNotifier = (person: Person): Notifier | undefined => opts.services.notifiers.find((n) => n.canReach(person));

  return async (job) => {
    const d = job.data;
    const key: NotificationKey = { kind: d.kind, recipient: d.recipient, period: d.period };
    const recipient = parseRecipient(d.recipient);
    const log = opts.logger.child({ job: job.id, kind: d.kind, period: d.period });
    const count = (outcome: NotificationOutcome['outcome'], platform = notifier?.platform ?? (recipient.type === 'channel' ? recipient.platform : 'none')) =>
      opts.observe?.({ kind: d.kind, platform, outcome });
    const skipped = (reason: string): SendOutcome => {
      count('skipped');
      return { status: 'skipped', reason };
    };

    let send: () => Promise<SendResult>;
    let notifier: Notifier | undefined;
    /** Reminders and nudges: the centres the message names, kept with the claim so it can be updated later. */
    let centreIds: string[] | undefined;
    if (recipient.type === 'person') {
      const person = await opts.services.directory.getPerson(recipient.personId);
      if (!person) return skipped('person_not_found');
      let reply: Reply;
      if (d.kind === 'digest') {
        if (!person.roles.includes('network_lead')) return skipped('no_longer_network_lead');
        reply = await digestFor(d.period, 'person');
      } else {
        // Between fan-out and now a return may have arrived, a pause been set or a lead changed.
        const wanted = new Set(d.centreIds ?? []);
        const still = (await opts.services.attendance.missingReturns(d.period))
          .filter((m) => !m.paused && wanted.has(m.centreId) && person.centres.includes(m.centreId))
          .map((m) => ({ id: m.centreId, name: m.centreName }));
        if (!still.length) return skipped('nothing_missing');
        notifier = pickNotifier(person);
        centreIds = still.map((c) => c.id);
        reply = reminderReply({
          kind: d.kind,
          person,
          centres: still,
          week: d.period,
          platform: notifier?.platform ?? 'slack',
          dueUntil: dueUntilText(d.period, opts.timeZone, opts.reminderCron),
        });
      }
      notifier ??= pickNotifier(person);
      const target = person;
      send = () => notifier!.sendDirect(target, reply);
    } else {
      notifier = opts.services.notifiers.find((n) => n.platform === recipient.platform);
      const reply = await digestFor(d.period, 'channel');
      send = () => notifier!.postToChannel(recipient.channel, reply);
    }

    const claim = await opts.services.claims.claim(key, String(job.id));
    if (claim.status === 'already') {
      log.info({ state: claim.state }, 'notification already handled; not sending again');
      return skipped(`already_${claim.state}`);
    }
    if (!notifier) {
      const message =
        recipient.type === 'person'
          ? 'The person has no Slack or Teams identity the bot can message.'
          : `No ${recipient.platform} connection is configured for this channel.`;
      await opts.services.claims.markFailed(key, { code: 'unreachable', message });
      log.warn({ recipient: d.recipient }, 'notification recipient unreachable; recorded as failed');
      count('unreachable');
      throw new UnrecoverableError(message);
    }

    let result: Awaited<ReturnType<typeof send>>;
    try {
      result = await send();
    } catch (err) {
      const code: NotifierErrorCode = err instanceof NotifierError ? (err.code as NotifierErrorCode) : 'transient';
      const message = (err as Error)?.message ?? String(err);
      count(code);
      if (code === 'unknown') {
        await opts.services.claims.markUnknown(key, { code, message });
        log.warn({ recipient: d.recipient, err: message }, 'notification send timed out and may have been delivered; recorded as unknown, not resent');
        throw new UnrecoverableError(message);
      }
      if (code === 'permanent' || code === 'invalid_request') {
        await opts.services.claims.markFailed(key, { code, message });
        if (code === 'invalid_request') log.error({ recipient: d.recipient, err: message }, 'the platform refused the message as malformed (a bot defect); recorded, not retried');
        else log.warn({ recipient: d.recipient, err: message }, 'notification failed permanently; recorded, not retried');
        throw new UnrecoverableError(message);
      }
      await opts.services.claims.markRetryable(key, { code, message });
      if (code === 'rate_limited') {
        const waitMs = (err as NotifierError).retryAfterMs ?? opts.defaultRetryAfterMs ?? 30_000;
        log.info({ waitMs, platform: notifier.platform }, 'platform rate limit; pausing the notification queue');
        await opts.rateLimit(waitMs);
        throw Worker.RateLimitError();
      }
      log.warn({ recipient: d.recipient, err: message, attempt: job.attemptsMade + 1 }, 'notification send failed; will retry');
      throw err;
    }
    // The message is out: from here nothing may lead to sending it again, so a failure to record it is not a
    // failed send. Retried briefly; if the store stays away the claim is left 'sending', which no attempt reclaims
    // (housekeeping marks it unknown).
    const sent = { platform: notifier.platform, messageId: result.messageId };
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.services.claims.markSent(key, { ...sent, conversationId: result.conversationId, centreIds });
        break;
      } catch (err) {
        if (attempt >= MARK_SENT_ATTEMPTS) {
          log.error({ recipient: d.recipient, err }, 'notification sent but not recorded; its claim stays sending and it will not be resent');
          break;
        }
        await new Promise((r) => setTimeout(r, MARK_SENT_RETRY_MS * 2 ** (attempt - 1)));
      }
    }
    count('sent');
    return { status: 'sent', ...sent };
  };
}

const MARK_SENT_ATTEMPTS = 5;
const MARK_SENT_RETRY_MS = 500;
