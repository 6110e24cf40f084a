import type { Queue } from 'bullmq';
import type { Centre, Person } from '../src/directory/types.js';
import { remindersPaused, returnDue } from '../src/directory/service.js';
import { currentWeekStart, weekJustEnded } from '../src/shared/calendar.js';
import type { NotificationKind } from '../src/store/notification-claims-repo.js';
import { JITTERED_BACKOFF } from './backoff.js';
import { notificationJobId, personRecipient, type NotificationJobData } from './notification-job.js';
import type { JobsServices } from './ports.js';

export interface FanOutOptions {
  services: Pick<JobsServices, 'directory' | 'attendance'>;
  notifyQueue: Queue<NotificationJobData>;
  timeZone: string;
  /** Attempts per send job (first try included). */
  sendAttempts?: number;
}

export interface FanOutResult {
  kind: NotificationKind;
  period: string;
  /** Send jobs added (a job id that already exists is not added twice). */
  jobs: number;
}

/** The week a scheduled run is about: reminders for the week in progress; nudges and digests for the week just ended. */
export function periodFor(kind: NotificationKind, firedAt: Date, timeZone: string): string {
  return kind === 'reminder' ? currentWeekStart(firedAt, timeZone) : weekJustEnded(firedAt, timeZone);
}

/** Centres owing a return for `week` (returnDue), unpaused, with none yet, and their leads: lead id -> centres. */
export async function leadsMissingReturn(
  services: Pick<JobsServices, 'directory' | 'attendance'>,
  week: string,
): Promise<Map<number, { person: Person; centres: Centre[] }>> {
  const [centres, returns] = await Promise.all([services.directory.listCentres(), services.attendance.listReturns(week, week)]);
  const returned = new Set(returns.filter((r) => r.weekStart === week).map((r) => r.centreId));
  const byLead = new Map<number, { person: Person; centres: Centre[] }>();
  for (const c of centres) {
    if (!returnDue(c, week) || remindersPaused(c, week) || returned.has(c.id)) continue;
    for (const lead of await services.directory.leadsOf(c.id)) {
      const entry = byLead.get(lead.id) ?? { person: lead, centres: [] };
      entry.centres.push(c);
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

/** Reminder or nudge: one send job per lead with a missing return. */
export async function fanOutReminders(kind: 'reminder' | 'nudge', firedAt: Date, opts: FanOutOptions): Promise<FanOutResult> {
  const period = periodFor(kind, firedAt, opts.timeZone);
  const leads = await leadsMissingReturn(opts.services, period);
  const jobs = [...leads.values()].map(({ person, centres }) =>
    sendJob({ kind, recipient: personRecipient(person.id), period, centreIds: centres.map((c) => c.id).sort() }, opts.sendAttempts ?? 6),
  );
  if (jobs.length) await opts.notifyQueue.addBulk(jobs);
  return { kind, period, jobs: jobs.length };
}

/** Weekly digest: one send job per network lead (direct) and per configured channel. */
export async function fanOutDigest(firedAt: Date, opts: FanOutOptions): Promise<FanOutResult> {
  const period = periodFor('digest', firedAt, opts.timeZone);
  const [leads, channels] = await Promise.all([opts.services.directory.networkLeads(), opts.services.directory.digestChannels()]);
  const recipients = [
    ...leads.map((p) => personRecipient(p.id)),
    ...channels.slack.map((c) => `slack-channel:${c}`),
    ...channels.teams.map((c) => `teams-channel:${c}`),
  ];
  const jobs = [...new Set(recipients)].map((recipient) => sendJob({ kind: 'digest', recipient, period }, opts.sendAttempts ?? 6));
  if (jobs.length) await opts.notifyQueue.addBulk(jobs);
  return { kind: 'digest', period, jobs: jobs.length };
}
