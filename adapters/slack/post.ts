import type { webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;
import type { Reply } from '../../src/shared/reply.js';
import { toMessages } from './blocks/render-reply.js';

export interface PostOptions {
  channel: string;
  thread_ts?: string;
  /** Post visible only to this user (chat.postEphemeral). */
  ephemeralUser?: string;
  /** Longest Retry-After we wait for before giving up (default 30 s). */
  maxRetryAfterMs?: number;
  /** Attempts per message when Slack answers 429 (default 3). */
  maxAttempts?: number;
  /** Where the reply's images are shown, for their line in the message (see RenderOptions). */
  imageNote?: string;
}

/** Slack's error shapes from @slack/web-api, read without importing its classes. */
export function slackErrorInfo(err: unknown): { kind: 'rate_limited' | 'platform' | 'http' | 'request' | 'other'; error?: string; retryAfterMs?: number; status?: number } {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number } | null;
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', retryAfterMs: (e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error':
      if (e.data?.error === 'ratelimited') return { kind: 'rate_limited', error: 'ratelimited', retryAfterMs: 1000 };
      return { kind: 'platform', error: e.data?.error };
    case 'slack_webapi_http_error':
      return { kind: 'http', status: e.statusCode };
    case 'slack_webapi_request_error':
      return { kind: 'request' };
    default:
      return { kind: 'other' };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Call a Slack method, waiting out 429s (Retry-After, bounded) and never blindly retrying 5xx or timeouts:
 * a timed-out post may have been delivered, and a second one would be a duplicate.
 */
export async function withRateLimitRetry<T>(call: () => Promise<T>, options: { maxRetryAfterMs?: number; maxAttempts?: number } = {}): Promise<T> {
  const maxWait = options.maxRetryAfterMs ?? 30_000;
  const attempts = Math.max(1, options.maxAttempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const info = slackErrorInfo(err);
      if (info.kind !== 'rate_limited' || attempt >= attempts || (info.retryAfterMs ?? 0) > maxWait) throw err;
      await sleep(info.retryAfterMs ?? 1000);
    }
  }
}

/** A reply of several messages failed after some were posted: sending it again would repeat those. */
export class PartlyPostedError extends Error {
  constructor(
    readonly posted: number,
    readonly total: number,
    options: { cause: unknown },
  ) {
    super(`posted ${posted} of ${total} messages: ${(options.cause as Error)?.message ?? 'failed'}`, options);
    this.name = 'PartlyPostedError';
  }
}

/**
 * Post a reply (split to Slack's limits) with link and media unfurling off. Returns the first message's ts.
 * A failure after the first message is a PartlyPostedError.
 */
export async function postReply(client: WebClient, reply: Reply, options: PostOptions): Promise<string | undefined> {
  let firstTs: string | undefined;
  const messages = toMessages(reply, undefined, { imageNote: options.imageNote });
  for (const [i, message] of messages.entries()) {
    const base = {
      channel: options.channel,
      text: message.text,
      blocks: message.blocks,
      ...(options.thread_ts ? { thread_ts: options.thread_ts } : {}),
      unfurl_links: false,
      unfurl_media: false,
    };
    let result: unknown;
    try {
      result = options.ephemeralUser
        ? await withRateLimitRetry(() => client.chat.postEphemeral({ ...base, user: options.ephemeralUser! }), options)
        : await withRateLimitRetry(() => client.chat.postMessage(base), options);
    } catch (err) {
      throw i === 0 ? err : new PartlyPostedError(i, messages.length, { cause: err });
    }
    firstTs ??= (result as { ts?: string; message_ts?: string }).ts ?? (result as { message_ts?: string }).message_ts;
  }
  return firstTs;
}
