import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { fanOutReminders } from '../../jobs/fan-out.js';
import type { NotificationJobData } from '../../jobs/notification-job.js';
import type { Centre, Person } from '../../src/directory/types.js';

const centre = (id: string, remindersPausedUntil: string | null): Centre => ({ id, name: id, active: true, remindersPausedUntil }) as Centre;
const lead = (id: number, centres: string[]): Person => ({ id, name: `Lead ${id}`, email: `l${id}@camden.test`, roles: ['oc_lead'], centres }) as unknown as Person;

async function recipients(kind: 'reminder' | 'nudge', firedAt: Date, pausedUntil: string | null): Promise<string[]> {
  const added: NotificationJobData[] = [];
  const services = {
    directory: {
      listCentres: async () => [centre('acland-burghley', null), centre('euston-skills', pausedUntil)],
      leadsOf: async (id: string) => (id === 'euston-skills' ? [lead(2, [id])] : [lead(1, [id])]),
    },
    attendance: { listReturns: async () => [] },
  };
  const notifyQueue = { addBulk: async (jobs: { data: NotificationJobData }[]) => void added.push(...jobs.map((j) => j.data)) } as unknown as Queue<NotificationJobData>;
  await fanOutReminders(kind, firedAt, { services: services as never, notifyQueue, timeZone: 'Europe/London' });
  return added.map((d) => d.recipient).sort();
}

describe('paused centres', () => {
  const FRIDAY = new Date('2026-11-20T14:00:00Z'); // about the week of 16 Nov
  const MONDAY = new Date('2026-11-23T10:00:00Z'); // nudge about the week of 16 Nov

  it('a pause covering the week it is about stops the reminder and the next Monday nudge', async () => {
    expect(await recipients('reminder', FRIDAY, '2026-11-22')).toEqual(['person:1']);
    expect(await recipients('nudge', MONDAY, '2026-11-22')).toEqual(['person:1']);
    // Paused only from the Monday of the week: that week counts as paused, as the digest shows it.
    expect(await recipients('nudge', MONDAY, '2026-11-16')).toEqual(['person:1']);
  });

  it('a pause that ended before the week began stops nothing', async () => {
    expect(await recipients('reminder', FRIDAY, '2026-11-15')).toEqual(['person:1', 'person:2']);
    expect(await recipients('nudge', MONDAY, '2026-11-15')).toEqual(['person:1', 'person:2']);
    expect(await recipients('nudge', MONDAY, null)).toEqual(['person:1', 'person:2']);
  });
});
