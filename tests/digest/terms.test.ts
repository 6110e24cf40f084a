import { describe, expect, it } from 'vitest';
import { easterSunday, parseTermStarts, termOf } from '../../src/digest/terms.js';
import { weekJustEnded, weekStartOf } from '../../src/shared/calendar.js';

describe('English school terms', () => {
  it('computes Easter Sunday for known years', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
  });

  it('puts weeks in autumn, spring and summer by default', () => {
    expect(termOf('2026-11-16')).toMatchObject({ name: 'Autumn 2026', start: '2026-09-01', firstWeek: '2026-08-31' });
    expect(termOf('2027-02-15')).toMatchObject({ name: 'Spring 2027', start: '2027-01-01', firstWeek: '2026-12-28' });
    // Easter 2027 is 28 March: summer starts Monday 29 March.
    expect(termOf('2027-03-22')?.name).toBe('Spring 2027');
    expect(termOf('2027-03-29')).toMatchObject({ name: 'Summer 2027', start: '2027-03-29' });
    expect(termOf('2027-08-23')?.name).toBe('Summer 2027');
    expect(termOf('2027-08-30')?.name).toBe('Autumn 2027');
  });

  it('uses configured TERM_STARTS instead', () => {
    const starts = parseTermStarts('2027-01-05, 2026-09-03');
    expect(starts).toEqual(['2026-09-03', '2027-01-05']);
    expect(termOf('2026-11-16', starts)).toMatchObject({ start: '2026-09-03', firstWeek: '2026-08-31' });
    expect(termOf('2027-01-04', starts)).toMatchObject({ start: '2027-01-05' });
    expect(termOf('2026-08-24', starts)).toBeNull();
  });

  it('rejects a bad TERM_STARTS entry by name', () => {
    expect(() => parseTermStarts('2026-09-03,2026-13-01')).toThrow(/"2026-13-01"/);
    expect(parseTermStarts('  ')).toBeUndefined();
  });

  it('finds the last completed week in London across midnight and the clock change', () => {
    expect(weekStartOf('2026-11-22')).toBe('2026-11-16');
    // Monday 00:30 BST is Sunday 23:30 UTC: already the new week in London.
    expect(weekJustEnded(new Date('2026-03-29T23:30:00Z'), 'Europe/London')).toBe('2026-03-23');
    expect(weekJustEnded(new Date('2026-03-29T22:30:00Z'), 'Europe/London')).toBe('2026-03-16');
  });
});
