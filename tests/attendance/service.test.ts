import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';
import { seedDirectory, type Fixture } from '../helpers/directory-fixture.js';
import { DirectoryService } from '../../src/directory/service.js';
import { AttendanceService } from '../../src/attendance/service.js';
import type { ReturnFigures } from '../../src/attendance/types.js';
import { SAMPLE_FIGURES } from '../helpers/figures.js';
import { NotAuthorisedError, ValidationError } from '../../src/errors.js';

const TZ = 'Europe/London';
// Wednesday 2026-06-17, 10:00 BST: the week just ended began Monday 2026-06-08.
const NOW = new Date('2026-06-17T09:00:00Z');
const LAST_WEEK = '2026-06-08';

const FIGURES: ReturnFigures = SAMPLE_FIGURES;

describe.each(ENGINES)('attendance service on %s', (engine) => {
  let t: TestStore;
  let people: Fixture;
  let attendance: AttendanceService;
  let directory: DirectoryService;
  let keyN = 0;
  const key = () => `test-key-${++keyN}`;

  beforeAll(async () => {
    t = await openTestStore(engine);
    people = await seedDirectory(t.store);
    directory = new DirectoryService(t.store, { timeZone: TZ, now: () => NOW });
    attendance = new AttendanceService(t.store, directory, { timeZone: TZ, now: () => NOW });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('defaults to the week just ended', () => {
    expect(attendance.defaultWeek()).toBe(LAST_WEEK);
  });

  it('creates, deduplicates, amends, and keeps history', async () => {
    const k1 = key();
    const created = await attendance.submit(people.sam, { centreId: 'acland-burghley', week: '2026-06-10', figures: FIGURES, idempotencyKey: k1, note: 'first' });
    expect(created.status).toBe('created');
    expect(created.stored).toMatchObject({ centreId: 'acland-burghley', weekStart: LAST_WEEK, version: 1, amended: false, submittedBy: people.sam.id, note: 'first' });

    const dup = await attendance.submit(people.sam, { centreId: 'acland-burghley', week: LAST_WEEK, figures: { ...FIGURES, pupils: 46 }, idempotencyKey: k1 });
    expect(dup.status).toBe('duplicate');
    expect(dup.stored.version).toBe(1);
    expect(dup.stored.figures.pupils).toBe(45);

    const same = await attendance.submit(people.sam, { centreId: 'acland-burghley', week: LAST_WEEK, figures: FIGURES, idempotencyKey: key() });
    expect(same.status).toBe('unchanged');
    expect(same.stored.version).toBe(1);

    const amended = await attendance.submit(people.priya, {
      centreId: 'acland-burghley',
      week: '2026-06-14',
      figures: { ...FIGURES, pupils: 50, fsm: 31 },
      note: 'corrected',
      idempotencyKey: key(),
    });
    expect(amended.status).toBe('amended');
    expect(amended.stored).toMatchObject({ version: 2, amended: true, submittedBy: people.priya.id });
    expect(amended.changes).toEqual([
      { field: 'pupils', from: 45, to: 50 },
      { field: 'fsm', from: 30, to: 31 },
      { field: 'note', from: 'first', to: 'corrected' },
    ]);

    const history = await attendance.history('acland-burghley', LAST_WEEK);
    expect(history.map((v) => [v.version, v.submittedByName, v.changes.length])).toEqual([
      [1, 'Sam Okafor', 0],
      [2, 'Priya Shah', 3],
    ]);
    const latest = await attendance.get('acland-burghley', '2026-06-09');
    expect(latest?.version).toBe(2);
    expect(latest?.figures.pupils).toBe(50);
  });

  it('an amendment keeps the figures and note not given; a first return takes 0 for them; note null clears', async () => {
    const week = '2026-05-11';
    const first = await attendance.submit(people.sam, {
      centreId: 'acland-burghley',
      week,
      figures: { sessions: 6, academic: 4, enrichment: 2, attendances: 120, pupils: 45, fsm: 30 },
      note: 'rainy week',
      idempotencyKey: key(),
    });
    expect(first.status).toBe('created');
    expect(first.stored.figures).toEqual({ sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 0, parents: 0 });

    // One figure amended: every other figure and the note stay; the change is reported.
    const one = await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: { pupils: 50 }, idempotencyKey: key() });
    expect(one.status).toBe('amended');
    expect(one.stored.figures).toEqual({ ...first.stored.figures, pupils: 50 });
    expect(one.stored.note).toBe('rainy week');
    expect(one.changes).toEqual([{ field: 'pupils', from: 45, to: 50 }]);

    // The rules apply to the whole return: pupils above the attendances kept from before is refused, nothing stored.
    await expect(attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: { pupils: 150 }, idempotencyKey: key() })).rejects.toMatchObject({
      problems: [{ field: 'pupils', message: 'pupils (150) cannot be more than attendances (120): each pupil attends at least once.' }],
    });
    // Forms name fields by their labels.
    await expect(
      attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: { pupils: 150 }, fieldNames: 'labels', idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'pupils', message: 'Unique pupils (150) cannot be more than Total attendances (120): each pupil attends at least once.' }] });

    const cleared = await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: {}, note: null, idempotencyKey: key() });
    expect(cleared.changes).toEqual([{ field: 'note', from: 'rainy week', to: null }]);
    expect(cleared.stored.figures.pupils).toBe(50);
    expect((await attendance.history('acland-burghley', week)).map((v) => v.version)).toEqual([1, 2, 3]);

    // A first return needs the core figures, named as the lead typed them.
    await expect(
      attendance.submit(people.priya, { centreId: 'la-sainte-union', week, figures: { sessions: 2, academic: 2 }, idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'attendances', message: 'attendances is missing.' }, { field: 'pupils', message: 'pupils is missing.' }] });
  });

  it('concurrent amendments of different figures both stay (each applies to the version it locks)', async () => {
    const week = '2026-04-27';
    await attendance.submit(people.priya, { centreId: 'acland-burghley', week, figures: FIGURES, idempotencyKey: key() });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => attendance.submit(people.priya, { centreId: 'acland-burghley', week, figures: { parents: 10 + i }, idempotencyKey: key() })),
      attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: {}, note: 'half term', idempotencyKey: key() }),
      attendance.submit(people.priya, { centreId: 'acland-burghley', week, figures: { weekend: 2 }, idempotencyKey: key() }),
    ]);
    expect(results.filter((r) => r.status === 'amended').length).toBeGreaterThanOrEqual(10);
    const latest = (await attendance.get('acland-burghley', week))!;
    expect(latest.figures.weekend).toBe(2);
    expect(latest.figures.parents).toBeGreaterThanOrEqual(10);
    expect(latest.figures.pupils).toBe(FIGURES.pupils);
  });

  it('a week marked closed is a return of zeros with a flag; figures given later open it again', async () => {
    const week = '2026-05-18';
    const closed = await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: {}, closed: true, note: 'Half term', idempotencyKey: key() });
    expect(closed.status).toBe('created');
    expect(closed.stored).toMatchObject({ closed: true, note: 'Half term', figures: Object.fromEntries(Object.keys(FIGURES).map((f) => [f, 0])) });
    await expect(
      attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: { sessions: 1 }, closed: true, idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'closed' }] });
    // A note alone keeps it closed; figures open it (the rules of a whole return apply, from the zeros).
    expect((await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: {}, note: 'Half term (all week)', idempotencyKey: key() })).stored.closed).toBe(true);
    const opened = await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: { sessions: 1, careers: 1, attendances: 4, pupils: 4 }, idempotencyKey: key() });
    expect(opened.stored.closed).toBe(false);
    expect(opened.changes[0]).toEqual({ field: 'closed', from: true, to: false });
    expect(opened.stored.note).toBe('Half term (all week)');
    expect((await attendance.missingReturns(week)).map((c) => c.centreId)).not.toContain('acland-burghley');
  });

  it('refuses people who do not lead the centre, and stores nothing', async () => {
    await expect(
      attendance.submit(people.sam, { centreId: 'la-sainte-union', week: LAST_WEEK, figures: FIGURES, idempotencyKey: key() }),
    ).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(
      attendance.submit(people.nia, { centreId: 'la-sainte-union', week: LAST_WEEK, figures: FIGURES, idempotencyKey: key() }),
    ).rejects.toBeInstanceOf(NotAuthorisedError);
    expect(await attendance.get('la-sainte-union', LAST_WEEK)).toBeNull();
  });

  it('rejects invalid returns with every problem and stores nothing', async () => {
    const err = await attendance
      .submit(people.priya, {
        centreId: 'la-sainte-union',
        week: '2026-06-22',
        figures: { ...FIGURES, pupils: 1.5, fsm: -1 },
        idempotencyKey: key(),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).problems.map((p) => p.field).sort();
    expect(fields).toEqual(['fsm', 'pupils', 'week']);
    expect(await attendance.get('la-sainte-union', '2026-06-22')).toBeNull();
  });

  it('limits leads to 8 weeks back but lets admins go further', async () => {
    const nineBack = '2026-04-13';
    const eightBack = '2026-04-20';
    await expect(
      attendance.submit(people.priya, { centreId: 'la-sainte-union', week: nineBack, figures: FIGURES, idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'week' }] });
    expect((await attendance.submit(people.priya, { centreId: 'la-sainte-union', week: eightBack, figures: FIGURES, idempotencyKey: key() })).status).toBe('created');
    expect((await attendance.submit(people.ada, { centreId: 'la-sainte-union', week: nineBack, figures: FIGURES, idempotencyKey: key() })).status).toBe('created');
  });

  it('refuses inactive centres and unknown centres', async () => {
    await expect(
      attendance.submit(people.ada, { centreId: 'closed-centre', week: LAST_WEEK, figures: FIGURES, idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'centre' }] });
    await expect(
      attendance.submit(people.ada, { centreId: 'nowhere', week: LAST_WEEK, figures: FIGURES, idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'centre', message: 'There is no centre "nowhere". Yours: centre acland-burghley (Acland Burghley Opportunity Centre) or centre la-sainte-union (La Sainte Union Opportunity Centre).' }] });
  });

  it('strips control characters from notes and limits their length', async () => {
    const r = await attendance.submit(people.priya, {
      centreId: 'la-sainte-union',
      week: '2026-06-01',
      figures: FIGURES,
      note: '  half\u0007 term\r\nweek\u202E ',
      idempotencyKey: key(),
    });
    expect(r.stored.note).toBe('half term\nweek');
    const family = await attendance.submit(people.priya, { centreId: 'la-sainte-union', week: '2026-04-27', figures: FIGURES, note: 'Family day 👨‍👩‍👧\u200B', idempotencyKey: key() });
    expect(family.stored.note).toBe('Family day 👨‍👩‍👧');
    await expect(
      attendance.submit(people.priya, { centreId: 'la-sainte-union', week: '2026-05-25', figures: FIGURES, note: 'x'.repeat(1001), idempotencyKey: key() }),
    ).rejects.toMatchObject({ problems: [{ field: 'note' }] });
    expect(
      (await attendance.submit(people.priya, { centreId: 'la-sainte-union', week: '2026-05-25', figures: FIGURES, note: 'x'.repeat(1000), idempotencyKey: key() })).status,
    ).toBe('created');
  });

  it('one rule for who is missing: active centres without a return, paused ones marked; totals and status use it', async () => {
    expect(await attendance.missingReturns(LAST_WEEK)).toEqual([{ centreId: 'la-sainte-union', centreName: 'La Sainte Union Opportunity Centre', paused: false }]);
    // Any day of the week names the week; a pause covering its Monday marks the centre paused (still missing).
    await t.store.directory.setRemindersPausedUntil('la-sainte-union', LAST_WEEK);
    expect(await attendance.missingReturns('2026-06-12')).toEqual([{ centreId: 'la-sainte-union', centreName: 'La Sainte Union Opportunity Centre', paused: true }]);
    expect((await attendance.status(people.priya, 1)).find((r) => r.centreId === 'la-sainte-union')).toMatchObject({ stored: null, paused: true });
    await t.store.directory.setRemindersPausedUntil('la-sainte-union', null);
    const totals = await attendance.weeklyTotals('2026-06-08', '2026-06-14');
    expect(totals).toEqual([{ weekStart: LAST_WEEK, returns: 1, ...FIGURES, pupils: 50, fsm: 31 }]);

    const samStatus = await attendance.status(people.sam, 2);
    expect(samStatus.map((r) => [r.centreId, r.weekStart, r.stored?.version ?? null])).toEqual([
      ['acland-burghley', LAST_WEEK, 2],
      ['acland-burghley', '2026-06-01', null],
    ]);
    const niaStatus = await attendance.status(people.nia, 1);
    expect(niaStatus.map((r) => r.centreId)).toEqual(['acland-burghley', 'la-sainte-union']);
  });

  it('50 parallel deliveries of one submission store exactly one version', async () => {
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        attendance.submit(people.priya, { centreId: 'la-sainte-union', week: '2026-05-18', figures: FIGURES, idempotencyKey: k }),
      ),
    );
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(49);
    const history = await attendance.history('la-sainte-union', '2026-05-18');
    expect(history).toHaveLength(1);
  });

  it('one key raced across two centre-weeks stores one version in total', async () => {
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        attendance.submit(people.priya, {
          centreId: i % 2 ? 'la-sainte-union' : 'acland-burghley',
          week: '2026-05-04',
          figures: FIGURES,
          idempotencyKey: k,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(19);
    const stored = [await attendance.get('la-sainte-union', '2026-05-04'), await attendance.get('acland-burghley', '2026-05-04')];
    expect(stored.filter(Boolean)).toHaveLength(1);
    expect((await attendance.list({ from: '2026-05-04', to: '2026-05-04' })).length).toBe(1);
    const empty = await t.store.db.query<{ n: number }>(`SELECT count(*) AS n FROM attendance_returns WHERE current_version = 0`);
    expect(empty.rows[0]!.n).toBe(0);
  });

  it('50 parallel different amendments of one return give 50 consecutive versions', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        attendance.submit(people.priya, {
          centreId: 'la-sainte-union',
          week: '2026-05-11',
          figures: { ...FIGURES, parents: i },
          idempotencyKey: key(),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'amended').length + results.filter((r) => r.status === 'unchanged').length).toBe(49);
    const history = await attendance.history('la-sainte-union', '2026-05-11');
    expect(history.map((v) => v.version)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    // Each version's time is when it was written under the lock, so the audit trail reads in order.
    const times = history.map((v) => v.submittedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('a submission that changed nothing, delivered again after someone else amended, does not undo the amendment', async () => {
    const week = '2026-05-04';
    const unchangedKey = key();
    await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: FIGURES, idempotencyKey: key() });
    expect((await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: FIGURES, idempotencyKey: unchangedKey })).status).toBe('unchanged');
    const corrected = await attendance.submit(people.priya, { centreId: 'acland-burghley', week, figures: { ...FIGURES, pupils: 50 }, idempotencyKey: key() });
    expect(corrected.status).toBe('amended');

    const redelivered = await attendance.submit(people.sam, { centreId: 'acland-burghley', week, figures: FIGURES, idempotencyKey: unchangedKey });
    expect(redelivered.status).toBe('duplicate');
    expect(redelivered.stored.version).toBe(1);
    const history = await attendance.history('acland-burghley', week);
    expect(history).toHaveLength(2);
    expect(history[1]!.figures.pupils).toBe(50);
  });

  it('a quick form is completed and its rules checked by the service, like every submission', async () => {
    const submitQuick = (text: string) => attendance.submit(people.sam, { ...attendance.parseQuickForm(text), week: '2026-05-25', idempotencyKey: key() });
    const problems = async (text: string) => ((await submitQuick(text).catch((e: unknown) => e)) as ValidationError).problems;
    expect(await problems('sessions 6 academic 4 attendances 120 pupils 45')).toEqual([
      { field: 'sessions', message: 'academic + enrichment + careers + digital must add up to sessions: 4 + 0 + 0 + 0 = 4, but sessions is 6.' },
    ]);
    expect(await problems('sessions 6 academic 6 attendances 40 pupils 45')).toEqual([
      { field: 'pupils', message: 'pupils (45) cannot be more than attendances (40): each pupil attends at least once.' },
    ]);
    expect((await submitQuick('sessions 1 careers 1 attendances 3 pupils 3 note "a\u0007b"')).stored.note).toBe('ab');
  });

  it('rights are checked here: reporters only, their own centres, the only centre when none is named', async () => {
    await expect(attendance.submit(null, { figures: FIGURES, idempotencyKey: key() })).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(attendance.submit(people.nia, { figures: FIGURES, idempotencyKey: key() })).rejects.toThrow(/Only registered Opportunity Centre leads/);
    await expect(attendance.submit(people.sam, { centreId: 'la-sainte-union', figures: FIGURES, idempotencyKey: key() })).rejects.toThrow(/not a lead of La Sainte Union/);
    expect((await attendance.submit(people.sam, { week: '2026-04-20', figures: FIGURES, idempotencyKey: key() })).centre.id).toBe('acland-burghley');
    const several = (await attendance.submit(people.priya, { week: '2026-04-20', figures: FIGURES, idempotencyKey: key() }).catch((e: unknown) => e)) as ValidationError;
    expect(several.problems).toEqual([{ field: 'centre', message: 'You lead several centres: add which one, centre acland-burghley (Acland Burghley Opportunity Centre) or centre la-sainte-union (La Sainte Union Opportunity Centre).' }]);
    expect(await attendance.formFor(people.priya, { centreId: 'la-sainte-union', week: '2026-04-20' })).toEqual({
      centres: [
        { id: 'acland-burghley', name: 'Acland Burghley Opportunity Centre' },
        { id: 'la-sainte-union', name: 'La Sainte Union Opportunity Centre' },
      ],
      defaultWeek: '2026-04-20',
      initialCentre: 'la-sainte-union',
    });
    await expect(attendance.formFor(null)).rejects.toBeInstanceOf(NotAuthorisedError);
    await expect(attendance.status(null, 1)).rejects.toBeInstanceOf(NotAuthorisedError);
  });
});

describe.each(ENGINES)('parallel returns for different centres on %s', (engine) => {
  it('50 parallel submissions for 50 centres store 50 returns', async () => {
    const t = await openTestStore(engine);
    try {
      const people = await seedDirectory(t.store);
      const ids = Array.from({ length: 50 }, (_, i) => `centre-${i + 1}`);
      for (const id of ids) await t.store.directory.upsertCentre({ id, name: `Centre ${id}` });
      const directory = new DirectoryService(t.store, { timeZone: TZ, now: () => NOW });
      const attendance = new AttendanceService(t.store, directory, { timeZone: TZ, now: () => NOW });
      const results = await Promise.all(
        ids.map((id) => attendance.submit(people.ada, { centreId: id, week: LAST_WEEK, figures: FIGURES, idempotencyKey: `k-${id}` })),
      );
      expect(results.every((r) => r.status === 'created' && r.stored.version === 1)).toBe(true);
      const listed = await attendance.list({ from: LAST_WEEK, to: LAST_WEEK });
      expect(listed.map((r) => r.centreId).sort()).toEqual([...ids].sort());
      expect((await attendance.weeklyTotals(LAST_WEEK, LAST_WEEK))[0]).toMatchObject({ returns: 50, pupils: 50 * FIGURES.pupils });
    } finally {
      await t.close();
    }
  });
});
