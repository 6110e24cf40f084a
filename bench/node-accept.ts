/**
 * `npx tsx bench/node-accept.ts`: how fast this Node accepts a burst of new TCP connections while its event loop is
 * busy, which bounds the acknowledgements of a cold burst in load-ask (see bench/README.md, Findings).
 *
 * A bare HTTP server on 127.0.0.1 whose loop does `busy` ms of work per turn (0, 5 and 10 ms) gets 200 connections
 * opened at once by a child process; we count accepts per loop turn and the time from the first accept to the last.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emitJson, printTable, type Figure } from './lib/output.js';

const CONNECTIONS = 200;

async function burst(busyMs: number): Promise<{ spreadMs: number; maxPerTurn: number; clientMs: number }> {
  let turn = 0;
  const perTurn = new Map<number, number>();
  const accepted: number[] = [];
  const server = createServer((_req, res) => res.end('ok'));
  server.on('connection', () => {
    perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    accepted.push(performance.now());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let spinning = true;
  const spin = () => {
    if (!spinning) return;
    turn++;
    const t = performance.now();
    while (performance.now() - t < busyMs);
    setImmediate(spin);
  };
  spin();
  const client = `
    const net = require('node:net'); let n = 0; const t0 = performance.now();
    for (let i = 0; i < ${CONNECTIONS}; i++) net.connect(${port}, '127.0.0.1', () => { if (++n === ${CONNECTIONS}) console.log(performance.now() - t0); });
    setTimeout(() => process.exit(n === ${CONNECTIONS} ? 0 : 1), 10000);`;
  const clientMs = await new Promise<number>((resolve, reject) => {
    const c = spawn(process.execPath, ['-e', client], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`client exited ${code}`))));
  });
  // Bounded wait for the server side to catch up (it may still be accepting).
  for (let i = 0; i < 1_000 && accepted.length < CONNECTIONS; i++) await new Promise((r) => setTimeout(r, 10));
  spinning = false;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  if (accepted.length < CONNECTIONS) throw new Error(`only ${accepted.length} of ${CONNECTIONS} connections accepted`);
  return { spreadMs: accepted.at(-1)! - accepted[0]!, maxPerTurn: Math.max(...perTurn.values()), clientMs };
}

const figures: Figure[] = [];
for (const busy of [0, 5, 10]) {
  const r = await burst(busy);
  figures.push(
    { name: `${busy} ms busy per turn: ${CONNECTIONS} accepts spread over`, value: r.spreadMs, unit: 'ms' },
    { name: `${busy} ms busy per turn: most accepts in one turn`, value: r.maxPerTurn, unit: 'count' },
    { name: `${busy} ms busy per turn: client saw all connected after`, value: r.clientMs, unit: 'ms' },
  );
}
if (!emitJson(figures)) {
  console.log(`Accepting a burst of ${CONNECTIONS} connections, node ${process.version} (libuv ${process.versions.uv})\n`);
  printTable(['figure', 'value', 'unit'], figures.map((f) => [f.name, f.value.toFixed(Number.isInteger(f.value) ? 0 : 1), f.unit]), ['l', 'r', 'l']);
}
