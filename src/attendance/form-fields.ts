import { FIGURE_FIELDS, FIGURE_HINTS, FIGURE_LABELS, type FigureField, type ReturnFigures } from './types.js';

/** One box of the return form (Slack modal, Teams card). */
export interface FormField {
  field: FigureField;
  label: string;
  /** One line under the box. */
  hint: string;
  /** Shown as required; an optional box left empty is 0 in a first return (and kept in an amendment). */
  required: boolean;
}

/** Never required: 0 when left empty. */
const ALWAYS_OPTIONAL: ReadonlySet<FigureField> = new Set(['careers', 'digital', 'weekend', 'parents']);
/** Session types a centre may not run: required only when it ran them lately (or, with no returns yet, always). */
const USUAL_TYPES: readonly FigureField[] = ['academic', 'enrichment'];

/**
 * The form's boxes for a centre, given its recent returns (newest first, up to a few weeks): careers, digital,
 * weekend and parents are optional, and so are academic and enrichment when the centre has not run them lately.
 * Every other figure is required. What the server insists on is the same for every way of sending (completeFigures);
 * this only says which boxes the form asks to be filled.
 */
export function formFields(recent: ReturnFigures[]): FormField[] {
  return FIGURE_FIELDS.map((field) => {
    const required = ALWAYS_OPTIONAL.has(field)
      ? false
      : USUAL_TYPES.includes(field)
        ? recent.length === 0 || recent.some((r) => r[field] > 0)
        : true;
    return { field, label: FIGURE_LABELS[field], hint: FIGURE_HINTS[field], required };
  });
}
