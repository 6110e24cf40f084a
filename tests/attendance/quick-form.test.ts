import { describe, expect, it } from 'vitest';
import { parseQuickForm } from '../../src/attendance/quick-form.js';
import { completeFigures } from '../../src/attendance/schema.js';
import { ValidationError } from '../../src/errors.js';

/** The problems with a quick form sent as a first return (parsed, then completed as the service does). */
function problems(text: string) {
  try {
    const form = parseQuickForm(text);
    const done = completeFigures(form.figures, null);
    if (done.problems.length) throw new ValidationError(done.problems);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe('quick form', () => {
  it('parses the documented example', () => {
    const form = parseQuickForm('sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3');
    // Only what was typed: the service completes it (an amendment keeps the rest, a first return takes 0).
    expect(form).toEqual({ figures: { sessions: 6, academic: 4, enrichment: 2, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 } });
    expect(completeFigures(form.figures, null)).toEqual({
      figures: { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 },
      problems: [],
    });
  });

  it('is order-free and accepts case, aliases, week, centre and a quoted note', () => {
    const r = parseQuickForm('Pupils 45 NOTE “half term, lots of rain” attendance 120 week 2026-03-25 Centre La-Sainte-Union session: 6 academic=6 weekend 2');
    expect(r).toEqual({
      week: '2026-03-25',
      centreId: 'la-sainte-union',
      note: 'half term, lots of rain',
      figures: { sessions: 6, academic: 6, weekend: 2, attendances: 120, pupils: 45 },
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
    // Echoed as typed, never float-rounded or reformatted.
    expect(problems('sessions 6 academic 6 attendances 10001 pupils 45')).toEqual([{ field: 'attendances', message: 'attendances must be at most 10,000, got 10001.' }]);
    expect(problems('sessions 6 academic 6 attendances 99999999999999999999 pupils 45')).toEqual([
      { field: 'attendances', message: 'attendances must be at most 10,000, got 99999999999999999999.' },
    ]);
    expect(problems('sessions 6 academic 6 attendances 12,345 pupils 45')).toEqual([{ field: 'attendances', message: 'attendances must be at most 10,000, got 12,345.' }]);
  });

  it('says "whole number" for a decimal whatever else is missing', () => {
    // The typed value is wrong before anything can be missing (an amendment may give sessions alone).
    expect(problems('sessions 6.5')).toEqual([{ field: 'sessions', message: 'sessions must be a whole number, got 6.5.' }]);
    expect(problems('pupils 4.5 attendances 9')[0]).toEqual({ field: 'pupils', message: 'pupils must be a whole number, got 4.5.' });
  });

  it('an amendment needs no figure: those not given are kept; `note ""` and `note none` clear the note', () => {
    const previous = { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 1, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 };
    expect(completeFigures(parseQuickForm('pupils 50').figures, previous)).toEqual({ figures: { ...previous, pupils: 50 }, problems: [] });
    expect(completeFigures(parseQuickForm('pupils 150').figures, previous).problems).toEqual([
      { field: 'pupils', message: 'pupils (150) cannot be more than attendances (120): each pupil attends at least once.' },
    ]);
    expect(parseQuickForm('pupils 50').note).toBeUndefined();
    expect(parseQuickForm('pupils 50 note ""').note).toBeNull();
    expect(parseQuickForm('pupils 50 note none').note).toBeNull();
    expect(parseQuickForm('note "None"').note).toBeNull();
    expect(parseQuickForm('note none of them came').note).toBe('none of them came');
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
