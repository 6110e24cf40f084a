/**
 * Load generator for bench/slack.ts, run in its own process so client work does not share the server's event loop.
 * Input (env): BENCH_URL, BENCH_SECRET, BENCH_JOBS (JSON list of { kind: 'command', body } | { kind: 'event', body }),
 * BENCH_CONCURRENCY. Output: one JSON line { times: number[], statuses: number[] } on stdout.
 */
import { performance } from 'node:perf_hooks';
import { postToSlackEndpoint } from '../../tests/helpers/slack-requests.js';

interface Job {
  kind: 'command' | 'event';
  body: string;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_URL!;
  const secret = process.env.BENCH_SECRET!;
  const jobs = JSON.parse(process.env.BENCH_JOBS!) as Job[];
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
  const times: number[] = [];
  const statuses: number[] = [];
  for (let start = 0; start < jobs.length; start += concurrency) {
    await Promise.all(
      jobs.slice(start, start + concurrency).map(async (job) => {
        const t0 = performance.now();
        const res = await postToSlackEndpoint(url, job.body, job.kind === 'event' ? 'application/json' : 'application/x-www-form-urlencoded', { secret });
        times.push(performance.now() - t0);
        statuses.push(res.status);
      }),
    );
  }
  process.stdout.write(JSON.stringify({ times, statuses }) + '\n');
}

main().catch((err) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exitCode = 1;
});
