import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';
import { DirectoryFileError, parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { DirectoryService, returnDue } from '../../src/directory/service.js';
import { AttendanceService } from '../../src/attendance/service.js';
import { leadsMissingReturn } from '../../jobs/fan-out.js';
import { buildDigest } from '../../src/digest/build-digest.js';
import { createBot } from '../../src/bot/index.js';
import { createBotAnswersRepo } from '../../src/store/bot-answers-repo.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';
import { SAMPLE_FIGURES } from '../helpers/figures.js';

const TZ = 'Europe/London';
// Wednesday 3 Dec 2026: the week just ended began Monday 23 Nov; this week began 30 Nov.
const NOW = new Date('2026-12-02T10:00:00Z');

const yaml = (extra: string) => `
centres:
  - id: old-hand
    name: Old Hand Centre
    from: 2026-09-09
  - id: newcomer
    name: Newcomer Centre
${extra}
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [old-hand, newcomer]
`;

describe('returns are due from the week a centre was added (or its `from` date)', () => {
  it('the directory file takes an optional `from` date and refuses one that is not a date, with its line', () => {
    const file = parseDirectoryFile(yaml(''));
    expect(file.centres.map((c) => c.from)).toEqual(['2026-09-09', undefined]);
    expect(() => parseDirectoryFile(yaml('    from: next week'))).toThrow(DirectoryFileError);
    const err = (() => {
      try {
        parseDirectoryFile(yaml('    from: 2026-02-30'));
      } catch (e) {
        return e as DirectoryFileError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err.problems).toEqual([{ line: 8, path: 'centres[1].from', message: 'from must be a date YYYY-MM-DD, got "2026-02-30"' }]);
  });

  it('returnDue: active, and not before the first week owed', () => {
    const c = { id: 'x', name: 'X', active: true, remindersPausedUntil: null, returnsFrom: '2026-11-30' };
    expect(returnDue(c, '2026-11-23')).toBe(false);
    expect(returnDue(c, '2026-11-30')).toBe(true);
    expect(returnDue({ ...c, returnsFrom: null }, '2020-01-06')).toBe(true);
    expect(returnDue({ ...c, active: false }, '2026-12-07')).toBe(false);
  });

  it('a digest shows no empty row for a centre before its first week (who is missing is missingReturns, below)', () => {
    const centres = [
      { id: 'old-hand', name: 'Old Hand Centre', active: true, remindersPausedUntil: null, returnsFrom: '2026-09-07' },
      { id: 'newcomer', name: 'Newcomer Centre', active: true, remindersPausedUntil: null, returnsFrom: '2026-11-30' },
    ];
    const missing = [{ centreId: 'old-hand', centreName: 'Old Hand Centre', paused: false }];
    const model = buildDigest({ weekStart: '2026-11-23', centres, returns: [], missing, knowledgeGaps: [], timeZone: TZ });
    expect(model.missing.map((m) => m.centreId)).toEqual(['old-hand']);
    expect(model.centres.map((c) => c.centreId)).toEqual(['old-hand']);
  });
});

describe.each(ENGINES)('returns due on %s', (engine) => {
  let t: TestStore;
  let attendance: AttendanceService;
  let directory: DirectoryService;

  beforeAll(async () => {
    t = await openTestStore(engine);
    await importDirectory(t.store, parseDirectoryFile(yaml('')), undefined, { timeZone: TZ, now: NOW });
    directory = new DirectoryService(t.store, { timeZone: TZ, now: () => NOW });
    attendance = new AttendanceService(t.store, directory, { timeZone: TZ, now: () => NOW });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('import: `from` names the first week (its Monday); without it, the week the centre is added; re-import keeps it', async () => {
    expect((await t.store.directory.getCentre('old-hand'))?.returnsFrom).toBe('2026-09-07');
    expect((await t.store.directory.getCentre('newcomer'))?.returnsFrom).toBe('2026-11-30');
    // A later import (a week on) without `from` does not move the newcomer's start; adding `from` does, and is reported.
    const later = new Date('2026-12-09T10:00:00Z');
    expect((await importDirectory(t.store, parseDirectoryFile(yaml('')), undefined, { timeZone: TZ, now: later })).changes).toEqual([]);
    expect((await t.store.directory.getCentre('newcomer'))?.returnsFrom).toBe('2026-11-30');
    const moved = await importDirectory(t.store, parseDirectoryFile(yaml('    from: 2026-11-19')), undefined, { timeZone: TZ, now: later });
    expect(moved.changes).toEqual(['centre newcomer: updated']);
    expect((await t.store.directory.getCentre('newcomer'))?.returnsFrom).toBe('2026-11-16');
    await importDirectory(t.store, parseDirectoryFile(yaml('    from: 2026-12-01')), undefined, { timeZone: TZ, now: later });
    expect((await t.store.directory.getCentre('newcomer'))?.returnsFrom).toBe('2026-11-30');
  });

  it('missing, status, reminders and nudges leave out weeks before a centre owed a return', async () => {
    const sam = (await t.store.directory.findPersonByEmail('sam.okafor@example.org'))!;
    expect((await attendance.missingReturns('2026-11-23')).map((c) => c.centreId)).toEqual(['old-hand']);
    expect((await attendance.missingReturns('2026-11-30')).map((c) => c.centreId).sort()).toEqual(['newcomer', 'old-hand']);
    const status = await attendance.status(sam, 4);
    expect(status.map((r) => `${r.centreId} ${r.weekStart}`)).toEqual([
      'old-hand 2026-11-23',
      'old-hand 2026-11-16',
      'old-hand 2026-11-09',
      'old-hand 2026-11-02',
    ]);
    const services = { directory, attendance };
    const nudge = await leadsMissingReturn(services, '2026-11-23');
    expect([...nudge.values()].map((v) => v.centres.map((c) => c.id))).toEqual([['old-hand']]);
    const reminder = await leadsMissingReturn(services, '2026-11-30');
    expect([...reminder.values()].map((v) => v.centres.map((c) => c.id).sort())).toEqual([['newcomer', 'old-hand']]);
  });

  it('a lead whose only centre is new is told when the first return is due, not "no centres"', async () => {
    await t.store.directory.upsertCentre({ id: 'brand-new', name: 'Brand New Centre', returnsFromIfNew: '2026-11-30' });
    const { id } = await t.store.directory.upsertPerson({ name: 'Kim Lee', email: 'kim.lee@example.org' });
    await t.store.directory.setRoles(id, ['oc_lead']);
    await t.store.directory.setLeadCentres(id, ['brand-new']);
    await t.store.directory.setSlackIdentity(id, { user: 'U0KIM0001', team: 'T0CAMDEN' });
    const bot = createBot({
      answerer: { answer: async () => ({ answered: false, answer: '', citations: [] }) },
      directory,
      attendance,
      answers: createBotAnswersRepo(t.store.db, createSubjectKeys(t.store.settings)),
      now: () => NOW,
    });
    const actor = await bot.actor({ platform: 'slack', user: 'U0KIM0001', team: 'T0CAMDEN' });
    const out = await bot.handle({ identity: actor.identity, surface: 'command', command: 'attendance', text: 'status', deliveryKey: 's1' });
    expect(out.kind === 'reply' && out.reply.text).toBe('No returns are due yet. The first is for Brand New Centre: the week of 30 Nov 2026.');
    // A return for an earlier week is still accepted (an admin back-filling, a lead who started early) and shown.
    await attendance.submit(actor.person!, { centreId: 'brand-new', week: '2026-11-23', figures: SAMPLE_FIGURES, idempotencyKey: 'early' });
    expect((await attendance.status(actor.person!, 4)).map((r) => r.weekStart)).toEqual(['2026-11-23']);
  });
});
