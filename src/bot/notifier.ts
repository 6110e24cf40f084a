import type { Person } from '../directory/types.js';
import type { Platform } from '../shared/platform.js';
import type { Reply } from '../shared/reply.js';
import { AppError } from '../errors.js';


export interface SendResult {
  /** Platform message id (Slack ts, Teams activity id) when known. */
  messageId?: string;
  /** The conversation the message is in (Slack channel or DM id, Teams conversation id), when known. */
  conversationId?: string;
}

/** A message sent earlier, as its SendResult named it. */
export interface SentMessage {
  messageId: string;
  conversationId?: string | null;
}

/** Outbound port: each adapter implements it; jobs send through it. */
export interface Notifier {
  readonly platform: Platform;
  /** True when the person has an identity on this platform that can be messaged. */
  canReach(person: Person): boolean;
  sendDirect(person: Person, reply: Reply): Promise<SendResult>;
  postToChannel(channel: string, reply: Reply): Promise<SendResult>;
  /**
   * Replace a direct message this notifier sent the person (a reminder that now says the return was received).
   * Throws NotifierError like sendDirect; 'permanent' when the message can no longer be edited (deleted, too old).
   */
  updateDirect?(person: Person, message: SentMessage, reply: Reply): Promise<void>;
}

/**
 * Failure of a send. `rate_limited` carries how long to wait; `permanent` (user gone, bot blocked,
 * channel not found) must not be retried; `invalid_request` (the platform refused the payload itself, e.g.
 * Slack's invalid_blocks: a defect in the bot) is permanent too, and counted apart; `transient` (nothing went
 * out) may be retried with backoff; `unknown` (the platform did not answer in time: the message may have been
 * delivered) must not be resent.
 */
export type NotifierErrorCode = 'rate_limited' | 'permanent' | 'invalid_request' | 'transient' | 'unknown';

export class NotifierError extends AppError {
  constructor(
    code: NotifierErrorCode,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/**
 * Network error codes that mean a request never reached the platform (refused, no route, no DNS): safe to send again.
 * Any other failure after the request went out (reset, hang-up, timeout) may have been delivered: never resend it.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function neverSent(networkCode: string | undefined): boolean {
  return networkCode !== undefined && NOT_SENT_CODES.has(networkCode);
}
