import type { NotificationKind } from '../src/store/notification-claims-repo.js';

/** Data of one send job: what to send to whom, for which week. The message itself is built at send time. */
export interface NotificationJobData {
  kind: NotificationKind;
  /** "person:12", "slack-channel:C0DIGEST1", "teams-channel:19:abc@thread.tacv2". */
  recipient: string;
  /** Monday (YYYY-MM-DD) of the week the message is about. */
  period: string;
  /** Reminders and nudges: the centres whose return is missing, led by this person. */
  centreIds?: string[];
}

/** Job id = the notification key, so BullMQ itself also refuses a second job for the same effect while one exists. */
export function notificationJobId(d: Pick<NotificationJobData, 'kind' | 'recipient' | 'period'>): string {
  // BullMQ job ids may not contain ':' (Teams conversation ids do).
  return encodeURIComponent(`${d.kind}|${d.recipient}|${d.period}`);
}

export const personRecipient = (id: number) => `person:${id}`;

export type Recipient =
  | { type: 'person'; personId: number }
  | { type: 'channel'; platform: 'slack' | 'teams'; channel: string };

export function parseRecipient(recipient: string): Recipient {
  const i = recipient.indexOf(':');
  const type = recipient.slice(0, i);
  const rest = recipient.slice(i + 1);
  if (type === 'person' && /^\d+$/.test(rest)) return { type: 'person', personId: Number(rest) };
  if (type === 'slack-channel' && rest) return { type: 'channel', platform: 'slack', channel: rest };
  if (type === 'teams-channel' && rest) return { type: 'channel', platform: 'teams', channel: rest };
  throw new RangeError(`unknown notification recipient "${recipient}"`);
}
