import { Job, Queue } from 'bullmq';
import type { RunEntry, RunReport } from '../src/bot/admin.js';
import type { RunnableJob } from '../src/bot/admin-commands.js';
import { UnavailableError } from '../src/errors.js';
import { weekStartOf } from '../src/shared/calendar.js';
import type { Logger } from '../src/logger.js';
import type { NotificationKey } from '../src/store/notification-claims-repo.js';
import { digestJobs, periodFor, reminderJobs, type SendJob } from './fan-out.js';
import { parseRecipient, type NotificationJobData } from './notification-job.js';
import type { JobsServices } from './ports.js';
import type { SendOutcome } from './send-notification.js';

export interface RunNowOptions {
  services: Pick<JobsServices, 'directory' | 'attendance' | 'claims'>;
  notifyQueue: Queue<NotificationJobData>;
  timeZone: string;
  /** REMINDER_CRON: without a week, a reminder is about the week that is due (dueWeek). */
  reminderCron?: string;
  sendAttempts?: number;
  now?: () => Date;
  /** How long to wait for the sends before reporting the rest as still queued (ms). Default 20 s. */
  waitMs?: number;
  /** How often to look at the jobs while waiting (ms). */
  pollMs?: number;
  logger?: Logger;
}

const FINISHED = new Set(['completed', 'failed']);

const SKIP_REASONS: Record<string, string> = {
  nothing_missing: 'the return arrived (or reminders were paused) before it went out',
  no_longer_network_lead: 'no longer a network lead',
  person_not_found: 'no longer in the directory',
};

/**
 * `admin run reminder|nudge|digest [week]`: the sends the schedule would make for that week, now, through the same
 * queue and the same notification claims, so each recipient gets each message at most once whoever triggers it.
 * Recipients whose claim already exists are reported, not sent again; a finished job left from an earlier run without
 * a claim (nothing went out) is replaced so its recipient is tried now. Waits (bounded) for the sends and reports.
 */
export async function runNotificationsNow(job: RunnableJob, week: string | null, opts: RunNowOptions): Promise<RunReport> {
  const period = week ? weekStartOf(week) : periodFor(job, (opts.now ?? (() => new Date()))(), opts.timeZone, opts.reminderCron);
  const jobs: SendJob[] = job === 'digest' ? await digestJobs(period, opts) : await reminderJobs(job, period, opts);
  const report: RunReport = { job, period, sent: [], already: [], failed: [], skipped: [], pending: [] };
  const keyOf = (d: NotificationJobData): NotificationKey => ({ kind: d.kind, recipient: d.recipient, period: d.period });

  const fresh: SendJob[] = [];
  for (const j of jobs) {
    const claim = await opts.services.claims.get(keyOf(j.data));
    if (claim && claim.state !== 'retryable') {
      const entry = await entryFor(j.data, opts);
      if (claim.state === 'failed') report.already.push({ ...entry, reason: `tried before and given up on (${claim.errorMessage ?? claim.errorCode ?? 'failed'})` });
      else report.already.push({ ...entry, ...(claim.platform ? { platform: claim.platform } : {}) });
      continue;
    }
    fresh.push(j);
  }
  try {
    for (const j of fresh) {
      // BullMQ keeps finished jobs for a while and ignores an add with the same id: a job that ended without a claim
      // (it skipped, or failed before claiming) sent nothing, so it makes way for this run.
      const old = await Job.fromId(opts.notifyQueue, j.opts.jobId);
      if (old && FINISHED.has(await old.getState())) await old.remove();
    }
    if (fresh.length) await opts.notifyQueue.addBulk(fresh);
  } catch (err) {
    throw new UnavailableError('The job queue (Redis) is not reachable right now, so nothing was sent. Please try again in a minute.', { cause: err });
  }
  opts.logger?.info({ job, period, queued: fresh.length, already: report.already.length }, 'admin run: sends queued');

  const deadline = Date.now() + (opts.waitMs ?? 20_000);
  const waiting = new Set(fresh.map((j) => j.opts.jobId));
  for (let i = 0; i < 10_000 && waiting.size && Date.now() < deadline; i++) {
    for (const id of [...waiting]) {
      const j = await Job.fromId(opts.notifyQueue, id);
      if (!j || FINISHED.has(await j.getState())) waiting.delete(id);
    }
    if (waiting.size) await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }

  for (const j of fresh) {
    const entry = await entryFor(j.data, opts);
    const claim = await opts.services.claims.get(keyOf(j.data));
    if (claim?.state === 'sent') report.sent.push({ ...entry, ...(claim.platform ? { platform: claim.platform } : {}) });
    else if (claim?.state === 'failed') report.failed.push({ ...entry, reason: claim.errorMessage ?? claim.errorCode ?? 'failed' });
    else if (claim?.state === 'unknown') report.failed.push({ ...entry, reason: 'the platform did not confirm it; it may have arrived, so it is not sent again' });
    else if (!waiting.has(j.opts.jobId)) {
      const done = await Job.fromId<NotificationJobData, SendOutcome>(opts.notifyQueue, j.opts.jobId);
      const result = done?.returnvalue;
      if (result?.status === 'skipped') report.skipped.push({ ...entry, reason: SKIP_REASONS[result.reason] ?? result.reason });
      else if (done?.failedReason) report.failed.push({ ...entry, reason: done.failedReason });
      else report.pending.push(entry);
    } else report.pending.push(entry);
  }
  return report;
}

async function entryFor(d: NotificationJobData, opts: RunNowOptions): Promise<RunEntry> {
  const r = parseRecipient(d.recipient);
  if (r.type === 'channel') return { recipient: `${r.platform === 'slack' ? 'Slack' : 'Teams'} channel ${r.channel}` };
  const person = await opts.services.directory.getPerson(r.personId);
  return { recipient: person?.name ?? `person ${r.personId}` };
}
