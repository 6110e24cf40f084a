/** Scheduled jobs (reminder, nudge, digest, housekeeping) that fan out or do housekeeping. */
export const SCHEDULE_QUEUE = 'schedules';
/** One job per message to send: (kind, recipient, period). */
export const NOTIFY_QUEUE = 'notifications';

export type ScheduledJobName = 'reminder' | 'nudge' | 'digest' | 'housekeeping';
