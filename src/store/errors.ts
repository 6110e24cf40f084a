import { AppError, StoreWriteError, UnavailableError } from '../errors.js';

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

/** Postgres conditions that mean "this database cannot take writes now", whatever was written. */
const WRITE_REFUSED_SQLSTATES: Readonly<Record<string, string>> = {
  '53100': 'disk_full',
  '42501': 'insufficient_privilege',
  '25006': 'read_only_sql_transaction',
  '58030': 'io_error',
};

/** Errno codes of a file write that mean the same (the PGlite write probe's own file, or a raw file-system error). */
const WRITE_REFUSED_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/** Postgres reports a file error as `could not …: <strerror>`; the errno name is what operators search for. */
const STRERROR_ERRNO: [RegExp, string][] = [
  [/: No space left on device/, 'ENOSPC'],
  [/: Disk quota exceeded/, 'EDQUOT'],
  [/: Read-only file system/, 'EROFS'],
  [/: Permission denied/, 'EACCES'],
  [/: Operation not permitted/, 'EPERM'],
  [/: Input\/output error/, 'EIO'],
];

/** A StoreWriteError when `err` says the store cannot take writes (disk full, permission lost, read-only), else undefined. */
export function writeRefusal(err: unknown): StoreWriteError | undefined {
  if (err instanceof StoreWriteError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  const condition = sqlState(err) !== undefined ? WRITE_REFUSED_SQLSTATES[code] : undefined;
  if (condition) {
    const errno = STRERROR_ERRNO.find(([re]) => re.test(message))?.[1];
    return new StoreWriteError(errno ?? condition, `${code} ${message}`, { cause: err });
  }
  if (WRITE_REFUSED_ERRNOS.has(code)) return new StoreWriteError(code, message, { cause: err });
  return undefined;
}

/**
 * Turns driver failures that mean "database not reachable" into UnavailableError and "cannot take writes" into
 * StoreWriteError (both a clear "try again"), leaves everything else untouched so real bugs stay visible.
 */
export function mapDbError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const refused = writeRefusal(err);
  if (refused) return refused;
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
