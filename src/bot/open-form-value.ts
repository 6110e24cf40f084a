import { isIsoDate, weekStartOf } from '../shared/calendar.js';

/**
 * Value carried by an `open_attendance_form` action (a reminder's one-tap button): which centre and week the
 * form should open on. Other values (e.g. App Home's "home") mean no preset.
 */
export interface OpenFormPreset {
  centreId?: string;
  /** Monday of the week meant, YYYY-MM-DD (a value naming any day of it is moved to its Monday). */
  week?: string;
}

export function encodeOpenFormValue(preset: { centreId: string; week: string }): string {
  return JSON.stringify({ centreId: preset.centreId, week: preset.week });
}

/** Never throws: a value that is not a well-formed preset gives an empty preset. */
export function decodeOpenFormValue(value: string | undefined | null): OpenFormPreset {
  if (!value || !value.startsWith('{') || value.length > 500) return {};
  try {
    const raw = JSON.parse(value) as Record<string, unknown>;
    const preset: OpenFormPreset = {};
    if (typeof raw.centreId === 'string' && /^[a-z0-9-]{1,64}$/.test(raw.centreId)) preset.centreId = raw.centreId;
    // A real calendar date (2026-02-30 is not), moved to its Monday: the form's week is named by its Monday.
    if (typeof raw.week === 'string' && isIsoDate(raw.week)) preset.week = weekStartOf(raw.week);
    return preset;
  } catch {
    return {};
  }
}
