import { AppError, NotAuthorisedError, NotFoundError, ValidationError, isAppError } from '../errors.js';
import type { Reply } from '../shared/reply.js';

/** Typed error -> a clear message for the person. Unknown errors get a generic apology (details go to the log). */
export function errorReply(err: unknown): Reply {
  if (err instanceof ValidationError) {
    // Each message names its field as the person knows it ("pupils is missing.", "Unique pupils (150) cannot…"), so
    // the internal field key is not shown beside it.
    const lines = err.problems.length ? err.problems.map((p) => p.message) : [err.message];
    const text = `Nothing was saved. Please fix: ${lines.join(' ')}`;
    return {
      text,
      blocks: [
        { kind: 'notice', tone: 'error', text: 'Nothing was saved. Please fix:' },
        { kind: 'paragraph', text: lines.map((l) => `• ${l}`).join('\n') },
      ],
    };
  }
  if (err instanceof NotAuthorisedError || err instanceof NotFoundError || (isAppError(err) && (err.code === 'unavailable' || err.code === 'store_write_failed'))) {
    return notice('warning', (err as AppError).message);
  }
  if (isAppError(err)) return notice('error', err.message);
  return notice('error', 'Sorry, something went wrong on our side. Nothing was saved; please try again in a minute.');
}

export function notice(tone: 'info' | 'success' | 'warning' | 'error', text: string): Reply {
  return { text, blocks: [{ kind: 'notice', tone, text }] };
}

export function errorCode(err: unknown): string {
  return isAppError(err) ? err.code : 'internal';
}
