/** The counted figures of one weekly return, as a lead reports them. */
export interface ReturnFigures {
  /** Sessions held this week. */
  sessions: number;
  /** Of those, by type; these four add up to `sessions`. */
  academic: number;
  enrichment: number;
  careers: number;
  digital: number;
  /** Of the sessions, how many were at the weekend. */
  weekend: number;
  /** Total attendances (a pupil at three sessions counts three). */
  attendances: number;
  /** Unique pupils. */
  pupils: number;
  /** Of the unique pupils, eligible for free school meals. */
  fsm: number;
  /** Of the unique pupils, with special educational needs and disabilities. */
  send: number;
  /** Parents and carers attending. */
  parents: number;
}

export const FIGURE_FIELDS = [
  'sessions',
  'academic',
  'enrichment',
  'careers',
  'digital',
  'weekend',
  'attendances',
  'pupils',
  'fsm',
  'send',
  'parents',
] as const satisfies readonly (keyof ReturnFigures)[];

export type FigureField = (typeof FIGURE_FIELDS)[number];

/** Labels a lead recognises, used in forms and error messages. */
export const FIGURE_LABELS: Record<FigureField, string> = {
  sessions: 'Sessions held',
  academic: 'Academic / tutoring sessions',
  enrichment: 'Enrichment sessions',
  careers: 'Careers & guidance sessions',
  digital: 'Digital sessions',
  weekend: 'Weekend sessions',
  attendances: 'Total attendances',
  pupils: 'Unique pupils',
  fsm: 'Pupils eligible for free school meals',
  send: 'Pupils with SEND',
  parents: 'Parents / carers attending',
};

/** One line under each box of the forms: what to count. */
export const FIGURE_HINTS: Record<FigureField, string> = {
  sessions: 'Every session held this week. The four session types add up to this.',
  academic: 'Academic or tutoring sessions.',
  enrichment: 'Enrichment sessions.',
  careers: 'Careers and guidance sessions.',
  digital: 'Digital sessions.',
  weekend: 'How many of the sessions were on a Saturday or Sunday.',
  attendances: 'Every attendance: a pupil at three sessions counts three.',
  pupils: 'Different pupils who came at least once.',
  fsm: 'Of those pupils, how many are eligible for free school meals.',
  send: 'Of those pupils, how many have special educational needs or disabilities.',
  parents: 'Parents and carers who took part.',
};

/** What an adapter hands to the attendance service: a quick form as parsed, or a form as read. */
export interface ReturnSubmission {
  /** Omitted: the person's only centre (several: the service asks which). */
  centreId?: string;
  /** Any date (YYYY-MM-DD) in the week meant; normalised to that week's Monday. Omitted: the week just ended. */
  week?: string;
  /**
   * The figures given. An amendment keeps every figure not given; a first return needs sessions, attendances and
   * pupils (and a session type when sessions > 0) and takes 0 for the others.
   */
  figures: Partial<ReturnFigures>;
  /** undefined keeps the note of the return already in; null (or "") clears it. */
  note?: string | null;
  /** How problems name fields: the quick form's keywords (default) or the forms' labels. */
  fieldNames?: 'keywords' | 'labels';
  /**
   * true: no sessions this week (holiday, closure): every figure 0, no figures may be given. Otherwise a return
   * with figures is open; one with none (a note alone) keeps what the previous version said.
   */
  closed?: boolean;
  /**
   * Decides duplicates: the same key delivered twice stores one version.
   * Derive it from the platform delivery (Slack trigger/view id, Teams activity id), never random per attempt.
   */
  idempotencyKey: string;
}

export interface StoredReturn {
  centreId: string;
  /** Monday of the week, YYYY-MM-DD, in SCHEDULE_TIMEZONE. */
  weekStart: string;
  /** 1 for the first submission, +1 per amendment. */
  version: number;
  figures: ReturnFigures;
  note: string | null;
  /** Person id of the submitter; null once that person's data was deleted (the figures are kept). */
  submittedBy: number | null;
  /** Submitter's name at the time, for history; null when deleted or unknown. */
  submittedByName?: string | null;
  submittedAt: Date;
  /** True when version > 1. */
  amended: boolean;
  /** The centre was closed that week (holiday, closure): a return of zeros the lead marked "no sessions". */
  closed?: boolean;
}

export interface FieldChange {
  field: FigureField | 'note' | 'closed';
  from: number | string | boolean | null;
  to: number | string | boolean | null;
}

export interface SubmitResult {
  status: 'created' | 'amended' | 'duplicate' | 'unchanged';
  stored: StoredReturn;
  /** For amendments: what changed against the previous version. */
  changes: FieldChange[];
}

/** What the service returns for a submission: the store's result and the centre it was for. */
export interface SubmittedReturn extends SubmitResult {
  centre: { id: string; name: string };
}

/** A centre owing a return for a week with none in. */
export interface MissingReturn {
  centreId: string;
  centreName: string;
  /** Reminders are paused over the week (the pause covers its Monday): no reminder or nudge; still listed. */
  paused: boolean;
}

/** One version of a return with what it changed against the version before (empty for version 1). */
export interface ReturnVersion extends StoredReturn {
  changes: FieldChange[];
}

/** Figures summed over the returns of one week. */
export interface WeekTotals extends ReturnFigures {
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  /** Number of centres whose return is in. */
  returns: number;
}
