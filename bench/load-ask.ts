/**
 * `npx tsx bench/load-ask.ts`: 200 concurrent askers for 60 s through the Slack HTTP endpoint of the real server
 * (app/main.ts in a child process on 127.0.0.1, Postgres, extractive answers) against the fake Slack Web API in
 * this process. Half the askers use signed `/ask` slash commands (answer via response_url), half @mention the
 * bot in a channel (signed app_mention events; answer in the thread). Each asker sends a question, waits for
 * the acknowledgement, then waits for its answer to reach the fake Slack before asking the next: a closed loop
 * that keeps up to 200 questions in flight for the whole run.
 *
 * Prints ack latency p50/p95/p99/max (target p99 < 300 ms; Slack's limit is 3 s), requests sent, acks received,
 * unacknowledged (no HTTP 200: must be 0), answers delivered, and answer latency (send to arrival at the fake).
 * Env: BENCH_QUICK=1 (15 s), BENCH_LOAD_SECONDS (default 60), BENCH_ASKERS (default 200).
 */
import { readFileSync, existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_BOT_USER, FAKE_TEAM, startFakeSlack } from '../tests/helpers/fake-slack.js';
import { eventBody, newTs, slashCommandBody } from '../tests/helpers/slack-requests.js';
import { watchDeliveries } from './lib/delivery-watch.js';
import { emitJson, percentile, printTable, quickMode, type Figure } from './lib/output.js';
import { startServerProcess } from './lib/server-process.js';
import { signedPoster } from './lib/signed-post.js';

process.env.TEST_RUN_ID ??= `bench${Date.now().toString(36)}`;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bench-signing-secret-0123456789abcdef';
const ASKERS = Math.max(1, Math.min(Number(process.env.BENCH_ASKERS ?? 200), 1_000));
const SECONDS = Math.max(1, Math.min(Number(process.env.BENCH_LOAD_SECONDS ?? (quickMode ? 15 : 60)), 600));
const ANSWER_TIMEOUT_MS = 30_000;
const ACK_LIMIT_MS = 3_000;
/** Safety bound on questions per asker (a 1 ms round trip for 600 s stays under it). */
const MAX_PER_ASKER = 100_000;

const DIRECTORY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    slack: { user: U0LEAD001, team: ${FAKE_TEAM} }
`;

function questions(): string[] {
  const shared = process.env.BENCH_EVAL_FILE ?? join(ROOT, '..', 'shared', 'eval', 'questions.jsonl');
  const file = existsSync(shared) ? shared : join(ROOT, 'tests/fixtures/knowledge/questions.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => (JSON.parse(l) as { question: string }).question);
}

/** What one phase of the run saw. */
class Stats {
  sent = 0;
  acked = 0;
  late = 0;
  delivered = 0;
  undelivered = 0;
  acks: number[] = [];
  acksByKind: Record<'ask' | 'mention', number[]> = { ask: [], mention: [] };
  answerMs: number[] = [];
  statuses = new Map<string, number>();
  sort(): void {
    for (const xs of [this.acks, this.acksByKind.ask, this.acksByKind.mention, this.answerMs]) xs.sort((a, b) => a - b);
  }
}

/** The server's event-loop delay since the last scrape (prom-client's default metrics), in seconds. */
async function serverLoopDelay(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const read = (name: string) => Number(new RegExp(`^camden_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { p99: read('p99'), max: read('max') };
}

async function main(): Promise<void> {
  const qs = questions();
  const fake = await startFakeSlack();
  const server = await startServerProcess({
    directoryYaml: DIRECTORY,
    env: { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl },
  }).catch(async (err) => {
    await fake.close();
    throw err;
  });
  const eventsUrl = `${server.url}/slack/events`;
  const poster = signedPoster(eventsUrl, SECRET, ASKERS + 10);
  const watch = watchDeliveries(fake);
  let seq = 0;
  let wall = 0;
  let serverLag: { p99: number; max: number } | null = null;
  let connectionsBefore = 0;
  let steadyConnections = 0;
  const clientLag = monitorEventLoopDelay({ resolution: 10 });

  const ask = async (stats: Stats, asker: number, q: string): Promise<void> => {
    const user = `U0ASK${String(asker).padStart(4, '0')}`;
    let key: string;
    let send: () => ReturnType<typeof poster.post>;
    if (asker % 2 === 0) {
      const id = `ask${asker}-${++seq}`;
      key = `respond:${id}`;
      const body = slashCommandBody({ command: '/ask', text: q, user, team: FAKE_TEAM, responseUrl: `${fake.responseUrlBase}/${id}` });
      send = () => poster.post(body, 'application/x-www-form-urlencoded');
    } else {
      const channel = `C0LOAD${asker % 10}`;
      const ts = newTs();
      key = `thread:${channel}:${ts}`;
      const body = eventBody({ team: FAKE_TEAM, event: { type: 'app_mention', user, text: `<@${FAKE_BOT_USER}> ${q}`, ts, event_ts: ts, channel, team: FAKE_TEAM } });
      send = () => poster.post(body, 'application/json');
    }
    const startedAt = Date.now();
    stats.sent++;
    const r = await send();
    stats.acks.push(r.ms);
    stats.acksByKind[asker % 2 === 0 ? 'ask' : 'mention'].push(r.ms);
    const label = r.status ? String(r.status) : `no response (${r.error ?? 'unknown'})`;
    stats.statuses.set(label, (stats.statuses.get(label) ?? 0) + 1);
    if (r.status !== 200) {
      await new Promise((res) => setTimeout(res, 100));
      return;
    }
    stats.acked++;
    if (r.ms > ACK_LIMIT_MS) stats.late++;
    const at = await watch.wait(key, ANSWER_TIMEOUT_MS);
    if (at === null) stats.undelivered++;
    else {
      stats.delivered++;
      stats.answerMs.push(at - startedAt);
    }
  };

  const cold = new Stats();
  const steady = new Stats();
  try {
    // Warm-up (first answer compiles code paths), not counted.
    const warmId = 'warm-up';
    const warm = await poster.post(slashCommandBody({ command: '/ask', text: qs[0]!, user: 'U0WARM001', team: FAKE_TEAM, responseUrl: `${fake.responseUrlBase}/${warmId}` }), 'application/x-www-form-urlencoded');
    if (warm.status !== 200 || (await watch.wait(`respond:${warmId}`, 30_000)) === null) throw new Error(`warm-up /ask failed (HTTP ${warm.status})`);

    // Cold burst: every asker at the same instant, each on a new connection (not counted in the steady figures).
    // It also leaves ASKERS keep-alive connections open, as a proxy or Slack's own pool would hold.
    await Promise.all(Array.from({ length: ASKERS }, (_, asker) => ask(cold, asker, qs[asker % qs.length]!)));

    connectionsBefore = poster.connections;
    await serverLoopDelay(server.url); // resets the server's event-loop histogram
    clientLag.enable();
    const started = performance.now();
    const end = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: ASKERS }, async (_, asker) => {
        for (let n = 0; n < MAX_PER_ASKER && performance.now() < end; n++) await ask(steady, asker, qs[(asker + n) % qs.length]!);
      }),
    );
    wall = (performance.now() - started) / 1000;
    steadyConnections = poster.connections - connectionsBefore;
    clientLag.disable();
    serverLag = await serverLoopDelay(server.url);
  } finally {
    watch.stop();
    poster.close();
    await server.stop();
    await fake.close();
  }

  for (const st of [cold, steady]) st.sort();
  const unacknowledged = cold.sent - cold.acked + steady.sent - steady.acked;
  const figures: Figure[] = [
    { name: `askers (half /ask, half @mention), closed loop`, value: ASKERS, unit: 'count' },
    { name: 'duration incl. last answers', value: wall, unit: 's' },
    { name: 'requests sent', value: steady.sent, unit: 'count' },
    { name: 'acks received (HTTP 200)', value: steady.acked, unit: 'count' },
    { name: 'unacknowledged, both phases (must be 0)', value: unacknowledged, unit: 'count' },
    { name: 'acks slower than 3 s (Slack would retry)', value: steady.late, unit: 'count' },
    { name: 'ack p50', value: percentile(steady.acks, 50), unit: 'ms' },
    { name: 'ack p95', value: percentile(steady.acks, 95), unit: 'ms' },
    { name: 'ack p99 (target < 300)', value: percentile(steady.acks, 99), unit: 'ms' },
    { name: 'ack max', value: steady.acks.at(-1) ?? Number.NaN, unit: 'ms' },
    { name: 'ack p99, /ask commands', value: percentile(steady.acksByKind.ask, 99), unit: 'ms' },
    { name: 'ack p99, app_mention events', value: percentile(steady.acksByKind.mention, 99), unit: 'ms' },
    { name: 'answers delivered to fake Slack', value: steady.delivered, unit: 'count' },
    { name: `answers missing after ${ANSWER_TIMEOUT_MS / 1000} s`, value: steady.undelivered + cold.undelivered, unit: 'count' },
    { name: 'answer latency p50 (send to delivery)', value: percentile(steady.answerMs, 50), unit: 'ms' },
    { name: 'answer latency p95', value: percentile(steady.answerMs, 95), unit: 'ms' },
    { name: 'answers per second', value: steady.delivered / Math.max(wall, 0.001), unit: 'answers/s' },
    { name: 'new TCP connections during the run (keep-alive reuse)', value: steadyConnections, unit: 'count' },
    { name: 'server event-loop delay p99', value: (serverLag?.p99 ?? Number.NaN) * 1000, unit: 'ms' },
    { name: 'server event-loop delay max', value: (serverLag?.max ?? Number.NaN) * 1000, unit: 'ms' },
    { name: 'load generator event-loop delay p99', value: clientLag.percentile(99) / 1e6, unit: 'ms' },
    { name: `cold burst (${ASKERS} at once, new connections): ack p50`, value: percentile(cold.acks, 50), unit: 'ms' },
    { name: 'cold burst: ack p99', value: percentile(cold.acks, 99), unit: 'ms' },
    { name: 'cold burst: ack max', value: cold.acks.at(-1) ?? Number.NaN, unit: 'ms' },
    { name: 'cold burst: acks slower than 3 s', value: cold.late, unit: 'count' },
    { name: 'cold burst: answers delivered', value: cold.delivered, unit: 'count' },
  ];
  if (!emitJson(figures)) {
    console.log(`Slack load: ${ASKERS} askers for ${SECONDS} s against the server in a child process, node ${process.version}\n`);
    printTable(['figure', 'value', 'unit'], figures.map((f) => [f.name, f.value.toFixed(Number.isInteger(f.value) ? 0 : 1), f.unit]), ['l', 'r', 'l']);
    console.log(`\nstatuses: ${[...steady.statuses].map(([k, v]) => `${k} x${v}`).join(', ')}`);
  }
  if (unacknowledged > 0) {
    const all = [...cold.statuses, ...steady.statuses].map(([k, v]) => `${k} x${v}`).join(', ');
    process.stderr.write(`load-ask: ${unacknowledged} request(s) not acknowledged: ${all}\n`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`load-ask failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
