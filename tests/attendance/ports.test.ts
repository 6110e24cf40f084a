import { describe, expect, it } from 'vitest';
import type { AttendancePort, DirectoryPort, QuestionLogPort } from '../../src/bot/ports.js';
import type { DigestServiceOptions } from '../../src/digest/digest-service.js';
import type { JobsServices } from '../../jobs/ports.js';
import { createServices } from '../../app/compose.js';
import { openTestStore } from '../helpers/store.js';
import { loadConfig } from '../../src/config.js';

describe('the services are the ports of the bot, the digest and the jobs', () => {
  it('wires from config and type-checks against the ports', async () => {
    const t = await openTestStore('postgres');
    try {
      const s = createServices(t.store, loadConfig({ SCHEDULE_TIMEZONE: 'Europe/London' }), undefined, () => new Date('2026-03-30T08:00:00+01:00'));
      const directory: DirectoryPort = s.directory;
      const attendance: AttendancePort = s.attendance;
      const questionLog: QuestionLogPort = s.questionLog;
      const digestReads: Pick<DigestServiceOptions, 'attendance' | 'directory' | 'questionLog'> = s;
      const jobs: Pick<JobsServices, 'directory' | 'attendance'> & { digests: JobsServices['digests'] } = { ...s, digests: s.digest };
      expect(s.attendance.defaultWeek()).toBe('2026-03-23');
      expect(await s.directory.getCentre('none')).toBeNull();
      expect(await jobs.attendance.missingReturns('2026-03-23')).toEqual([]);
      await questionLog.record({ platform: 'teams', userId: 'aad-1', question: 'Is there a SEND hub?', answered: false, at: new Date('2026-03-25T10:00:00Z') });
      expect(await digestReads.questionLog.gapEntries(new Date('2026-03-23T00:00:00Z'), new Date('2026-03-30T00:00:00Z'))).toEqual([
        { question: 'Is there a SEND hub?', why: 'declined' },
      ]);
      expect(directory).toBe(s.directory);
      expect(attendance).toBe(s.attendance);
    } finally {
      await t.close();
    }
  });
});
