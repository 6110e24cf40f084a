import type { Queue } from 'bullmq';
import type { Person } from '../src/directory/types.js';
import { weekJustEnded } from '../src/shared/calendar.js';
import { dueWeek } from '../src/attendance/due-week.js';
import type { NotificationKind } from '../src/store/notification-claims-repo.js';
import { JITTERED_BACKOFF } from './backoff.js';
import { notificationJobId, personRecipient, type NotificationJobData } from './notification-job.js';
import type { JobsServices } from './ports.js';

export interface FanOutOptions {
  services: Pick<JobsServices, 'directory' | 'attendance'>;
  notifyQueue: Queue<NotificationJobData>;
  timeZone: string;
  /** REMINDER_CRON: a reminder is about the week that is due when it runs (dueWeek). */
  reminderCron?: string;
  /** Attempts per send job (first try included). */
  sendAttempts?: number;
}

export interface FanOutResult {
  kind: NotificationKind;
  period: string;
  /** Send jobs added (a job id that already exists is not added twice). */
  jobs: number;
}

/**
 * The week a run is about. A reminder: the week that is due when it runs (dueWeek, the one rule every default follows:
 * at its scheduled time, Friday 14:00, that is the week in progress). Nudges and digests: the week just ended.
 */
export function periodFor(kind: NotificationKind, firedAt: Date, timeZone: string, reminderCron?: string): string {
  return kind === 'reminder' ? dueWeek(firedAt, timeZone, reminderCron) : weekJustEnded(firedAt, timeZone);
}

/** Leads of the centres missing a return for `week` whose reminders are not paused: lead id -> centres. */
export async function leadsMissingReturn(
  services: Pick<JobsServices, 'directory' | 'attendance'>,
  week: string,
): Promise<Map<number, { person: Person; centres: { id: string; name: string }[] }>> {
  const missing = (await services.attendance.missingReturns(week)).filter((m) => !m.paused);
  const byLead = new Map<number, { person: Person; centres: { id: string; name: string }[] }>();
  for (const m of missing) {
    for (const lead of await services.directory.leadsOfCentre(m.centreId)) {
      const entry = byLead.get(lead.id) ?? { person: lead, centres: [] };
      entry.centres.push({ id: m.centreId, name: m.centreName });
      byLead.set(lead.id, entry);
    }
  }
  return byLead;
}

function sendJob(data: NotificationJobData, attempts: number) {
  return {
    name: data.kind,
    data,
    opts: {
      jobId: notificationJobId(data),
      attempts,
      backoff: { type: JITTERED_BACKOFF },
      removeOnComplete: { age: 14 * 86_400, count: 10_000 },
      removeOnFail: { age: 90 * 86_400, count: 10_000 },
    },
  };
}

export type SendJob = ReturnType<typeof sendJob>;

/** The send jobs of a reminder or nudge for `period`: one per lead with a missing return (also what `admin run` sends). */
export async function reminderJobs(kind: 'reminder' | 'nudge', period: string, opts: Pick<FanOutOptions, 'services' | 'sendAttempts'>): Promise<SendJob[]> {
  const leads = await leadsMissingReturn(opts.services, period);
  return [...leads.values()].map(({ person, centres }) =>
    sendJob({ kind, recipient: personRecipient(person.id), period, centreIds: centres.map((c) => c.id).sort() }, opts.sendAttempts ?? 6),
  );
}

/** The send jobs of the weekly digest for `period`: one per network lead (direct) and per digest channel. */
export async function digestJobs(period: string, opts: Pick<FanOutOptions, 'services' | 'sendAttempts'>): Promise<SendJob[]> {
  const [leads, channels] = await Promise.all([opts.services.directory.networkLeads(), opts.services.directory.digestChannels()]);
  const recipients = [
    ...leads.map((p) => personRecipient(p.id)),
    ...channels.slack.map((c) => `slack-channel:${c}`),
    ...channels.teams.map((c) => `teams-channel:${c}`),
  ];
  return [...new Set(recipients)].map((recipient) => sendJob({ kind: 'digest', recipient, period }, opts.sendAttempts ?? 6));
}

/** Reminder or nudge: one send job per lead with a missing return. */
export async function fanOutReminders(kind: 'reminder' | 'nudge', firedAt: Date, opts: FanOutOptions): Promise<FanOutResult> {
  const period = periodFor(kind, firedAt, opts.timeZone, opts.reminderCron);
  const jobs = await reminderJobs(kind, period, opts);
  if (jobs.length) await opts.notifyQueue.addBulk(jobs);
  return { kind, period, jobs: jobs.length };
}

/** Weekly digest: one send job per network lead (direct) and per configured channel. */
export async function fanOutDigest(firedAt: Date, opts: FanOutOptions): Promise<FanOutResult> {
  const period = periodFor('digest', firedAt, opts.timeZone);
  const jobs = await digestJobs(period, opts);
  if (jobs.length) await opts.notifyQueue.addBulk(jobs);
  return { kind: 'digest', period, jobs: jobs.length };
}
