/**
 * Slack adapter benchmark: `npx tsx bench/slack.ts`.
 * Real server + Bolt + Postgres (test schema) + real knowledge base, fake Slack Web API on 127.0.0.1.
 * Prints ack latency p50/p99 for /ask and /attendance under 50 concurrent signed requests, and end-to-end
 * answers per second (DM event in -> chat.postMessage out).
 */
import { performance } from 'node:perf_hooks';
import { newTs } from '../tests/helpers/slack-requests.js';
import { startSlackHarness, TEAM, USERS } from '../tests/helpers/slack-harness.js';

process.env.TEST_RUN_ID ??= `bench${Date.now().toString(36)}`;
process.env.LOG_LEVEL ??= 'silent';

const CONCURRENCY = 50;
const ROUNDS = 4;
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

async function main(): Promise<void> {
  const h = await startSlackHarness('postgres');
  const rows: [string, string][] = [];
  try {
    // Warm up Bolt's auth.test and the index.
    const warm = await h.command('/ask', QUESTIONS[0]!, USERS.staff);
    await h.fake.waitFor(() => h.responses(warm.responseId).length > 0, 30_000);

    async function ackLatency(label: string, send: (i: number) => Promise<{ status: number; responseId: string }>): Promise<void> {
      const times: number[] = [];
      const ids: string[] = [];
      let failures = 0;
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async (_, i) => {
            const t0 = performance.now();
            const res = await send(round * CONCURRENCY + i);
            times.push(performance.now() - t0);
            ids.push(res.responseId);
            if (res.status !== 200) failures++;
          }),
        );
      }
      await h.fake.waitFor(() => ids.every((id) => h.responses(id).length > 0), 120_000);
      times.sort((a, b) => a - b);
      rows.push([`${label} ack p50 (ms)`, pct(times, 50).toFixed(1)]);
      rows.push([`${label} ack p99 (ms)`, pct(times, 99).toFixed(1)]);
      rows.push([`${label} requests / non-200`, `${times.length} / ${failures}`]);
    }

    await ackLatency('/ask', (i) => h.command('/ask', QUESTIONS[i % QUESTIONS.length]!, USERS.staff));
    await ackLatency('/attendance', (i) =>
      h.command('/attendance', `sessions ${4 + (i % 3)} academic ${4 + (i % 3)} attendances ${40 + i} pupils 20 fsm 10 send 2 parents 1`, USERS.lead),
    );

    // End to end: DM events in, answers posted.
    const N = 200;
    const before = h.fake.callsTo('chat.postMessage').length;
    const t0 = performance.now();
    for (let start = 0; start < N; start += CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, N - start) }, (_, k) =>
          h.event({ type: 'message', channel_type: 'im', channel: `D0BENCH${start + k}`, user: USERS.staff, text: QUESTIONS[(start + k) % QUESTIONS.length], ts: newTs(), team: TEAM }),
        ),
      );
    }
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').length - before >= N, 300_000);
    const seconds = (performance.now() - t0) / 1000;
    rows.push(['DM answers end to end', `${N} in ${seconds.toFixed(2)} s`]);
    rows.push(['answers per second', (N / seconds).toFixed(1)]);
  } finally {
    await h.close();
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`Slack adapter (${CONCURRENCY} concurrent, ${ROUNDS} rounds, Postgres, extractive answers)\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
