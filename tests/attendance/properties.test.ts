import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseQuickForm } from '../../src/attendance/quick-form.js';
import { figureProblems } from '../../src/attendance/schema.js';
import { currentWeekStart, localDate, weekBounds, isMonday } from '../../src/shared/calendar.js';
import { FIGURE_FIELDS, type ReturnFigures } from '../../src/attendance/types.js';

/** Consistent figures: types add up to sessions, weekend ≤ sessions, fsm/send ≤ pupils ≤ attendances. */
const consistentFigures = fc
  .record({
    academic: fc.integer({ min: 0, max: 2500 }),
    enrichment: fc.integer({ min: 0, max: 2500 }),
    careers: fc.integer({ min: 0, max: 2500 }),
    digital: fc.integer({ min: 1, max: 2500 }),
    attendances: fc.integer({ min: 0, max: 10000 }),
    parents: fc.integer({ min: 0, max: 10000 }),
    w: fc.double({ min: 0, max: 1, noNaN: true }),
    p: fc.double({ min: 0, max: 1, noNaN: true }),
    f: fc.double({ min: 0, max: 1, noNaN: true }),
    s: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((r): ReturnFigures => {
    const sessions = r.academic + r.enrichment + r.careers + r.digital;
    const pupils = Math.floor(r.attendances * r.p);
    return {
      sessions,
      academic: r.academic,
      enrichment: r.enrichment,
      careers: r.careers,
      digital: r.digital,
      weekend: Math.floor(sessions * r.w),
      attendances: r.attendances,
      pupils,
      fsm: Math.floor(pupils * r.f),
      send: Math.floor(pupils * r.s),
      parents: r.parents,
    };
  });

describe('properties', () => {
  it('any consistent return typed as a quick form in any order parses back to the same figures', () => {
    fc.assert(
      fc.property(consistentFigures, fc.array(fc.nat(), { minLength: 11, maxLength: 11 }), fc.boolean(), (figures, order, upper) => {
        expect(figureProblems(figures)).toEqual([]);
        const pairs = FIGURE_FIELDS.map((f, i) => ({ f, k: order[i]! })).sort((a, b) => a.k - b.k);
        const text = pairs.map(({ f }) => `${upper ? f.toUpperCase() : f} ${figures[f]}`).join(' ');
        expect(parseQuickForm(text).figures).toEqual(figures);
      }),
      { numRuns: 300 },
    );
  });

  it('every instant lies inside the local week it is assigned to, in London and elsewhere', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('Europe/London', 'America/New_York', 'Australia/Sydney', 'UTC'),
        (instant, tz) => {
          const week = currentWeekStart(instant, tz);
          expect(isMonday(week)).toBe(true);
          const { start, end } = weekBounds(week, tz);
          expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(instant.getTime()).toBeLessThan(end.getTime());
          expect(localDate(start, tz)).toBe(week);
          // A week is 7 days give or take one clock change.
          expect([167, 168, 169]).toContain((end.getTime() - start.getTime()) / 3_600_000);
        },
      ),
      { numRuns: 500 },
    );
  });
});
