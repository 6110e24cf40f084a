import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuickForm } from '../../src/attendance/quick-form.js';
import { completeFigures, figureProblems } from '../../src/attendance/schema.js';
import { FIGURE_FIELDS, type FigureField, type ReturnFigures } from '../../src/attendance/types.js';
import { ValidationError } from '../../src/errors.js';
import { consistentFigures, expectedProblemFields, mixCase, typedValue, type TypedValue } from './model.js';

/**
 * The outcome of a quick form sent as a first return (parsed, then completed as the service does with no return in):
 * the form with its whole figures, or the fields a ValidationError names. Anything else thrown fails the property.
 */
function outcome(text: string): { ok: true; form: ReturnType<typeof parseQuickForm> & { figures: ReturnFigures } } | { ok: false; fields: Set<string> } {
  try {
    const form = parseQuickForm(text);
    const { figures, problems } = completeFigures(form.figures, null);
    if (problems.length) throw new ValidationError(problems);
    return { ok: true, form: { ...form, figures } };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw new Error(`parseQuickForm threw ${String(err)} for ${JSON.stringify(text.slice(0, 200))}`);
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(typeof p.field).toBe('string');
      expect(p.field.length).toBeGreaterThan(0);
      expect(p.message.length).toBeGreaterThan(0);
    }
    return { ok: false, fields: new Set(err.problems.map((p) => p.field)) };
  }
}

const separator = fc.constantFrom(' ', '  ', '\t', ' \n ');
const joiner = fc.constantFrom(' ', '=', ':', ': ', '= ');
const caseMask = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });
const week = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/**
 * Centre ids; an id spelled like a quick-form word ("send", "w") would be read as that word, so the directory's
 * real ids never are (known limitation, see docs/attendance.md).
 */
const WORDS = new Set<string>([...FIGURE_FIELDS, 'week', 'centre', 'note', 'session', 'academics', 'tutoring', 'career', 'weekends', 'attendance', 'attended', 'pupil', 'students', 'student', 'free-school-meals', 'sen', 'parent', 'carers', 'parents-carers', 'center', 'notes', 'comment', 'w']);
const centre = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/).filter((id) => !WORDS.has(id));
/** Note text that survives cleaning unchanged: no quotes of either kind, no control characters, not blank at the ends. */
const note = fc
  .string({ unit: fc.constantFrom(...'abcdefghij klmnop 0123456789 éü–—…🎉,.;!?()'.split('')), minLength: 1, maxLength: 80 })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

describe('quick form: round trip', () => {
  it('valid figures typed in any order, any case, with = or : and optional week, centre and note parse back exactly', () => {
    fc.assert(
      fc.property(
        consistentFigures,
        fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
        caseMask,
        fc.array(joiner, { minLength: 11, maxLength: 11 }),
        separator,
        fc.option(week, { nil: undefined }),
        fc.option(centre, { nil: undefined }),
        fc.option(note, { nil: undefined }),
        fc.boolean(),
        (figures, order, mask, joiners, sep, wk, ctr, nt, commas) => {
          const parts: { k: number; text: string; last?: boolean }[] = FIGURE_FIELDS.map((f, i) => {
            const n = figures[f];
            const value = commas && n >= 1000 ? n.toLocaleString('en-GB') : String(n);
            return { k: order[i]!, text: `${mixCase(f, mask)}${joiners[i]}${value}` };
          });
          if (wk) parts.push({ k: order[11]!, text: `${mixCase('week', mask)} ${wk}` });
          if (ctr) parts.push({ k: order[12]!, text: `${mixCase('centre', mask)} ${ctr}` });
          parts.sort((a, b) => a.k - b.k);
          // A quoted note may go anywhere; it is typed last here half the time, unquoted (rest of the line).
          let expectedNote = nt;
          if (nt) {
            if (order[13]! % 2 === 0) parts.splice(order[13]! % (parts.length + 1), 0, { k: -1, text: `note "${nt}"` });
            else {
              parts.push({ k: Infinity, text: `note ${nt}` });
              // Unquoted, the note is the rest of the line's words, single-spaced.
              expectedNote = nt.replace(/\s+/g, ' ');
            }
          }
          const r = outcome(parts.map((p) => p.text).join(sep));
          expect(r.ok, JSON.stringify(r)).toBe(true);
          if (!r.ok) return;
          expect(r.form.figures).toEqual(figures);
          expect(r.form.week).toBe(wk);
          expect(r.form.centreId).toBe(ctr);
          expect(r.form.note).toBe(expectedNote);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('quick form: garbage', () => {
  const keywordish = fc.constantFrom(...FIGURE_FIELDS, 'week', 'centre', 'note', 'sesions', 'pupil', 'center', 'w', 'notes', 'constructor', '__proto__', 'toString', 'hasOwnProperty');
  const numberish = fc.oneof(
    fc.integer().map(String),
    fc.double().map(String),
    fc.constantFrom('1e309', '9007199254740993', '0x1F', '-0', '+5', '1,2,3', '١٢', '６', 'NaN', 'Infinity', '', '1_000', '.5', '5.'),
  );
  const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((codes) => String.fromCharCode(...codes)),
    fc.constantFrom('"', '“', '”', "'", '‘', '’', '=', ':', '\u0000', '\u202E', '\u200B', '<!channel>', "'; DROP TABLE x; --"),
  );
  const soup = fc.array(fc.oneof(keywordish, numberish, junk), { maxLength: 40 }).map((tokens) => tokens.join(' '));

  it('any string either parses to figures that obey every rule, or is a ValidationError naming fields', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), soup), (text) => {
        const r = outcome(text);
        if (r.ok) {
          expect(figureProblems(r.form.figures)).toEqual([]);
          expect(expectedProblemFields(r.form.figures)).toEqual(new Set());
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('very long input (50 KB of one word, of keywords, of quotes) is a ValidationError', () => {
    for (const text of ['x'.repeat(50_000), 'sessions '.repeat(6_000), '"'.repeat(50_000), 'note "' + 'n'.repeat(50_000), `sessions ${'9'.repeat(50_000)}`]) {
      const r = outcome(text);
      expect(r.ok).toBe(false);
    }
  });
});

describe('quick form: figures accepted iff every rule holds', () => {
  /** All eleven figures typed, each value possibly out of range, not whole, or with commas. */
  const typedForm = fc.oneof(
    // Mostly-consistent figures with one or two fields retyped, so the cross-field rules are exercised.
    fc
      .tuple(consistentFigures, fc.constantFrom(...FIGURE_FIELDS), typedValue, fc.option(fc.tuple(fc.constantFrom(...FIGURE_FIELDS), typedValue), { nil: undefined }))
      .map(([figures, f1, v1, second]) => {
        const out = Object.fromEntries(FIGURE_FIELDS.map((f) => [f, { text: String(figures[f]), value: figures[f] } as TypedValue])) as Record<FigureField, TypedValue>;
        out[f1] = v1;
        if (second) out[second[0]] = second[1];
        return out;
      }),
    fc.record(Object.fromEntries(FIGURE_FIELDS.map((f) => [f, typedValue])) as Record<FigureField, fc.Arbitrary<TypedValue>>),
  );

  it('accepted exactly when the independent rules hold; otherwise the violating fields are the ones named', () => {
    fc.assert(
      fc.property(typedForm, fc.array(fc.nat(), { minLength: 11, maxLength: 11 }), (typed, order) => {
        const text = FIGURE_FIELDS.map((f, i) => ({ f, k: order[i]! }))
          .sort((a, b) => a.k - b.k)
          .map(({ f }) => `${f} ${typed[f].text}`)
          .join(' ');
        const raw = Object.fromEntries(FIGURE_FIELDS.map((f) => [f, typed[f].value])) as Record<FigureField, unknown>;
        const expected = expectedProblemFields(raw);
        const r = outcome(text);
        if (expected.size === 0) {
          expect(r.ok, `${text} -> ${JSON.stringify(r.ok ? r.form : [...r.fields])}`).toBe(true);
          if (r.ok) expect(r.form.figures).toEqual(raw);
        } else {
          expect(r.ok, `${text} should be rejected for ${[...expected].join(', ')}`).toBe(false);
          if (!r.ok) expect(r.fields, text).toEqual(expected);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
