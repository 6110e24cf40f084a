import fc from 'fast-check';
import { FIGURE_FIELDS, type FigureField, type ReturnFigures } from '../../src/attendance/types.js';

/**
 * An independent statement of the return rules (docs/attendance.md), written without the product's code, so the
 * properties compare the product against the rules rather than against itself.
 */
export const MAX = 10_000;

/** A value as typed or submitted, with what it means: the number it denotes (when it denotes one). */
export interface TypedValue {
  text: string;
  /** The number the text denotes; undefined when it is not a plain decimal number. */
  value: number | undefined;
}

export const isFigure = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX;

/** Fields breaking a rule between fields; only meaningful when every field is a valid figure. */
export function crossRuleFields(f: ReturnFigures): Set<FigureField> {
  const bad = new Set<FigureField>();
  if (f.academic + f.enrichment + f.careers + f.digital !== f.sessions) bad.add('sessions');
  if (f.attendances > 0 && f.sessions === 0) bad.add('sessions');
  if (f.weekend > f.sessions) bad.add('weekend');
  if (f.pupils > f.attendances) bad.add('pupils');
  if (f.fsm > f.pupils) bad.add('fsm');
  if (f.send > f.pupils) bad.add('send');
  return bad;
}

/**
 * The fields a rejection must name for these raw values: the individually invalid ones, or (when every field is
 * valid) the ones breaking a rule between fields. Empty means the figures must be accepted.
 */
export function expectedProblemFields(raw: Record<FigureField, unknown>): Set<string> {
  const individual = new Set<string>(FIGURE_FIELDS.filter((k) => !isFigure(raw[k])));
  if (individual.size) return individual;
  return crossRuleFields(raw as ReturnFigures);
}

/** Consistent figures: types add up to sessions, weekend ≤ sessions, fsm/send ≤ pupils ≤ attendances. */
export const consistentFigures: fc.Arbitrary<ReturnFigures> = fc
  .record({
    academic: fc.integer({ min: 0, max: 2500 }),
    enrichment: fc.integer({ min: 0, max: 2500 }),
    careers: fc.integer({ min: 0, max: 2500 }),
    digital: fc.integer({ min: 0, max: 2500 }),
    attendances: fc.integer({ min: 0, max: MAX }),
    parents: fc.integer({ min: 0, max: MAX }),
    w: fc.integer({ min: 0, max: 100 }),
    p: fc.integer({ min: 0, max: 100 }),
    f: fc.integer({ min: 0, max: 100 }),
    s: fc.integer({ min: 0, max: 100 }),
  })
  .map((r): ReturnFigures => {
    const sessions = r.academic + r.enrichment + r.careers + r.digital;
    // Attendances need a session.
    const attendances = sessions === 0 ? 0 : r.attendances;
    const pupils = Math.floor((attendances * r.p) / 100);
    return {
      sessions,
      academic: r.academic,
      enrichment: r.enrichment,
      careers: r.careers,
      digital: r.digital,
      weekend: Math.floor((sessions * r.w) / 100),
      attendances,
      pupils,
      fsm: Math.floor((pupils * r.f) / 100),
      send: Math.floor((pupils * r.s) / 100),
      parents: r.parents,
    };
  });

/** Typed text for a figure: in range, negative, too big, decimals (whole or not), with thousands commas. */
export const typedValue: fc.Arbitrary<TypedValue> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: MAX }).map((n) => ({ text: String(n), value: n })) },
  { weight: 1, arbitrary: fc.integer({ min: -MAX, max: -1 }).map((n) => ({ text: String(n), value: n })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX + 1, max: 2_000_000_000 }).map((n) => ({ text: String(n), value: n })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: MAX }), fc.stringMatching(/^\d{1,3}$/))
      .map(([i, frac]) => ({ text: `${i}.${frac}`, value: Number(`${i}.${frac}`) })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 999_999 }).map((n) => ({ text: n.toLocaleString('en-GB'), value: n })),
  },
);

/** Mixed case, per letter. */
export function mixCase(word: string, mask: boolean[]): string {
  return [...word].map((c, i) => (mask[i % Math.max(1, mask.length)] ? c.toUpperCase() : c.toLowerCase())).join('');
}
