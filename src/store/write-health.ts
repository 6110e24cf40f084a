import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreWriteError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DbHealth, Engine, Queryable } from './db.js';
import { mapDbError, writeRefusal } from './errors.js';

/** How long one write probe's answer stands, so /healthz polled under load does not write on every call. */
export const WRITE_PROBE_TTL_MS = 5_000;
/** The probe file's size: a write that fits in blocks the file system already holds would prove nothing. */
const PROBE_FILE_BYTES = 64 * 1024;

export interface WriteHealthOptions {
  engine: Engine;
  /** Runs one statement on the database (autocommit), through the engine's own error mapping. */
  db: Queryable;
  /**
   * PGlite: the folder holding its files. Postgres notices a full disk only when a write needs a new block (a row
   * fitting a page it holds, in a WAL segment already made, still commits), so the probe also writes and syncs a
   * file there: a full disk, lost permission or a read-only mount shows at once. Postgres reports its own disk.
   */
  dataDir?: string;
  logger?: Logger;
  /** Before the probe's database write, once the probe file was written: bring a wedged engine back (PGlite). */
  recover?: () => Promise<void>;
  ttlMs?: number;
  now?: () => number;
}

/**
 * Whether the store can take writes: one mechanism for /healthz and for the people whose writes fail. A write refused
 * anywhere (a return, a vote, the probe) is logged with its reason and marks the store unhealthy at once; /healthz
 * then probes again (at most every `ttlMs`) and reports healthy as soon as a write succeeds.
 */
export class WriteHealth {
  private last: { at: number; health: DbHealth } | undefined;
  private running: Promise<DbHealth> | undefined;
  private failures = 0;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: WriteHealthOptions) {
    this.ttlMs = opts.ttlMs ?? WRITE_PROBE_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  /** A driver error as the store reports it (mapDbError); a refused write is logged and recorded. */
  map(err: unknown): unknown {
    const mapped = mapDbError(err);
    if (mapped instanceof StoreWriteError && mapped !== err) this.failed(mapped);
    return mapped;
  }

  failed(err: StoreWriteError): void {
    this.failures++;
    this.opts.logger?.error({ code: err.code, reason: err.reason, detail: err.detail, engine: this.opts.engine }, 'store write failed');
    this.last = { at: this.now(), health: { ok: false, engine: this.opts.engine, code: err.code, reason: err.reason, error: err.detail } };
  }

  /**
   * The store's health: a refused write stands for `ttlMs`; a write probe that succeeded stands as long, checked by a
   * `SELECT 1` on every call (a database that went away says so at once); otherwise a new probe.
   */
  async check(): Promise<DbHealth> {
    const last = this.last && this.now() - this.last.at < this.ttlMs ? this.last : undefined;
    if (last && !last.health.ok) return last.health;
    if (last) {
      const started = performance.now();
      try {
        await this.opts.db.query('SELECT 1');
        return { ...last.health, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      } catch (err) {
        this.last = undefined;
        return this.notAnswering(err);
      }
    }
    this.running ??= this.probe().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private notAnswering(err: unknown): DbHealth {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e?.code === 'string' && !/^[0-9A-Z]{5}$/.test(e.code) ? e.code : 'store_failed';
    return { ok: false, engine: this.opts.engine, code, error: String(e?.message ?? err) };
  }

  private async probe(): Promise<DbHealth> {
    const engine = this.opts.engine;
    const started = performance.now();
    const failuresBefore = this.failures;
    let health: DbHealth;
    try {
      if (this.opts.dataDir) await this.writeProbeFile(this.opts.dataDir);
      await this.opts.recover?.();
      await this.opts.db.query(
        `INSERT INTO store_health (id, checked_at, writes) VALUES (1, now(), 1)
         ON CONFLICT (id) DO UPDATE SET checked_at = now(), writes = store_health.writes + 1`,
      );
      health = { ok: true, engine, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (err) {
      const refused = writeRefusal(err);
      // A refused write is recorded once: by map() (the query's own error), else here (the probe file, a wedged engine).
      if (refused) {
        if (this.failures === failuresBefore) this.failed(refused);
        return this.last!.health;
      }
      // Not reachable, or not answering as it should: asked again on the next check.
      return this.notAnswering(err);
    }
    this.last = { at: this.now(), health };
    return health;
  }

  private async writeProbeFile(dir: string): Promise<void> {
    const file = join(dir, '.write-probe');
    const handle = await open(file, 'w');
    try {
      await handle.write(Buffer.alloc(PROBE_FILE_BYTES, 0x2e));
      await handle.sync();
    } finally {
      await handle.close().catch(() => undefined);
      await unlink(file).catch(() => undefined);
    }
  }
}
