/** Typed errors with a stable `code`; adapters turn them into a clear message and never rethrow to the platform. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  /** Field name as the person knows it, e.g. "pupils" or "week". */
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(
    readonly problems: FieldProblem[],
    message = problems.map((p) => p.message).join(' '),
  ) {
    super('validation_failed', message);
  }
}

export class NotAuthorisedError extends AppError {
  constructor(message: string) {
    super('not_authorised', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** A dependency (database, Redis, a platform API) is briefly unavailable; the person should try again. */
export class UnavailableError extends AppError {
  constructor(message = 'The service is briefly unavailable. Nothing was saved; please try again in a minute.', options?: { cause?: unknown }) {
    super('unavailable', message, options);
  }
}

/** What a person is told when the store refused a write (disk full, permission lost, read-only). */
export const COULD_NOT_SAVE = 'I could not save that, please try again in a few minutes. Nothing was stored.';

/**
 * The store refused a write for a reason outside the request: the disk is full, write permission was lost, the
 * database is read-only. `reason` names the cause for the log and /healthz (an errno code such as ENOSPC, or the
 * Postgres condition); the person only gets COULD_NOT_SAVE.
 */
export class StoreWriteError extends AppError {
  constructor(
    readonly reason: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('store_write_failed', COULD_NOT_SAVE, options);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
