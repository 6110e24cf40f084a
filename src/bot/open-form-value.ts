/**
 * Value carried by an `open_attendance_form` action (a reminder's one-tap button): which centre and week the
 * form should open on. Other values (e.g. App Home's "home") mean no preset.
 */
export interface OpenFormPreset {
  centreId?: string;
  /** Any day of the week meant, YYYY-MM-DD. */
  week?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

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
    if (typeof raw.week === 'string' && DATE.test(raw.week) && !Number.isNaN(Date.parse(raw.week))) preset.week = raw.week;
    return preset;
  } catch {
    return {};
  }
}
