import { describe, expect, it } from 'vitest';
import { checkWeek, cleanNote, figureProblems, noteProblems } from '../../src/attendance/schema.js';
import { FIGURE_FIELDS, type ReturnFigures } from '../../src/attendance/types.js';
import { SAMPLE_FIGURES } from '../helpers/figures.js';

const OK: ReturnFigures = SAMPLE_FIGURES;

describe('return figures: each field is a whole number from 0 to 10,000', () => {
  const cases = FIGURE_FIELDS.flatMap((field) => [
    [field, 0, null],
    [field, 10000, null],
    [field, 10001, `${field} must be at most 10,000, got 10,001.`],
    [field, -1, `${field} cannot be negative, got -1.`],
    [field, 1.5, `${field} must be a whole number, got 1.5.`],
  ] as const);
  it.each(cases)('%s = %s', (field, value, message) => {
    // The field's own rule, in a whole return: the message names the field; no rule between fields piles on.
    const problems = figureProblems({ ...OK, [field]: value }).filter((p) => p.field === field && /must be at most|cannot be negative|must be a whole number|is missing/.test(p.message));
    if (message === null) expect(problems).toEqual([]);
    else {
      expect(problems).toEqual([{ field, message }]);
      expect(figureProblems({ ...OK, [field]: value })).toEqual([{ field, message }]);
    }
  });
  it('accepts 10,000 everywhere when consistent', () => {
    const max: ReturnFigures = { sessions: 10000, academic: 10000, enrichment: 0, careers: 0, digital: 0, weekend: 10000, attendances: 10000, pupils: 10000, fsm: 10000, send: 10000, parents: 10000 };
    expect(figureProblems(max)).toEqual([]);
  });

  it('names missing and non-numeric fields', () => {
    const { pupils: _p, ...rest } = OK;
    expect(figureProblems(rest)).toEqual([{ field: 'pupils', message: 'pupils is missing.' }]);
    expect(figureProblems({ ...OK, fsm: 'three' })).toEqual([{ field: 'fsm', message: 'fsm must be a whole number, got "three".' }]);
    expect(figureProblems({ ...OK, extra: 1 })).toEqual([{ field: 'figures', message: 'unknown field(s): extra.' }]);
  });
});

describe('return figures: rules between fields', () => {
  it('accepts a consistent return', () => expect(figureProblems(OK)).toEqual([]));
  it.each([
    ['pupils ≤ attendances', { pupils: 121 }, 'pupils', 'pupils (121) cannot be more than attendances (120): each pupil attends at least once.'],
    ['fsm ≤ pupils', { fsm: 46 }, 'fsm', 'fsm (46) cannot be more than pupils (45).'],
    ['send ≤ pupils', { send: 46 }, 'send', 'send (46) cannot be more than pupils (45).'],
    ['weekend ≤ sessions', { weekend: 7 }, 'weekend', 'weekend (7) cannot be more than sessions (6).'],
    [
      'session types add up to sessions',
      { careers: 1 },
      'sessions',
      'academic + enrichment + careers + digital must add up to sessions: 4 + 2 + 1 + 0 = 7, but sessions is 6.',
    ],
    [
      'attendances need sessions',
      { sessions: 0, academic: 0, enrichment: 0, weekend: 0 },
      'sessions',
      'sessions is 0 but attendances is 120: attendances need at least one session.',
    ],
  ])('%s', (_name, patch, field, message) => {
    expect(figureProblems({ ...OK, ...patch })).toEqual([{ field, message }]);
  });
  it('boundaries are allowed: equalities hold', () => {
    expect(figureProblems({ ...OK, pupils: 120, fsm: 120, send: 120, weekend: 6 })).toEqual([]);
    expect(figureProblems({ ...OK, sessions: 0, academic: 0, enrichment: 0, weekend: 0, attendances: 0, pupils: 0, fsm: 0, send: 0 })).toEqual([]);
  });
  it('does not pile rule messages on top of a broken field', () => {
    expect(figureProblems({ ...OK, pupils: 1.5 }).map((p) => p.field)).toEqual(['pupils']);
  });
});

describe('week rule', () => {
  const now = new Date('2026-06-17T09:00:00Z'); // Wednesday; current week 2026-06-15
  it.each([
    ['2026-06-15', true, '2026-06-15'],
    ['2026-06-21', true, '2026-06-15'], // Sunday of the current week
    ['2026-06-22', false, 'has not started yet'],
    ['2026-04-20', true, '2026-04-20'], // 8 weeks back
    ['2026-04-19', false, 'more than 8 weeks ago'], // Sunday of 9 weeks back
    ['2026-02-30', false, 'must be a date YYYY-MM-DD'],
  ])('%s ok=%s', (week, ok, expected) => {
    const r = checkWeek(week, now, 'Europe/London', false);
    if (ok) {
      expect(r.problems).toEqual([]);
      expect(r.weekStart).toBe(expected);
    } else {
      expect(r.problems[0]!.field).toBe('week');
      expect(r.problems[0]!.message).toContain(expected);
    }
  });
  it('admins may go further back, never into the future', () => {
    expect(checkWeek('2025-01-01', now, 'Europe/London', true).problems).toEqual([]);
    expect(checkWeek('2026-06-22', now, 'Europe/London', true).problems).toHaveLength(1);
  });
});

describe('note', () => {
  it('strips control characters, keeps line breaks, turns blank into null', () => {
    expect(cleanNote('a\u0000b\u001bc\td\r\ne')).toBe('abc\td\ne');
    expect(cleanNote(' \u200B ')).toBeNull();
    expect(cleanNote(undefined)).toBeUndefined();
  });
  it('allows 1000 characters, not 1001', () => {
    expect(noteProblems('é'.repeat(1000))).toEqual([]);
    expect(noteProblems('é'.repeat(1001))).toEqual([{ field: 'note', message: 'note must be at most 1,000 characters, got 1,001.' }]);
  });
});
