import type { StoredReturn } from '../src/attendance/types.js';
import { dueUntilText } from '../src/attendance/due-week.js';
import type { Notifier } from '../src/bot/notifier.js';
import type { Centre, Person } from '../src/directory/types.js';
import type { Logger } from '../src/logger.js';
import type { NotificationClaim } from '../src/store/notification-claims-repo.js';
import { NotifierError } from '../src/bot/notifier.js';
import { personRecipient } from './notification-job.js';
import { reminderReply, type ReceivedReturn } from './reminder-reply.js';

export interface ReminderReceiptsDeps {
  /** The record of sent notifications: which reminders and nudges went to whom, with their message ids. */
  claims: { sentReminders(recipient: string, period: string): Promise<NotificationClaim[]> };
  directory: { leadsOfCentre(centreId: string): Promise<Person[]>; getCentre(id: string): Promise<Centre | null> };
  attendance: { get(centreId: string, week: string): Promise<StoredReturn | null> };
  /** The adapters' notifiers; a message is updated through the one (platform) that sent it. */
  notifiers: Notifier[];
  /** SCHEDULE_TIMEZONE and REMINDER_CRON, for the reminder's "without a week … until" line. */
  timeZone: string;
  reminderCron?: string;
  logger: Logger;
}

export interface ReminderReceipts {
  /** A return for this centre and week was stored (created or amended): update the reminders that named it. */
  returnStored(event: { centreId: string; weekStart: string }): Promise<void>;
  /** Resolves when every update asked for so far has been tried (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * Keeps the week's reminder and nudge honest: when a return arrives, every reminder or nudge sent about that week to
 * the centre's leads is rewritten in place (Slack chat.update, Teams updateActivity) to say it was received, with the
 * buttons of the centres still missing. The new text is built from what is stored at the time, so updates for the
 * same message are run one after another (per lead and week) and the last one shows every return in. Best effort:
 * a message that can no longer be edited is left as it is and logged; the return itself is stored either way.
 */
export function createReminderReceipts(deps: ReminderReceiptsDeps): ReminderReceipts {
  const chains = new Map<string, Promise<void>>();

  async function refresh(person: Person, week: string): Promise<void> {
    const claims = await deps.claims.sentReminders(personRecipient(person.id), week);
    for (const claim of claims) {
      const notifier = deps.notifiers.find((n) => n.platform === claim.platform);
      if (!notifier?.updateDirect || !claim.messageId) continue;
      const ids = claim.centreIds ?? person.centres;
      const centres = (await Promise.all(ids.map((id) => deps.directory.getCentre(id)))).filter((c): c is Centre => !!c);
      if (!centres.length) continue;
      const received = new Map<string, ReceivedReturn>();
      for (const c of centres) {
        const r = await deps.attendance.get(c.id, week);
        if (r) received.set(c.id, { version: r.version, closed: !!r.closed, sessions: r.figures.sessions, attendances: r.figures.attendances });
      }
      const reply = reminderReply({
        kind: claim.kind === 'nudge' ? 'nudge' : 'reminder',
        person,
        centres: centres.map((c) => ({ id: c.id, name: c.name })),
        week,
        platform: notifier.platform,
        received,
        dueUntil: dueUntilText(week, deps.timeZone, deps.reminderCron),
      });
      try {
        await notifier.updateDirect(person, { messageId: claim.messageId, conversationId: claim.conversationId }, reply);
        deps.logger.info({ kind: claim.kind, period: week, person: person.id, received: received.size, of: centres.length }, 'reminder updated: return received');
      } catch (err) {
        const code = err instanceof NotifierError ? err.code : 'transient';
        deps.logger.warn({ kind: claim.kind, period: week, person: person.id, code, err: (err as Error)?.message }, 'could not update the reminder after a return arrived');
      }
    }
  }

  function enqueue(key: string, run: () => Promise<void>): Promise<void> {
    const next = (chains.get(key) ?? Promise.resolve()).then(run, run).catch((err: unknown) => {
      deps.logger.warn({ err }, 'updating reminders after a return failed');
    });
    chains.set(key, next);
    void next.finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
    return next;
  }

  const pending = new Set<Promise<void>>();
  return {
    returnStored({ centreId, weekStart }) {
      const work = (async () => {
        const leads = await deps.directory.leadsOfCentre(centreId);
        await Promise.all(leads.map((lead) => enqueue(`${lead.id}|${weekStart}`, () => refresh(lead, weekStart))));
      })();
      // Counted from the moment it is asked for, so idle() also waits for work still finding the leads.
      const tracked = work.catch((err: unknown) => deps.logger.warn({ err }, 'updating reminders after a return failed'));
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
      return work;
    },
    async idle() {
      for (let i = 0; i < 100 && (pending.size || chains.size); i++) await Promise.all([...pending, ...chains.values()]);
    },
  };
}
