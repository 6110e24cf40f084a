import { createHash } from 'node:crypto';
import { FIGURE_FIELDS } from '../../../src/attendance/types.js';
import type { AttendanceFormValues } from '../../../src/bot/form-values.js';
import { FORM_FIELDS, type FormField } from './attendance-form-card.js';

/** The card's inputs as strings, exactly as Teams returned them (missing inputs become ''). */
export function formValues(value: unknown): Record<FormField, string> {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const out = {} as Record<FormField, string>;
  for (const f of FORM_FIELDS) {
    const raw = v[f];
    out[f] = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
  }
  return out;
}

/** Card strings -> the bot core's form values; the core parses and validates them like Slack's modal. */
export function toFormValues(values: Record<FormField, string>): AttendanceFormValues {
  const figures: AttendanceFormValues['figures'] = {};
  for (const f of FIGURE_FIELDS) figures[f] = values[f];
  return { centreId: values.centre || null, week: values.week || null, figures, note: values.note || null };
}

/**
 * Idempotency key for a card submit: the card's message id plus a hash of what was submitted. Teams
 * redelivering the activity, or a double click, yields the same key; changed figures on the same card yield
 * a new key (an amendment).
 */
export function submitIdempotencyKey(
  activity: { id?: string; replyToId?: string; conversation?: { id?: string } },
  values: Record<FormField, string>,
): string {
  const anchor = activity.replyToId || activity.id || 'no-id';
  const canonical = FORM_FIELDS.map((f) => `${f}=${values[f]}`).join('\u0000');
  const hash = createHash('sha256')
    .update(`${activity.conversation?.id ?? ''}\u0000${anchor}\u0000${canonical}`)
    .digest('hex')
    .slice(0, 40);
  return `teams:card:${hash}`;
}
