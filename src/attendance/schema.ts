import { z } from 'zod';
import type { FieldProblem } from '../errors.js';
import { FIGURE_FIELDS, type FigureField, type ReturnFigures } from './types.js';
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

/** One figure: a whole number from 0 to 10,000, with a message naming the field. */
export function figureSchema(field: FigureField) {
  return z.unknown().superRefine((v, ctx): void => {
    if (v === undefined || v === null || v === '') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} is missing.` });
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} must be a whole number, got ${describe(v)}.` });
    } else if (!Number.isInteger(v)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} must be a whole number, got ${v}.` });
    } else if (v < 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} cannot be negative, got ${v}.` });
    } else if (v > MAX_FIGURE) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} must be at most ${fmt(MAX_FIGURE)}, got ${fmt(v)}.` });
    }
  });
}

const figuresShape = Object.fromEntries(FIGURE_FIELDS.map((f) => [f, figureSchema(f)])) as Record<FigureField, ReturnType<typeof figureSchema>>;

/** The figures of a return: every field valid on its own, then the rules between fields. */
export const returnFiguresSchema = z
  .object(figuresShape)
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
        `academic + enrichment + careers + digital must add up to sessions: ${f.academic} + ${f.enrichment} + ${f.careers} + ${f.digital} = ${typed}, but sessions is ${f.sessions}.`,
      );
    }
    if (f.weekend > f.sessions) add('weekend', `weekend (${f.weekend}) cannot be more than sessions (${f.sessions}).`);
    if (f.attendances > 0 && f.sessions === 0) {
      add('sessions', `sessions is 0 but attendances is ${f.attendances}: attendances need at least one session.`);
    }
    if (f.pupils > f.attendances) {
      add('pupils', `pupils (${f.pupils}) cannot be more than attendances (${f.attendances}): each pupil attends at least once.`);
    }
    if (f.fsm > f.pupils) add('fsm', `fsm (${f.fsm}) cannot be more than pupils (${f.pupils}).`);
    if (f.send > f.pupils) add('send', `send (${f.send}) cannot be more than pupils (${f.pupils}).`);
  });

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
export function figureProblems(figures: unknown): FieldProblem[] {
  if (typeof figures !== 'object' || figures === null) return [{ field: 'figures', message: 'figures are missing.' }];
  const r = returnFiguresSchema.safeParse(figures);
  return r.success ? [] : problemsOf(r.error);
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
