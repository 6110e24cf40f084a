import type { Logger } from '../src/logger.js';

export interface QuietErrorLogOptions {
  logger: Logger;
  /** What is failing, e.g. "redis". */
  subject: string;
  /** While the outage lasts, repeat the warning at most this often (ms). */
  repeatEveryMs?: number;
  now?: () => number;
}

/**
 * Connection errors repeat on every reconnect attempt; log the first one, then at most once a minute
 * while the outage lasts, and once more when it recovers.
 */
export class QuietErrorLog {
  private down = false;
  private lastLoggedAt = 0;
  private suppressed = 0;
  private readonly repeatEveryMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: QuietErrorLogOptions) {
    this.repeatEveryMs = opts.repeatEveryMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  error(err: unknown, source?: string): void {
    const t = this.now();
    if (!this.down || t - this.lastLoggedAt >= this.repeatEveryMs) {
      this.opts.logger.warn(
        { subject: this.opts.subject, source, err: (err as Error)?.message ?? String(err), suppressed: this.suppressed },
        `${this.opts.subject} unavailable; retrying in the background`,
      );
      this.down = true;
      this.lastLoggedAt = t;
      this.suppressed = 0;
    } else {
      this.suppressed++;
    }
  }

  recovered(): void {
    if (this.down) this.opts.logger.info({ subject: this.opts.subject }, `${this.opts.subject} available again`);
    this.down = false;
    this.suppressed = 0;
  }

  get isDown(): boolean {
    return this.down;
  }
}
