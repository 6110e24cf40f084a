import { MAX_NOTE_LENGTH } from '../../../src/attendance/schema.js';
import { FIGURE_FIELDS, FIGURE_LABELS, type FigureField } from '../../../src/attendance/types.js';
import type { FieldProblem } from '../../../src/errors.js';
import { escapeMarkdown } from './markdown.js';
import { CARD_CONTENT_TYPE, card, type AdaptiveCard, type CardElement } from './types.js';

export const ATTENDANCE_SUBMIT_VERB = 'attendance_submit';

/** Ids of the card's inputs; they come back as keys of `activity.value` on submit. */
export const FORM_FIELDS = ['centre', 'week', ...FIGURE_FIELDS, 'note'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

const SESSION_FIELDS: FigureField[] = ['sessions', 'academic', 'enrichment', 'careers', 'digital', 'weekend'];
const PEOPLE_FIELDS: FigureField[] = ['attendances', 'pupils', 'fsm', 'send', 'parents'];

const HINTS: Partial<Record<FigureField, string>> = {
  sessions: 'All sessions held this week.',
  academic: 'Academic, enrichment, careers and digital add up to sessions held.',
  weekend: 'How many of the sessions were at the weekend.',
  attendances: 'A pupil at three sessions counts three.',
  fsm: 'Of the unique pupils.',
  send: 'Of the unique pupils.',
};

export interface AttendanceFormOptions {
  /** Centres the person may submit for; the choice list is limited to these. */
  centres: { id: string; name: string }[];
  /** Monday of the week just ended (YYYY-MM-DD), used when `values.week` is empty. */
  defaultWeek: string;
  /** Values to show again (after an error); strings as the card returned them. */
  values?: Partial<Record<FormField, string>>;
  /** Problems to show next to their fields. */
  problems?: FieldProblem[];
  /** Extra message above the form (e.g. "Nothing was saved"). */
  message?: string;
}

/** The weekly return form: the same fields and rules as Slack's modal. */
export function attendanceFormCard(opts: AttendanceFormOptions): AdaptiveCard {
  const values = opts.values ?? {};
  const problems = opts.problems ?? [];
  const problemFor = (field: string) => problems.filter((p) => p.field === field);
  const known = new Set<string>(FORM_FIELDS);
  const general = problems.filter((p) => !known.has(p.field));

  const body: CardElement[] = [
    { type: 'TextBlock', text: 'Weekly attendance return', weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'TextBlock',
      text: 'Counts for one centre and one week. Submitting again for the same week amends the return; earlier versions are kept.',
      isSubtle: true,
      wrap: true,
    },
  ];

  if (problems.length) {
    body.push({
      type: 'Container',
      style: 'attention',
      items: [
        {
          type: 'TextBlock',
          text: escapeMarkdown(opts.message ?? 'Nothing was saved. Please correct the fields marked below.'),
          weight: 'Bolder',
          wrap: true,
        },
        ...general.map((p) => errorText(p.message)),
      ],
    });
  } else if (opts.message) {
    body.push({ type: 'TextBlock', text: escapeMarkdown(opts.message), wrap: true });
  }

  // A lead of several centres picks one: a preselected centre is too easily sent for the wrong one.
  const only = opts.centres.length === 1 ? opts.centres[0]!.id : undefined;
  const centreValue = values.centre && opts.centres.some((c) => c.id === values.centre) ? values.centre : only;
  body.push(
    {
      type: 'Input.ChoiceSet',
      id: 'centre',
      label: 'Centre',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose a centre.',
      choices: opts.centres.map((c) => ({ title: c.name, value: c.id })),
      ...(centreValue ? { value: centreValue } : {}),
    },
    ...problemFor('centre').map((p) => errorText(p.message)),
    {
      type: 'Input.Date',
      id: 'week',
      label: 'Week (any day in it)',
      isRequired: true,
      errorMessage: 'Choose a day in the week.',
      value: values.week || opts.defaultWeek,
    },
    ...problemFor('week').map((p) => errorText(p.message)),
  );

  body.push(sectionTitle('Sessions'));
  for (const f of SESSION_FIELDS) body.push(...numberInput(f, values[f], problemFor(f)));
  body.push(sectionTitle('People'));
  for (const f of PEOPLE_FIELDS) body.push(...numberInput(f, values[f], problemFor(f)));

  body.push(
    {
      type: 'Input.Text',
      id: 'note',
      label: 'Note (optional)',
      isMultiline: true,
      maxLength: MAX_NOTE_LENGTH,
      placeholder: 'Anything the network lead should know about this week',
      ...(values.note ? { value: values.note } : {}),
    },
    ...problemFor('note').map((p) => errorText(p.message)),
  );

  return card(body, {
    fallbackText: 'Weekly attendance return form',
    actions: [{ type: 'Action.Submit', title: 'Submit return', style: 'positive', data: { verb: ATTENDANCE_SUBMIT_VERB } }],
  });
}

export function attendanceFormAttachment(opts: AttendanceFormOptions) {
  return { contentType: CARD_CONTENT_TYPE, content: attendanceFormCard(opts) };
}

function numberInput(field: FigureField, value: string | undefined, problems: FieldProblem[]): CardElement[] {
  const hint = HINTS[field];
  return [
    {
      type: 'Input.Number',
      id: field,
      label: FIGURE_LABELS[field],
      min: 0,
      isRequired: true,
      errorMessage: `Enter a whole number for ${FIGURE_LABELS[field].toLowerCase()} (0 if none).`,
      placeholder: hint ?? 'Number (0 if none)',
      ...(value !== undefined && value !== '' && Number.isFinite(Number(value)) ? { value: Number(value) } : {}),
    },
    ...problems.map((p) => errorText(p.message)),
  ];
}

function sectionTitle(title: string): CardElement {
  return { type: 'TextBlock', text: title, weight: 'Bolder', separator: true, spacing: 'Medium', wrap: true };
}

function errorText(message: string): CardElement {
  return { type: 'TextBlock', text: escapeMarkdown(message), color: 'Attention', spacing: 'None', size: 'Small', wrap: true };
}
