import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../app/compose.js';
import { fanOutReminders } from '../../jobs/fan-out.js';
import type { NotificationJobData } from '../../jobs/notification-job.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

/** The fan-out through the real services: the pause rule is the attendance service's missingReturns. */
let ts: TestStore;
let services: ReturnType<typeof createServices>;
const ids: Record<string, number> = {};

beforeAll(async () => {
  ts = await openTestStore('postgres');
  const d = ts.store.directory;
  for (const id of ['acland-burghley', 'euston-skills']) await d.upsertCentre({ id, name: id });
  for (const [n, centre] of [[1, 'acland-burghley'], [2, 'euston-skills']] as const) {
    const { id } = await d.upsertPerson({ name: `Lead ${n}`, email: `l${n}@camden.test` });
    await d.setRoles(id, ['oc_lead']);
    await d.setLeadCentres(id, [centre]);
    ids[centre] = id;
  }
  services = createServices(ts.store, { SCHEDULE_TIMEZONE: 'Europe/London', QUESTION_LOG_SALT: 's', QUESTION_LOG_DAYS: 180, TERM_STARTS: undefined });
});

afterAll(async () => {
  await ts?.close();
});

async function recipients(kind: 'reminder' | 'nudge', firedAt: Date, pausedUntil: string | null): Promise<string[]> {
  await ts.store.directory.setRemindersPausedUntil('euston-skills', pausedUntil);
  const added: NotificationJobData[] = [];
  const notifyQueue = { addBulk: async (jobs: { data: NotificationJobData }[]) => void added.push(...jobs.map((j) => j.data)) } as unknown as Queue<NotificationJobData>;
  await fanOutReminders(kind, firedAt, { services, notifyQueue, timeZone: 'Europe/London' });
  return added.map((d) => d.recipient).sort();
}

describe('paused centres', () => {
  const FRIDAY = new Date('2026-11-20T14:00:00Z'); // about the week of 16 Nov
  const MONDAY = new Date('2026-11-23T10:00:00Z'); // nudge about the week of 16 Nov
  const lead = (centre: string) => `person:${ids[centre]}`;

  it('a pause covering the week it is about stops the reminder and the next Monday nudge', async () => {
    expect(await recipients('reminder', FRIDAY, '2026-11-22')).toEqual([lead('acland-burghley')]);
    expect(await recipients('nudge', MONDAY, '2026-11-22')).toEqual([lead('acland-burghley')]);
    // Paused only from the Monday of the week: that week counts as paused, as the digest shows it.
    expect(await recipients('nudge', MONDAY, '2026-11-16')).toEqual([lead('acland-burghley')]);
  });

  it('a pause that ended before the week began stops nothing', async () => {
    const both = [lead('acland-burghley'), lead('euston-skills')].sort();
    expect(await recipients('reminder', FRIDAY, '2026-11-15')).toEqual(both);
    expect(await recipients('nudge', MONDAY, '2026-11-15')).toEqual(both);
    expect(await recipients('nudge', MONDAY, null)).toEqual(both);
  });
});
