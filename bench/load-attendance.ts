/**
 * `npx tsx bench/load-attendance.ts`: 100 Opportunity Centre leads submit their weekly return at the same moment
 * through the Slack HTTP endpoint of the real server (app/main.ts in a child process on 127.0.0.1, Postgres, a
 * directory file of 100 centres and 100 leads), as signed `/attendance <quick form>` commands; as soon as those
 * are acknowledged, the same 100 deliveries (same trigger ids) arrive again at once, as Slack retries would.
 *
 * Then the store is queried: every return must be stored exactly once (100 returns, 100 versions, none amended)
 * and each lead must get exactly one confirmation. Prints ack latency per wave, unacknowledged requests, the
 * store counts and the time until every confirmation arrived; exits 1 when anything was lost or doubled.
 * Env: BENCH_LEADS (default 100; BENCH_QUICK=1 leaves it at 100, the run is short anyway).
 */
import { FAKE_TEAM, startFakeSlack } from '../tests/helpers/fake-slack.js';
import { slashCommandBody } from '../tests/helpers/slack-requests.js';
import { watchDeliveries } from './lib/delivery-watch.js';
import { emitJson, percentile, printTable, type Figure } from './lib/output.js';
import { startServerProcess } from './lib/server-process.js';
import { signedPoster, type AckResult } from './lib/signed-post.js';

process.env.TEST_RUN_ID ??= `bench${Date.now().toString(36)}`;

const SECRET = 'bench-signing-secret-0123456789abcdef';
const LEADS = Math.max(1, Math.min(Number(process.env.BENCH_LEADS ?? 100), 1_000));
const CONFIRM_TIMEOUT_MS = 60_000;
/** After every confirmation arrived, how long to keep watching for a second one. */
const QUIET_MS = 3_000;

const pad = (i: number) => String(i).padStart(4, '0');
const centreId = (i: number) => `centre-${pad(i)}`;
const leadUser = (i: number) => `U0OCL${pad(i)}`;

function directoryYaml(): string {
  const lines = ['centres:'];
  for (let i = 1; i <= LEADS; i++) lines.push(`  - id: ${centreId(i)}`, `    name: Opportunity Centre ${i}`);
  lines.push('people:');
  for (let i = 1; i <= LEADS; i++) {
    lines.push(
      `  - name: Lead ${i}`,
      `    email: lead${i}@example.org`,
      '    roles: [oc_lead]',
      `    centres: [${centreId(i)}]`,
      `    slack: { user: ${leadUser(i)}, team: ${FAKE_TEAM} }`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const fake = await startFakeSlack();
  const server = await startServerProcess({
    directoryYaml: directoryYaml(),
    env: { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl },
  }).catch(async (err) => {
    await fake.close();
    throw err;
  });
  const poster = signedPoster(`${server.url}/slack/events`, SECRET, LEADS * 2 + 10);
  const watch = watchDeliveries(fake);
  const figures: Figure[] = [];
  let failed: string[] = [];
  try {
    // Warm-up: one lead asks for their status (directory, store and Slack paths), not counted.
    const warm = await poster.post(slashCommandBody({ command: '/attendance', text: 'status', user: leadUser(1), team: FAKE_TEAM, responseUrl: `${fake.responseUrlBase}/warm-up` }), 'application/x-www-form-urlencoded');
    if (warm.status !== 200 || (await watch.wait('respond:warm-up', 30_000)) === null) throw new Error(`warm-up /attendance status failed (HTTP ${warm.status})`);

    const bodies = Array.from({ length: LEADS }, (_, k) => {
      const i = k + 1;
      const text = `sessions 6 academic 4 enrichment 2 attendances ${100 + i} pupils 45 fsm 30 send 8 parents ${i % 5} note "load test ${i}"`;
      return slashCommandBody({ command: '/attendance', text, user: leadUser(i), team: FAKE_TEAM, responseUrl: `${fake.responseUrlBase}/ret-${i}` });
    });
    const wave = (retry: boolean): Promise<AckResult[]> =>
      Promise.all(bodies.map((b) => poster.post(b, 'application/x-www-form-urlencoded', retry ? { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' } : {})));

    const t0 = performance.now();
    const first = await wave(false);
    const second = await wave(true); // the same deliveries again, while the first are still being stored
    const keys = bodies.map((_, k) => `respond:ret-${k + 1}`);
    const arrivals = await Promise.all(keys.map((k) => watch.wait(k, CONFIRM_TIMEOUT_MS)));
    const allConfirmedS = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, QUIET_MS));

    const confirmations = keys.map((k) => watch.count(k));
    const received = fake.calls.filter((c) => c.method.startsWith('response_url:ret-') && /^Return received/.test(String(c.args.text ?? ''))).length;
    const [returns] = await server.query<{ returns: string; versions: string; amended: string; centres: string }>(
      `SELECT (SELECT count(*) FROM attendance_returns) AS returns,
              (SELECT count(*) FROM attendance_return_versions) AS versions,
              (SELECT count(*) FROM attendance_returns WHERE current_version <> 1) AS amended,
              (SELECT count(DISTINCT centre_id) FROM attendance_returns) AS centres`,
    );
    const [claims] = await server.query<{ n: string }>(`SELECT count(*) AS n FROM bot_deliveries WHERE platform = 'slack' AND key LIKE 'cmd:%'`);

    const acks = (rs: AckResult[]) => rs.map((r) => r.ms).sort((a, b) => a - b);
    const a1 = acks(first);
    const a2 = acks(second);
    const all = [...a1, ...a2].sort((a, b) => a - b);
    const unacked = [...first, ...second].filter((r) => r.status !== 200).length;
    const missing = arrivals.filter((a) => a === null).length;
    const doubled = confirmations.filter((n) => n > 1).length;
    figures.push(
      { name: 'leads (one centre each), submitting at once', value: LEADS, unit: 'count' },
      { name: 'requests sent (2 waves)', value: first.length + second.length, unit: 'count' },
      { name: 'unacknowledged (must be 0)', value: unacked, unit: 'count' },
      { name: 'wave 1 ack p50', value: percentile(a1, 50), unit: 'ms' },
      { name: 'wave 1 ack p99', value: percentile(a1, 99), unit: 'ms' },
      { name: 'wave 2 (retries) ack p99', value: percentile(a2, 99), unit: 'ms' },
      { name: 'all acks p99', value: percentile(all, 99), unit: 'ms' },
      { name: 'all acks max', value: all.at(-1)!, unit: 'ms' },
      { name: 'all confirmations delivered after', value: allConfirmedS, unit: 's' },
      { name: `returns stored (must be ${LEADS})`, value: Number(returns!.returns), unit: 'count' },
      { name: `return versions stored (must be ${LEADS})`, value: Number(returns!.versions), unit: 'count' },
      { name: 'returns amended by a retry (must be 0)', value: Number(returns!.amended), unit: 'count' },
      { name: `delivery claims for the returns (${LEADS})`, value: Number(claims!.n) - 1, unit: 'count' }, // minus the warm-up's
      { name: `"Return received" confirmations (must be ${LEADS})`, value: received, unit: 'count' },
      { name: 'leads without a confirmation (must be 0)', value: missing, unit: 'count' },
      { name: 'leads confirmed twice (must be 0)', value: doubled, unit: 'count' },
    );
    failed = [
      unacked ? `${unacked} unacknowledged` : '',
      Number(returns!.returns) !== LEADS || Number(returns!.centres) !== LEADS ? `${returns!.returns} returns for ${returns!.centres} centres stored` : '',
      Number(returns!.versions) !== LEADS ? `${returns!.versions} versions stored` : '',
      Number(returns!.amended) ? `${returns!.amended} amended` : '',
      missing ? `${missing} leads without a confirmation` : '',
      doubled ? `${doubled} leads confirmed twice` : '',
      received !== LEADS ? `${received} "Return received" confirmations` : '',
    ].filter(Boolean);
  } finally {
    watch.stop();
    poster.close();
    await server.stop();
    await fake.close();
  }
  if (!emitJson(figures)) {
    console.log(`Attendance load: ${LEADS} leads at once plus the same deliveries retried, server in a child process, Postgres, node ${process.version}\n`);
    printTable(['figure', 'value', 'unit'], figures.map((f) => [f.name, Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(1), f.unit]), ['l', 'r', 'l']);
  }
  if (failed.length) {
    process.stderr.write(`load-attendance: ${failed.join('; ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`load-attendance failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
