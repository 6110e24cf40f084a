import { NotifierError, neverSent } from '../../src/bot/notifier.js';
import type { SendPolicyOptions } from './deps.js';

/** What a failed Bot Connector call means for the sender. */
export interface SendFailure {
  /** `unknown`: the connection failed after the request went out, so the message may have been delivered. */
  kind: 'forbidden' | 'not_found' | 'rate_limited' | 'transient' | 'rejected' | 'unknown';
  status: number | null;
  retryAfterMs?: number;
}

/** Classify an error thrown by botframework-connector (an Azure RestError) or by the network. */
export function classifySendError(err: unknown): SendFailure {
  const e = err as { statusCode?: number; status?: number; response?: { status?: number; headers?: unknown }; code?: string };
  const status = e?.statusCode ?? e?.response?.status ?? (typeof e?.status === 'number' ? e.status : null);
  if (status === 403) return { kind: 'forbidden', status };
  if (status === 404) return { kind: 'not_found', status };
  if (status === 429) return { kind: 'rate_limited', status, retryAfterMs: retryAfterMs(e?.response?.headers) };
  if (status !== null && status >= 500) return { kind: 'transient', status, retryAfterMs: retryAfterMs(e?.response?.headers) };
  if (status !== null && status >= 400) return { kind: 'rejected', status };
  // No HTTP status: refused or unresolvable before sending (retry), or cut off after it (may have been delivered).
  return { kind: neverSent(typeof e?.code === 'string' ? e.code : undefined) ? 'transient' : 'unknown', status: null };
}

/** Retry-After as seconds or an HTTP date, from Azure's HttpHeaders or a plain object. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const h = headers as { get?: (n: string) => string | undefined } & Record<string, unknown>;
  const raw = typeof h.get === 'function' ? h.get('retry-after') : (h['retry-after'] ?? h['Retry-After']);
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Teams' documented per-bot, per-conversation limits (7 per second, 8 per 2 s, 60 per 30 s). Sends are spaced so a
 * burst of reminders does not trip them; 429s that still happen are handled by the retry loop.
 */
const WINDOWS = [
  { ms: 1_000, max: 7 },
  { ms: 2_000, max: 8 },
  { ms: 30_000, max: 60 },
] as const;
const MAX_TRACKED_CONVERSATIONS = 10_000;

export class ConversationPacer {
  private readonly sent = new Map<string, number[]>();

  /** How long to wait before the next send to this conversation, in ms (0 = now). Records the send at that time. */
  reserve(conversationId: string, now = Date.now()): number {
    const times = (this.sent.get(conversationId) ?? []).filter((t) => t > now - WINDOWS[WINDOWS.length - 1]!.ms);
    let at = now;
    for (let guard = 0; guard < 100; guard++) {
      const blocked = WINDOWS.map((w) => {
        const inWindow = times.filter((t) => t > at - w.ms);
        return inWindow.length >= w.max ? inWindow[inWindow.length - w.max]! + w.ms : 0;
      });
      const next = Math.max(...blocked);
      if (next <= at) break;
      at = next;
    }
    times.push(at);
    times.sort((a, b) => a - b);
    this.sent.delete(conversationId);
    this.sent.set(conversationId, times);
    if (this.sent.size > MAX_TRACKED_CONVERSATIONS) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    return at - now;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The attempt's result, or NotifierError('unknown') once `ms` pass without an answer (the request may have landed). */
async function withinTime<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NotifierError('unknown', `Teams did not answer within ${Math.round(ms / 1000)} s; the message may have been delivered`)),
      ms,
    );
  });
  p.catch(() => undefined); // a late failure of the abandoned request must not become an unhandled rejection
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one send with bounded retries: 429 waits for Retry-After (or backs off), 5xx and network errors back off
 * exponentially with jitter; 403/404/other 4xx are permanent at once; no answer within `attemptTimeoutMs` is
 * NotifierError('unknown') at once (never retried: it may have been delivered). After the last attempt the error becomes a
 * NotifierError the caller (a BullMQ job) can act on.
 */
export async function sendWithPolicy<T>(
  conversationId: string,
  pacer: ConversationPacer,
  attempt: () => Promise<T>,
  opts: SendPolicyOptions = {},
  onPermanent?: (failure: SendFailure) => Promise<void>,
): Promise<T> {
  const maxAttempts = Math.max(1, Math.min(opts.maxAttempts ?? 4, 10));
  const base = opts.baseDelayMs ?? 1_000;
  const cap = opts.maxDelayMs ?? 30_000;
  const sleep = opts.sleep ?? defaultSleep;
  const timeoutMs = opts.attemptTimeoutMs ?? 15_000;
  let last: SendFailure = { kind: 'transient', status: null };
  let attempts = 0;
  for (let n = 1; n <= maxAttempts; n++) {
    const wait = pacer.reserve(conversationId);
    if (wait > 0) await sleep(Math.min(wait, cap));
    attempts = n;
    try {
      return await withinTime(attempt(), timeoutMs);
    } catch (err) {
      if (err instanceof NotifierError) throw err;
      last = classifySendError(err);
      if (last.kind === 'unknown') {
        throw new NotifierError('unknown', `Teams connection failed after the message was sent; it may have been delivered: ${(err as Error)?.message ?? 'network error'}`, undefined, { cause: err });
      }
      if (last.kind === 'forbidden' || last.kind === 'not_found' || last.kind === 'rejected') {
        await onPermanent?.(last);
        const why =
          last.kind === 'forbidden'
            ? 'Teams refused the message (403): the bot was removed or blocked'
            : last.kind === 'not_found'
              ? 'Teams does not know this conversation (404)'
              : `Teams rejected the message (${last.status})`;
        // 400 / 413: the Bot Connector refused the activity itself (unreadable card, too large) — a bot defect.
        const malformed = last.kind === 'rejected' && (last.status === 400 || last.status === 413);
        throw new NotifierError(malformed ? 'invalid_request' : 'permanent', why, undefined, { cause: err });
      }
      const backoff = Math.min(cap, base * 2 ** (n - 1) * (0.75 + Math.random() * 0.5));
      const delay = last.retryAfterMs ?? backoff;
      if (n === maxAttempts || delay > cap) break;
      await sleep(delay);
    }
  }
  if (last.kind === 'rate_limited') {
    throw new NotifierError('rate_limited', `Teams is rate limiting this conversation (429) after ${attempts} attempt(s)`, last.retryAfterMs ?? base);
  }
  throw new NotifierError('transient', `Teams did not accept the message (${last.status ?? 'network error'}) after ${attempts} attempt(s)`);
}
