import { waitFor } from '../helpers/wait.js';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createSocketConnection } from '../../adapters/slack/socket-connection.js';

/** A stand-in for the Socket Mode client: open() fails `failures` times, then says hello ('connected'). */
function fakeSlack(failures: number) {
  const events = new EventEmitter();
  const log: { level: string; msg: string; wait?: number }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => {
    const r = JSON.parse(line);
    log.push({ level: r.level >= 50 ? 'error' : r.level >= 40 ? 'warn' : 'info', msg: r.msg, wait: r.retryInMs ?? r.reconnectInMs });
  } });
  const state = { opens: 0, closes: 0, failures, hold: null as null | Promise<void> };
  return {
    events,
    log,
    state,
    logger,
    open: async () => {
      state.opens++;
      if (state.hold) await state.hold;
      if (state.failures > 0) {
        state.failures--;
        events.emit('disconnected');
        throw new Error('apps.connections.open: connect ECONNREFUSED');
      }
      events.emit('connected');
    },
    close: async () => {
      state.closes++;
      events.emit('disconnected');
    },
  };
}

const until = (check: () => boolean, what: string, ms = 5_000) => waitFor(check, { what, timeout: ms, every: 5 });

describe('Socket Mode connection loop', () => {
  it('keeps retrying with capped backoff however long Slack is unreachable, then connects', async () => {
    const s = fakeSlack(8);
    const conn = createSocketConnection({ ...s, retryMs: 5, maxRetryMs: 20 });
    await conn.start();
    expect(conn.connected()).toBe(false);
    await until(() => conn.connected(), 'connected');
    expect(s.state.opens).toBe(9);
    const waits = s.log.filter((l) => l.level === 'error').map((l) => l.wait);
    expect(waits).toEqual([5, 10, 20, 20, 20, 20, 20, 20]);
    await conn.stop();
    expect(s.state.closes).toBe(1);
  });

  it('a connection that drops is reported at once and reopened; a stable one reconnects after 1 s', async () => {
    const s = fakeSlack(0);
    const conn = createSocketConnection({ ...s, retryMs: 5, stableMs: 30 });
    await conn.start();
    expect(conn.connected()).toBe(true);
    // Dropped soon after connecting: backoff (5 ms).
    s.events.emit('disconnected');
    expect(conn.connected()).toBe(false);
    await until(() => s.state.opens === 2 && conn.connected(), 'second connection');
    // Lived past stableMs: Slack recycling a connection; reconnect after 1 s, backoff reset.
    await new Promise((r) => setTimeout(r, 40));
    s.events.emit('disconnected');
    expect(s.log.at(-1)).toMatchObject({ level: 'warn', wait: 1_000 });
    await until(() => s.state.opens === 3 && conn.connected(), 'third connection', 3_000);
    await conn.stop();
  });

  it('stop() ends the loop: no attempt after it, and an attempt in flight is closed when it lands', async () => {
    const s = fakeSlack(1);
    const conn = createSocketConnection({ ...s, retryMs: 30 });
    await conn.start();
    await conn.stop();
    await new Promise((r) => setTimeout(r, 80));
    expect(s.state.opens).toBe(1);

    const t = fakeSlack(0);
    let release!: () => void;
    t.state.hold = new Promise<void>((r) => (release = r));
    const conn2 = createSocketConnection({ ...t, retryMs: 5 });
    const started = conn2.start();
    await conn2.stop();
    release();
    await started;
    expect(t.state.closes).toBe(1);
    expect(conn2.connected()).toBe(false);
  });
});
