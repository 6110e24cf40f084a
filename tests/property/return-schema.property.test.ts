import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { figureProblems, returnFiguresSchema } from '../../src/attendance/schema.js';
import { FIGURE_FIELDS, type FigureField } from '../../src/attendance/types.js';
import { consistentFigures, expectedProblemFields, MAX } from './model.js';

/** Any value a form or an API client might put in a figure's place. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: MAX }) },
  { weight: 1, arbitrary: fc.integer({ min: -MAX, max: -1 }) },
  { weight: 1, arbitrary: fc.integer({ min: MAX + 1, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.double({ min: -20_000, max: 20_000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e309, 9007199254740993, 0.1 + 0.2, Number.MIN_VALUE, '6', '', ' ', 'six', null, undefined, true, false, [6], { valueOf: () => 6 }, 6n),
  },
);

/** Figures with one to three fields replaced by anything: mostly valid individually, so the cross rules run. */
const figuresUnderTest: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  consistentFigures.map((f): Record<string, unknown> => ({ ...f })),
  fc
    .tuple(consistentFigures, fc.array(fc.tuple(fc.constantFrom(...FIGURE_FIELDS), anyValue), { minLength: 1, maxLength: 3 }))
    .map(([f, changes]) => {
      const out: Record<string, unknown> = { ...f };
      for (const [k, v] of changes) out[k] = v;
      return out;
    }),
  // Small integers everywhere: the cross rules break in every combination.
  fc.record(Object.fromEntries(FIGURE_FIELDS.map((f) => [f, fc.integer({ min: 0, max: 12 })])) as Record<FigureField, fc.Arbitrary<number>>).map((f): Record<string, unknown> => f),
  fc.record(Object.fromEntries(FIGURE_FIELDS.map((f) => [f, anyValue])) as Record<FigureField, fc.Arbitrary<unknown>>).map((f): Record<string, unknown> => f),
);

describe('return schema', () => {
  it('accepts figures exactly when every independent rule holds, and names exactly the fields at fault', () => {
    fc.assert(
      fc.property(figuresUnderTest, (figures) => {
        const expected = expectedProblemFields(figures as Record<FigureField, unknown>);
        const problems = figureProblems(figures);
        expect(new Set(problems.map((p) => p.field))).toEqual(expected);
        expect(returnFiguresSchema.safeParse(figures).success).toBe(expected.size === 0);
        for (const p of problems) expect(p.message).toMatch(new RegExp(`\\b${p.field}\\b`));
      }),
      { numRuns: 3000 },
    );
  });

  it('a missing field is named as missing; an unknown field is refused without touching the others', () => {
    fc.assert(
      fc.property(consistentFigures, fc.constantFrom(...FIGURE_FIELDS), fc.stringMatching(/^[a-z_]{1,12}$/), (figures, dropped, extra) => {
        const without: Record<string, unknown> = { ...figures };
        delete without[dropped];
        expect(figureProblems(without)).toEqual([{ field: dropped, message: `${dropped} is missing.` }]);
        if ((FIGURE_FIELDS as readonly string[]).includes(extra)) return;
        const problems = figureProblems({ ...figures, [extra]: 1 });
        expect(problems).toHaveLength(1);
        expect(problems[0]!.field).toBe('figures');
        expect(problems[0]!.message).toContain(extra);
      }),
      { numRuns: 500 },
    );
  });

  it('anything that is not an object of figures is refused, never thrown', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const problems = figureProblems(value);
        if (value && typeof value === 'object' && !Array.isArray(value) && FIGURE_FIELDS.every((f) => f in (value as object))) return;
        expect(problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
