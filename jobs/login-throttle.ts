/** Failed sign-ins per client address, with an exponential pause once the free attempts are spent. */
export interface LoginThrottleOptions {
  /** Wrong passwords allowed before pauses start (default 5). */
  freeAttempts?: number;
  /** First pause (ms, default 1 s); it doubles with every further failure. */
  baseDelayMs?: number;
  /** Longest pause (ms, default 15 minutes). */
  maxDelayMs?: number;
  /** Addresses remembered at most (default 10,000); the longest-idle ones are forgotten first. */
  maxTracked?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface FailureState {
  failures: number;
  /** How long this address must now wait before trying again (0 while attempts are free). */
  pauseMs: number;
}

export interface LoginThrottle {
  /** Milliseconds this address must still wait, or 0 when it may try. */
  waitMs(address: string): number;
  /** A wrong password from this address: counts it and returns the pause that follows. */
  failed(address: string): FailureState;
  /** A right password: the address starts afresh. */
  succeeded(address: string): void;
}

export function createLoginThrottle(opts: LoginThrottleOptions = {}): LoginThrottle {
  const free = opts.freeAttempts ?? 5;
  const base = opts.baseDelayMs ?? 1_000;
  const max = opts.maxDelayMs ?? 15 * 60_000;
  const cap = opts.maxTracked ?? 10_000;
  const now = opts.now ?? Date.now;
  // Map order is insertion order: re-inserting on every failure keeps the longest-idle address first.
  const entries = new Map<string, { failures: number; until: number; last: number }>();

  const current = (address: string) => {
    const e = entries.get(address);
    // An address quiet for twice the longest pause starts afresh.
    if (e && now() - e.last > 2 * max) {
      entries.delete(address);
      return undefined;
    }
    return e;
  };

  return {
    waitMs(address) {
      const e = current(address);
      return e ? Math.max(0, e.until - now()) : 0;
    },
    failed(address) {
      const e = current(address) ?? { failures: 0, until: 0, last: 0 };
      e.failures++;
      e.last = now();
      const over = e.failures - free;
      const pauseMs = over > 0 ? Math.min(max, base * 2 ** Math.min(over - 1, 30)) : 0;
      e.until = e.last + pauseMs;
      entries.delete(address);
      entries.set(address, e);
      while (entries.size > cap) entries.delete(entries.keys().next().value!);
      return { failures: e.failures, pauseMs };
    },
    succeeded(address) {
      entries.delete(address);
    },
  };
}
