/**
 * Teams turn latency through the real server: POST a Bot Framework activity to /api/messages (real CloudAdapter,
 * teams-ai Application, bot core, knowledge base over knowledge/, Postgres) and time until the answer reaches a
 * local fake Bot Connector. Needs Postgres on 127.0.0.1:5432 (database "test"); prints figures, asserts nothing.
 *
 *   npx tsx scripts/teams-bench.ts [questions=40] [concurrency=4]
 */
import { performance } from 'node:perf_hooks';
import { activity } from '../tests/helpers/teams-harness.js';
import { startTeamsServer, TEAMS_USERS } from '../tests/helpers/teams-server.js';

const QUESTIONS = [
  'Which Opportunity Centre was set up with Google?',
  'What is Camden Career Club?',
  'What are the three ambitions of the education strategy?',
  'What is the Camden School Report?',
  'What CPD is offered to teachers?',
  'How are pupils with SEND supported?',
];

async function main(): Promise<void> {
  const total = Math.max(1, Math.min(Number(process.argv[2] ?? 40), 1000));
  const concurrency = Math.max(1, Math.min(Number(process.argv[3] ?? 4), 32));
  process.env.TEST_RUN_ID ??= `bench${Date.now().toString(36)}`;
  process.env.LOG_LEVEL ??= 'silent';
  const h = await startTeamsServer();
  try {
    // Warm-up: first query compiles code paths and fills caches.
    await ask(h, QUESTIONS[0]!, 'warm');
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < total; i = next++) {
          const t0 = performance.now();
          await ask(h, QUESTIONS[i % QUESTIONS.length]!, String(i));
          times.push(performance.now() - t0);
        }
      }),
    );
    const wall = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
    process.stdout.write(
      `teams turn (question -> answer card at the connector), ${total} questions, concurrency ${concurrency}:\n` +
        `  p50 ${pct(50)} ms  p95 ${pct(95)} ms  max ${times[times.length - 1]!.toFixed(1)} ms  throughput ${(total / wall).toFixed(1)}/s\n`,
    );
  } finally {
    await h.close();
  }
}

async function ask(h: Awaited<ReturnType<typeof startTeamsServer>>, text: string, tag: string): Promise<void> {
  const conversation = { id: `a:bench-${tag}`, conversationType: 'personal' as const };
  const a = activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, text, conversation });
  const res = await h.post(a);
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body}`);
  await h.connector.waitFor((calls) => calls.some((c) => c.conversationId === conversation.id && c.body?.type === 'message'), `answer ${tag}`, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`teams-bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
