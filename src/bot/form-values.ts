import { FIGURE_FIELDS, FIGURE_LABELS, type ReturnFigures } from '../attendance/types.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';

/** Raw values from a platform form (Slack modal, Teams card): every field as the person typed it. */
export interface AttendanceFormValues {
  centreId?: string | null;
  week?: string | null;
  figures: Partial<Record<keyof ReturnFigures, string | number | null | undefined>>;
  note?: string | null;
}

/** Parse form strings into whole numbers; problems name the field as the form labels it. */
export function parseFormValues(values: AttendanceFormValues): { centreId: string; week: string; figures: ReturnFigures; note: string | null } {
  const problems: FieldProblem[] = [];
  const figures = {} as ReturnFigures;
  for (const field of FIGURE_FIELDS) {
    const raw = values.figures[field];
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (text === '') {
      problems.push({ field, message: `${FIGURE_LABELS[field]} is missing.` });
      continue;
    }
    if (!/^\d+$/.test(text)) {
      problems.push({ field, message: `${FIGURE_LABELS[field]} must be a whole number, got "${text.slice(0, 20)}".` });
      continue;
    }
    figures[field] = Number(text);
  }
  const centreId = values.centreId?.trim() ?? '';
  if (!centreId) problems.push({ field: 'centre', message: 'Choose a centre.' });
  const week = values.week?.trim() ?? '';
  if (!week) problems.push({ field: 'week', message: 'Choose the week.' });
  else if (!isIsoDate(week)) problems.push({ field: 'week', message: `week must be a date YYYY-MM-DD, got "${week.slice(0, 20)}".` });
  if (problems.length) throw new ValidationError(problems);
  const note = values.note?.trim() ? values.note.trim() : null;
  return { centreId, week, figures, note };
}
