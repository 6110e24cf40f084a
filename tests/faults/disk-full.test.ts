/**
 * A full disk under PGlite, for real: its data directory on a small tmpfs, filled by a filler file. A lead's return
 * gets "could not save" and stores nothing, the reason (ENOSPC) is logged and counted, /healthz answers 503 with
 * store_write_failed; once the filler is gone /healthz is 200 again and a resubmission stores exactly one version.
 * Needs root (mount); skipped with the reason printed where mounting is refused.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../src/store/pglite-db.js';
import { runMigrations } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import { attendanceViewSubmission, blockText, USERS } from '../helpers/slack-harness.js';
import { captureLogs, startTestServer, type CapturedLogs, type TestServer } from '../helpers/server-harness.js';
import { waitFor } from '../helpers/wait.js';

/** Room for PGlite's files (~40 MB from the template) with little to spare. */
const TMPFS_SIZE = '96m';
const COULD_NOT_SAVE = 'I could not save that, please try again in a few minutes. Nothing was stored.';

function tryMount(): { dir: string; ok: true } | { ok: false; reason: string } {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'camden-diskfull-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { ok: true, dir };
  } catch (err) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    return { ok: false, reason: (e.stderr?.toString().trim() || e.message).split('\n')[0] };
  }
}

const mount = tryMount();
if (!mount.ok) console.warn(`disk-full test skipped: cannot mount a tmpfs here (${mount.reason}); it needs root and mount -t tmpfs`);

describe.skipIf(!mount.ok)('PGlite on a full disk', () => {
  const dir = mount.ok ? mount.dir : '';
  const filler = join(dir, 'filler');
  let store: Store;
  let storeLogs: CapturedLogs;
  let h: TestServer;
  let week: string;
  const quick = 'sessions 5 academic 3 enrichment 2 attendances 90 pupils 40 fsm 20 send 6 parents 2';

  /** Writes the filler until the tmpfs refuses (bounded: the tmpfs is 96 MB). */
  function fillDisk(): void {
    const fd = openSync(filler, 'a');
    try {
      for (const chunk of [1 << 20, 4096]) {
        const buf = Buffer.alloc(chunk, 1);
        for (let i = 0; i < 256; i++) {
          try {
            writeSync(fd, buf);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  async function submitText(text: string): Promise<string> {
    const { responseId } = await h.command('/attendance', text, USERS.lead);
    await h.fake!.waitFor(() => h.responses(responseId).length > 0, 20_000);
    return h.responses(responseId).map((r) => `${r.text}\n${blockText(r.blocks)}`).join('\n');
  }

  async function storedVersions(): Promise<number> {
    const r = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM attendance_return_versions');
    return r.rows[0]!.n;
  }

  beforeAll(async () => {
    storeLogs = captureLogs('info', 'store');
    const db = await createPgliteDb({ dataDir: join(dir, 'data'), logger: storeLogs.logger });
    await runMigrations(db, {});
    store = createStore(db, storeLogs.logger);
    h = await startTestServer({ store, slack: {} });
    week = h.server.context.attendance.defaultWeek();
    expect((await h.health()).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    // The filler goes first: PGlite writes a checkpoint when it closes, and on a full disk that never ends.
    rmSync(filler, { force: true });
    await h?.close();
    await store?.close().catch(() => undefined);
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    }
    rmdirSync(dir);
  }, 60_000);

  it('a return on a full disk: "could not save", nothing stored, ENOSPC logged and counted, /healthz 503', async () => {
    fillDisk();
    const text = await submitText(quick);
    expect(text).toContain(COULD_NOT_SAVE);
    expect(text).not.toMatch(/Return received/);
    expect(await storedVersions()).toBe(0);
    expect(await h.server.context.attendance.get('acland-burghley', week)).toBeNull();

    const logged = storeLogs.find(/store write failed/);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]).toMatchObject({ code: 'store_write_failed', reason: 'ENOSPC' });
    expect(await h.metric('camden_errors_total', { code: 'store_write_failed', where: 'attendance-quick' })).toBe(1);

    const health = await h.health();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'down', code: 'store_write_failed', store: { ok: false, engine: 'pglite', code: 'store_write_failed', reason: 'ENOSPC' } });
    // Another machine (here: through a proxy) learns that the store cannot write, not the engine's words.
    const res = await fetch(`${h.server.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'down', code: 'store_write_failed' });
  });

  it('the return form (Slack modal) submitted on the full disk says so in the form; nothing stored', async () => {
    const figures = { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 };
    const res = await h.interaction(attendanceViewSubmission(USERS.lead, 'V0DISKFULL1', { centre: 'acland-burghley', week, figures }));
    expect(res.status).toBe(200);
    // The modal stays open with the message beside a field (Slack shows errors only there), so nothing typed is lost.
    expect(res.json.response_action).toBe('errors');
    expect(Object.values(res.json.errors)).toContain(COULD_NOT_SAVE);
    expect(await storedVersions()).toBe(0);
  });

  it('while the disk stays full /healthz keeps saying so (the probe writes, it does not only read)', async () => {
    // Past the probe's cache, a new probe answers: a SELECT would succeed here, the probe's write does not.
    const health = await waitFor(
      async () => {
        const x = await h.health();
        return x.body.store?.latencyMs === undefined && x.status === 503 && storeLogs.find(/store write failed/).length > 1 ? x : null;
      },
      { what: 'a second failed write probe', timeout: 20_000, every: 500 },
    );
    expect(health.body.store).toMatchObject({ ok: false, code: 'store_write_failed', reason: 'ENOSPC' });
  });

  it('once space is freed /healthz is 200 again and a resubmission stores exactly one version', async () => {
    rmSync(filler, { force: true });
    await waitFor(async () => ((await h.health()).status === 200 ? true : null), { what: '/healthz 200 after the disk was freed', timeout: 20_000, every: 250 });
    const text = await submitText(quick);
    expect(text).toContain('Return received');
    expect(await storedVersions()).toBe(1);
    expect(await h.server.context.attendance.history('acland-burghley', week)).toHaveLength(1);
  });

  it('a PANIC (the WAL cannot grow on the full disk) does not wedge the process; the store reopens once space is back', async () => {
    fillDisk();
    // A busy week's writes, in a few statements: WAL records until Postgres needs a new WAL segment and cannot make it.
    let refused: unknown;
    for (let i = 0; i < 40 && !refused; i++) {
      await store.db.query(`SELECT pg_logical_emit_message(true, 'load', repeat('x', 1000000))`).catch((err: unknown) => (refused = err));
    }
    expect(refused).toMatchObject({ code: 'store_write_failed', reason: 'ENOSPC' });
    // The process still answers: /healthz, and a lead's return (refused at once, not stuck behind the wedged engine).
    expect((await h.health()).body).toMatchObject({ status: 'down', code: 'store_write_failed' });
    expect(await submitText(`${quick} note second`)).toContain(COULD_NOT_SAVE);

    rmSync(filler, { force: true });
    await waitFor(async () => ((await h.health()).status === 200 ? true : null), { what: '/healthz 200 after the reopen', timeout: 30_000, every: 250 });
    expect(storeLogs.find(/reopened after a PANIC/).length).toBe(1);
    // What was committed before the PANIC is still there, and the store takes the next return.
    expect(await storedVersions()).toBe(1);
    expect(await submitText(`${quick} note after the disk was full`)).toMatch(/amended|version 2/i);
    expect(await storedVersions()).toBe(2);
  });
});
