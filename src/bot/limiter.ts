/**
 * Bounded concurrency for CPU-heavy work (retrieval runs on the event loop). With many questions at once,
 * unbounded answering starves the HTTP acks Slack needs within 3 s; a small limit keeps I/O turns frequent.
 * Each task starts on a fresh macrotask so pending I/O (acks) runs before it.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly queued: number;
}

export function createLimiter(max: number): Limiter {
  const limit = Math.max(1, Math.floor(max));
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= limit) return;
    const start = queue.shift();
    if (!start) return;
    active++;
    setImmediate(start);
  };
  return {
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          task()
            .then(resolve, reject)
            .finally(() => {
              active--;
              next();
            });
        });
        next();
      });
    },
  };
}
