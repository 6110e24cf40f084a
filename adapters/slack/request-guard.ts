import type { Request, Response, NextFunction } from 'express';
import type { ReceiverProcessEventErrorHandlerArgs as ProcessEventErrorHandlerArgs } from '@slack/bolt';

/** Slack bodies are small (a view submission is a few tens of KB); anything larger is refused with 413 by Bolt. */
export const SLACK_BODY_LIMIT = 1_000_000;

/** Bolt refuses timestamps more than five minutes old; one more than five minutes ahead is just as replayable. */
const MAX_CLOCK_SKEW_S = 5 * 60;

/** Express middleware placed before Bolt's: requests stamped in the future are refused like stale ones (401). */
export function refuseFutureTimestamps(now: () => number = Date.now) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(ts) && ts > Math.floor(now() / 1000) + MAX_CLOCK_SKEW_S) {
      res.status(401).end();
      return;
    }
    next();
  };
}

/** An events API body, a slash command or an interaction payload: an object with a type, command or payload. */
function plausiblePayload(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  if (typeof b.command === 'string' || typeof b.type === 'string') {
    return b.type !== 'event_callback' || (typeof b.event === 'object' && b.event !== null && !Array.isArray(b.event));
  }
  return false;
}

/**
 * Bolt answers 500 when a correctly signed body is not a Slack payload at all (JSON null, an event_callback with
 * no event). That is a bad request, not our failure: 400, and no retry from Slack. Other errors keep Bolt's handling.
 */
export function badPayloadAs400(fallback: (args: ProcessEventErrorHandlerArgs) => Promise<boolean>) {
  return async (args: ProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (!args.response.headersSent && !plausiblePayload((args.request as { body?: unknown }).body)) {
      args.logger.warn(`Slack request body is not a Slack payload: ${String(args.error)}`);
      args.response.writeHead(400);
      args.response.end();
      return true;
    }
    return fallback(args);
  };
}
