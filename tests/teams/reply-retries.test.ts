import { describe, expect, it } from 'vitest';
import { replyRetryPolicy } from '../../adapters/teams/reply-retries.js';

type Step = { status: number; headers?: Record<string, string> } | { error: string };

function scripted(steps: Step[]) {
  const seen: string[] = [];
  const next = async (request: { method: string }) => {
    seen.push(request.method);
    const step = steps.shift();
    if (!step) throw new Error('more calls than scripted');
    if ('error' in step) throw Object.assign(new Error(step.error), { code: step.error });
    const headers = new Map(Object.entries(step.headers ?? {}));
    return { status: step.status, headers: { get: (name: string) => headers.get(name) } };
  };
  return { next, seen };
}

const policy = replyRetryPolicy({ baseDelayMs: 1, maxDelayMs: 50 });

describe('replyRetryPolicy', () => {
  it('does not repeat a POST whose connection was cut or that failed with 500', async () => {
    const cut = scripted([{ error: 'ECONNRESET' }, { status: 200 }]);
    await expect(policy.sendRequest({ method: 'POST' }, cut.next)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(cut.seen).toHaveLength(1);

    const failed = scripted([{ status: 500 }, { status: 200 }]);
    expect((await policy.sendRequest({ method: 'POST' }, failed.next)).status).toBe(500);
    expect(failed.seen).toHaveLength(1);
  });

  it('repeats a POST refused before sending or throttled, and gives up after three retries', async () => {
    const refused = scripted([{ error: 'ECONNREFUSED' }, { status: 429 }, { status: 201 }]);
    expect((await policy.sendRequest({ method: 'POST' }, refused.next)).status).toBe(201);
    expect(refused.seen).toHaveLength(3);

    const throttled = scripted([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    expect((await policy.sendRequest({ method: 'POST' }, throttled.next)).status).toBe(503);
    expect(throttled.seen).toHaveLength(4);
  });

  it('hands back a 429 whose Retry-After is longer than the turn will wait', async () => {
    const long = scripted([{ status: 429, headers: { 'retry-after': '120' } }, { status: 200 }]);
    expect((await policy.sendRequest({ method: 'POST' }, long.next)).status).toBe(429);
    expect(long.seen).toHaveLength(1);
  });

  it('repeats reads and updates after a cut connection or a 5xx', async () => {
    const read = scripted([{ error: 'ECONNRESET' }, { status: 502 }, { status: 200 }]);
    expect((await policy.sendRequest({ method: 'GET' }, read.next)).status).toBe(200);
    expect(read.seen).toEqual(['GET', 'GET', 'GET']);

    const update = scripted([{ status: 500 }, { status: 200 }]);
    expect((await policy.sendRequest({ method: 'PUT' }, update.next)).status).toBe(200);
    expect(update.seen).toHaveLength(2);
  });
});
