import { MAX_NOTE_LENGTH } from '../../../src/attendance/schema.js';
import { FIGURE_FIELDS, type FigureField } from '../../../src/attendance/types.js';
import type { AttendanceFormModel } from '../../../src/bot/index.js';
import type { FieldProblem } from '../../../src/errors.js';
import { escapeMarkdown } from './markdown.js';
import { CARD_CONTENT_TYPE, card, type AdaptiveCard, type CardElement } from './types.js';

export const ATTENDANCE_SUBMIT_VERB = 'attendance_submit';
/** "Show this week": reload the card for the centre and week chosen (a card cannot react to a date change). */
export const ATTENDANCE_LOAD_VERB = 'attendance_load';

/** Ids of the card's inputs; they come back as keys of `activity.value` on submit. */
export const FORM_FIELDS = ['centre', 'week', ...FIGURE_FIELDS, 'note'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

const SESSION_FIELDS: FigureField[] = ['sessions', 'academic', 'enrichment', 'careers', 'digital', 'weekend'];
const PEOPLE_FIELDS: FigureField[] = ['attendances', 'pupils', 'fsm', 'send', 'parents'];

/** What the card was showing, carried in its buttons' data so the core can tell a changed week from a filled-in one. */
export interface ShownForm {
  centreId: string | null;
  week: string;
  version: number | null;
}

export interface AttendanceCardOptions {
  /** What was typed (after a refused submit): shown instead of the stored return. Strings as the card returned them. */
  values?: Partial<Record<FormField, string>>;
  /** Problems to show next to their fields. */
  problems?: FieldProblem[];
  /** Extra message above the form (e.g. "Nothing was saved"). */
  message?: string;
}

/**
 * The weekly return card: the same boxes, hints and rules as Slack's modal, filled in with the return already in for
 * the centre and week. A card cannot react when the date changes, so "Show this week" reloads it; a submit whose
 * centre or week differs from what the card was filled in with is refused by the core and the card reloaded.
 */
export function attendanceFormCard(form: AttendanceFormModel, opts: AttendanceCardOptions = {}): AdaptiveCard {
  const typed = opts.values;
  const existing = form.existing;
  const value = (f: FormField): string | undefined => {
    if (typed) return typed[f];
    if (f === 'centre') return form.initialCentre;
    if (f === 'week') return form.defaultWeek;
    if (f === 'note') return existing?.note ?? undefined;
    return existing ? String(existing.figures[f]) : undefined;
  };
  const problems = opts.problems ?? [];
  const problemFor = (field: string) => problems.filter((p) => p.field === field);
  const known = new Set<string>(FORM_FIELDS);
  const general = problems.filter((p) => !known.has(p.field));
  const message = opts.message ?? form.message;

  const body: CardElement[] = [{ type: 'TextBlock', text: 'Weekly attendance return', weight: 'Bolder', size: 'Medium', wrap: true }];
  if (problems.length || message) {
    body.push({
      type: 'Container',
      style: 'attention',
      items: [
        {
          type: 'TextBlock',
          text: escapeMarkdown(message ?? 'Nothing was saved. Please correct the fields marked below.'),
          weight: 'Bolder',
          wrap: true,
        },
        ...general.map((p) => errorText(p.message)),
      ],
    });
  }
  if (form.intro) body.push({ type: 'TextBlock', text: escapeMarkdown(form.intro), isSubtle: true, wrap: true });

  // A lead of several centres picks one: a preselected centre is too easily sent for the wrong one.
  const only = form.centres.length === 1 ? form.centres[0]!.id : undefined;
  const centre = value('centre');
  const centreValue = centre && form.centres.some((c) => c.id === centre) ? centre : only;
  body.push(
    {
      type: 'Input.ChoiceSet',
      id: 'centre',
      label: 'Centre',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose a centre.',
      choices: form.centres.map((c) => ({ title: c.name, value: c.id })),
      ...(centreValue ? { value: centreValue } : {}),
    },
    ...problemFor('centre').map((p) => errorText(p.message)),
    {
      type: 'Input.Date',
      id: 'week',
      label: 'Week (any day of it, Monday to Sunday)',
      isRequired: true,
      errorMessage: 'Choose a day in the week.',
      value: value('week') || form.defaultWeek,
    },
    hintText(form.weekHint),
    ...problemFor('week').map((p) => errorText(p.message)),
    {
      type: 'ActionSet',
      actions: [{ type: 'Action.Submit', title: 'Show this week', data: { verb: ATTENDANCE_LOAD_VERB } }],
    },
  );

  const fields = new Map(form.fields.map((f) => [f.field, f]));
  body.push(sectionTitle('Sessions'));
  for (const f of SESSION_FIELDS) body.push(...numberInput(fields.get(f), f, value(f), problemFor(f)));
  body.push(sectionTitle('People'));
  for (const f of PEOPLE_FIELDS) body.push(...numberInput(fields.get(f), f, value(f), problemFor(f)));

  const note = value('note');
  body.push(
    {
      type: 'Input.Text',
      id: 'note',
      label: 'Note (optional)',
      isMultiline: true,
      maxLength: MAX_NOTE_LENGTH,
      placeholder: existing?.note ? 'Empty the box to remove the note' : 'Anything the network lead should know about this week',
      ...(note ? { value: note.slice(0, MAX_NOTE_LENGTH) } : {}),
    },
    ...problemFor('note').map((p) => errorText(p.message)),
  );

  const shown: ShownForm = { centreId: centreValue ?? null, week: form.defaultWeek, version: existing?.version ?? null };
  return card(body, {
    fallbackText: 'Weekly attendance return form',
    actions: [
      { type: 'Action.Submit', title: existing ? 'Amend return' : 'Submit return', style: 'positive', data: { verb: ATTENDANCE_SUBMIT_VERB, shown } },
    ],
  });
}

export function attendanceFormAttachment(form: AttendanceFormModel, opts: AttendanceCardOptions = {}) {
  return { contentType: CARD_CONTENT_TYPE, content: attendanceFormCard(form, opts) };
}

function numberInput(
  spec: { label: string; hint: string; required: boolean } | undefined,
  field: FigureField,
  value: string | undefined,
  problems: FieldProblem[],
): CardElement[] {
  const label = spec?.label ?? field;
  // Boxes are not marked isRequired: Teams would then refuse "Show this week" until every box is filled. The core
  // says what a first return is missing, beside the box.
  return [
    {
      type: 'Input.Number',
      id: field,
      label: spec?.required === false ? `${label} (optional)` : label,
      min: 0,
      max: 10_000,
      placeholder: spec?.required === false ? 'Leave empty for 0' : 'Number',
      ...(value !== undefined && value !== '' && Number.isFinite(Number(value)) ? { value: Number(value) } : {}),
    },
    ...(spec ? [hintText(spec.hint)] : []),
    ...problems.map((p) => errorText(p.message)),
  ];
}

function hintText(text: string): CardElement {
  return { type: 'TextBlock', text: escapeMarkdown(text), isSubtle: true, size: 'Small', spacing: 'None', wrap: true };
}

function sectionTitle(title: string): CardElement {
  return { type: 'TextBlock', text: title, weight: 'Bolder', separator: true, spacing: 'Medium', wrap: true };
}

function errorText(message: string): CardElement {
  return { type: 'TextBlock', text: escapeMarkdown(message), color: 'Attention', spacing: 'None', size: 'Small', wrap: true };
}
