import { FIGURE_FIELDS, FIGURE_LABELS, type ReturnFigures } from '../attendance/types.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';
import { figureValueProblem } from '../attendance/schema.js';

/** Raw values from a platform form (Slack modal, Teams card): every field as the person typed it. */
export interface AttendanceFormValues {
  centreId?: string | null;
  week?: string | null;
  figures: Partial<Record<keyof ReturnFigures, string | number | null | undefined>>;
  note?: string | null;
  /**
   * The version of the return the form was showing (pre-filled), or null/undefined when it showed none. An empty note
   * on a form that showed one clears it; on a form that showed none it leaves any note alone.
   */
  shownVersion?: number | null;
}

/**
 * Parse form strings into whole numbers; problems name the field as the form labels it. An empty box is a figure
 * not given: an amendment keeps it, a first return takes 0 (the core figures are required there).
 */
export function parseFormValues(values: AttendanceFormValues): { centreId: string; week: string; figures: Partial<ReturnFigures>; note?: string | null } {
  const problems: FieldProblem[] = [];
  const figures: Partial<ReturnFigures> = {};
  for (const field of FIGURE_FIELDS) {
    const raw = values.figures[field];
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text)) {
      const problem = /^-?\d+(\.\d+)?$/.test(text) ? figureValueProblem(field, Number(text), 'labels', text) : null;
      problems.push({ field, message: problem ?? `${FIGURE_LABELS[field]} must be a whole number, got "${text.slice(0, 20)}".` });
      continue;
    }
    const problem = figureValueProblem(field, Number(text), 'labels', text);
    if (problem) problems.push({ field, message: problem });
    else figures[field] = Number(text);
  }
  const centreId = values.centreId?.trim() ?? '';
  if (!centreId) problems.push({ field: 'centre', message: 'Choose a centre.' });
  const week = values.week?.trim() ?? '';
  if (!week) problems.push({ field: 'week', message: 'Choose the week.' });
  else if (!isIsoDate(week)) problems.push({ field: 'week', message: `week must be a date YYYY-MM-DD, got "${week.slice(0, 20)}".` });
  if (problems.length) throw new ValidationError(problems);
  const typed = values.note?.trim() ? values.note.trim() : null;
  const note = typed ?? (values.shownVersion ? null : undefined);
  return { centreId, week, figures, ...(note !== undefined ? { note } : {}) };
}
