export interface JitteredBackoffOptions {
  /** Delay before the first retry, in ms. */
  baseMs?: number;
  /** Upper bound of any one delay, in ms. */
  maxMs?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/** Name to use in a job's `backoff: { type }` for the strategy below. */
export const JITTERED_BACKOFF = 'jittered-exponential';

/**
 * Exponential backoff with "full jitter": a random delay in [base·2^(n−1)/2, base·2^(n−1)], capped.
 * Spreading retries apart stops a burst of failed sends from hitting the platform again all at once.
 */
export function jitteredBackoff(options: JitteredBackoffOptions = {}): (attemptsMade: number) => number {
  const base = options.baseMs ?? 5_000;
  const max = options.maxMs ?? 15 * 60_000;
  const random = options.random ?? Math.random;
  return (attemptsMade: number) => {
    const ceiling = Math.min(max, base * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };
}
