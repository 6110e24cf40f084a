import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build-digest.js';
import { centre, stored } from './fixtures.js';

const W = '2026-11-16';
const centres = [
  centre('acland-burghley', 'Acland Burghley'),
  centre('la-sainte-union', 'La Sainte Union'),
  centre('euston-skills', 'Euston Skills Centre'),
  centre('london-ai-campus', 'London AI Campus', { remindersPausedUntil: '2026-11-30' }),
  centre('closed-centre', 'Closed Centre', { active: false }),
];

function input() {
  return {
    weekStart: W,
    centres,
    // As the attendance service's missingReturns gives them (its rule is tested in tests/attendance).
    missing: [
      { centreId: 'london-ai-campus', centreName: 'London AI Campus', paused: true },
      { centreId: 'euston-skills', centreName: 'Euston Skills Centre', paused: false },
    ],
    timeZone: 'Europe/London',
    knowledgeGaps: [
      { question: 'What is the SEND transport policy?', count: 4 },
      { question: 'Who funds T-levels?', count: 2 },
    ],
    returns: [
      stored('acland-burghley', W, { sessions: 6, academic: 4, enrichment: 2, weekend: 1, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 }),
      stored('la-sainte-union', W, { sessions: 4, academic: 1, careers: 3, attendances: 60, pupils: 20, fsm: 5, send: 2 }, {
        version: 2,
        submittedAt: new Date('2026-11-20T10:00:00Z'),
      }),
      // Acland's previous four weeks: 100, 80, (none), 90 -> average 90.
      stored('acland-burghley', '2026-11-09', { sessions: 5, academic: 5, attendances: 100, pupils: 40, fsm: 10 }),
      stored('acland-burghley', '2026-11-02', { sessions: 5, academic: 5, attendances: 80, pupils: 40 }),
      stored('acland-burghley', '2026-10-19', { sessions: 5, academic: 5, attendances: 90, pupils: 40 }),
      // Five weeks back: outside the average, inside the term.
      stored('acland-burghley', '2026-10-12', { sessions: 5, academic: 5, attendances: 1000, pupils: 40 }),
      // Euston amended an old week during the digest week (Tuesday, London time) -> amended late.
      stored('euston-skills', '2026-11-02', { sessions: 2, digital: 2, attendances: 30, pupils: 12 }, {
        version: 3,
        submittedAt: new Date('2026-11-17T09:30:00Z'),
      }),
      // Amended, but before the digest week began: not listed.
      stored('la-sainte-union', '2026-11-02', { sessions: 1, academic: 1, attendances: 10, pupils: 10 }, {
        version: 2,
        submittedAt: new Date('2026-11-15T23:30:00Z'),
      }),
      // Previous term and a later week: ignored by term totals / everything.
      stored('acland-burghley', '2026-07-13', { sessions: 9, attendances: 999, pupils: 99 }),
      stored('acland-burghley', '2026-11-23', { sessions: 9, attendances: 999, pupils: 99 }),
    ],
  };
}

describe('buildDigest', () => {
  it('adds up the network totals for the week from the returns sent', () => {
    const d = buildDigest(input());
    expect(d.weekEnd).toBe('2026-11-22');
    expect(d.network).toMatchObject({ returns: 2, sessions: 10, academic: 5, attendances: 180, pupils: 65, fsm: 35, send: 10, weekend: 1, parents: 3 });
    expect(d.network.fsmShare).toBeCloseTo(35 / 65, 10);
    expect(d.network.sendShare).toBeCloseTo(10 / 65, 10);
    expect(d.network.academicShare).toBeCloseTo(5 / 10, 10);
  });

  it('builds the per-centre table with shares and the change against the 4-week average', () => {
    const d = buildDigest(input());
    expect(d.centres.map((c) => c.centreId)).toEqual(['acland-burghley', 'euston-skills', 'la-sainte-union', 'london-ai-campus']);
    const acland = d.centres[0];
    expect(acland.figures?.attendances).toBe(120);
    expect(acland.fsmShare).toBeCloseTo(30 / 45, 10);
    expect(acland.sendShare).toBeCloseTo(8 / 45, 10);
    expect(acland.academicShare).toBeCloseTo(4 / 6, 10);
    expect(acland.fourWeekAverage).toBe(90);
    expect(acland.changeAgainstAverage).toBeCloseTo(120 / 90 - 1, 10);
    const lsu = d.centres[2];
    expect(lsu.amended).toBe(true);
    expect(lsu.fourWeekAverage).toBe(10);
    expect(lsu.changeAgainstAverage).toBeCloseTo(5, 10);
    const euston = d.centres[1];
    expect(euston.figures).toBeNull();
    expect(euston.changeAgainstAverage).toBeNull();
  });

  it('lists the missing returns it is given by name (paused centres marked) and late amendments', () => {
    const d = buildDigest(input());
    expect(d.missing).toEqual([
      { centreId: 'euston-skills', centreName: 'Euston Skills Centre', paused: false },
      { centreId: 'london-ai-campus', centreName: 'London AI Campus', paused: true },
    ]);
    expect(d.amendedLate).toEqual([
      { centreId: 'euston-skills', centreName: 'Euston Skills Centre', weekStart: '2026-11-02', version: 3, amendedOn: '2026-11-17' },
    ]);
  });

  it('totals the term to date and keeps the top knowledge gaps', () => {
    const d = buildDigest(input());
    expect(d.term?.name).toBe('Autumn 2026');
    expect(d.term?.weeks).toBe(12);
    // 120 + 60 + 100 + 80 + 90 + 1000 + 30 + 10
    expect(d.term?.totals.attendances).toBe(1490);
    expect(d.term?.totals.returns).toBe(8);
    expect(d.knowledgeGaps[0]).toEqual({ question: 'What is the SEND transport policy?', count: 4 });
  });

  it('prepares 12 weeks of chart data per centre with gaps as null', () => {
    const d = buildDigest(input());
    expect(d.chartWeeks).toHaveLength(12);
    expect(d.chartWeeks[0]).toBe('2026-08-31');
    expect(d.chartWeeks[11]).toBe(W);
    const acland = d.chartSeries.find((s) => s.label === 'Acland Burghley')!;
    expect(acland.values.slice(-6)).toEqual([1000, 90, null, 80, 100, 120]);
  });

  it('draws the seven busiest centres and one line averaging the rest', () => {
    const many = Array.from({ length: 12 }, (_, i) => centre(`c-${i}`, `Centre ${String(i).padStart(2, '0')}`));
    const d = buildDigest({
      weekStart: W,
      centres: many,
      missing: [],
      timeZone: 'Europe/London',
      knowledgeGaps: [],
      returns: many.map((c, i) => stored(c.id, W, { sessions: 1, academic: 1, attendances: 10 * (i + 1), pupils: 5 })),
    });
    expect(d.chartSeries).toHaveLength(8);
    expect(d.chartSeries[0].label).toBe('Centre 11');
    expect(d.chartSeries[7]).toEqual({ label: 'Other 5 centres (average)', values: [...Array(11).fill(null), (10 + 20 + 30 + 40 + 50) / 5] });
  });

  it('refuses a week start that is not a Monday', () => {
    expect(() => buildDigest({ ...input(), weekStart: '2026-11-17' })).toThrow(/Monday/);
  });
});
