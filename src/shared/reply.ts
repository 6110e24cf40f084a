import type { Citation } from './citation.js';

/**
 * Channel-neutral reply. Text is plain (no Slack mrkdwn, no HTML, no Markdown):
 * each adapter escapes it for its platform, so a note or question can never inject markup.
 */
export interface Reply {
  /** Plain-text summary, used for notifications and as a fallback. */
  text: string;
  blocks: ReplyBlock[];
}

export type ReplyBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'notice'; tone: 'info' | 'success' | 'warning' | 'error'; text: string }
  | { kind: 'fields'; fields: { label: string; value: string }[] }
  | { kind: 'sources'; citations: Citation[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'image'; title: string; alt: string; png: Uint8Array; width: number; height: number }
  | { kind: 'actions'; actions: ReplyAction[] }
  | { kind: 'divider' };

export type ReplyActionId =
  | 'feedback_helpful'
  | 'feedback_not_helpful'
  | 'share_answer'
  | 'open_attendance_form'
  /** "No sessions this week" on a reminder: the value names the centre and week (as open_attendance_form's). */
  | 'mark_week_closed';

export interface ReplyAction {
  id: ReplyActionId;
  label: string;
  /** Opaque value handed back when the action is used (e.g. an answer id, a centre and week). */
  value: string;
  style?: 'primary' | 'danger';
  /** Asked before the action runs, where the platform can ask (Slack's confirm dialog). */
  confirm?: { title: string; text: string; yes: string; no: string };
}
