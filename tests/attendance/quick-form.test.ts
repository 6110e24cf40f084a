import { describe, expect, it } from 'vitest';
import { parseQuickForm } from '../../src/attendance/quick-form.js';
import { ValidationError } from '../../src/errors.js';

function problems(text: string) {
  try {
    parseQuickForm(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe('quick form', () => {
  it('parses the documented example', () => {
    expect(parseQuickForm('sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3')).toEqual({
      figures: { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 },
    });
  });

  it('is order-free and accepts case, aliases, week, centre and a quoted note', () => {
    const r = parseQuickForm('Pupils 45 NOTE “half term, lots of rain” attendance 120 week 2026-03-25 Centre La-Sainte-Union session: 6 academic=6 weekend 2');
    expect(r).toEqual({
      week: '2026-03-25',
      centreId: 'la-sainte-union',
      note: 'half term, lots of rain',
      figures: { sessions: 6, academic: 6, enrichment: 0, careers: 0, digital: 0, weekend: 2, attendances: 120, pupils: 45, fsm: 0, send: 0, parents: 0 },
    });
  });

  it('takes an unquoted note to the end of the text', () => {
    expect(parseQuickForm('sessions 1 careers 1 attendances 3 pupils 3 note rained all week').note).toBe('rained all week');
  });

  it('accepts thousands separators', () => {
    expect(parseQuickForm('sessions 100 digital 100 attendances 1,200 pupils 300').figures.attendances).toBe(1200);
    // Commas or semicolons between fields, as people type lists.
    const listed = parseQuickForm('sessions 6, academic 6; attendances 1,200, pupils 45, week 2026-03-23, centre acland-burghley;');
    expect(listed.figures).toMatchObject({ sessions: 6, academic: 6, attendances: 1200, pupils: 45 });
    expect(listed).toMatchObject({ week: '2026-03-23', centreId: 'acland-burghley' });
  });

  it('names missing required fields', () => {
    expect(problems('sessions 6 academic 6 attendances 120')).toEqual([{ field: 'pupils', message: 'pupils is missing.' }]);
    expect(problems('academic 1').map((p) => p.message)).toEqual(['sessions is missing.', 'attendances is missing.', 'pupils is missing.']);
  });

  it('says how to split sessions when no type is given', () => {
    expect(problems('sessions 6 attendances 120 pupils 45')).toEqual([
      { field: 'sessions', message: 'say how the 6 sessions split by type: academic, enrichment, careers, digital (they must add up to 6).' },
    ]);
  });

  it('reports the sum rule when types are given but do not add up', () => {
    expect(problems('sessions 6 academic 4 attendances 120 pupils 45')).toEqual([
      { field: 'sessions', message: 'academic + enrichment + careers + digital must add up to sessions: 4 + 0 + 0 + 0 = 4, but sessions is 6.' },
    ]);
  });

  it('names a bad number with what was typed', () => {
    expect(problems('sessions 6 academic 6 attendances 120 pupils 45 fsm 3.5')).toEqual([{ field: 'fsm', message: 'fsm must be a whole number, got 3.5.' }]);
    expect(problems('sessions 6 academic 6 attendances 120 pupils 45 fsm three')).toEqual([{ field: 'fsm', message: 'fsm must be a whole number, got "three".' }]);
    expect(problems('sessions 6 academic 6 attendances 120 pupils 45 send -1')).toEqual([{ field: 'send', message: 'send cannot be negative, got -1.' }]);
    expect(problems('sessions 6 academic 6 attendances 10001 pupils 45')).toEqual([{ field: 'attendances', message: 'attendances must be at most 10,000, got 10,001.' }]);
  });

  it('suggests the keyword for a typo', () => {
    expect(problems('sesions 6 academic 6 attendances 120 pupils 45')).toContainEqual({
      field: 'sessions',
      message: "unknown word 'sesions' — did you mean sessions?",
    });
    expect(problems('sessions 6 academic 6 attendances 120 pupils 45 banana 3')).toEqual([
      { field: 'form', message: "unknown word 'banana'. Keywords: sessions, academic, enrichment, careers, digital, weekend, attendances, pupils, fsm, send, parents, week, centre, note." },
    ]);
  });

  it('reports repeated keywords, missing values, bad weeks and centres together', () => {
    const p = problems('sessions 6 sessions 7 academic attendances 120 pupils 45 week 2026-02-30 centre Bad_Id!');
    expect(p).toEqual([
      { field: 'sessions', message: 'sessions is given more than once; give it once.' },
      { field: 'academic', message: 'academic needs a number after it.' },
      { field: 'week', message: 'week must be a date YYYY-MM-DD, got "2026-02-30".' },
      { field: 'centre', message: 'centre must be a centre id like acland-burghley, got "Bad_Id!".' },
    ]);
  });

  it('rejects an empty form and a stray number', () => {
    expect(problems('   ')[0]!.field).toBe('form');
    expect(problems('sessions 6 6 academic 6 attendances 120 pupils 45')[0]!.message).toMatch(/the number 6 has no keyword/);
  });

  it('checks the same rules as the forms (pupils ≤ attendances)', () => {
    expect(problems('sessions 6 academic 6 attendances 40 pupils 45')).toEqual([
      { field: 'pupils', message: 'pupils (45) cannot be more than attendances (40): each pupil attends at least once.' },
    ]);
  });

  it('strips control characters from the note and limits it to 1000 characters', () => {
    expect(parseQuickForm('sessions 1 careers 1 attendances 3 pupils 3 note "a\u0007b"').note).toBe('ab');
    expect(problems(`sessions 1 careers 1 attendances 3 pupils 3 note "${'x'.repeat(1001)}"`)).toEqual([
      { field: 'note', message: 'note must be at most 1,000 characters, got 1,001.' },
    ]);
  });
});
