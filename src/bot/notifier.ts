import type { Person } from '../directory/types.js';
import type { Reply } from './reply.js';
import { AppError } from '../errors.js';

export type Platform = 'slack' | 'teams';

export interface SendResult {
  /** Platform message id (Slack ts, Teams activity id) when known. */
  messageId?: string;
}

/** Outbound port: each adapter implements it; jobs send through it. */
export interface Notifier {
  readonly platform: Platform;
  /** True when the person has an identity on this platform that can be messaged. */
  canReach(person: Person): boolean;
  sendDirect(person: Person, reply: Reply): Promise<SendResult>;
  postToChannel(channel: string, reply: Reply): Promise<SendResult>;
}

/**
 * Failure of a send. `rate_limited` carries how long to wait; `permanent` (user gone, bot blocked,
 * channel not found) must not be retried; `transient` may be retried with backoff.
 */
export class NotifierError extends AppError {
  constructor(
    code: 'rate_limited' | 'permanent' | 'transient',
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
