import type { TurnContext } from 'botbuilder';
import { neverSent } from '../../src/bot/notifier.js';

/** The parts of @azure/core-rest-pipeline's request, response and pipeline this module touches. */
interface RequestLike {
  method: string;
}
interface ResponseLike {
  status: number;
  headers: { get(name: string): string | undefined };
}
interface PolicyLike {
  name: string;
  sendRequest(request: RequestLike, next: (request: RequestLike) => Promise<ResponseLike>): Promise<ResponseLike>;
}
interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: PolicyLike, options?: { phase?: 'Retry' }): void;
  getOrderedPolicies(): { name: string }[];
}

export interface ReplyRetryOptions {
  /** Further tries after the first. Default 3. */
  maxRetries?: number;
  /** First wait when the service gives no Retry-After; doubles, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest wait the turn will spend on one retry; a longer Retry-After is not waited out. Default 10 s. */
  maxDelayMs?: number;
}

export const REPLY_RETRY_POLICY = 'camdenReplyRetryPolicy';
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

function retryAfterMs(response: ResponseLike): number | undefined {
  const ms = Number(response.headers.get('retry-after-ms') ?? response.headers.get('x-ms-retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = response.headers.get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * A retry policy for the turn's connector client that never sends a message twice. botbuilder's default retries a
 * POST after a connection reset or timeout, when the connector may already have stored it, so a reply could
 * appear twice. Here a POST is retried only when it certainly was not taken: a connection refused before sending,
 * or 429/503 (throttled, not processed). Reads and updates, which repeat harmlessly, also retry network errors
 * and 5xx.
 */
export function replyRetryPolicy(options: ReplyRetryOptions = {}): PolicyLike {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const backoff = (retry: number) => Math.min(maxDelayMs, baseDelayMs * 2 ** retry * (0.5 + Math.random() / 2));
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    name: REPLY_RETRY_POLICY,
    async sendRequest(request, next) {
      const repeatable = IDEMPOTENT.has(request.method.toUpperCase());
      for (let retry = 0; ; retry++) {
        let response: ResponseLike;
        try {
          response = await next(request);
        } catch (err) {
          const code = (err as { code?: unknown })?.code;
          const safe = neverSent(typeof code === 'string' ? code : undefined) || (repeatable && typeof code === 'string');
          if (!safe || retry >= maxRetries) throw err;
          await wait(backoff(retry));
          continue;
        }
        const throttled = response.status === 429 || response.status === 503;
        const failedRead = repeatable && response.status >= 500;
        if ((!throttled && !failedRead) || retry >= maxRetries) return response;
        const delay = retryAfterMs(response) ?? backoff(retry);
        if (delay > maxDelayMs) return response;
        await wait(delay);
      }
    },
  };
}

/** Puts the policy on a connector client (botframework-connector's ConnectorClient) in place of the default one. */
export function useReplyRetries(connectorClient: unknown, options?: ReplyRetryOptions): void {
  const pipeline = (connectorClient as { client?: { pipeline?: PipelineLike } } | undefined)?.client?.pipeline;
  if (!pipeline) return;
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  if (!pipeline.getOrderedPolicies().some((p) => p.name === REPLY_RETRY_POLICY)) {
    pipeline.addPolicy(replyRetryPolicy(options), { phase: 'Retry' });
  }
}

/** Adapter middleware: every inbound turn's replies go through replyRetryPolicy. */
export function replyRetriesMiddleware(connectorClientKey: symbol, options?: ReplyRetryOptions) {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      useReplyRetries(context.turnState.get(connectorClientKey), options);
      await next();
    },
  };
}
