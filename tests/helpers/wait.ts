/**
 * The one way tests wait: for an event, never for a fixed time. `check` is called until it returns something truthy
 * (that value is returned) or the timeout passes (an Error saying what was awaited, plus `detail()` if given).
 * Bounded in time and in count; a check that throws counts as "not yet".
 */
export interface WaitOptions {
  /** What is awaited, for the failure message ("the answer in D0LEAD001"). */
  what: string;
  /** Milliseconds before giving up; default 20 s. */
  timeout?: number;
  /** Milliseconds between checks; default 20. */
  every?: number;
  /** More to say when it times out (what was seen instead). */
  detail?: () => string;
}

export async function waitFor<T>(check: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const timeout = opts.timeout ?? 20_000;
  const every = opts.every ?? 20;
  const deadline = Date.now() + timeout;
  for (let i = 0; i <= Math.ceil(timeout / every) + 10; i++) {
    const value = await Promise.resolve().then(check).catch(() => undefined);
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`${opts.what}: not seen within ${timeout} ms${opts.detail ? `\n${opts.detail()}` : ''}`);
}
