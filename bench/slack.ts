/**
 * Slack adapter benchmark: `npx tsx bench/slack.ts`.
 * Real server + Bolt + Postgres (test schema) + real knowledge base, fake Slack Web API on 127.0.0.1; the signed
 * requests come from a separate process (bench/lib/slack-load.ts). Prints ack latency p50/p99 for /ask and /attendance
 * under 50 concurrent requests, and end-to-end answers per second (DM event in -> chat.postMessage out).
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { eventBody, newTs, slashCommandBody } from '../tests/helpers/slack-requests.js';
import { SIGNING_SECRET, startSlackHarness, TEAM, USERS, type SlackHarness } from '../tests/helpers/slack-harness.js';
import { emitJson, quickMode, type Figure } from './lib/output.js';

process.env.TEST_RUN_ID ??= `bench${Date.now().toString(36)}`;
process.env.LOG_LEVEL ??= 'silent';

const run = promisify(execFile);
const CONCURRENCY = 50;
/** BENCH_QUICK=1: 100 requests per scenario instead of 200. */
const REQUESTS = quickMode ? 100 : 200;
const QUESTIONS = [
  'What is AI Connect?',
  'What is the Camden School Report?',
  'Which Opportunity Centre was set up with Google?',
  'What are the three ambitions of the education strategy?',
  'How many pupils has the Inspiring Inclusion mentoring supported?',
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function load(h: SlackHarness, jobs: { kind: 'command' | 'event'; body: string }[]): Promise<{ times: number[]; statuses: number[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/lib/slack-load.ts'], {
    env: { ...process.env, BENCH_URL: h.eventsUrl, BENCH_SECRET: SIGNING_SECRET, BENCH_JOBS: JSON.stringify(jobs), BENCH_CONCURRENCY: String(CONCURRENCY) },
    maxBuffer: 10_000_000,
    timeout: 300_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { times: number[]; statuses: number[] };
}

async function main(): Promise<void> {
  const h = await startSlackHarness('postgres');
  const rows: [string, string][] = [];
  const figures: Figure[] = [];
  let seq = 0;
  const command = (cmd: string, text: string, user: string) => {
    const responseId = `bench${++seq}`;
    return { responseId, body: slashCommandBody({ command: cmd, text, user, team: TEAM, responseUrl: `${h.fake.responseUrlBase}/${responseId}` }) };
  };
  try {
    const warm = await h.command('/ask', QUESTIONS[0]!, USERS.staff);
    await h.fake.waitFor(() => h.responses(warm.responseId).length > 0, 30_000);

    const scenarios: [string, (i: number) => { responseId: string; body: string }][] = [
      ['/ask', (i) => command('/ask', QUESTIONS[i % QUESTIONS.length]!, USERS.staff)],
      ['/attendance', (i) => command('/attendance', `sessions ${4 + (i % 3)} academic ${4 + (i % 3)} attendances ${40 + i} pupils 20 fsm 10 send 2 parents 1`, USERS.lead)],
    ];
    for (const [label, make] of scenarios) {
      const made = Array.from({ length: REQUESTS }, (_, i) => make(i));
      const t0 = performance.now();
      const { times, statuses } = await load(h, made.map((m) => ({ kind: 'command' as const, body: m.body })));
      await h.fake.waitFor(() => made.every((m) => h.responses(m.responseId).length > 0), 300_000);
      const total = (performance.now() - t0) / 1000;
      times.sort((a, b) => a - b);
      rows.push([`${label} ack p50 (ms)`, pct(times, 50).toFixed(1)]);
      rows.push([`${label} ack p99 (ms)`, pct(times, 99).toFixed(1)]);
      rows.push([`${label} ack max (ms)`, times[times.length - 1]!.toFixed(1)]);
      rows.push([`${label} non-200 / all replied in`, `${statuses.filter((s) => s !== 200).length} / ${total.toFixed(2)} s`]);
      figures.push(
        { name: `${label} ack p50 (${CONCURRENCY} concurrent)`, value: pct(times, 50), unit: 'ms' },
        { name: `${label} ack p99 (${CONCURRENCY} concurrent)`, value: pct(times, 99), unit: 'ms' },
        { name: `${label} ack max`, value: times[times.length - 1]!, unit: 'ms' },
        { name: `${label} non-200 acks`, value: statuses.filter((s) => s !== 200).length, unit: 'count' },
        { name: `${label} all ${REQUESTS} replied in`, value: total, unit: 's' },
      );
    }

    const before = h.fake.callsTo('chat.postMessage').length;
    const events = Array.from({ length: REQUESTS }, (_, k) => ({
      kind: 'event' as const,
      body: eventBody({ team: TEAM, event: { type: 'message', channel_type: 'im', channel: `D0BENCH${k}`, user: USERS.staff, text: QUESTIONS[k % QUESTIONS.length], ts: newTs(), team: TEAM } }),
    }));
    const t0 = performance.now();
    await load(h, events);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').length - before >= REQUESTS, 300_000);
    const seconds = (performance.now() - t0) / 1000;
    rows.push(['DM answers end to end', `${REQUESTS} in ${seconds.toFixed(2)} s`]);
    rows.push(['answers per second', (REQUESTS / seconds).toFixed(1)]);
    figures.push({ name: `DM answers end to end (${REQUESTS})`, value: REQUESTS / seconds, unit: 'answers/s' });
  } finally {
    await h.close();
  }
  if (emitJson(figures)) return;
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`Slack adapter: ${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent, Postgres, extractive answers, node ${process.version}\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
