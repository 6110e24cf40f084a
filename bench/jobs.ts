/**
 * `npx tsx bench/jobs.ts`: reminder fan-out to 1,000 leads through a rate-limited fake Slack Web API (real Slack
 * notifier, real BullMQ on Redis, real Postgres), then digest build time for 100 centres × 52 weeks.
 *
 * The fake Slack enforces about one message per second per channel (burst 3) and a workspace-wide budget
 * (BENCH_GLOBAL_RATE messages/s, burst BENCH_GLOBAL_BURST), answering 429 with Retry-After when exceeded.
 * BENCH_QUICK=1: 300 leads. Env: BENCH_LEADS (1000), BENCH_CONCURRENCY (8), BENCH_GLOBAL_RATE (50), BENCH_GLOBAL_BURST (100).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { createSlackNotifier } from '../adapters/slack/notifier.js';
import { startJobs } from '../jobs/index.js';
import { jobsServicesFromStore } from '../app/compose.js';
import { NotificationClaimsRepo } from '../src/store/notification-claims-repo.js';
import type { ReturnFigures, StoredReturn } from '../src/attendance/types.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { addDays } from '../src/shared/calendar.js';
import { buildDigest } from '../src/digest/build-digest.js';
import { renderDigest } from '../src/digest/render-digest.js';
import type { Centre } from '../src/directory/types.js';
import { openTestStore } from '../tests/helpers/store.js';
import { emitJson, quickMode } from './lib/output.js';

const LEADS = Number(process.env.BENCH_LEADS ?? (quickMode ? 300 : 1000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const GLOBAL_RATE = Number(process.env.BENCH_GLOBAL_RATE ?? 50);
const GLOBAL_BURST = Number(process.env.BENCH_GLOBAL_BURST ?? 100);
const CHANNEL_RATE = 1;
const CHANNEL_BURST = 3;

class Bucket {
  private tokens: number;
  private at = Date.now();
  constructor(private readonly rate: number, private readonly burst: number) {
    this.tokens = burst;
  }
  /** 0 when a token was taken, else ms until one is available. */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}

async function rateLimitedSlack() {
  const channels = new Map<string, Bucket>();
  const global = new Bucket(GLOBAL_RATE, GLOBAL_BURST);
  const accepted = new Map<string, number>();
  let limited = 0;
  let ts = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      const args = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const json = (status: number, body: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (method === 'conversations.open') return json(200, { ok: true, channel: { id: `D${String(args.users).slice(1)}` } });
      if (method !== 'chat.postMessage') return json(200, { ok: true });
      const channel = String(args.channel);
      let bucket = channels.get(channel);
      if (!bucket) channels.set(channel, (bucket = new Bucket(CHANNEL_RATE, CHANNEL_BURST)));
      const wait = Math.max(global.take(), bucket.take());
      if (wait > 0) {
        limited++;
        return json(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))) });
      }
      accepted.set(channel, (accepted.get(channel) ?? 0) + 1);
      return json(200, { ok: true, channel, ts: `1700000000.${String(++ts).padStart(6, '0')}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    accepted,
    get limited() {
      return limited;
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const figs = (f: Partial<ReturnFigures>): ReturnFigures => ({
  sessions: 0, academic: 0, enrichment: 0, careers: 0, digital: 0, weekend: 0, attendances: 0, pupils: 0, fsm: 0, send: 0, parents: 0, ...f,
});

async function benchReminders() {
  const ts = await openTestStore('postgres');
  const slack = await rateLimitedSlack();
  const prefix = `bench-${Date.now().toString(36)}`;
  const logger = createLogger('silent');
  try {
    const seedStart = Date.now();
    const d = ts.store.directory;
    for (let i = 0; i < LEADS; i++) {
      const id = `centre-${i}`;
      await d.upsertCentre({ id, name: `Centre ${i}` });
      const { id: personId } = await d.upsertPerson({ name: `Lead ${i}`, email: `lead${i}@example.org` });
      await d.setRoles(personId, ['oc_lead']);
      await d.setLeadCentres(personId, [id]);
      await d.setSlackIdentity(personId, { user: `U${String(i).padStart(8, '0')}`, team: 'T0CAMDEN' });
    }
    const seedMs = Date.now() - seedStart;

    const client = new webApi.WebClient('xoxb-bench', { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const services = jobsServicesFromStore({ store: ts.store, notifiers: [createSlackNotifier(client)] });
    const config = loadConfig({ QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const jobs = await startJobs({ config, services, logger, sendConcurrency: CONCURRENCY, sendAttempts: 20, backoff: { baseMs: 200, maxMs: 5_000 } });
    const friday = new Date('2026-11-20T14:00:00Z');
    const week = '2026-11-16';

    const t0 = Date.now();
    await jobs.runNow('reminder', friday);
    const deadline = Date.now() + 15 * 60_000;
    let sent = 0;
    for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
      sent = (await new NotificationClaimsRepo(ts.store.db).list({ kind: 'reminder', period: week, state: 'sent' })).length;
      if (sent >= LEADS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const fanOutMs = Date.now() - t0;

    // Run the same reminder twice more: nothing may go out again.
    await jobs.runNow('reminder', friday);
    await jobs.runNow('reminder', new Date('2026-11-20T14:05:00Z'));
    await new Promise((r) => setTimeout(r, 3_000));
    await jobs.close();

    const duplicates = [...slack.accepted.values()].filter((n) => n > 1).length;
    const delivered = [...slack.accepted.values()].reduce((a, b) => a + b, 0);
    return { seedMs, fanOutMs, sent, delivered, duplicates, limited: slack.limited };
  } finally {
    await slack.close();
    await ts.close();
    const { deletePrefix } = await import('../tests/jobs/helpers.js');
    await deletePrefix(prefix);
  }
}

function benchDigest() {
  const weekStart = '2026-11-16';
  const centres: Centre[] = Array.from({ length: 100 }, (_, i) => ({ id: `c-${i}`, name: `Opportunity Centre ${i}`, active: true, remindersPausedUntil: null }));
  const returns: StoredReturn[] = [];
  for (let w = 0; w < 52; w++) {
    const week = addDays(weekStart, -7 * w);
    for (let c = 0; c < 100; c++) {
      if ((c + w) % 17 === 0) continue; // some missing returns
      const attendances = 50 + ((c * 7 + w * 13) % 90);
      returns.push({
        centreId: `c-${c}`, weekStart: week, version: 1, note: null, submittedBy: 1, amended: false,
        submittedAt: new Date(`${week}T12:00:00Z`),
        figures: figs({ sessions: 6, academic: 3, enrichment: 2, careers: 1, weekend: 1, attendances, pupils: 40, fsm: 15, send: 5, parents: 2 }),
      });
    }
  }
  const returned = new Set(returns.filter((r) => r.weekStart === weekStart).map((r) => r.centreId));
  const missing = centres.filter((c) => !returned.has(c.id)).map((c) => ({ centreId: c.id, centreName: c.name, paused: false }));
  const input = { weekStart, centres, returns, missing, knowledgeGaps: [{ question: 'Who funds T-levels?', count: 3 }], timeZone: 'Europe/London' };
  buildDigest(input); // warm-up
  const runs = 10;
  let t = performance.now();
  for (let i = 0; i < runs; i++) buildDigest(input);
  const modelMs = (performance.now() - t) / runs;
  const model = buildDigest(input);
  renderDigest(model);
  t = performance.now();
  for (let i = 0; i < runs; i++) renderDigest(model);
  const renderMs = (performance.now() - t) / runs;
  return { returns: returns.length, modelMs, renderMs };
}

const digest = benchDigest();
const reminders = await benchReminders();

const rows: [string, string][] = [
  ['leads (one DM channel each)', String(LEADS)],
  ['send concurrency', String(CONCURRENCY)],
  ['fake Slack limits', `${CHANNEL_RATE}/s per channel (burst ${CHANNEL_BURST}); ${GLOBAL_RATE}/s workspace (burst ${GLOBAL_BURST})`],
  ['seed directory (ms)', String(reminders.seedMs)],
  ['reminder fan-out: all sent (ms)', String(reminders.fanOutMs)],
  ['claims sent', String(reminders.sent)],
  ['messages accepted by Slack', String(reminders.delivered)],
  ['429 answers', String(reminders.limited)],
  ['duplicate DMs (must be 0)', String(reminders.duplicates)],
  ['digest: returns in input', String(digest.returns)],
  ['digest model, 100 centres × 52 weeks (ms)', digest.modelMs.toFixed(1)],
  ['digest render incl. PNG chart (ms)', digest.renderMs.toFixed(1)],
];
const asJson = emitJson([
  { name: `reminder fan-out to ${LEADS} leads (send concurrency ${CONCURRENCY}, fake Slack ${GLOBAL_RATE}/s)`, value: reminders.fanOutMs / 1000, unit: 's' },
  { name: 'reminders sent (claims)', value: reminders.sent, unit: 'count' },
  { name: 'reminder DMs accepted by Slack', value: reminders.delivered, unit: 'count' },
  { name: '429 answers from fake Slack', value: reminders.limited, unit: 'count' },
  { name: 'duplicate reminder DMs (must be 0)', value: reminders.duplicates, unit: 'count' },
  { name: 'digest model, 100 centres x 52 weeks', value: digest.modelMs, unit: 'ms' },
  { name: 'digest render incl. PNG chart', value: digest.renderMs, unit: 'ms' },
]);
if (!asJson) {
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('bench/jobs.ts');
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}
process.exit(reminders.duplicates === 0 && reminders.sent === LEADS ? 0 : 1);
