import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountQueueBoard } from '../../jobs/board.js';
import { createLoginThrottle } from '../../jobs/login-throttle.js';
import { redisOptions } from '../../jobs/connection.js';
import { runHousekeeping } from '../../jobs/housekeeping.js';
import { jobsServicesFromStore } from '../../app/compose.js';
import { KnowledgeBase } from '../../src/knowledge/index.js';
import { createQuestionLog } from '../../src/store/question-log.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { deletePrefix, REDIS_URL, silentLogger, uniquePrefix } from './helpers.js';

describe('nightly housekeeping', () => {
  let ts: TestStore;
  let dir: string;
  beforeAll(async () => {
    ts = await openTestStore('postgres');
    dir = await mkdtemp(join(tmpdir(), 'camden-kb-'));
  });
  afterAll(async () => {
    await ts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('re-ingests changed knowledge files, purges the question log past retention and expires stale claims', async () => {
    await writeFile(join(dir, 'cpd.md'), '# CPD offer\n\nThe CPD offer for 2026 includes coaching for new teachers.\n');
    const kb = new KnowledgeBase({ dir, logger: silentLogger });
    await kb.reload();
    const questionLog = createQuestionLog(ts.store, { QUESTION_LOG_SALT: 'salt', QUESTION_LOG_DAYS: 30 }, silentLogger);
    const now = new Date('2026-11-24T02:30:00Z');
    await questionLog.record({ platform: 'slack', userId: 'U1', question: 'old question', answered: false, at: new Date('2026-09-01T10:00:00Z') });
    await questionLog.record({ platform: 'slack', userId: 'U1', question: 'recent question', answered: false, at: new Date('2026-11-20T10:00:00Z') });
    const services = jobsServicesFromStore({ store: ts.store, notifiers: [], config: { QUESTION_LOG_SALT: 'salt', QUESTION_LOG_DAYS: 30 }, knowledge: kb });
    await services.claims.claim({ kind: 'digest', recipient: 'person:9', period: '2026-11-16' }, 'dead');

    // Nothing changed on disk yet: no reload.
    const first = await runHousekeeping(now, { services, timeZone: 'Europe/London', logger: silentLogger, staleClaimMs: 0 });
    expect(first).toEqual({ knowledge: 'unchanged', questionLogPurged: 1, staleClaims: 1, claimsPurged: 0 });
    expect(kb.search('mentoring apprenticeships')).toEqual([]);

    await writeFile(join(dir, 'pathways.md'), '# Post-16 pathways\n\nApprenticeships and mentoring at the Euston Skills Centre.\n');
    const second = await runHousekeeping(now, { services, timeZone: 'Europe/London', logger: silentLogger });
    expect(second.knowledge).toBe('reloaded');
    expect(second.questionLogPurged).toBe(0);
    expect(kb.search('mentoring apprenticeships').length).toBeGreaterThan(0);
    expect(await kb.changedOnDisk()).toBe(false);
  });
});

describe('bull-board at /admin/queues', () => {
  const prefix = uniquePrefix();
  let queue: Queue;
  afterAll(async () => {
    await queue?.close();
    await deletePrefix(prefix);
  });

  it('is off without ADMIN_PASSWORD and behind basic auth (user admin) with it', async () => {
    queue = new Queue('notifications', { connection: redisOptions({ url: REDIS_URL, role: 'producer' }), prefix });
    expect(mountQueueBoard(express(), [queue], { password: undefined })).toBe(false);

    const app = express();
    expect(mountQueueBoard(app, [queue], { password: 's3cret pass' })).toBe(true);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/queues`;
      const auth = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      const none = await fetch(base);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect((await fetch(base, { headers: auth('admin', 'wrong') })).status).toBe(401);
      expect((await fetch(base, { headers: auth('root', 's3cret pass') })).status).toBe(401);
      const ok = await fetch(base, { headers: auth('admin', 's3cret pass') });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/<html/i);
      const api = await fetch(`${base}/api/queues`, { headers: auth('admin', 's3cret pass') });
      expect(api.status).toBe(200);
      expect(JSON.stringify(await api.json())).toContain('notifications');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('logs failed sign-ins and makes an address wait, doubling, after five (a correct password too, while paused)', async () => {
    queue ??= new Queue('notifications', { connection: redisOptions({ url: REDIS_URL, role: 'producer' }), prefix });
    let clock = 1_000_000;
    const logged: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = { warn: (obj: Record<string, unknown>, msg: string) => void logged.push({ obj, msg }), debug: () => undefined };
    const app = express();
    mountQueueBoard(app, [queue], { password: 's3cret pass', logger: logger as never, throttle: createLoginThrottle({ now: () => clock }) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/queues`;
      const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`admin:${p}`).toString('base64')}` });
      for (let i = 1; i <= 5; i++) expect((await fetch(base, { headers: auth(`guess${i}`) })).status).toBe(401);
      expect((await fetch(base, { headers: auth('guess6') })).status).toBe(401); // the sixth starts a 1 s pause
      const paused = await fetch(base, { headers: auth('s3cret pass') });
      expect(paused.status).toBe(429);
      expect(paused.headers.get('retry-after')).toBe('1');
      clock += 1_100;
      expect((await fetch(base, { headers: auth('guess7') })).status).toBe(401); // now 2 s
      clock += 1_100;
      const again = await fetch(base, { headers: auth('s3cret pass') });
      expect(again.status).toBe(429);
      expect(again.headers.get('retry-after')).toBe('1');
      clock += 1_000;
      expect((await fetch(base, { headers: auth('s3cret pass') })).status).toBe(200);
      // A right password starts the address afresh.
      expect((await fetch(base, { headers: auth('oops') })).status).toBe(401);
      expect((await fetch(base, { headers: auth('s3cret pass') })).status).toBe(200);

      expect(logged.filter((l) => l.msg.startsWith('admin sign-in failed'))).toHaveLength(8);
      expect(logged[6]!.obj).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1/), failures: 7, pausedForSeconds: 2 });
      expect(JSON.stringify(logged)).not.toMatch(/guess|oops|s3cret/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
