import { z } from 'zod';
import type { FieldProblem } from '../errors.js';
import { FIGURE_FIELDS, FIGURE_LABELS, type FigureField, type ReturnFigures } from './types.js';
import { addDays, currentWeekStart, isIsoDate, weekStartOf, daysBetween } from '../shared/calendar.js';

export const MAX_FIGURE = 10_000;
export const MAX_NOTE_LENGTH = 1000;
/** How far back a lead may submit or amend; admins may go further. */
export const MAX_WEEKS_BACK = 8;

const fmt = (n: number) => n.toLocaleString('en-GB');

function describe(v: unknown): string {
  if (typeof v === 'string') return `"${v.slice(0, 20)}"`;
  if (v === undefined || v === null) return 'nothing';
  return String(v);
}

/**
 * How problems name a field: the quick form's keywords ("pupils", what the lead typed) or the forms' labels
 * ("Unique pupils", what the lead sees beside the box).
 */
export type FieldNames = 'keywords' | 'labels';

export function fieldName(field: FigureField, names: FieldNames = 'keywords'): string {
  return names === 'labels' ? FIGURE_LABELS[field] : field;
}

/** Why one figure is not acceptable, or null: a whole number from 0 to 10,000. `typed` is echoed as the lead typed it. */
export function figureValueProblem(field: FigureField, v: unknown, names: FieldNames = 'keywords', typed?: string): string | null {
  const name = fieldName(field, names);
  const shown = typed !== undefined ? typed.slice(0, 30) : typeof v === 'number' ? fmt(v) : describe(v);
  if (v === undefined || v === null || v === '') return `${name} is missing.`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} must be a whole number, got ${typed !== undefined ? `"${shown}"` : describe(v)}.`;
  if (!Number.isInteger(v)) return `${name} must be a whole number, got ${typed ?? String(v)}.`;
  if (v < 0) return `${name} cannot be negative, got ${typed ?? String(v)}.`;
  if (v > MAX_FIGURE) return `${name} must be at most ${fmt(MAX_FIGURE)}, got ${shown}.`;
  return null;
}

/** One figure: a whole number from 0 to 10,000, with a message naming the field. */
export function figureSchema(field: FigureField, names: FieldNames = 'keywords') {
  return z.unknown().superRefine((v, ctx): void => {
    const problem = figureValueProblem(field, v, names);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });
}

function figuresSchema(names: FieldNames) {
  const shape = Object.fromEntries(FIGURE_FIELDS.map((f) => [f, figureSchema(f, names)])) as Record<FigureField, ReturnType<typeof figureSchema>>;
  const n = (f: FigureField) => fieldName(f, names);
  return z
    .object(shape)
    .strict()
    .superRefine((raw, ctx) => {
      const f = raw as ReturnFigures;
      // Rules between fields only make sense once every field is a valid number on its own.
      const valid = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_FIGURE;
      if (!FIGURE_FIELDS.every((k) => valid(f[k]))) return;
      const add = (field: FigureField, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message });
      const typed = f.academic + f.enrichment + f.careers + f.digital;
      if (typed !== f.sessions) {
        add(
          'sessions',
          names === 'labels'
            ? `The session types add up to ${typed} (${f.academic} + ${f.enrichment} + ${f.careers} + ${f.digital}), but ${n('sessions')} is ${f.sessions}.`
            : `academic + enrichment + careers + digital must add up to sessions: ${f.academic} + ${f.enrichment} + ${f.careers} + ${f.digital} = ${typed}, but sessions is ${f.sessions}.`,
        );
      }
      if (f.weekend > f.sessions) add('weekend', `${n('weekend')} (${f.weekend}) cannot be more than ${n('sessions')} (${f.sessions}).`);
      if (f.attendances > 0 && f.sessions === 0) {
        add('sessions', `${n('sessions')} is 0 but ${n('attendances')} is ${f.attendances}: attendances need at least one session.`);
      }
      if (f.pupils > f.attendances) {
        add('pupils', `${n('pupils')} (${f.pupils}) cannot be more than ${n('attendances')} (${f.attendances}): each pupil attends at least once.`);
      }
      if (f.fsm > f.pupils) add('fsm', `${n('fsm')} (${f.fsm}) cannot be more than ${n('pupils')} (${f.pupils}).`);
      if (f.send > f.pupils) add('send', `${n('send')} (${f.send}) cannot be more than ${n('pupils')} (${f.pupils}).`);
    });
}

/** The figures of a return: every field valid on its own, then the rules between fields. */
export const returnFiguresSchema = figuresSchema('keywords');
const labelledFiguresSchema = figuresSchema('labels');

function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => {
    const field = i.path.length ? String(i.path[0]) : 'figures';
    const message = i.code === z.ZodIssueCode.unrecognized_keys ? `unknown field(s): ${i.keys.join(', ')}.` : i.message;
    return { field, message };
  });
}

/**
 * Checks figures (each field, then the cross-field rules only when every field is valid on its own).
 * Returns the problems, empty when valid.
 */
export function figureProblems(figures: unknown, names: FieldNames = 'keywords'): FieldProblem[] {
  if (typeof figures !== 'object' || figures === null) return [{ field: 'figures', message: 'figures are missing.' }];
  const r = (names === 'labels' ? labelledFiguresSchema : returnFiguresSchema).safeParse(figures);
  return r.success ? [] : problemsOf(r.error);
}

/** Needed in a first return however it is sent; every other figure is 0 when not given. */
export const CORE_FIGURES: readonly FigureField[] = ['sessions', 'attendances', 'pupils'];
export const SESSION_TYPES: readonly FigureField[] = ['academic', 'enrichment', 'careers', 'digital'];

/**
 * The whole figures of a return once `given` is applied. An amendment (a `previous` version exists) keeps every
 * figure not given; a first return needs the core figures (and, with sessions, at least one session type) and
 * takes 0 for the rest. Then the rules between fields. Returns the figures, or the problems.
 */
export function completeFigures(
  given: Partial<ReturnFigures>,
  previous: ReturnFigures | null,
  names: FieldNames = 'keywords',
): { figures: ReturnFigures; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  for (const f of FIGURE_FIELDS) {
    if (given[f] === undefined) continue;
    const problem = figureValueProblem(f, given[f], names);
    if (problem) problems.push({ field: f, message: problem });
  }
  if (!previous) {
    for (const f of CORE_FIGURES) if (given[f] === undefined) problems.push({ field: f, message: `${fieldName(f, names)} is missing.` });
    const sessions = given.sessions;
    if (typeof sessions === 'number' && sessions > 0 && SESSION_TYPES.every((t) => given[t] === undefined)) {
      problems.push({
        field: 'sessions',
        message:
          names === 'labels'
            ? `Say how the ${sessions} sessions split by type (academic, enrichment, careers, digital).`
            : `say how the ${sessions} sessions split by type: academic, enrichment, careers, digital (they must add up to ${sessions}).`,
      });
    }
  }
  const base = previous ?? (Object.fromEntries(FIGURE_FIELDS.map((f) => [f, 0])) as unknown as ReturnFigures);
  const figures = { ...base } as ReturnFigures;
  for (const f of FIGURE_FIELDS) if (given[f] !== undefined) figures[f] = given[f]!;
  if (problems.length) return { figures, problems };
  return { figures, problems: figureProblems(figures, names) };
}

/** Removes control characters (keeping line breaks and tabs), normalises line ends and trims; '' becomes null. */
export function cleanNote(note: string | null | undefined): string | null | undefined {
  if (note === undefined) return undefined;
  if (note === null) return null;
  const cleaned = note
    .replace(/\r\n?/g, '\n')
    // Zero-width joiners (U+200C/U+200D) stay: emoji sequences and several scripts need them.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '')
    .trim();
  return cleaned === '' ? null : cleaned;
}

export function noteProblems(note: string | null | undefined): FieldProblem[] {
  if (typeof note === 'string' && [...note].length > MAX_NOTE_LENGTH) {
    return [{ field: 'note', message: `note must be at most ${fmt(MAX_NOTE_LENGTH)} characters, got ${fmt([...note].length)}.` }];
  }
  return [];
}

/**
 * Checks the week (any day of it) against `now`: not in the future, and at most 8 weeks back unless `allowOld`.
 * Returns the week's Monday, or problems.
 */
export function checkWeek(
  week: string | undefined | null,
  now: Date,
  timeZone: string,
  allowOld: boolean,
): { weekStart: string; problems: FieldProblem[] } {
  if (!week || !isIsoDate(week.trim())) {
    return { weekStart: '', problems: [{ field: 'week', message: `week must be a date YYYY-MM-DD, got ${describe(week ?? undefined)}.` }] };
  }
  const weekStart = weekStartOf(week.trim());
  const current = currentWeekStart(now, timeZone);
  if (weekStart > current) {
    return { weekStart, problems: [{ field: 'week', message: `week ${weekStart} has not started yet; returns are for this week or earlier.` }] };
  }
  const weeksBack = daysBetween(weekStart, current) / 7;
  if (weeksBack > MAX_WEEKS_BACK && !allowOld) {
    return {
      weekStart,
      problems: [
        {
          field: 'week',
          message: `week ${weekStart} is more than ${MAX_WEEKS_BACK} weeks ago (the earliest you can submit is ${addDays(current, -7 * MAX_WEEKS_BACK)}); ask an admin to enter it.`,
        },
      ],
    };
  }
  return { weekStart, problems: [] };
}
