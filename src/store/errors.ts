import { AppError, UnavailableError } from '../errors.js';

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/** SQLSTATE classes that mean "the server is not there right now" (08 connection, 57P0x shutdown, 53 resources). */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('53');
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';

/** Postgres error code (SQLSTATE) of an error thrown by either engine, if any. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (sqlState(err) !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || (err as { constraint?: string }).constraint === constraint;
}

/**
 * Turns driver failures that mean "database not reachable" into UnavailableError (a clear "try again"),
 * leaves everything else untouched so real bugs stay visible.
 */
export function mapDbError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (
    UNAVAILABLE_NODE_CODES.has(code) ||
    (sqlState(err) !== undefined && isUnavailableSqlState(code)) ||
    /Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end|PGlite is closed/i.test(
      message,
    )
  ) {
    return new UnavailableError(
      'The database is not reachable right now. Nothing was saved; please try again in a minute.',
      { cause: err },
    );
  }
  return err;
}
