import { describe, expect, it } from 'vitest';
import type { AttendancePort, DirectoryPort, QuestionLogPort } from '../../src/bot/ports.js';
import type { DigestSource } from '../../src/digest/digest-service.js';
import { createDomainServices } from '../../app/compose.js';
import { openTestStore } from '../helpers/store.js';
import { loadConfig } from '../../src/config.js';

describe('domain services satisfy the bot and digest ports', () => {
  it('wires from config and type-checks against the ports', async () => {
    const t = await openTestStore('postgres');
    try {
      const s = createDomainServices(t.store, loadConfig({ SCHEDULE_TIMEZONE: 'Europe/London' }), undefined, () => new Date('2026-03-30T08:00:00+01:00'));
      const directory: DirectoryPort = s.directory;
      const attendance: AttendancePort = s.attendance;
      const questionLog: QuestionLogPort = s.questionLog;
      const digest: DigestSource = {
        listCentres: () => s.directory.listCentres({ activeOnly: true }),
        listReturns: (from, to) => s.attendance.listReturns(from, to),
        listAmendedSince: (since, beforeWeek) => t.store.returns.amendedSince(since, beforeWeek),
        topUnanswered: (from, to, limit) => s.questionLog.topUnanswered(from, to, limit),
      };
      expect(attendance.defaultWeek()).toBe('2026-03-23');
      expect(await directory.getCentre('none')).toBeNull();
      await questionLog.record({ platform: 'teams', userId: 'aad-1', question: 'Is there a SEND hub?', answered: false, at: new Date('2026-03-25T10:00:00Z') });
      expect(await digest.topUnanswered(new Date('2026-03-23T00:00:00Z'), new Date('2026-03-30T00:00:00Z'), 5)).toEqual([{ question: 'Is there a SEND hub?', count: 1 }]);
    } finally {
      await t.close();
    }
  });
});
